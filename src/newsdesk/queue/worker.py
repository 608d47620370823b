"""``newsdesk worker``: one process running queue jobs until SIGTERM/SIGINT.

A worker registers itself (with a heartbeat every ``queue.stalled_after / 4`` seconds),
runs the periodic schedule like every other worker (the database lets one job through
per tick), and runs up to ``concurrency`` jobs at once on one event loop with one HTTP
client. On SIGTERM/SIGINT it takes no new job, waits up to ``shutdown_timeout`` for the
running ones, then cancels the rest, which go back to the queue for another worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass

from procrastinate import App
from procrastinate.worker import Worker

from newsdesk.config import Config
from newsdesk.errors import StoreError
from newsdesk.queue.app import FETCH_QUEUE, PUBLISH_QUEUE, SCHEDULE_QUEUE, make_app
from newsdesk.queue.defer import defer_publish
from newsdesk.queue.schema import check_schema
from newsdesk.queue.tasks import Runtime

__all__ = ["WorkerOptions", "run_worker"]

log = logging.getLogger("newsdesk.queue")


@dataclass(frozen=True)
class WorkerOptions:
    concurrency: int = 16
    publish: bool = True  # also take publish jobs (this machine has the blog's folders)
    shutdown_timeout: float = 30.0  # seconds to finish running jobs after SIGTERM
    poll_interval: float = 1.0  # look for jobs this often besides LISTEN/NOTIFY wake-ups


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_worker(
    config: Config, options: WorkerOptions, *, on_ready: Callable[[int, str], None] | None = None
) -> None:
    """Run until SIGTERM/SIGINT. ``on_ready(worker_id, name)`` once registered.

    Raises QueueNotReady before starting when ``newsdesk queue init`` is needed.
    """
    check_schema(config.database)
    asyncio.run(_serve(config, options, on_ready))


async def _serve(
    config: Config, options: WorkerOptions, on_ready: Callable[[int, str], None] | None
) -> None:
    from procrastinate import exceptions

    from newsdesk.fetch import make_client
    from newsdesk.pipeline import fetch_options
    from newsdesk.store import open_store

    name = worker_name()
    stalled_after = config.queue.stalled_after
    app = make_app(config, max_connections=2 + options.concurrency // 4)
    queues = [FETCH_QUEUE, SCHEDULE_QUEUE] + ([PUBLISH_QUEUE] if options.publish else [])
    try:
        await app.open_async()
    except exceptions.ConnectorException as exc:
        raise StoreError(f"cannot reach the queue's database: {exc}") from exc
    try:
        with open_store(config.database) as store:
            store.sync_feeds(config.sources)
            async with make_client(fetch_options(config)) as client:
                worker = Worker(
                    app,
                    queues=queues,
                    name=name,
                    concurrency=options.concurrency,
                    fetch_job_polling_interval=options.poll_interval,
                    shutdown_graceful_timeout=options.shutdown_timeout,
                    delete_jobs="successful",  # failed ones stay for `newsdesk status`
                    additional_context={"runtime": Runtime(config, store, client, name)},
                    update_heartbeat_interval=max(stalled_after / 4, 0.2),
                    stalled_worker_timeout=stalled_after,
                )
                announce = asyncio.create_task(_announce(app, worker, name, on_ready))
                if options.publish:  # catch up on posts left pending before this start
                    await defer_publish(app)
                try:
                    await worker.run()
                finally:
                    announce.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await announce
    finally:
        await app.close_async()


async def _announce(
    app: App, worker: Worker, name: str, on_ready: Callable[[int, str], None] | None
) -> None:
    """Name this worker in ``newsdesk_queue_workers`` once Procrastinate registered it."""
    while worker.worker_id is None:
        await asyncio.sleep(0.05)
    worker_id = worker.worker_id
    await app.connector.execute_query_async(
        "INSERT INTO newsdesk_queue_workers (worker_id, name) VALUES (%(id)s, %(name)s)"
        " ON CONFLICT (worker_id) DO NOTHING",
        id=worker_id,
        name=name,
    )
    log.info("worker started", extra={"worker": worker_id, "worker_name": name})
    if on_ready is not None:
        on_ready(worker_id, name)
