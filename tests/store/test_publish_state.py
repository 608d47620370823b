"""Publish bookkeeping: what each target still has to write, after a crash or an edit."""

from __future__ import annotations

from datetime import timedelta

import pytest

from newsdesk.errors import StoreError
from newsdesk.models import Article
from newsdesk.store import Store
from tests.store.conftest import FEED, NOW, make_article, save


def _written(*items: Article, name: str = "{}.md") -> list[tuple[str, str, str, str]]:
    return [(a.feed_key, a.article_id, a.content_hash, name.format(a.article_id)) for a in items]


def test_everything_is_pending_until_written(store: Store) -> None:
    a1 = make_article("a1", published=NOW - timedelta(days=1))
    a2 = make_article("a2", published=NOW)
    save(store, [a2, a1])
    assert [a.article_id for a in store.pending("hexo")] == ["a1", "a2"]  # oldest first
    store.mark_written("hexo", _written(a1))
    assert [a.article_id for a in store.pending("hexo")] == ["a2"]
    assert store.written_files("hexo") == {(FEED, "a1"): "a1.md"}


def test_targets_are_independent(store: Store) -> None:
    a1 = make_article("a1")
    save(store, [a1])
    store.mark_written("hexo", _written(a1))
    assert list(store.pending("hexo")) == []
    assert [a.article_id for a in store.pending("site")] == ["a1"]


def test_an_updated_article_is_pending_again(store: Store) -> None:
    a1 = make_article("a1")
    save(store, [a1])
    store.mark_written("hexo", _written(a1))
    save(store, [make_article("a1", title="Corrected")], etag="v2")
    (again,) = store.pending("hexo")
    assert again.title == "Corrected"
    store.mark_written("hexo", _written(again, name="{}-v2.md"))
    assert list(store.pending("hexo")) == []
    assert store.written_files("hexo") == {(FEED, "a1"): "a1-v2.md"}


def test_a_crashed_publish_resumes_with_what_is_left(store: Store) -> None:
    items = [make_article(f"a{i:02}", published=NOW - timedelta(minutes=i)) for i in range(12)]
    save(store, items)
    # Mark as we go, the way a publisher does, then "crash" after seven posts.
    done = []
    for article in store.pending("hexo", batch=3, with_html=False):
        store.mark_written("hexo", _written(article))
        done.append(article.article_id)
        if len(done) == 7:
            break
    left = [a.article_id for a in store.pending("hexo")]
    assert sorted(done + left) == sorted(a.article_id for a in items)
    assert not set(done) & set(left)


def test_forget_target_makes_everything_pending(store: Store) -> None:
    a1, a2 = make_article("a1"), make_article("a2")
    save(store, [a1, a2])
    store.mark_written("hexo", _written(a1, a2))
    store.mark_written("site", _written(a1))
    assert store.forget_target("hexo") == 2
    assert {a.article_id for a in store.pending("hexo")} == {"a1", "a2"}
    assert store.written_files("site") == {(FEED, "a1"): "a1.md"}


def test_renaming_a_channel_moves_its_articles_and_republishes(store: Store) -> None:
    a1 = make_article("a1")
    save(store, [a1])
    store.mark_written("hexo", _written(a1))
    store.sync_feeds([(FEED, FEED, "Tech", "Example", "Headlines")])
    (moved,) = store.pending("hexo")
    assert moved.channel == "Headlines"


def test_marking_an_unknown_article_is_an_error(store: Store) -> None:
    with pytest.raises(StoreError, match="cannot record posts written by hexo"):
        store.mark_written("hexo", [(FEED, "ghost", "h", "ghost.md")])
