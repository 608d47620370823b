"""Two workers both run the periodic schedule: each feed is queued once per interval."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.queue.conftest import WorkerProcess, queue_config
from tests.queue.farm import FeedFarm

pytestmark = pytest.mark.postgres

INTERVAL = 5.0  # watch.interval; the schedule adds ±10% jitter
LATENCY = (1.5, 2.0)  # every fetch spans one or two ticks of the 1 s schedule


def test_two_scheduling_workers_queue_each_feed_once_per_interval(
    tmp_path: Path, pg_schema_url: str, workers: Callable[..., WorkerProcess]
) -> None:
    with FeedFarm(feeds=30, items=2, hosts=15, latency=LATENCY) as farm:
        config = queue_config(
            tmp_path,
            pg_schema_url,
            farm.urls,
            extra=f"outputs: []\nwatch:\n  interval: {INTERVAL}s",
        )
        pair = [workers(config, "--concurrency", "16") for _ in range(2)]
        time.sleep(18)
        times = farm.fetch_times()
    assert sorted(times) == list(range(30))
    for n, fetched in times.items():
        assert len(fetched) >= 2, f"feed {n} was not polled again after its interval"
        gaps = [later - earlier for earlier, later in itertools.pairwise(fetched)]
        # Next poll >= last attempt (stored after the fetch) + 90% of the interval.
        assert min(gaps) > INTERVAL * 0.9, f"feed {n} queued twice in one interval: {gaps}"
    for worker in pair:  # both ran the periodic deferrer; the database let one job per tick
        assert "newsdesk.schedule" in worker.log()
        assert "periodic_task_deferred" in worker.log() or "already deferred" in worker.log()
