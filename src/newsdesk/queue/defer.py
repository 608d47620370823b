"""Putting jobs in the queue: feeds (with their locks), the due ones, and a publish.

A feed's job carries two locks. Its queueing lock ``feed:<key>`` lets at most one job of
the feed wait in the queue. Its lock ``host:<host>:<slot>`` puts it in one of
``per_host`` lanes of its host; Procrastinate runs one job per lane at a time across all
workers, so a host never sees more than ``per_host`` fetches at once, and one feed (always
in the same lane) is never fetched twice at once. The lanes are fixed when a job is
deferred, so they cost nothing to hold: no connection, no waiting worker.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from procrastinate import App, exceptions
from procrastinate.jobs import Job

from newsdesk.config import Config
from newsdesk.models import FeedSource
from newsdesk.queue.app import FETCH_QUEUE, FETCH_TASK, PUBLISH_LOCK, PUBLISH_TASK

__all__ = [
    "PUBLISH_DELAY",
    "active_feed_keys",
    "defer_due_feeds",
    "defer_feeds",
    "defer_publish",
    "enqueue_feeds",
    "feed_job",
    "host_lane",
]

log = logging.getLogger("newsdesk.queue")

PUBLISH_DELAY = 2.0  # seconds a publish waits, so that a burst of stored feeds shares it
_BATCH = 500  # jobs per INSERT


def host_lane(source: FeedSource, per_host: int) -> str:
    """The lock of ``source``'s lane: ``host:<host>:<slot>``, the same in every process."""
    import httpx

    try:
        host = httpx.URL(source.url).host.lower()
    except httpx.InvalidURL:
        host = ""
    digest = hashlib.sha256(source.key.encode()).digest()
    return f"host:{host}:{int.from_bytes(digest[:8], 'big') % per_host}"


def feed_job(source: FeedSource, per_host: int) -> Job:
    return Job(
        id=None,
        queue=FETCH_QUEUE,
        lock=host_lane(source, per_host),
        queueing_lock=f"feed:{source.key}",
        task_name=FETCH_TASK,
        task_kwargs={"feed_key": source.key},
    )


async def active_feed_keys(app: App) -> set[str]:
    """Feeds with a job waiting or running (retries waiting for their time included)."""
    rows = await app.connector.execute_query_all_async(
        "SELECT args->>'feed_key' AS key FROM procrastinate_jobs"
        " WHERE task_name = %(task)s AND status IN ('todo', 'doing')",
        task=FETCH_TASK,
    )
    return {row["key"] for row in rows}


async def defer_feeds(app: App, config: Config, keys: Sequence[str]) -> tuple[int, int]:
    """Defer a job per feed key; returns (deferred, skipped: already queued or unknown)."""
    by_key = {s.key: s for s in config.sources}
    jobs = [feed_job(by_key[k], config.fetch.per_host) for k in keys if k in by_key]
    skipped = len(keys) - len(jobs)
    deferred = 0
    for start in range(0, len(jobs), _BATCH):
        chunk = jobs[start : start + _BATCH]
        try:
            await app.job_manager.batch_defer_jobs_async(chunk)
            deferred += len(chunk)
            continue
        except exceptions.AlreadyEnqueued:
            pass  # one of them got queued meanwhile (the batch is one transaction): one by one
        for job in chunk:
            try:
                await app.job_manager.defer_job_async(job)
                deferred += 1
            except exceptions.AlreadyEnqueued:
                skipped += 1
    return deferred, skipped


async def defer_due_feeds(
    app: App, config: Config, store: Any, *, every: bool = False, now: datetime | None = None
) -> tuple[int, int]:
    """Defer the feeds that are due (``every``: all feeds) and have no job yet.

    The active jobs are read before the feed states: a job that finished in between has
    already stored its attempt, so its feed is seen as just polled, never as due again.
    """
    from newsdesk.watch import due_feeds

    active = await active_feed_keys(app)
    states = await asyncio.to_thread(store.feed_states)
    when = now or datetime.now(UTC)
    keys = [s.key for s in config.sources] if every else due_feeds(config, states, now=when)
    wanted = [k for k in keys if k not in active]
    deferred, skipped = await defer_feeds(app, config, wanted)
    return deferred, skipped + len(keys) - len(wanted)


async def defer_publish(app: App, *, delay: float = PUBLISH_DELAY) -> bool:
    """Queue a publish unless one is already waiting; True when this call queued it.

    A waiting publish has not started, so it will see whatever the caller has stored.
    Looking first spares the database an INSERT that fails (and logs an error) per feed.
    """
    waiting = await app.connector.execute_query_one_async(
        "SELECT count(*) AS n FROM procrastinate_jobs"
        " WHERE queueing_lock = %(lock)s AND status = 'todo'",
        lock=PUBLISH_LOCK,
    )
    if waiting["n"]:
        return False
    try:
        await app.configure_task(PUBLISH_TASK, schedule_in={"seconds": delay}).defer_async()
    except exceptions.AlreadyEnqueued:
        return False
    return True


async def enqueue_feeds(config: Config, *, every: bool = False) -> tuple[int, int]:
    """``newsdesk enqueue``: register the config's feeds in the store, then defer the due
    ones (``every``: all); returns (deferred, skipped)."""
    from newsdesk.queue.app import make_app
    from newsdesk.queue.schema import check_schema
    from newsdesk.store import open_store

    check_schema(config.database)
    app = make_app(config)
    async with app.open_async():
        with open_store(config.database) as store:
            store.sync_feeds(config.sources)
            return await defer_due_feeds(app, config, store, every=every)
