"""Retention: what prune removes, what it reports, and that it stays removed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from newsdesk.store import Pruned, Store
from tests.store.conftest import FEED, NOW, make_article, save

OTHER = "https://other.example.com/rss"


def _ids(pruned: list[Pruned]) -> list[str]:
    return sorted(p.article_id for p in pruned)


def test_keep_days_removes_older_articles(store: Store) -> None:
    save(store, [make_article(f"d{d}", published=NOW - timedelta(days=d)) for d in (1, 9, 11, 40)])
    pruned = store.prune(keep_days=10, keep_per_channel=None, now=NOW)
    assert _ids(pruned) == ["d11", "d40"]
    assert store.count_articles() == 2


def test_keep_per_channel_keeps_the_newest_of_each_channel(store: Store) -> None:
    store.sync_feeds([(OTHER, OTHER, "Tech", "Other", "News")])
    save(store, [make_article(f"a{h}", published=NOW - timedelta(hours=h)) for h in range(5)])
    store.save_feed(
        OTHER,
        etag=None,
        last_modified=None,
        status=200,
        now=NOW,
        articles=[
            make_article(
                f"b{h}", feed_key=OTHER, source="Other", published=NOW - timedelta(hours=h)
            )
            for h in range(2)
        ],
    )
    pruned = store.prune(keep_days=None, keep_per_channel=3, now=NOW)
    assert _ids(pruned) == ["a3", "a4"]  # the other channel has only two
    assert [a.article_id for a in store.iter_articles(feed_key=FEED)] == ["a0", "a1", "a2"]


def test_both_rules_apply_and_none_disables(store: Store) -> None:
    save(store, [make_article(f"d{d}", published=NOW - timedelta(days=d)) for d in range(6)])
    assert store.prune(keep_days=None, keep_per_channel=None, now=NOW) == []
    pruned = store.prune(keep_days=4, keep_per_channel=2, now=NOW)
    assert _ids(pruned) == ["d2", "d3", "d4", "d5"]


def test_prune_reports_files_and_forgets_them(store: Store) -> None:
    old = make_article("old", published=NOW - timedelta(days=100))
    save(store, [old, make_article("new", published=NOW)])
    store.mark_written("hexo", [(FEED, "old", old.content_hash, "2024/old.md")])
    store.mark_written("site", [(FEED, "old", old.content_hash, "old.html")])
    (pruned,) = store.prune(keep_days=30, keep_per_channel=None, now=NOW)
    assert pruned == Pruned(FEED, "old", {"hexo": "2024/old.md", "site": "old.html"})
    assert store.written_files("hexo") == {}
    assert [a.article_id for a in store.pending("hexo")] == ["new"]


def test_pruned_article_is_never_re_added(store: Store) -> None:
    old = make_article("old", published=NOW - timedelta(days=100))
    save(store, [old])
    store.prune(keep_days=30, keep_per_channel=None, now=NOW)
    for _ in range(2):
        assert save(store, [old]).skipped == 1
    assert store.count_articles() == 0
    # Pruning again finds nothing and tombstoning twice is harmless.
    assert store.prune(keep_days=30, keep_per_channel=0, now=NOW) == []


def test_negative_limits_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="keep_days"):
        store.prune(keep_days=-1, keep_per_channel=None, now=NOW)
    with pytest.raises(ValueError, match="keep_per_channel"):
        store.prune(keep_days=None, keep_per_channel=-1, now=NOW)
