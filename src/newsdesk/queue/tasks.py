"""What each job does. A worker passes its ``Runtime`` (config, store, HTTP client) to
every job through Procrastinate's job context.

Per-feed trouble (HTTP errors, unreadable feeds) is recorded in the store by the pipeline
and ends the job successfully: the schedule's backoff handles it, as in ``watch``. A job
fails only when the store is unusable; Procrastinate then retries it.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from procrastinate import JobContext, exceptions
from procrastinate.jobs import Status

from newsdesk import pipeline
from newsdesk.config import Config
from newsdesk.models import FeedSource
from newsdesk.queue.defer import defer_due_feeds, defer_publish

__all__ = ["Runtime", "fetch_feed", "publish_posts", "recover", "schedule"]

log = logging.getLogger("newsdesk.queue")

PUBLISH_LOCK_WAIT = 60.0  # seconds a publish waits for a `newsdesk run` holding the store
_KEEP_FAILED_HOURS = 24 * 7  # failed jobs stay visible in `newsdesk status` for a week


@dataclass
class Runtime:
    """What a worker process shares between its jobs."""

    config: Config
    store: Any
    client: Any  # httpx.AsyncClient from fetch.make_client
    name: str  # host:pid, shown in `newsdesk status`

    def __post_init__(self) -> None:
        self.sources: dict[str, FeedSource] = {s.key: s for s in self.config.sources}
        self.ingest_gate = asyncio.Lock()  # one feed parsed and stored at a time per process


def _runtime(context: JobContext) -> Runtime:
    runtime = context.additional_context["runtime"]
    assert isinstance(runtime, Runtime)
    return runtime


async def fetch_feed(context: JobContext, feed_key: str) -> str:
    """Fetch, parse, process and store one feed; queue a publish when posts changed."""
    runtime = _runtime(context)
    source = runtime.sources.get(feed_key)
    if source is None:
        log.warning("queued feed is not in this worker's config", extra={"feed": feed_key})
        return "not in this worker's config"
    outcome = await pipeline.fetch_and_store_one(
        runtime.config, runtime.store, runtime.client, source, ingest_gate=runtime.ingest_gate
    )
    # A retried job may have stored the feed in an attempt that died before this line:
    # the articles are in, unchanged now, and still need their publish.
    if outcome.new or outcome.updated or context.job.attempts > 0:
        await defer_publish(context.app)
    return f"{outcome.status}: {outcome.new} new, {outcome.updated} updated"


def publish_posts(context: JobContext) -> str:
    """Write the posts that are new or changed (and the site, when configured).

    Synchronous on purpose: Procrastinate never cancels a running sync job, so a worker
    asked to stop finishes its publish instead of leaving it half done.
    """
    runtime = _runtime(context)
    config, store = runtime.config, runtime.store
    # The store's run lock keeps a `newsdesk run`/`publish` on the same store apart.
    with store.run_lock(f"newsdesk worker {runtime.name}", wait=PUBLISH_LOCK_WAIT):
        summaries = pipeline.publish(config, store)
        new = sum(s.new for s in summaries)
        updated = sum(s.updated for s in summaries)
        # Said before the site is built: a failed build must not hide the posts written.
        log.info("posts published", extra={"new": new, "updated": updated})
        if config.build_site or config.watch.build:  # the same rule as `watch`
            from newsdesk.sitebuild import build_from_store

            build_from_store(config, store)
    if new or updated:
        from newsdesk.watch import after_publish

        after_publish(config)
    return f"{new} new, {updated} updated"


async def schedule(context: JobContext, timestamp: int) -> str:
    """Defer every feed that is due and not queued yet."""
    runtime = _runtime(context)
    deferred, _ = await defer_due_feeds(context.app, runtime.config, runtime.store)
    return f"{deferred} feed(s) deferred"


async def recover(context: JobContext, timestamp: int) -> str:
    """Send the jobs of dead workers (silent for ``queue.stalled_after``) back to the queue."""
    runtime = _runtime(context)
    manager = context.app.job_manager
    stalled = await manager.get_stalled_jobs(
        seconds_since_heartbeat=runtime.config.queue.stalled_after
    )
    retried = 0
    for job in stalled:
        assert job.id is not None
        log.warning(
            "job of a silent worker sent back to the queue",
            extra={"job": job.id, "task": job.task_name, "worker": job.worker_id},
        )
        try:
            await manager.retry_job(job)
            retried += 1
        except exceptions.UniqueViolation:
            # Another job of the same feed is waiting already: that one will do.
            await manager.finish_job_by_id_async(job.id, status=Status.FAILED, delete_job=False)
    if timestamp % 3600 < runtime.config.queue.tick:  # once an hour
        await manager.delete_old_jobs(
            nb_hours=_KEEP_FAILED_HOURS,
            include_failed=True,
            include_cancelled=True,
            include_aborted=True,
        )
    return f"{retried} stalled job(s) retried"
