"""Reading articles back: order, streaming, light listings, and times with their zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from newsdesk.store import Store
from tests.store.conftest import CST, FEED, NOW, make_article, save


def test_aware_datetime_round_trips_with_its_offset(store: Store) -> None:
    published = datetime(2024, 5, 1, 23, 30, 15, 123456, tzinfo=CST)
    save(store, [make_article("a1", published=published)])
    stored = store.get_article(FEED, "a1")
    assert stored is not None
    assert stored.published == published
    assert stored.published.utcoffset() == timedelta(hours=8)
    assert stored.published.isoformat() == "2024-05-01T23:30:15.123456+08:00"
    assert stored.first_seen == NOW and stored.first_seen.tzinfo is not None


def test_a_named_zone_comes_back_as_its_fixed_offset(store: Store) -> None:
    from zoneinfo import ZoneInfo

    published = datetime(2024, 7, 1, 8, 0, tzinfo=ZoneInfo("America/New_York"))
    save(store, [make_article("a1", published=published)])
    stored = store.get_article(FEED, "a1")
    assert stored is not None and stored.published == published
    assert stored.published.tzinfo == timezone(timedelta(hours=-4))


def test_article_round_trips_whole(store: Store) -> None:
    original = make_article(
        "a1", head_image="https://img.example.com/1.jpg", extra={"comments": "12", "名": "值"}
    )
    save(store, [original])
    stored = store.get_article(FEED, "a1")
    assert stored is not None
    assert stored == original.__class__(**{**original.__dict__, "first_seen": NOW})
    assert stored.extra == {"comments": "12", "名": "值"}


def test_iter_articles_streams_newest_first_across_pages(store: Store) -> None:
    items = [make_article(f"a{i:02}", published=NOW - timedelta(hours=i)) for i in range(23)]
    # Equal times must not make pagination skip or repeat rows.
    items += [make_article(f"tie{i}", published=NOW - timedelta(hours=5)) for i in range(4)]
    save(store, items)
    newest = [a.article_id for a in store.iter_articles(batch=4)]
    assert len(newest) == len(set(newest)) == 27
    times = [a.published for a in store.iter_articles(batch=4)]
    assert times == sorted(times, reverse=True)
    oldest = [a.article_id for a in store.iter_articles(batch=5, newest_first=False)]
    assert oldest == list(reversed(newest))


def test_iter_articles_without_html_leaves_it_empty(store: Store) -> None:
    save(store, [make_article("a1")])
    (light,) = store.iter_articles(with_html=False)
    assert light.html == "" and light.title == "Title a1"
    (full,) = store.iter_articles()
    assert full.html == "<p>Body a1</p>"
    assert store.load_html(light) == "<p>Body a1</p>"
    assert store.load_html(make_article("gone")) == ""


def test_iter_articles_by_feed_and_count(store: Store) -> None:
    other = "https://other.example.com/rss"
    store.sync_feeds([(other, other, "G", "S", "C")])
    save(store, [make_article("a1"), make_article("a2")])
    store.save_feed(
        other,
        etag=None,
        last_modified=None,
        status=200,
        now=NOW,
        articles=[make_article("b1", feed_key=other)],
    )
    assert [a.article_id for a in store.iter_articles(feed_key=other)] == ["b1"]
    assert store.count_articles() == 3
    assert store.count_articles(feed_key=FEED) == 2
    assert store.get_article(other, "a1") is None


def test_batch_must_be_positive(store: Store) -> None:
    with pytest.raises(ValueError, match="batch"):
        list(store.iter_articles(batch=0))


def test_times_are_utc_in_feed_state(store: Store) -> None:
    save(store, [], now=datetime(2024, 6, 1, 20, 0, tzinfo=CST))
    state = store.feed_state(FEED)
    assert state is not None and state.last_success is not None
    assert state.last_success.tzinfo == UTC
    assert state.last_success == datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
