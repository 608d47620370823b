"""The ``feeds`` table: one row per configured feed and its fetch bookkeeping."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from newsdesk.errors import StoreError
from newsdesk.models import FeedHints, FeedState
from newsdesk.store._sql import UTCDateTime, metadata

feeds = sa.Table(
    "feeds",
    metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("group_name", sa.Text, nullable=False),
    sa.Column("source_name", sa.Text, nullable=False),
    sa.Column("channel_name", sa.Text, nullable=False),
    sa.Column("etag", sa.Text),
    sa.Column("last_modified", sa.Text),
    sa.Column("last_success", UTCDateTime),
    sa.Column("last_attempt", UTCDateTime),
    sa.Column("last_status", sa.Integer),
    sa.Column("last_error", sa.Text),
    sa.Column("error_streak", sa.Integer, nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False),
    sa.Column("items", sa.Integer, nullable=False),
    sa.Column("added_at", UTCDateTime, nullable=False),
    sa.Column("hints", sa.Text),  # FeedHints as JSON (hints_to_json)
    sa.Column("retry_after", sa.Float),
    sa.Column("note", sa.Text),
)

# (key, url, group, source, channel), as the config describes a feed.
SourceTuple = tuple[str, str, str, str, str]

_STATE_COLUMNS = (
    feeds.c.key,
    feeds.c.etag,
    feeds.c.last_modified,
    feeds.c.last_success,
    feeds.c.last_attempt,
    feeds.c.last_status,
    feeds.c.last_error,
    feeds.c.error_streak,
    feeds.c.disabled,
    feeds.c["items"],  # not .items: that is ColumnCollection.items()
    feeds.c.hints,
    feeds.c.retry_after,
    feeds.c.note,
)
_NOTE_CHARS = 500  # a note is for a status line, not a log


def _state(row: Row[*tuple[Any, ...]]) -> FeedState:
    return FeedState(
        key=row.key,
        etag=row.etag,
        last_modified=row.last_modified,
        last_success=row.last_success,
        last_attempt=row.last_attempt,
        last_status=row.last_status,
        last_error=row.last_error,
        error_streak=row.error_streak,
        disabled=bool(row.disabled),
        items=row._mapping["items"],
        hints=hints_from_json(row.hints),
        retry_after=row.retry_after,
        note=row.note,
    )


def hints_to_json(hints: FeedHints | None) -> str | None:
    if hints is None or hints == FeedHints():
        return None
    return json.dumps(
        {
            "ttl": hints.ttl_minutes,
            "period": hints.update_period,
            "frequency": hints.update_frequency,
            "skip_hours": sorted(hints.skip_hours),
            "skip_days": sorted(hints.skip_days),
        },
        ensure_ascii=False,
    )


def hints_from_json(text: str | None) -> FeedHints | None:
    """The stored hints; None when there are none or the text is not ours (never raises)."""
    if not text:
        return None
    try:
        raw = json.loads(text)
        return FeedHints(
            ttl_minutes=raw.get("ttl"),
            update_period=raw.get("period"),
            update_frequency=raw.get("frequency"),
            skip_hours=frozenset(int(h) for h in raw.get("skip_hours") or ()),
            skip_days=frozenset(str(d) for d in raw.get("skip_days") or ()),
        )
    except (ValueError, TypeError, AttributeError):
        return None


def get_state(conn: Connection, key: str) -> FeedState | None:
    row = conn.execute(sa.select(*_STATE_COLUMNS).where(feeds.c.key == key)).first()
    return _state(row) if row is not None else None


def all_states(conn: Connection) -> dict[str, FeedState]:
    rows = conn.execute(sa.select(*_STATE_COLUMNS).order_by(feeds.c.key))
    return {row.key: _state(row) for row in rows}


def require_state(conn: Connection, key: str) -> FeedState:
    state = get_state(conn, key)
    if state is None:
        raise _unknown(key)
    return state


def _unknown(key: str) -> StoreError:
    return StoreError(f"unknown feed {key!r}: register it with sync_feeds first")


def sync(
    conn: Connection, sources: Iterable[SourceTuple], now: datetime
) -> tuple[list[str], list[str]]:
    """Insert new feeds, refresh url and names of known ones.

    Returns (added keys, keys whose group/source/channel names changed). Feeds missing
    from ``sources`` are left alone: their articles stay until retention removes them.
    """
    known = {
        row.key: row
        for row in conn.execute(
            sa.select(
                feeds.c.key,
                feeds.c.url,
                feeds.c.group_name,
                feeds.c.source_name,
                feeds.c.channel_name,
            )
        )
    }
    added: list[str] = []
    renamed: list[str] = []
    seen: set[str] = set()
    for key, url, group, source, channel in sources:
        if key in seen:
            continue
        seen.add(key)
        names = {"group_name": group, "source_name": source, "channel_name": channel}
        old = known.get(key)
        if old is None:
            conn.execute(
                sa.insert(feeds).values(
                    key=key,
                    url=url,
                    **names,
                    error_streak=0,
                    disabled=False,
                    items=0,
                    added_at=now,
                )
            )
            added.append(key)
        elif (old.url, old.group_name, old.source_name, old.channel_name) != (
            url,
            group,
            source,
            channel,
        ):
            conn.execute(sa.update(feeds).where(feeds.c.key == key).values(url=url, **names))
            if (old.group_name, old.source_name, old.channel_name) != (group, source, channel):
                renamed.append(key)
    return added, renamed


def names(conn: Connection, key: str) -> tuple[str, str, str]:
    row = conn.execute(
        sa.select(feeds.c.group_name, feeds.c.source_name, feeds.c.channel_name).where(
            feeds.c.key == key
        )
    ).one()
    return row.group_name, row.source_name, row.channel_name


def _update(conn: Connection, key: str, **values: Any) -> FeedState:
    require_state(conn, key)
    conn.execute(sa.update(feeds).where(feeds.c.key == key).values(**values))
    state = get_state(conn, key)
    assert state is not None
    return state


def record_failure(
    conn: Connection,
    key: str,
    *,
    status: int | None,
    error: str,
    now: datetime,
    retry_after: float | None = None,
) -> FeedState:
    values: dict[str, Any] = {
        "last_attempt": now,
        "last_status": status,
        "last_error": error,
        "error_streak": feeds.c.error_streak + 1,
        "retry_after": retry_after,
    }
    if status == 410:
        # 410 Gone: the publisher removed the feed; stop asking until a human resumes it.
        values["disabled"] = True
    return _update(conn, key, **values)


def record_not_modified(
    conn: Connection, key: str, *, now: datetime, validators: dict[str, str] | None = None
) -> FeedState:
    return _update(
        conn,
        key,
        last_attempt=now,
        last_success=now,
        last_status=304,
        last_error=None,
        error_streak=0,
        retry_after=None,
        **(validators or {}),
    )


_RECORD_SUCCESS = (
    sa.update(feeds)
    .where(feeds.c.key == sa.bindparam("b_key"))
    .values(
        {
            **{
                name: sa.bindparam(f"b_{name}")
                for name in ("etag", "last_modified", "last_status", "items")
            },
            "last_attempt": sa.bindparam("b_now"),
            "last_success": sa.bindparam("b_now"),
            "last_error": None,
            "error_streak": 0,
            "retry_after": None,
            "hints": sa.bindparam("b_hints"),
            "note": sa.bindparam("b_note"),
        }
    )
)


def record_success(
    conn: Connection,
    key: str,
    *,
    etag: str | None,
    last_modified: str | None,
    status: int,
    items: int,
    now: datetime,
    hints: FeedHints | None = None,
    note: str | None = None,
) -> None:
    """One statement (it runs for every fetched feed); StoreError for an unknown feed."""
    result = conn.execute(
        _RECORD_SUCCESS,
        {
            "b_key": key,
            "b_etag": etag,
            "b_last_modified": last_modified,
            "b_last_status": status,
            "b_items": items,
            "b_now": now,
            "b_hints": hints_to_json(hints),
            "b_note": note[:_NOTE_CHARS] if note else None,
        },
    )
    if result.rowcount == 0:
        raise _unknown(key)


def enable(conn: Connection, key: str) -> FeedState:
    return _update(conn, key, disabled=False, error_streak=0)
