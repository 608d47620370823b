"""save_articles: the upsert behind ``Store.save_feed``, with the guid-migration guard."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from newsdesk.hashing import article_content_hash
from newsdesk.models import Article
from newsdesk.store import articles as articles_table
from newsdesk.store import changes, tombstones
from newsdesk.store._sql import chunks
from newsdesk.store.article_rows import to_row

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SaveReport:
    """What one ``save_feed`` did with the feed's items."""

    new: int = 0
    updated: int = 0  # stored before, content_hash changed
    unchanged: int = 0
    skipped: int = 0  # tombstoned, or a repeated id within the batch
    remapped: int = 0  # items recognised as stored articles under a new id (site migration)
    new_ids: tuple[str, ...] = ()
    updated_ids: tuple[str, ...] = ()
    remapped_ids: tuple[tuple[str, str], ...] = ()  # (old id, new id)


@dataclass(frozen=True)
class _Migration:
    renames: dict[str, str]  # new id -> stored id
    buried: dict[str, str | None]  # new id -> link, for items matching a tombstone


def save_articles(
    conn: Connection, feed_key: str, items: Sequence[Article], now: datetime, *, unchanged: int = 0
) -> SaveReport:
    """Upsert a feed's items inside the caller's transaction. ``unchanged``: more items of
    the feed, left out by the caller because they are stored unchanged."""
    unique: dict[str, Article] = {}
    repeats = 0
    for item in items:
        if item.feed_key != feed_key:
            raise ValueError(
                f"article {item.article_id!r} belongs to feed {item.feed_key!r}, not {feed_key!r}"
            )
        if item.article_id in unique:
            repeats += 1  # the first occurrence in the feed wins, as a reader would see it
        else:
            unique[item.article_id] = item
    known = _lookup(conn, feed_key, list(unique))
    stored, dead = known.stored, known.dead

    migration = _Migration({}, {})
    if unique and not stored and not dead and not unchanged and known.has_history:
        migration = _detect_guid_migration(conn, feed_key, list(unique.values()))
    for new_id, old_id in migration.renames.items():
        articles_table.rename(conn, feed_key, old_id, new_id)
    if migration.renames:
        stored.update(_lookup(conn, feed_key, list(migration.renames)).stored)
    if migration.buried:
        tombstones.bury(conn, [(feed_key, i, link) for i, link in migration.buried.items()], now)
        dead.update(migration.buried)
    if migration.renames or migration.buried:
        log.warning(
            "feed changed its article ids; matched them to stored articles",
            extra={
                "feed": feed_key,
                "remapped": len(migration.renames),
                "tombstoned": len(migration.buried),
            },
        )

    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    raw_only: list[tuple[str, str]] = []  # same content, but fetched in another form
    for article_id, item in unique.items():
        if article_id in dead:
            continue
        old = stored.get(article_id)
        if old is None:
            inserts.append(to_row(item, now))
        elif old[0] != article_content_hash(item):
            updates.append(to_row(item, now))
        else:
            unchanged += 1
            if item.raw_hash and item.raw_hash != old[1]:
                raw_only.append((article_id, item.raw_hash))
    if inserts or updates:
        # One counter update for the feed, where the triggers would update the counter
        # row once an article (SQLite: two statements a row, a sixth of saving a feed).
        first = changes.take_numbers(conn, len(inserts) + len(updates))
        for number, row in enumerate((*inserts, *updates), start=first):
            row["seq"] = number
    articles_table.insert_many(conn, inserts)
    articles_table.update_many(conn, updates)
    articles_table.set_raw_hashes(conn, feed_key, raw_only)
    return SaveReport(
        new=len(inserts),
        updated=len(updates),
        unchanged=unchanged,
        skipped=repeats + sum(1 for i in unique if i in dead),
        remapped=len(migration.renames),
        new_ids=tuple(row["article_id"] for row in inserts),
        updated_ids=tuple(row["article_id"] for row in updates),
        remapped_ids=tuple((old, new) for new, old in migration.renames.items()),
    )


@dataclass(frozen=True)
class _Known:
    stored: dict[str, tuple[str, str | None]]  # id -> (content_hash, raw_hash)
    dead: set[str]  # tombstoned ids
    has_history: bool  # the feed has stored or tombstoned anything at all


def _lookup_statement() -> sa.CompoundSelect[Any]:
    """What the store knows of some ids of one feed, in one round trip: stored hashes,
    tombstones, and whether the feed has any history (else no guid migration to look for)."""
    a, t = articles_table.articles, tombstones.tombstones
    feed: sa.BindParameter[str] = sa.bindparam("feed_key")
    ids: sa.BindParameter[list[str]] = sa.bindparam("ids", expanding=True)
    stored = sa.select(a.c.article_id, a.c.content_hash, a.c.raw_hash, sa.literal(0)).where(
        a.c.feed_key == feed, a.c.article_id.in_(ids)
    )
    buried = sa.select(t.c.article_id, sa.null(), sa.null(), sa.literal(1)).where(
        t.c.feed_key == feed, t.c.article_id.in_(ids)
    )
    history = sa.select(sa.null(), sa.null(), sa.null(), sa.literal(2)).where(
        sa.or_(sa.exists().where(a.c.feed_key == feed), sa.exists().where(t.c.feed_key == feed))
    )
    return sa.union_all(stored, buried, history)


_LOOKUP = _lookup_statement()


def _lookup(conn: Connection, feed_key: str, ids: list[str]) -> _Known:
    stored: dict[str, tuple[str, str | None]] = {}
    dead: set[str] = set()
    has_history = False
    for part in chunks(ids) if ids else [[]]:
        for row in conn.execute(_LOOKUP, {"feed_key": feed_key, "ids": part}):
            if row[3] == 0:
                stored[row[0]] = (row[1], row[2])
            elif row[3] == 1:
                dead.add(row[0])
            else:
                has_history = True
    return _Known(stored, dead, has_history)


def _detect_guid_migration(conn: Connection, feed_key: str, items: list[Article]) -> _Migration:
    """Match items whose ids are all unknown to stored articles of a feed that has some,
    if every one matches.

    A site that moves to new guids re-sends its whole feed under ids we never saw; without
    this every item would be saved again as a duplicate. Only when ALL items match, one to
    one, by link (else content hash) do we call it a migration: a feed that merely has new
    articles always has at least one item that matches nothing.
    """
    none = _Migration({}, {})
    links = [i.link for i in items if i.link]
    by_link = articles_table.ids_matching(conn, feed_key, "link", links)
    by_hash = articles_table.ids_matching(
        conn, feed_key, "content_hash", [article_content_hash(i) for i in items]
    )
    dead_by_link = tombstones.ids_by_link(conn, feed_key, links)
    renames: dict[str, str] = {}
    buried: dict[str, str | None] = {}
    for item in items:
        # A link shared by several articles (a feed that links every item to its home
        # page) identifies nothing, so it falls through to the hash.
        link_ids = by_link.get(item.link, []) if item.link else []
        hash_ids = by_hash.get(article_content_hash(item), [])
        dead_ids = dead_by_link.get(item.link, []) if item.link else []
        if len(link_ids) == 1:
            renames[item.article_id] = link_ids[0]
        elif len(hash_ids) == 1:
            renames[item.article_id] = hash_ids[0]
        elif not link_ids and len(dead_ids) == 1:
            buried[item.article_id] = item.link
        else:
            return none
    if len(set(renames.values())) != len(renames):
        return none  # two items claim one stored article: not a clean migration
    return _Migration(renames, buried)
