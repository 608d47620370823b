"""save_feed: the upsert, tombstones, and the validators-with-articles invariant."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pytest

from newsdesk.errors import StoreError
from newsdesk.models import Article, FeedHints
from newsdesk.store import SaveReport, Store
from newsdesk.store import save as save_module
from newsdesk.store.feeds import hints_from_json, hints_to_json
from tests.store.conftest import FEED, NOW, make_article, save


def test_new_updated_unchanged_are_counted_and_named(store: Store) -> None:
    first = save(store, [make_article("a1"), make_article("a2")])
    assert first == SaveReport(new=2, updated=0, unchanged=0, skipped=0, new_ids=("a1", "a2"))

    later = NOW + timedelta(hours=1)
    second = save(
        store,
        [make_article("a1"), make_article("a2", title="Fixed typo"), make_article("a3")],
        now=later,
    )
    assert (second.new, second.updated, second.unchanged, second.skipped) == (1, 1, 1, 0)
    assert second.new_ids == ("a3",)
    assert second.updated_ids == ("a2",)

    updated = store.get_article(FEED, "a2")
    assert updated is not None and updated.title == "Fixed typo"
    assert updated.first_seen == NOW  # first_seen survives an update
    assert store.count_articles() == 3


def test_feed_state_after_save(store: Store) -> None:
    save(store, [make_article("a1"), make_article("a2")], etag='"abc"')
    state = store.feed_state(FEED)
    assert state is not None
    assert state.etag == '"abc"'
    assert state.last_success == NOW and state.last_attempt == NOW
    assert (state.last_status, state.error_streak, state.items) == (200, 0, 2)


def test_repeated_id_in_one_batch_keeps_the_first(store: Store) -> None:
    report = save(store, [make_article("a1"), make_article("a1", title="Second copy")])
    assert (report.new, report.skipped) == (1, 1)
    stored = store.get_article(FEED, "a1")
    assert stored is not None and stored.title == "Title a1"


def test_tombstone_blocks_re_add(store: Store) -> None:
    old = make_article("old", published=NOW - timedelta(days=40))
    save(store, [old, make_article("fresh", published=NOW)])
    pruned = store.prune(keep_days=30, keep_per_channel=None, now=NOW)
    assert [(p.feed_key, p.article_id) for p in pruned] == [(FEED, "old")]

    report = save(store, [old, make_article("fresh", published=NOW)], etag="v2")
    assert (report.new, report.unchanged, report.skipped) == (0, 1, 1)
    assert store.get_article(FEED, "old") is None
    # Even with new content, a pruned article stays pruned.
    report = save(store, [dataclasses.replace(old, title="Back again", content_hash="x")])
    assert report.skipped == 1 and store.get_article(FEED, "old") is None


def test_validators_not_committed_without_articles(store: Store) -> None:
    """A database failure half-way through the articles rolls the validators back too."""
    save(store, [make_article("a1")], etag="before")
    # The third row breaks NOT NULL on title: the INSERT fails after two good rows.
    broken = [
        make_article("b1"),
        make_article("b2"),
        dataclasses.replace(make_article("b3"), title=None),  # type: ignore[arg-type]
        make_article("b4"),
    ]
    with pytest.raises(StoreError, match=f"cannot save feed {FEED}"):
        save(store, broken, etag="after", now=NOW + timedelta(hours=1))
    state = store.feed_state(FEED)
    assert state is not None
    assert state.etag == "before"
    assert state.last_success == NOW
    assert store.count_articles() == 1
    assert store.get_article(FEED, "b1") is None


def test_validators_not_committed_when_the_save_crashes_mid_way(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    save(store, [make_article("a1")], etag="before")
    real_insert = save_module.articles_table.insert_many

    def insert_one_then_die(conn, rows):  # type: ignore[no-untyped-def]
        real_insert(conn, rows[:1])
        raise RuntimeError("process died here")

    monkeypatch.setattr(save_module.articles_table, "insert_many", insert_one_then_die)
    with pytest.raises(RuntimeError, match="process died here"):
        save(store, [make_article("b1"), make_article("b2")], etag="after")
    monkeypatch.undo()
    state = store.feed_state(FEED)
    assert state is not None and state.etag == "before"
    assert store.get_article(FEED, "b1") is None


def test_unknown_feed_is_refused(store: Store) -> None:
    with pytest.raises(StoreError, match=r"unknown feed 'nope'.*sync_feeds"):
        store.save_feed("nope", etag=None, last_modified=None, status=200, articles=[], now=NOW)


def test_article_of_another_feed_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="belongs to feed"):
        save(store, [make_article("a1", feed_key="other")])


def test_naive_datetimes_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="now must be timezone-aware"):
        save(store, [], now=datetime(2024, 1, 1))
    with pytest.raises(ValueError, match="published of article 'a1' must be timezone-aware"):
        save(store, [make_article("a1", published=datetime(2024, 1, 1))])


def test_failures_count_up_and_410_disables(store: Store) -> None:
    first = store.record_failure(FEED, status=503, error="HTTP 503", now=NOW)
    assert (first.error_streak, first.disabled, first.last_error) == (1, False, "HTTP 503")
    second = store.record_failure(FEED, status=None, error="timed out", now=NOW)
    assert (second.error_streak, second.last_status) == (2, None)
    gone = store.record_failure(FEED, status=410, error="HTTP 410", now=NOW)
    assert gone.disabled and gone.error_streak == 3
    assert store.feed_states()[FEED] == gone

    resumed = store.enable_feed(FEED)
    assert not resumed.disabled and resumed.error_streak == 0


def test_not_modified_is_a_success(store: Store) -> None:
    save(store, [make_article("a1")], etag="e1")
    store.record_failure(FEED, status=500, error="HTTP 500", now=NOW)
    later = NOW + timedelta(hours=2)
    state = store.record_not_modified(FEED, now=later)
    assert state.error_streak == 0 and state.last_error is None
    assert state.last_success == later and state.last_status == 304
    assert state.etag == "e1"  # a 304 keeps the validators it answered


def test_not_modified_can_refresh_validators(store: Store) -> None:
    save(store, [make_article("a1")], etag="e1")
    state = store.record_not_modified(FEED, now=NOW, etag="e2", last_modified=None)
    assert state.etag == "e2"
    assert store.feed_state(FEED).etag == "e2"


def test_sync_feeds_adds_refreshes_and_keeps(store: Store) -> None:
    other = "rsshub://example/other"
    added = store.sync_feeds(
        [(FEED, FEED + "?v=2", "Tech", "Example", "News"), (other, "https://x/", "G", "S", "C")]
    )
    assert added == [other]
    assert set(store.feed_states()) == {FEED, other}
    assert store.sync_feeds([(other, "https://x/", "G", "S", "C")]) == []
    assert FEED in store.feed_states()  # dropped from config: kept, articles and all


def test_unknown_feed_state_is_none(store: Store) -> None:
    assert store.feed_state("nope") is None
    with pytest.raises(StoreError, match="unknown feed"):
        store.record_not_modified("nope", now=NOW)


def test_missing_content_hash_is_computed(store: Store) -> None:
    article = Article(
        feed_key=FEED,
        article_id="h",
        group="Tech",
        source="Example",
        channel="News",
        title="T",
        link=None,
        author="",
        published=NOW,
        html="<p>x</p>",
    )
    save(store, [article])
    stored = store.get_article(FEED, "h")
    assert stored is not None and len(stored.content_hash) == 64
    assert save(store, [article]).unchanged == 1


def test_raw_hash_is_stored_and_refreshed_without_an_update(store: Store) -> None:
    """Same content from other raw bytes: the new raw hash is remembered, the article is
    not counted as updated (so not republished)."""
    save(store, [make_article("a1", raw_hash="raw-1")])
    assert store.get_articles(FEED, ["a1"])["a1"].raw_hash == "raw-1"
    report = save(store, [make_article("a1", raw_hash="raw-2")])
    assert (report.updated, report.unchanged) == (0, 1)
    assert store.get_articles(FEED, ["a1"])["a1"].raw_hash == "raw-2"
    report = save(store, [make_article("a1", title="Edited", raw_hash="raw-3")])
    assert report.updated == 1
    assert store.get_articles(FEED, ["a1"])["a1"].raw_hash == "raw-3"


def test_schedule_hints_retry_after_and_note_are_kept_until_replaced(store: Store) -> None:
    """`watch` and the queue's workers plan polls from these, so they must outlive a run."""
    hints = FeedHints(
        ttl_minutes=120, skip_hours=frozenset({1, 2}), skip_days=frozenset({"Sunday"})
    )
    store.save_feed(
        FEED, etag=None, last_modified=None, status=200, articles=[], now=NOW,
        hints=hints, note="no entries: the root is <opml>",
    )  # fmt: skip
    state = store.feed_state(FEED)
    assert state is not None
    assert (state.hints, state.note, state.retry_after) == (
        hints,
        "no entries: the root is <opml>",
        None,
    )
    failed = store.record_failure(FEED, status=429, error="HTTP 429", now=NOW, retry_after=900)
    assert (failed.retry_after, failed.hints) == (900, hints)  # the hints survive a failure
    assert store.record_not_modified(FEED, now=NOW).retry_after is None
    store.save_feed(FEED, etag=None, last_modified=None, status=200, articles=[], now=NOW)
    assert store.feed_state(FEED) == dataclasses.replace(
        state, hints=None, note=None, last_status=200, last_attempt=NOW, last_success=NOW
    )


def test_unreadable_stored_hints_read_as_none() -> None:
    assert hints_from_json("not json") is None
    assert hints_from_json('{"skip_hours": ["x"]}') is None
    assert hints_from_json(None) is None
    hints = FeedHints(update_period="daily", update_frequency=2)
    assert hints_from_json(hints_to_json(hints)) == hints
    assert hints_to_json(FeedHints()) is None
