"""Pure pieces of the queue: host lanes, the tick's cron line, the `queue:` config
section, and the due decision that `watch` and the workers share."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsdesk.config import Config, parse_config
from newsdesk.errors import ConfigError
from newsdesk.models import FeedHints, FeedSource, FeedState
from newsdesk.queue.app import cron_every
from newsdesk.queue.defer import host_lane
from newsdesk.watch import _scheduler, due_feeds, plan_polls, policy_from_config

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _source(url: str) -> FeedSource:
    return FeedSource(key=url, url=url, group="g", source="s", channel="c")


def test_a_feed_keeps_its_lane_and_a_host_has_per_host_lanes() -> None:
    feeds = [_source(f"https://Example.com/feed/{n}") for n in range(200)]
    lanes = {host_lane(f, 3) for f in feeds}
    assert lanes == {"host:example.com:0", "host:example.com:1", "host:example.com:2"}
    assert [host_lane(f, 3) for f in feeds] == [host_lane(f, 3) for f in feeds]
    other = _source("https://other.example.org/rss")
    assert host_lane(other, 3).startswith("host:other.example.org:")


def test_rsshub_routes_share_the_lanes_of_the_instance() -> None:
    route = FeedSource(
        key="rsshub://zaker/source/1",
        url="https://rsshub.app/zaker/source/1",
        group="g",
        source="s",
        channel="c",
    )
    assert host_lane(route, 2) in ("host:rsshub.app:0", "host:rsshub.app:1")


def test_cron_line_for_a_tick() -> None:
    assert cron_every(10) == "* * * * * */10"
    assert cron_every(60) == "* * * * *"
    with pytest.raises(ValueError):
        cron_every(1.5)


CONFIG = """\
database: postgresql+psycopg://u@h/db
watch: {interval: 10m, pause_after: 3}
groups:
  g:
    s:
      a: https://a.example/rss
      b: https://b.example/rss
      c: https://c.example/rss
"""


def _config(tmp_path: Path, extra: str = "") -> Config:
    return parse_config(extra + CONFIG, path=tmp_path / "newsdesk.yaml", environ={})


def test_queue_section_defaults_and_checks(tmp_path: Path) -> None:
    config = _config(tmp_path)
    assert (config.queue.tick, config.queue.stalled_after) == (10.0, 60.0)
    tuned = _config(tmp_path, "queue: {tick: 2s, stalled_after: 20s}\n")
    assert (tuned.queue.tick, tuned.queue.stalled_after) == (2.0, 20.0)
    with pytest.raises(ConfigError, match="tick"):
        _config(tmp_path, "queue: {tick: 90s}\n")
    with pytest.raises(ConfigError, match="unknown key"):
        _config(tmp_path, "queue: {ticks: 5s}\n")


def test_due_feeds_never_polled_recent_failing_and_paused(tmp_path: Path) -> None:
    config = _config(tmp_path)
    a, b, c = (s.key for s in config.sources)
    states = {
        a: FeedState(a, last_attempt=NOW - timedelta(minutes=2)),  # polled just now
        b: FeedState(b, last_attempt=NOW - timedelta(minutes=30)),  # due (10 min ± 10%)
        c: FeedState(c, last_attempt=NOW - timedelta(hours=5), error_streak=3),  # paused
    }
    assert due_feeds(config, states, now=NOW) == [b]
    assert due_feeds(config, {}, now=NOW) == [a, b, c]
    backing_off = {b: replace(states[b], error_streak=2)}  # 10 min * 2**2 = 40 min
    assert b not in due_feeds(config, backing_off, now=NOW)


def test_every_process_draws_the_same_due_time(tmp_path: Path) -> None:
    """Workers ask every tick, in different processes: the jitter must not be redrawn,
    or a feed would come due at the earliest of many draws."""
    config = _config(tmp_path)
    states = {s.key: FeedState(s.key, last_attempt=NOW) for s in config.sources}
    policy = policy_from_config(config)
    first = plan_polls(config, states, now=NOW, policy=policy)
    assert plan_polls(config, states, now=NOW, policy=policy) == first
    assert len({p.due for p in first}) == 3, "each feed its own jitter"
    for planned in first:
        assert timedelta(minutes=9) <= planned.due - NOW <= timedelta(minutes=11)


def test_watch_starts_from_the_same_plan(tmp_path: Path) -> None:
    config = _config(tmp_path)
    states = {s.key: FeedState(s.key, last_attempt=NOW) for s in config.sources}

    class Store:
        def feed_states(self) -> dict[str, FeedState]:
            return states

    policy = policy_from_config(config)
    scheduler = _scheduler(config, Store(), policy, NOW)
    for planned in plan_polls(config, states, now=NOW, policy=policy):
        assert scheduler.due_at(planned.poll.key) == planned.due


def test_due_feeds_honour_the_feeds_own_rhythm_and_retry_after(tmp_path: Path) -> None:
    """What the last parse said (<ttl>, skipHours) and the server's Retry-After live in
    the store, so workers, which hold no memory between ticks, plan as `watch` does."""
    config = _config(tmp_path)  # watch.interval 10m
    a, b, c = (s.key for s in config.sources)
    half_hour_ago = NOW - timedelta(minutes=30)
    states = {
        a: FeedState(a, last_attempt=half_hour_ago, hints=FeedHints(ttl_minutes=60)),
        b: FeedState(b, last_attempt=half_hour_ago, error_streak=1, retry_after=3600),
        c: FeedState(
            c, last_attempt=half_hour_ago, hints=FeedHints(skip_hours=frozenset({11, 12}))
        ),
    }
    assert due_feeds(config, states, now=NOW) == []
    later = NOW + timedelta(hours=1, minutes=1)  # ttl and Retry-After have passed; 13:01 UTC
    assert due_feeds(config, states, now=later) == [a, b, c]
    plain = {k: replace(s, hints=None, retry_after=None) for k, s in states.items()}
    assert due_feeds(config, plain, now=NOW) == [a, b, c]  # without them, all were due
