"""The change feed: readers ask for what changed after a position, never for everything."""

from __future__ import annotations

import dataclasses
import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from newsdesk.store import Store, open_store
from tests.store.conftest import FEED, NOW, make_article, save


def _changed(store: Store, since: int, upto: int | None = None) -> list[str]:
    end = store.change_position() if upto is None else upto
    return [a.article_id for a in store.iter_changed(since, end, batch=2)]


def test_new_and_changed_articles_come_in_the_order_they_changed(store: Store) -> None:
    start = store.change_position()
    save(store, [make_article("a1"), make_article("a2"), make_article("a3")])
    middle = store.change_position()
    assert middle == start + 3
    save(store, [make_article("a2", title="Edited"), make_article("a3")], etag="v2")
    assert _changed(store, start) == ["a1", "a3", "a2"]
    assert _changed(store, middle) == ["a2"], "an unchanged re-save is no change"
    # a2 changed again after `middle`: each article shows once, at its last change.
    assert _changed(store, start, middle) == ["a1", "a3"]
    assert _changed(store, store.change_position()) == []


def test_light_changes_leave_the_body_out(store: Store) -> None:
    save(store, [make_article("a1")])
    (light,) = store.iter_changed(0, store.change_position(), with_html=False)
    assert light.html == "" and light.title == "Title a1"
    loaded = store.load_articles([(FEED, "a1"), (FEED, "gone")])
    assert list(loaded) == [(FEED, "a1")] and loaded[(FEED, "a1")].html == "<p>Body a1</p>"


def test_pruned_articles_are_logged_as_removed(store: Store) -> None:
    save(store, [make_article(f"d{d}", published=NOW - timedelta(days=d)) for d in (1, 40)])
    before = store.change_position()
    store.prune(keep_days=10, keep_per_channel=None, now=NOW)
    after = store.change_position()
    assert list(store.iter_removed(before, after)) == [(FEED, "d40")]
    assert list(store.iter_removed(0, before)) == []
    assert _changed(store, before) == []


def test_a_feed_that_changed_its_guids_logs_the_old_keys(store: Store) -> None:
    save(store, [make_article("a1"), make_article("a2")])
    before = store.change_position()
    moved = [dataclasses.replace(make_article(i), article_id=f"guid:{i}") for i in ("a1", "a2")]
    assert save(store, moved, etag="v2").remapped == 2
    after = store.change_position()
    assert sorted(store.iter_removed(before, after)) == [(FEED, "a1"), (FEED, "a2")]
    assert sorted(_changed(store, before)) == ["guid:a1", "guid:a2"]


def test_renaming_a_channel_changes_its_articles(store: Store) -> None:
    save(store, [make_article("a1")])
    before = store.change_position()
    store.sync_feeds([(FEED, FEED, "Tech", "Example", "Headlines")])
    (moved,) = store.iter_changed(before, store.change_position())
    assert moved.channel == "Headlines"
    store.sync_feeds([(FEED, FEED, "Tech", "Example", "Headlines")])
    assert _changed(store, store.change_position()) == []


def test_rows_written_without_a_number_are_numbered_by_the_store(store: Store) -> None:
    """The save path numbers a feed's rows itself; any other writer is covered by triggers."""
    from newsdesk.store import articles as articles_table
    from newsdesk.store.article_rows import to_row

    save(store, [make_article("a1"), make_article("a2")])
    before = store.change_position()
    with store._write("test") as conn:  # a writer that knows nothing of change numbers
        articles_table.insert_many(conn, [to_row(make_article("x1"), NOW)])
        articles_table.update_many(conn, [to_row(make_article("a1", title="Edited"), NOW)])
    assert store.change_position() == before + 2
    assert _changed(store, before) == ["x1", "a1"]


def test_after_advance_only_changes_are_pending(store: Store) -> None:
    save(store, [make_article("a1"), make_article("a2")])
    upto = store.change_position()
    for article in store.pending("hexo", upto=upto):
        store.mark_written("hexo", [(FEED, article.article_id, article.content_hash, "x.md")])
    store.advance_target("hexo", upto)
    save(store, [make_article("a3")], etag="v2")
    assert [a.article_id for a in store.pending("hexo")] == ["a3"]
    # Below the cursor nothing is looked at, even a row made stale behind its back.
    engine = sa.create_engine(_sa_url(store))
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE publish_state SET content_hash = 'x' WHERE article_id = 'a1'")
    engine.dispose()
    assert [a.article_id for a in store.pending("hexo")] == ["a3"]
    # Renaming the channel makes every post pending again, keeping its file name.
    store.sync_feeds([(FEED, FEED, "Tech", "Example", "Headlines")])
    assert sorted(a.article_id for a in store.pending("hexo")) == ["a1", "a2", "a3"]
    assert store.written_names(["hexo"], [(FEED, "a1")]) == {(FEED, "a1"): "x.md"}


def test_forgetting_a_target_drops_its_cursor(store: Store) -> None:
    save(store, [make_article("a1")])
    store.mark_written("hexo", [(FEED, "a1", make_article("a1").content_hash, "a1.md")])
    store.advance_target("hexo", store.change_position())
    assert store.targets() == ["hexo"] and list(store.pending("hexo")) == []
    store.forget_target("hexo")
    assert store.targets() == []
    assert [a.article_id for a in store.pending("hexo")] == ["a1"]


def test_file_names_and_owners_are_looked_up_by_key(store: Store) -> None:
    save(store, [make_article("a1"), make_article("a2")])
    store.mark_written("hexo:old", [(FEED, "a1", "h", "one.md"), (FEED, "a2", "h", "two.md")])
    store.mark_written("hexo:new", [(FEED, "a1", "h", "uno.md")])
    names = store.written_names(["hexo:old", "hexo:new"], [(FEED, "a1"), (FEED, "a2")])
    assert names == {(FEED, "a1"): "uno.md", (FEED, "a2"): "two.md"}
    owners = store.file_owners(["hexo:old"], ["two.md", "none.md"])
    assert owners == {"two.md": (FEED, "a2")}


def _sa_url(store: Store) -> str:
    if store.dialect == "sqlite":
        return f"sqlite:///{store.display}"
    return store._engine.url.render_as_string(hide_password=False)


@pytest.mark.postgres
def test_change_numbers_become_visible_in_commit_order(pg_schema_url: str) -> None:
    """A writer holding the counter delays the next one, so a reader that has seen N
    never later finds an uncommitted N - 1 appearing behind it."""
    with open_store(pg_schema_url) as store:
        store.sync_feeds([(FEED, FEED, "Tech", "Example", "News")])
        engine = sa.create_engine(_sa_url(store))
        first = engine.connect()
        first.begin()
        first.exec_driver_sql(
            "UPDATE articles SET title = title WHERE false; "
            "UPDATE change_counter SET value = value + 1 WHERE id = 1"
        )
        done: list[int] = []

        def second() -> None:
            save(store, [make_article("late")])
            done.append(store.change_position())

        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.5)
        assert done == [], "the second writer waits for the first to commit"
        first.commit()
        thread.join(10)
        first.close()
        engine.dispose()
        assert done == [2]
        assert [a.article_id for a in store.iter_changed(1, 2)] == ["late"]


def test_a_version_2_store_keeps_its_targets_and_reads_everything_once(store_url: str) -> None:
    from newsdesk.store.migrations import MIGRATIONS, migrate

    url = f"sqlite:///{store_url}" if "://" not in store_url else store_url
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        migrate(conn, store_url, MIGRATIONS[:2])
        stamp = "'2024-01-01 00:00:00'"
        conn.exec_driver_sql(
            f"INSERT INTO feeds (key, url, added_at) VALUES ('{FEED}', '{FEED}', {stamp})"
        )
        for aid in ("a1", "a2"):
            conn.exec_driver_sql(
                "INSERT INTO articles (feed_key, article_id, group_name, source_name,"
                " channel_name, title, published, html, content_hash, first_seen, updated_at)"
                f" VALUES ('{FEED}', '{aid}', 'G', 'S', 'C', 'T', {stamp}, '<p>x</p>', 'h',"
                f" {stamp}, {stamp})"
            )
        conn.exec_driver_sql(
            f"INSERT INTO publish_state VALUES ('hexo', '{FEED}', 'a1', 'h', 'a1.md', {stamp})"
        )
    engine.dispose()
    with open_store(store_url) as store:
        assert store.targets() == ["hexo"]
        assert [a.article_id for a in store.pending("hexo")] == ["a2"], "no cursor: all"
        assert list(store.iter_changed(0, store.change_position())) == []
        save(store, [make_article("a3")])
        assert [a.article_id for a in store.iter_changed(0, store.change_position())] == ["a3"]
