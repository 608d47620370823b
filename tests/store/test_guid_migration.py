"""The guid-migration guard: a feed that re-sends everything under new ids."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

from newsdesk.models import Article
from newsdesk.store import Store
from tests.store.conftest import FEED, NOW, make_article, save


def _renamed(article_id: str, new_id: str, **changes: Any) -> Article:
    """The stored article ``article_id`` as the feed now sends it, under ``new_id``."""
    return dataclasses.replace(make_article(article_id, **changes), article_id=new_id)


def test_all_new_ids_with_known_links_are_remapped_not_duplicated(store: Store) -> None:
    save(store, [make_article("a1"), make_article("a2"), make_article("a3")])
    store.mark_written("hexo", [(FEED, "a1", make_article("a1").content_hash, "a1.md")])

    migrated = [_renamed("a1", "guid:1"), _renamed("a2", "guid:2", title="Edited")]
    report = save(store, migrated, etag="v2")

    assert report.remapped == 2
    assert sorted(report.remapped_ids) == [("a1", "guid:1"), ("a2", "guid:2")]
    assert (report.new, report.updated, report.unchanged) == (0, 1, 1)
    assert store.count_articles() == 3
    assert store.get_article(FEED, "a1") is None
    kept = store.get_article(FEED, "guid:1")
    assert kept is not None and kept.first_seen == NOW
    # The publish record followed the article: nothing to rewrite, same file.
    assert store.written_files("hexo") == {(FEED, "guid:1"): "a1.md"}
    assert "guid:1" not in {a.article_id for a in store.pending("hexo")}
    # Next run the new ids are simply known.
    assert save(store, migrated, etag="v3").unchanged == 2


def test_links_changed_too_match_by_content_hash(store: Store) -> None:
    save(store, [make_article("a1"), make_article("a2")])
    moved = [
        _renamed("a1", "n1", link="https://new.example.com/1"),
        _renamed("a2", "n2", link="https://new.example.com/2"),
    ]
    report = save(store, moved)
    assert report.remapped == 2 and report.new == 0
    assert store.count_articles() == 2


def test_one_genuinely_new_item_means_no_migration(store: Store) -> None:
    save(store, [make_article("a1"), make_article("a2")])
    report = save(store, [_renamed("a1", "n1"), make_article("brand-new")])
    assert report.remapped == 0
    assert report.new == 2  # the feed really re-keyed one article: we cannot tell, so add
    assert store.count_articles() == 4


def test_a_link_shared_by_many_articles_identifies_nothing(store: Store) -> None:
    home = "https://example.com/"
    save(store, [make_article("a1", link=home), make_article("a2", link=home)])
    report = save(store, [make_article("n1", link=home, content_hash="other")])
    assert report.remapped == 0 and report.new == 1


def test_two_items_claiming_one_article_is_not_a_migration(store: Store) -> None:
    save(store, [make_article("a1")])
    report = save(store, [_renamed("a1", "n1"), _renamed("a1", "n2")])
    assert report.remapped == 0 and report.new == 2


def test_remapped_item_matching_a_tombstone_stays_pruned(store: Store) -> None:
    save(
        store,
        [
            make_article("old", published=NOW - timedelta(days=90)),
            make_article("a1", published=NOW),
        ],
    )
    assert len(store.prune(keep_days=30, keep_per_channel=None, now=NOW)) == 1
    migrated = [
        _renamed("old", "n-old", content_hash="re-rendered"),
        _renamed("a1", "n1", published=NOW),
    ]
    report = save(store, migrated)
    assert report.remapped == 1 and report.skipped == 1 and report.new == 0
    assert store.get_article(FEED, "n-old") is None
    assert save(store, migrated).skipped == 1  # and the new id is now tombstoned itself


def test_first_fetch_of_a_feed_is_never_a_migration(store: Store) -> None:
    report = save(store, [make_article("a1"), make_article("a2")])
    assert report.remapped == 0 and report.new == 2


def test_items_left_out_as_unchanged_mean_no_migration(store: Store) -> None:
    """The pipeline leaves out items it knows are stored unchanged (their raw hash): the
    rest is not the whole feed, so a lone re-keyed item is added, as when it came with them."""
    save(store, [make_article("a1"), make_article("a2")])
    report = store.save_feed(
        FEED,
        etag="v2",
        last_modified=None,
        status=200,
        articles=[_renamed("a1", "n1")],
        now=NOW,
        unchanged=1,
    )
    assert (report.remapped, report.new, report.unchanged) == (0, 1, 1)
    assert store.count_articles() == 3
    state = store.feed_state(FEED)
    assert state is not None and state.items == 2
