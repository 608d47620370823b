"""save_articles: the upsert behind ``Store.save_feed``, with the guid-migration guard."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from newsdesk.models import Article
from newsdesk.store import articles as articles_table
from newsdesk.store import tombstones
from newsdesk.store.articles import content_hash

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
    conn: Connection, feed_key: str, items: Sequence[Article], now: datetime
) -> SaveReport:
    """Upsert a feed's items inside the caller's transaction."""
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
    ids = list(unique)
    stored = articles_table.hashes(conn, feed_key, ids)
    dead = tombstones.dead_ids(conn, feed_key, ids)

    migration = _Migration({}, {})
    if unique and not stored and not dead:
        migration = _detect_guid_migration(conn, feed_key, list(unique.values()))
    for new_id, old_id in migration.renames.items():
        articles_table.rename(conn, feed_key, old_id, new_id)
    stored.update(articles_table.hashes(conn, feed_key, list(migration.renames)))
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
    unchanged = 0
    for article_id, item in unique.items():
        if article_id in dead:
            continue
        old_hash = stored.get(article_id)
        if old_hash is None:
            inserts.append(articles_table.to_row(item, now))
        elif old_hash != content_hash(item):
            updates.append(articles_table.to_row(item, now))
        else:
            unchanged += 1
    articles_table.insert_many(conn, inserts)
    articles_table.update_many(conn, updates)
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


def _detect_guid_migration(conn: Connection, feed_key: str, items: list[Article]) -> _Migration:
    """Match items whose ids are all unknown to stored articles, if every one matches.

    A site that moves to new guids re-sends its whole feed under ids we never saw; without
    this every item would be saved again as a duplicate. Only when ALL items match, one to
    one, by link (else content hash) do we call it a migration: a feed that merely has new
    articles always has at least one item that matches nothing.
    """
    none = _Migration({}, {})
    if not articles_table.has_any(conn, feed_key) and not tombstones.has_any(conn, feed_key):
        return none  # a feed seen for the first time
    links = [i.link for i in items if i.link]
    by_link = articles_table.ids_matching(conn, feed_key, "link", links)
    by_hash = articles_table.ids_matching(
        conn, feed_key, "content_hash", [content_hash(i) for i in items]
    )
    dead_by_link = tombstones.ids_by_link(conn, feed_key, links)
    renames: dict[str, str] = {}
    buried: dict[str, str | None] = {}
    for item in items:
        # A link shared by several articles (a feed that links every item to its home
        # page) identifies nothing, so it falls through to the hash.
        link_ids = by_link.get(item.link, []) if item.link else []
        hash_ids = by_hash.get(content_hash(item), [])
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
