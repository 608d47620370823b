"""Several `newsdesk worker` processes on one farm of feeds: the work is shared, nothing
is fetched or stored twice, per-host politeness holds across workers, and a worker killed
with SIGKILL loses nothing."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from newsdesk.store import open_store
from tests.queue.conftest import (
    WorkerProcess,
    active_jobs,
    post_files,
    queue_config,
    sql,
    wait_until,
    worker_id_of,
)
from tests.queue.farm import FeedFarm

pytestmark = pytest.mark.postgres


def _articles(database: str) -> int:
    with open_store(database) as store:
        return store.count_articles()


def _settled(database: str, folder: Path, expected: int) -> Callable[[], bool]:
    """Every article stored and published, and no fetch or publish job left."""

    def check() -> bool:
        return (
            _articles(database) == expected
            and len(post_files(folder)) == expected
            and active_jobs(database) == 0
        )

    return check


def test_three_workers_fetch_every_feed_once_and_publish_every_post_once(
    tmp_path: Path, pg_schema_url: str, workers: Callable[..., WorkerProcess]
) -> None:
    with FeedFarm(feeds=300, items=3, hosts=10, latency=(0.02, 0.06)) as farm:
        site = (
            "outputs: [hexo, site]\nsite:\n  out_dir: ./public\n  search: false"  # built by publish
        )
        config = queue_config(tmp_path, pg_schema_url, farm.urls, extra=site)
        started = [workers(config, "--concurrency", "8") for _ in range(3)]
        wait_until(_settled(pg_schema_url, tmp_path, 900), timeout=120, what="900 posts")
        time.sleep(3)  # a few more ticks of the schedule: nothing is due again so soon
        times = farm.fetch_times()
    assert sorted(times) == list(range(300))
    assert {n: len(t) for n, t in times.items() if len(t) != 1} == {}, "fetched more than once"
    assert _articles(pg_schema_url) == 900
    published = [p for w in started for p in w.published()]
    assert sum(new for new, _ in published) == 900, "every post written exactly once"
    assert sum(updated for _, updated in published) == 0
    assert len(published) < 60, f"publishes were not coalesced: {len(published)}"
    pages = list((tmp_path / "public").rglob("*.html"))
    assert len(pages) > 900 and (tmp_path / "public" / "index.html").exists()
    for worker in started:  # the work was shared
        assert (
            "newsdesk.fetch_feed" in worker.log() and "ended with status: Success" in worker.log()
        )


def test_per_host_limit_holds_across_all_workers(
    tmp_path: Path, pg_schema_url: str, workers: Callable[..., WorkerProcess]
) -> None:
    with FeedFarm(feeds=60, items=2, hosts=3, latency=(0.15, 0.25)) as farm:
        config = queue_config(tmp_path, pg_schema_url, farm.urls, extra="outputs: []")
        for _ in range(3):
            workers(config, "--concurrency", "8")
        wait_until(
            lambda: _articles(pg_schema_url) == 120 and active_jobs(pg_schema_url) == 0,
            timeout=120,
            what="all 60 feeds stored",
        )
        peaks = farm.max_in_flight()
    # per_host: 2 (the default). Each host was busy enough to use both of its lanes.
    assert peaks == {"127.0.0.2": 2, "127.0.0.3": 2, "127.0.0.4": 2}


@pytest.mark.parametrize("crash_at", ["stored:10", "written:100"])
def test_a_worker_killed_mid_batch_loses_nothing_and_duplicates_nothing(
    tmp_path: Path, pg_schema_url: str, workers: Callable[..., WorkerProcess], crash_at: str
) -> None:
    """The victim dies by SIGKILL right after storing its 10th feed (its job not yet
    finished) or after writing its 100th post file (its publish not yet recorded)."""
    in_publish = crash_at.startswith("written")
    with FeedFarm(feeds=120, items=3, hosts=6, latency=(0.1, 0.3)) as farm:
        config = queue_config(tmp_path, pg_schema_url, farm.urls)
        victim = workers(config, "--concurrency", "8", env={"NEWSDESK_CRASH_AT": crash_at})
        # When the victim dies in a publish, it was the only worker taking publishes.
        others = [
            workers(config, "--concurrency", "8", *(["--no-publish"] if in_publish else []))
            for _ in range(2)
        ]
        wait_until(lambda: worker_id_of(pg_schema_url, victim.pid), timeout=30, what="victim up")
        victim_id = worker_id_of(pg_schema_url, victim.pid)
        assert victim.proc.wait(timeout=90) == -signal.SIGKILL
        held = [
            job_id
            for (job_id,) in sql(
                pg_schema_url,
                "SELECT id FROM procrastinate_jobs WHERE worker_id = %s AND status = 'doing'",
                victim_id,
            )
        ]
        assert held, "the victim died holding jobs"
        if in_publish:
            others.append(workers(config, "--concurrency", "8"))  # a new publishing machine
        wait_until(_settled(pg_schema_url, tmp_path, 360), timeout=120, what="360 posts")
        times = farm.fetch_times()
    assert sorted(times) == list(range(120))
    assert _articles(pg_schema_url) == 360
    posts = post_files(tmp_path)
    assert len(posts) == 360 and len({p.name for p in posts}) == 360
    assert not list((tmp_path / "blog" / "source" / "_posts").glob(".*.tmp"))
    sent_back = "".join(
        line
        for worker in others
        for line in worker.log().splitlines(keepends=True)
        if "job of a silent worker sent back to the queue" in line
    )
    for job_id in held:  # each job the victim held was taken over by a survivor
        assert f"job={job_id} " in sent_back
    if not in_publish:
        # Its stored-but-unfinished feed was fetched again (a 304) and stored no twin.
        assert any(len(t) == 2 for t in times.values())
        published = [p for w in others for p in w.published()]
        assert sum(new for new, _ in published) + sum(n for n, _ in victim.published()) == 360
