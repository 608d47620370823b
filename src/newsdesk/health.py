"""Each configured feed's health, as ``newsdesk status`` and ``newsdesk feeds list`` show it."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import TypedDict

from newsdesk.config import Config
from newsdesk.models import FeedState

__all__ = ["FeedHealthRow", "feed_health", "short_time"]


class FeedHealthRow(TypedDict):
    """One feed (a JSON object with --json). ``paused_by``: why it is not polled."""

    path: str
    url: str
    key: str
    group: str
    source: str
    channel: str
    last_success: str | None
    last_attempt: str | None
    last_error: str | None
    note: str | None  # the last parse's warnings, e.g. why the feed had no entries
    error_streak: int
    items: int
    paused: bool
    paused_by: str | None  # "config" | "failures" | "gone" (HTTP 410) | None
    next_poll: str | None


def feed_health(
    config: Config, states: Mapping[str, FeedState], *, now: datetime | None = None
) -> list[FeedHealthRow]:
    """Every feed in the config (paused ones too), in config order, with its stored state."""
    from newsdesk.schedule import first_due
    from newsdesk.watch import policy_from_config, poll_state

    policy = replace(policy_from_config(config), jitter=0.0)
    when = now or datetime.now(UTC)
    in_config = set(config.paused)
    rows: list[FeedHealthRow] = []
    for s in config.all_feeds:
        st = states.get(s.key)
        poll = poll_state(s.key, st, policy)
        paused_by = (
            "config"
            if s in in_config
            else "gone"
            if st is not None and st.disabled
            else "failures"
            if poll.paused
            else None
        )
        # Without jitter: the time `newsdesk watch` aims for, give or take 10%.
        next_poll = (
            None
            if paused_by
            else first_due(
                poll,
                last_attempt=st.last_attempt if st else None,
                now=when,
                policy=policy,
                rng=random.Random(),
            ).replace(microsecond=0)
        )
        rows.append(
            {
                "path": f"{s.group}/{s.source}/{s.channel}",
                "url": s.url,
                "key": s.key,
                "group": s.group,
                "source": s.source,
                "channel": s.channel,
                "last_success": st.last_success.isoformat() if st and st.last_success else None,
                "last_attempt": st.last_attempt.isoformat() if st and st.last_attempt else None,
                "last_error": st.last_error if st else None,
                "note": st.note if st else None,
                "error_streak": st.error_streak if st else 0,
                "items": st.items if st else 0,
                "paused": paused_by is not None,
                "paused_by": paused_by,
                "next_poll": next_poll.isoformat() if next_poll else None,
            }
        )
    return rows


def short_time(iso: str | None) -> str:
    """ISO timestamp → '2026-11-26 06:02 UTC' for tables (JSON keeps the full value)."""
    if not iso:
        return ""
    return datetime.fromisoformat(iso).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
