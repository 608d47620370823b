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


def ids_by_link(conn: Connection, feed_key: str, links: Iterable[str]) -> dict[str, list[str]]:
    return _sql.ids_matching(conn, tombstones, feed_key, "link", links)


def bury(conn: Connection, items: Sequence[tuple[str, str, str | None]], now: datetime) -> None:
    """Tombstone (feed_key, article_id, link) triples; an existing tombstone is kept."""
    rows = [
        {"feed_key": fk, "article_id": aid, "link": link, "removed_at": now}
        for fk, aid, link in items
    ]
    for part in chunks(rows):
        conn.execute(upsert(conn, tombstones).on_conflict_do_nothing(), part)
