"""Commands about what the store holds: status, prune."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TypedDict

import click
from rich.table import Table

from newsdesk.cli.common import config_option, fail, load, open_store, out

__all__ = ["prune", "status"]


class _StatusRow(TypedDict):
    """One feed in `newsdesk status` (a JSON object with --json)."""

    url: str
    key: str
    group: str
    source: str
    channel: str
    last_success: str | None
    last_attempt: str | None
    last_error: str | None
    error_streak: int
    items: int
    paused: bool
    next_poll: str | None


@click.command()
@config_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """Show every feed's health: last success, last error, error streak, items."""
    import random

    from newsdesk.schedule import first_due
    from newsdesk.watch import policy_from_config, poll_state

    config = load(ctx)
    with open_store(config) as store:
        states = store.feed_states()
    from dataclasses import replace

    policy = replace(policy_from_config(config), jitter=0.0)
    now = datetime.now(UTC)
    rows: list[_StatusRow] = []
    for s in config.sources:
        st = states.get(s.key)
        poll = poll_state(s.key, st, policy)
        paused = poll.paused
        # Without jitter: the time `newsdesk watch` aims for, give or take 10%.
        next_poll = (
            None
            if paused
            else first_due(
                poll,
                last_attempt=st.last_attempt if st else None,
                now=now,
                policy=policy,
                rng=random.Random(),
            ).replace(microsecond=0)
        )
        rows.append(
            {
                "url": s.url,
                "key": s.key,
                "group": s.group,
                "source": s.source,
                "channel": s.channel,
                "last_success": st.last_success.isoformat() if st and st.last_success else None,
                "last_attempt": st.last_attempt.isoformat() if st and st.last_attempt else None,
                "last_error": st.last_error if st else None,
                "error_streak": st.error_streak if st else 0,
                "items": st.items if st else 0,
                "paused": paused,
                "next_poll": next_poll.isoformat() if next_poll else None,
            }
        )
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{len(rows)} feeds", title_justify="left")
    for col in ("feed", "last success", "last error", "streak", "items", "next poll"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(
            f"{r['group']} › {r['source']} › {r['channel']}",
            _short_time(r["last_success"]) or "never",
            r["last_error"] or "",
            str(r["error_streak"]),
            str(r["items"]),
            "paused" if r["paused"] else _short_time(r["next_poll"]),
        )
    out.print(table)
    from newsdesk.cli.queue_view import show_queue

    show_queue(config)


def _short_time(iso: str | None) -> str:
    """ISO timestamp → '2026-11-26 06:02 UTC' for tables (JSON keeps the full value)."""
    if not iso:
        return ""
    return datetime.fromisoformat(iso).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


@click.command()
@config_option
@click.pass_context
def prune(ctx: click.Context) -> None:
    """Remove posts older than `keep_days` or beyond `keep_per_channel`.

    Pruned articles leave a tombstone, so they are not re-added on the next fetch.
    """
    from newsdesk import pipeline

    config = load(ctx)
    if config.keep_days is None and config.keep_per_channel is None:
        fail("set keep_days and/or keep_per_channel in the config to prune")
    with open_store(config, lock=True) as store:
        removed = store.prune(
            keep_days=config.keep_days,
            keep_per_channel=config.keep_per_channel,
            now=datetime.now(UTC),
        )
        files = [(t, name) for _fk, _aid, by_target in removed for t, name in by_target.items()]
        deleted = pipeline.remove_published(config, files)
    out.print(f"pruned {len(removed)} article(s), deleted {deleted} file(s)")
