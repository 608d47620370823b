"""Schema versions: from empty, from the previous version, and refusing newer ones."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from newsdesk.errors import StoreError
from newsdesk.store import CURRENT_VERSION, open_store
from newsdesk.store._sql import metadata
from newsdesk.store.migrations import MIGRATIONS, migrate
from tests.store.conftest import FEED, NOW, make_article, save

# Version 1 exactly as the first release created it: the "old database" these tests
# migrate. Deliberately a copy, not an import, so that editing the frozen step is caught.
V1_SCHEMA = [
    "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL,"
    " applied_at TIMESTAMP NOT NULL)",
    "CREATE TABLE feeds (key TEXT PRIMARY KEY, url TEXT NOT NULL,"
    " group_name TEXT NOT NULL DEFAULT '', source_name TEXT NOT NULL DEFAULT '',"
    " channel_name TEXT NOT NULL DEFAULT '', etag TEXT, last_modified TEXT,"
    " last_success TIMESTAMP, last_attempt TIMESTAMP, last_status INTEGER, last_error TEXT,"
    " error_streak INTEGER NOT NULL DEFAULT 0, disabled BOOLEAN NOT NULL DEFAULT FALSE,"
    " items INTEGER NOT NULL DEFAULT 0, added_at TIMESTAMP NOT NULL)",
    "CREATE TABLE articles (feed_key TEXT NOT NULL REFERENCES feeds (key)"
    " ON UPDATE CASCADE ON DELETE CASCADE, article_id TEXT NOT NULL,"
    " group_name TEXT NOT NULL, source_name TEXT NOT NULL, channel_name TEXT NOT NULL,"
    " title TEXT NOT NULL, link TEXT, author TEXT NOT NULL DEFAULT '',"
    " published TIMESTAMP NOT NULL, published_offset_minutes INTEGER NOT NULL DEFAULT 0,"
    " html TEXT NOT NULL, head_image TEXT, content_hash TEXT NOT NULL,"
    " extra TEXT NOT NULL DEFAULT '{}', first_seen TIMESTAMP NOT NULL,"
    " updated_at TIMESTAMP NOT NULL, PRIMARY KEY (feed_key, article_id))",
    "CREATE INDEX ix_articles_published ON articles (published, feed_key, article_id)",
    "CREATE INDEX ix_articles_feed_link ON articles (feed_key, link)",
    "CREATE TABLE tombstones (feed_key TEXT NOT NULL, article_id TEXT NOT NULL, link TEXT,"
    " removed_at TIMESTAMP NOT NULL, PRIMARY KEY (feed_key, article_id))",
    "CREATE INDEX ix_tombstones_feed_link ON tombstones (feed_key, link)",
    "INSERT INTO schema_version VALUES (1, 'feeds, articles, tombstones',"
    " '2024-01-01 00:00:00.000000')",
    f"INSERT INTO feeds (key, url, group_name, source_name, channel_name, etag, items,"
    f" added_at) VALUES ('{FEED}', '{FEED}', 'Tech', 'Example', 'News', 'old-etag', 1,"
    f" '2024-01-01 00:00:00.000000')",
    f"INSERT INTO articles VALUES ('{FEED}', 'a1', 'Tech', 'Example', 'News', 'Old title',"
    f" 'https://example.com/a1', 'Ann', '2024-01-01 01:30:00.000000', 480, '<p>old</p>',"
    f" NULL, 'hash-old', '{{}}', '2024-01-01 00:00:00.000000', '2024-01-01 00:00:00.000000')",
]


def _engine(url: str) -> sa.Engine:
    if "://" not in url:
        return sa.create_engine(f"sqlite:///{url}")
    return sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))


def _run(url: str, statements: list[str]) -> None:
    engine = _engine(url)
    with engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)
    engine.dispose()


def test_empty_database_is_migrated_to_current(store_url: str) -> None:
    with open_store(store_url) as store:
        assert store.schema_version == CURRENT_VERSION == len(MIGRATIONS)
    engine = _engine(store_url)
    with engine.connect() as conn:
        versions = conn.exec_driver_sql("SELECT version FROM schema_version").scalars().all()
    engine.dispose()
    assert sorted(versions) == list(range(1, CURRENT_VERSION + 1))


def test_migrations_build_the_tables_the_queries_use(store_url: str) -> None:
    """The frozen DDL and the Table objects in the table modules must agree."""
    open_store(store_url).close()
    engine = _engine(store_url)
    inspector = sa.inspect(engine)
    for table in metadata.sorted_tables:
        reflected = {c["name"]: c for c in inspector.get_columns(table.name)}
        assert set(reflected) == {c.name for c in table.columns}, table.name
        for column in table.columns:
            if not column.primary_key:
                assert reflected[column.name]["nullable"] == column.nullable, (
                    f"{table.name}.{column.name}"
                )
        primary = inspector.get_pk_constraint(table.name)["constrained_columns"]
        assert primary == [c.name for c in table.primary_key.columns], table.name
    engine.dispose()


def test_reopening_a_current_database_changes_nothing(store_url: str) -> None:
    with open_store(store_url) as store:
        store.sync_feeds([(FEED, FEED, "Tech", "Example", "News")])
        save(store, [make_article("a1")])
    with open_store(store_url) as store:
        assert store.schema_version == CURRENT_VERSION
        assert store.count_articles() == 1


def test_version_1_database_is_migrated_and_keeps_its_data(store_url: str) -> None:
    _run(store_url, V1_SCHEMA)
    with open_store(store_url) as store:
        assert store.schema_version == CURRENT_VERSION
        state = store.feed_state(FEED)
        assert state is not None and state.etag == "old-etag"
        old = store.get_article(FEED, "a1")
        assert old is not None
        assert old.title == "Old title"
        assert old.published.isoformat() == "2024-01-01T09:30:00+08:00"
        # What version 2 brought works on the migrated data.
        assert [a.article_id for a in store.pending("hexo")] == ["a1"]
        store.mark_written("hexo", [(FEED, "a1", "hash-old", "a1.md")], now=NOW)
        assert list(store.pending("hexo")) == []


@pytest.mark.parametrize("start", range(1, len(MIGRATIONS)))
def test_every_older_version_migrates(store_url: str, start: int) -> None:
    engine = _engine(store_url)
    with engine.begin() as conn:
        assert migrate(conn, store_url, MIGRATIONS[:start]) == start
    engine.dispose()
    with open_store(store_url) as store:
        assert store.schema_version == CURRENT_VERSION


def test_newer_database_is_refused(store_url: str) -> None:
    open_store(store_url).close()
    future = CURRENT_VERSION + 1
    _run(
        store_url,
        [
            "INSERT INTO schema_version (version, description, applied_at)"
            f" VALUES ({future}, 'from the future', '2030-01-01 00:00:00')"
        ],
    )
    with pytest.raises(StoreError, match=rf"schema version {future}.*upgrade newsdesk"):
        open_store(store_url)


def test_failed_migration_is_rolled_back_whole(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    # A stray table in the way of version 1: the migration must fail, and leave no
    # half-built schema and no version row behind.
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE tombstones (x INTEGER)")
    with pytest.raises(StoreError, match=r"cannot migrate database .* to schema version 1"):
        open_store(path)
    with sqlite3.connect(path) as raw:
        tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"tombstones"}
