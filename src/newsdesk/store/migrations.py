"""Ordered schema migrations and the ``schema_version`` table.

``MIGRATIONS[i]`` takes a database from version ``i`` to ``i + 1``. Each step is frozen
SQL: once released it is never edited, because databases in the field were built by it.
Change the schema by appending a step (and updating the Table in the table's module).
The DDL sticks to what SQLite and PostgreSQL both accept, so one list serves both.

Opening a database migrates it forward inside one transaction, under a lock, so two
processes opening the same old store at once do not both migrate it. A database whose
version is newer than ``len(MIGRATIONS)`` is refused: old code must not write to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from newsdesk.errors import StoreError
from newsdesk.store import changes
from newsdesk.store._sql import UTCDateTime, metadata, translate_errors

schema_version = sa.Table(
    "schema_version",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("applied_at", UTCDateTime, nullable=False),
)

_SCHEMA_VERSION_DDL = """
CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY,
    description TEXT NOT NULL,
    applied_at TIMESTAMP NOT NULL
)
"""


@dataclass(frozen=True)
class Migration:
    description: str
    apply: Callable[[Connection], None]


def _sql(*statements: str) -> Callable[[Connection], None]:
    def apply(conn: Connection) -> None:
        for statement in statements:
            conn.exec_driver_sql(statement)

    return apply


_V1_CORE_TABLES = _sql(
    """
    CREATE TABLE feeds (
        key TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        group_name TEXT NOT NULL DEFAULT '',
        source_name TEXT NOT NULL DEFAULT '',
        channel_name TEXT NOT NULL DEFAULT '',
        etag TEXT,
        last_modified TEXT,
        last_success TIMESTAMP,
        last_attempt TIMESTAMP,
        last_status INTEGER,
        last_error TEXT,
        error_streak INTEGER NOT NULL DEFAULT 0,
        disabled BOOLEAN NOT NULL DEFAULT FALSE,
        items INTEGER NOT NULL DEFAULT 0,
        added_at TIMESTAMP NOT NULL
    )
    """,
    """
    CREATE TABLE articles (
        feed_key TEXT NOT NULL REFERENCES feeds (key) ON UPDATE CASCADE ON DELETE CASCADE,
        article_id TEXT NOT NULL,
        group_name TEXT NOT NULL,
        source_name TEXT NOT NULL,
        channel_name TEXT NOT NULL,
        title TEXT NOT NULL,
        link TEXT,
        author TEXT NOT NULL DEFAULT '',
        published TIMESTAMP NOT NULL,
        published_offset_minutes INTEGER NOT NULL DEFAULT 0,
        html TEXT NOT NULL,
        head_image TEXT,
        content_hash TEXT NOT NULL,
        extra TEXT NOT NULL DEFAULT '{}',
        first_seen TIMESTAMP NOT NULL,
        updated_at TIMESTAMP NOT NULL,
        PRIMARY KEY (feed_key, article_id)
    )
    """,
    # Keyset pagination walks (published, feed_key, article_id); the guid-migration guard
    # looks articles up by link within a feed.
    "CREATE INDEX ix_articles_published ON articles (published, feed_key, article_id)",
    "CREATE INDEX ix_articles_feed_link ON articles (feed_key, link)",
    """
    CREATE TABLE tombstones (
        feed_key TEXT NOT NULL,
        article_id TEXT NOT NULL,
        link TEXT,
        removed_at TIMESTAMP NOT NULL,
        PRIMARY KEY (feed_key, article_id)
    )
    """,
    "CREATE INDEX ix_tombstones_feed_link ON tombstones (feed_key, link)",
)

_V2_PUBLISH_STATE = _sql(
    """
    CREATE TABLE publish_state (
        target TEXT NOT NULL,
        feed_key TEXT NOT NULL,
        article_id TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        filename TEXT NOT NULL,
        written_at TIMESTAMP NOT NULL,
        PRIMARY KEY (target, feed_key, article_id),
        FOREIGN KEY (feed_key, article_id) REFERENCES articles (feed_key, article_id)
            ON UPDATE CASCADE ON DELETE CASCADE
    )
    """,
    # The cascades from articles look rows up by article, not by target first.
    "CREATE INDEX ix_publish_state_article ON publish_state (feed_key, article_id)",
    # Retention ranks articles per channel, newest first.
    "CREATE INDEX ix_articles_channel "
    "ON articles (group_name, source_name, channel_name, published)",
)

# The hash of each item as fetched, so an unchanged item is not cleaned again (NULL for
# articles stored before: those are cleaned once more, then remembered).
_RAW_HASH = _sql("ALTER TABLE articles ADD COLUMN raw_hash TEXT")

# What the last parse said of the feed's rhythm (JSON), the last Retry-After, and the last
# parse's warnings: `watch` and the queue's workers both plan polls from the store.
_FEED_SCHEDULE = _sql(
    "ALTER TABLE feeds ADD COLUMN hints TEXT",
    "ALTER TABLE feeds ADD COLUMN retry_after FLOAT",
    "ALTER TABLE feeds ADD COLUMN note TEXT",
)

MIGRATIONS: list[Migration] = [
    Migration("feeds, articles, tombstones", _V1_CORE_TABLES),
    Migration("publish_state; per-channel retention index", _V2_PUBLISH_STATE),
    Migration("articles.raw_hash: unchanged items are not cleaned again", _RAW_HASH),
    Migration("feed schedule hints, Retry-After and parse notes", _FEED_SCHEDULE),
    Migration(
        "article change sequence, removal log, publish cursors; filename and hash indexes",
        changes.add_change_feed,
    ),
]

CURRENT_VERSION = len(MIGRATIONS)


def current_version(conn: Connection) -> int:
    """The database's schema version: 0 for an empty database."""
    if not sa.inspect(conn).has_table("schema_version"):
        return 0
    return int(conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0)


def _lock_for_migration(conn: Connection) -> None:
    # SQLite: the write transaction (BEGIN IMMEDIATE) already serializes migrators.
    # PostgreSQL: DDL does not block a concurrent CREATE TABLE IF NOT EXISTS, so take a
    # transaction-scoped advisory lock first ("newsdesk migrate" as two int4 keys).
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(1852143475, 1835626081)"))


def migrate(conn: Connection, display: str, migrations: list[Migration] | None = None) -> int:
    """Bring the database on ``conn`` (inside a write transaction) up to date.

    Returns the version it is at afterwards. Raises StoreError for a newer database.
    """
    steps = MIGRATIONS if migrations is None else migrations
    _lock_for_migration(conn)
    conn.exec_driver_sql(_SCHEMA_VERSION_DDL)
    version = current_version(conn)
    if version > len(steps):
        raise StoreError(
            f"database {display} has schema version {version}, but this newsdesk only "
            f"knows versions up to {len(steps)}; upgrade newsdesk to open it"
        )
    for number, step in enumerate(steps[version:], start=version + 1):
        with translate_errors(
            f"cannot migrate database {display} to schema version {number} ({step.description})"
        ):
            step.apply(conn)
            conn.execute(
                sa.insert(schema_version).values(
                    version=number, description=step.description, applied_at=datetime.now(UTC)
                )
            )
    return max(version, len(steps))
