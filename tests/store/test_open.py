"""Opening a store: SQLite settings, paths and URLs, and the errors a user sees."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from newsdesk.errors import StoreError
from newsdesk.store import open_store
from tests.store.conftest import FEED, NOW, make_article, save


def test_sqlite_runs_in_wal_with_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    with open_store(tmp_path / "news.db") as store, store._engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one() >= 1000


def test_missing_directory_gives_a_clear_store_error(tmp_path: Path) -> None:
    path = tmp_path / "no" / "such" / "dir" / "x.db"
    with pytest.raises(StoreError) as caught:
        open_store(path)
    assert str(caught.value) == f"cannot open database {path}: unable to open database file"


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are not the pages you are looking for" * 100)
    with pytest.raises(
        StoreError, match=r"cannot open database .*notes\.db: file is not a database"
    ):
        open_store(path)


def test_sqlite_url_and_path_open_the_same_file(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    with open_store(str(path)) as store:
        store.sync_feeds([(FEED, FEED, "Tech", "Example", "News")])
        save(store, [make_article("a1")])
    with open_store(f"sqlite:///{path}") as store:
        assert store.count_articles() == 1


@pytest.mark.parametrize("url", ["mysql://u@h/db", "sqlite://", "sqlite:///:memory:"])
def test_unsupported_databases_are_refused(url: str) -> None:
    with pytest.raises(StoreError, match="cannot open database"):
        open_store(url)


def test_postgres_password_is_not_shown_in_errors() -> None:
    # Port 1 on loopback: nothing listens there, so the connection is refused at once.
    with pytest.raises(StoreError) as caught:
        open_store("postgresql+psycopg://newsdesk:s3cret@127.0.0.1:1/newsdesk")
    assert "s3cret" not in str(caught.value)
    assert str(caught.value).startswith("cannot open database postgresql+psycopg://newsdesk:***@")


def test_integrity_check_is_ok_after_a_busy_life(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    with open_store(path) as store:
        store.sync_feeds([(FEED, FEED, "Tech", "Example", "News")])
        items = [make_article(f"a{i}", published=NOW - timedelta(days=i)) for i in range(50)]
        save(store, items)
        store.mark_written("hexo", [(FEED, a.article_id, a.content_hash, "f.md") for a in items])
        save(store, [make_article("a1", title="changed")], etag="v2")
        store.prune(keep_days=20, keep_per_channel=10, now=NOW)
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []


def test_two_writers_queue_instead_of_failing(tmp_path: Path) -> None:
    """Writers BEGIN IMMEDIATE, so they wait on busy_timeout rather than hit "locked"."""
    import threading

    path = tmp_path / "news.db"
    keys = [f"https://f{i}.example/rss" for i in range(2)]
    with open_store(path) as store:
        store.sync_feeds([(k, k, "G", "S", f"C{i}") for i, k in enumerate(keys)])
    errors: list[BaseException] = []

    def writer(key: str) -> None:
        try:
            with open_store(path) as own:
                for n in range(30):
                    items = [make_article(f"{n}-{j}", feed_key=key) for j in range(5)]
                    own.save_feed(
                        key, etag=str(n), last_modified=None, status=200, articles=items, now=NOW
                    )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with open_store(path) as store:
        assert store.count_articles() == 2 * 30 * 5
