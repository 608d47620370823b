"""The ``publish_state`` table: which version of each article a target has written.

A row says "target T wrote article A, at content hash H, to file F". An article is
pending for T while it has no row or its row's hash differs from the article's current
hash, so a publish that crashed half-way simply resumes with what is still pending.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from newsdesk.store import changes
from newsdesk.store._sql import UTCDateTime, by_feed, chunks, metadata, upsert
from newsdesk.store.articles import articles

publish_state = sa.Table(
    "publish_state",
    metadata,
    sa.Column("target", sa.Text, primary_key=True),
    sa.Column("feed_key", sa.Text, primary_key=True),
    sa.Column("article_id", sa.Text, primary_key=True),
    sa.Column("content_hash", sa.Text, nullable=False),
    sa.Column("filename", sa.Text, nullable=False),
    sa.Column("written_at", UTCDateTime, nullable=False),
    sa.ForeignKeyConstraint(
        ["feed_key", "article_id"], ["articles.feed_key", "articles.article_id"]
    ),
)

# (feed_key, article_id, content_hash, filename), as the publisher reports a written post.
Written = tuple[str, str, str, str]


def pending_join(target: str) -> tuple[sa.FromClause, sa.ColumnElement[bool]]:
    """FROM clause and WHERE condition selecting the articles ``target`` still has to write."""
    joined = articles.outerjoin(
        publish_state,
        sa.and_(
            publish_state.c.target == target,
            publish_state.c.feed_key == articles.c.feed_key,
            publish_state.c.article_id == articles.c.article_id,
        ),
    )
    stale = sa.or_(
        publish_state.c.content_hash.is_(None),
        publish_state.c.content_hash != articles.c.content_hash,
    )
    return joined, stale


def mark(conn: Connection, target: str, items: Sequence[Written], now: datetime) -> None:
    changes.set_publish_cursor(conn, target, None)  # the target is known from now on
    rows = [
        {
            "target": target,
            "feed_key": fk,
            "article_id": aid,
            "content_hash": digest,
            "filename": filename,
            "written_at": now,
        }
        for fk, aid, digest, filename in items
    ]
    for part in chunks(rows):
        statement = upsert(conn, publish_state)
        statement = statement.on_conflict_do_update(
            index_elements=[
                publish_state.c.target,
                publish_state.c.feed_key,
                publish_state.c.article_id,
            ],
            set_={
                "content_hash": statement.excluded.content_hash,
                "filename": statement.excluded.filename,
                "written_at": statement.excluded.written_at,
            },
        )
        conn.execute(statement, part)


def written_files(conn: Connection, target: str) -> dict[tuple[str, str], str]:
    rows = conn.execute(
        sa.select(
            publish_state.c.feed_key, publish_state.c.article_id, publish_state.c.filename
        ).where(publish_state.c.target == target)
    )
    return {(row.feed_key, row.article_id): row.filename for row in rows}


def files_of(
    conn: Connection, keys: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], dict[str, str]]:
    """For each (feed_key, article_id): {target: filename} of every target that wrote it."""
    found: dict[tuple[str, str], dict[str, str]] = {}
    for feed_key, ids in by_feed(keys):
        rows = conn.execute(
            sa.select(
                publish_state.c.feed_key,
                publish_state.c.article_id,
                publish_state.c.target,
                publish_state.c.filename,
            ).where(publish_state.c.feed_key == feed_key, publish_state.c.article_id.in_(ids))
        )
        for row in rows:
            found.setdefault((row.feed_key, row.article_id), {})[row.target] = row.filename
    return found


def forget_target(conn: Connection, target: str) -> int:
    result = conn.execute(sa.delete(publish_state).where(publish_state.c.target == target))
    return int(result.rowcount)


def mark_stale(conn: Connection, *, feed_key: str | None = None, target: str | None = None) -> None:
    """Make the posts of a feed (or of a target) pending again, keeping their file names."""
    column, value = (
        (publish_state.c.feed_key, feed_key)
        if feed_key is not None
        else (publish_state.c.target, target)
    )
    conn.execute(sa.update(publish_state).where(column == value).values(content_hash=""))


def names_of(
    conn: Connection, targets: Sequence[str], keys: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], str]:
    rank = {t: i for i, t in enumerate(targets)}
    best: dict[tuple[str, str], tuple[int, str]] = {}
    for feed_key, ids in by_feed(keys, 250):
        rows = conn.execute(
            sa.select(
                publish_state.c.target,
                publish_state.c.feed_key,
                publish_state.c.article_id,
                publish_state.c.filename,
            ).where(
                publish_state.c.feed_key == feed_key,
                publish_state.c.article_id.in_(ids),
                publish_state.c.target.in_(list(targets)),
            )
        )
        for row in rows:  # indexed, not unpacked: mypy types unpacked Row items as object
            key, order = (str(row[1]), str(row[2])), rank[str(row[0])]
            if key not in best or best[key][0] < order:
                best[key] = (order, str(row[3]))
    return {key: name for key, (_, name) in best.items()}


def owners_of(
    conn: Connection, targets: Sequence[str], names: Sequence[str]
) -> dict[str, tuple[str, str]]:
    found: dict[str, tuple[str, str]] = {}
    wanted = set(targets)
    for part in chunks(sorted(set(names))):
        # By file name alone: with the targets in the query too, SQLite (without ANALYZE
        # statistics) walks the primary key's target prefix, every post of the target.
        rows = conn.execute(
            sa.select(
                publish_state.c.filename,
                publish_state.c.feed_key,
                publish_state.c.article_id,
                publish_state.c.target,
            ).where(publish_state.c.filename.in_(part))
        )
        for row in rows:
            if row[3] in wanted:
                found[str(row[0])] = (str(row[1]), str(row[2]))
    return found
