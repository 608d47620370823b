"""SIGTERM stops a worker gracefully: its running jobs finish, or, past
--shutdown-timeout, go back to the queue for another worker."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from newsdesk.store import open_store
from tests.queue.conftest import WorkerProcess, active_jobs, queue_config, sql, wait_until
from tests.queue.farm import FeedFarm

pytestmark = pytest.mark.postgres


def _running(database: str) -> int:
    return active_jobs(database, "newsdesk.fetch_feed", states=("doing",))


def test_sigterm_lets_running_fetches_finish(
    tmp_path: Path, pg_schema_url: str, workers: Callable[..., WorkerProcess]
) -> None:
    with FeedFarm(feeds=6, items=2, hosts=6, latency=(2.0, 2.0)) as farm:
        config = queue_config(tmp_path, pg_schema_url, farm.urls, extra="outputs: []")
        worker = workers(config, "--concurrency", "8")
        wait_until(lambda: _running(pg_schema_url) == 6, timeout=30, what="6 fetches running")
        worker.proc.send_signal(signal.SIGTERM)
        assert worker.proc.wait(timeout=20) == 0
    with open_store(pg_schema_url) as store:
        assert store.count_articles() == 12, "every running fetch was finished and stored"
    assert _running(pg_schema_url) == 0
    assert sql(pg_schema_url, "SELECT count(*) FROM procrastinate_workers")[0][0] == 0
    assert "worker stopped" in worker.log()


def test_sigterm_past_the_shutdown_timeout_hands_jobs_back(
    tmp_path: Path, pg_schema_url: str, workers: Callable[..., WorkerProcess]
) -> None:
    with FeedFarm(feeds=4, items=2, hosts=4, latency=(30.0, 30.0)) as farm:
        config = queue_config(tmp_path, pg_schema_url, farm.urls, extra="outputs: []")
        worker = workers(config, "--concurrency", "8", "--shutdown-timeout", "0.5")
        wait_until(lambda: _running(pg_schema_url) == 4, timeout=30, what="4 fetches running")
        started = time.monotonic()
        worker.proc.send_signal(signal.SIGTERM)
        assert worker.proc.wait(timeout=20) == 0
        assert time.monotonic() - started < 10
    jobs = sql(
        pg_schema_url,
        "SELECT status::text, attempts FROM procrastinate_jobs"
        " WHERE task_name = 'newsdesk.fetch_feed'",
    )
    assert jobs == [("todo", 1)] * 4, "cancelled fetches wait in the queue for another worker"
