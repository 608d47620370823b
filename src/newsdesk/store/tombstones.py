"""The ``tombstones`` table: articles removed by retention, which must never come back."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from newsdesk.store import _sql
from newsdesk.store._sql import UTCDateTime, chunks, metadata, upsert

tombstones = sa.Table(
    "tombstones",
    metadata,
    sa.Column("feed_key", sa.Text, primary_key=True),
    sa.Column("article_id", sa.Text, primary_key=True),
    # Kept so that a feed that changes its guids cannot bring a pruned article back.
    sa.Column("link", sa.Text),
    sa.Column("removed_at", UTCDateTime, nullable=False),
)


def dead_ids(conn: Connection, feed_key: str, ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for part in chunks(ids):
        rows = conn.execute(
            sa.select(tombstones.c.article_id).where(
                tombstones.c.feed_key == feed_key, tombstones.c.article_id.in_(part)
            )
        )
        found.update(rows.scalars())
    return found


def ids_by_link(conn: Connection, feed_key: str, links: Iterable[str]) -> dict[str, list[str]]:
    return _sql.ids_matching(conn, tombstones, feed_key, "link", links)


def has_any(conn: Connection, feed_key: str) -> bool:
    return _sql.has_any(conn, tombstones, feed_key)


def bury(conn: Connection, items: Sequence[tuple[str, str, str | None]], now: datetime) -> None:
    """Tombstone (feed_key, article_id, link) triples; an existing tombstone is kept."""
    rows = [
        {"feed_key": fk, "article_id": aid, "link": link, "removed_at": now}
        for fk, aid, link in items
    ]
    for part in chunks(rows):
        conn.execute(upsert(conn, tombstones).on_conflict_do_nothing(), part)
