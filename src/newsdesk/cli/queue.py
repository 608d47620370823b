"""The queue's commands: ``queue init``, ``queue status``, ``worker``, ``enqueue``.

See docs/distributed.md. What the queue looks like on the terminal is in queue_view.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from typing import TypeVar

import click

from newsdesk.cli.common import EXIT_IO, config_option, fail, load, out
from newsdesk.cli.queue_view import print_summary
from newsdesk.config import Config
from newsdesk.errors import StoreError

__all__ = ["enqueue", "queue", "worker"]

T = TypeVar("T")


def _queue_config(ctx: click.Context, command: str) -> Config:
    """The config, after refusing (exit 2) a store that cannot hold the queue."""
    config = load(ctx)
    from newsdesk.queue import needs_postgres

    refusal = needs_postgres(config.database, command)
    if refusal:
        fail(refusal)
    try:
        import procrastinate  # noqa: F401
    except ImportError:
        fail(
            f"`newsdesk {command}` needs the Procrastinate package: "
            "install it with: pip install 'newsdesk[queue]'"
        )
    return config


@click.group()
def queue() -> None:
    """The job queue that `newsdesk worker`s on many machines share (PostgreSQL)."""


@queue.command("init")
@config_option
@click.pass_context
def queue_init(ctx: click.Context) -> None:
    """Create or migrate the queue's tables in the store's database (idempotent).

    Run it once before starting workers, and again after upgrading newsdesk (with
    the workers stopped). Running it when nothing changed changes nothing.
    """
    from newsdesk.queue.schema import init_schema
    from newsdesk.store import open_store

    config = _queue_config(ctx, "queue init")
    try:
        with open_store(config.database):  # the store's own tables, too
            pass
        report = init_schema(config.database)
    except StoreError as exc:
        fail(str(exc), EXIT_IO)
    if report.created:
        out.print(f"queue tables created (schema {report.at})", highlight=False)
    elif report.applied:
        out.print(
            f"queue tables migrated to {report.at}: {', '.join(report.applied)}",
            highlight=False,
        )
    else:
        out.print(f"queue tables up to date ({report.at})", highlight=False)


@queue.command("status")
@config_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object instead.")
@click.pass_context
def queue_status(ctx: click.Context, as_json: bool) -> None:
    """Show queued, running and failed jobs, per worker, and the latest failures."""
    from newsdesk.queue.status import queue_summary

    config = _queue_config(ctx, "queue status")
    summary = queue_summary(config.database)
    if summary is None:
        fail("the job queue is not set up: run `newsdesk queue init -c <config>`")
    if as_json:
        click.echo(json.dumps(asdict(summary), indent=2))
        return
    print_summary(summary, config)


@click.command()
@config_option
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    default=16,
    show_default=True,
    help="Jobs this worker runs at once.",
)
@click.option(
    "--publish/--no-publish",
    default=True,
    show_default=True,
    help="Also take publish jobs. Use --no-publish on machines without the blog's folders.",
)
@click.option(
    "--shutdown-timeout",
    type=click.FloatRange(min=0),
    default=30,
    show_default=True,
    metavar="SECONDS",
    help="After SIGTERM, wait this long for running jobs, then hand them back to the queue.",
)
@click.pass_context
def worker(ctx: click.Context, concurrency: int, publish: bool, shutdown_timeout: float) -> None:
    """Run queue jobs: fetch feeds, publish, and keep the schedule, until SIGTERM.

    Start one on each machine; they share the work through the store's PostgreSQL
    (run `newsdesk queue init` once first). Every worker runs the schedule too: each
    feed on its own interval, with backoff and pause, as `newsdesk watch` does, and
    no feed is queued twice however many workers run. SIGTERM or Ctrl-C stops
    gracefully; a worker killed outright loses nothing, its jobs are retried by the
    others after `queue.stalled_after`.
    """
    from newsdesk.queue.worker import WorkerOptions, run_worker

    config = _queue_config(ctx, "worker")
    if not config.sources:
        fail(f"{config.path}: no feeds configured under `groups:`")
    options = WorkerOptions(
        concurrency=concurrency, publish=publish, shutdown_timeout=shutdown_timeout
    )

    def ready(worker_id: int, name: str) -> None:
        out.print(
            f"worker {worker_id} ({name}) running {concurrency} job(s) at once"
            f"{'' if publish else ', no publishing'}; SIGTERM or Ctrl-C stops it",
            highlight=False,
        )

    _run_or_fail(lambda: run_worker(config, options, on_ready=ready))
    out.print("worker stopped", highlight=False)


@click.command()
@config_option
@click.option("--all", "every", is_flag=True, help="Every feed, due or not.")
@click.pass_context
def enqueue(ctx: click.Context, every: bool) -> None:
    """Queue a fetch of every feed that is due now (--all: of every feed).

    Workers do this on their own every `queue.tick`; use it to fetch at once. A feed
    whose job is already queued or running is not queued again.
    """
    import asyncio

    from newsdesk.queue.defer import enqueue_feeds

    config = _queue_config(ctx, "enqueue")
    deferred, skipped = _run_or_fail(lambda: asyncio.run(enqueue_feeds(config, every=every)))
    out.print(f"queued {deferred} feed(s); {skipped} already queued or running", highlight=False)


def _run_or_fail(action: Callable[[], T]) -> T:
    from newsdesk.queue.schema import QueueNotReady

    try:
        return action()
    except QueueNotReady as exc:
        fail(str(exc))
    except StoreError as exc:
        fail(str(exc), EXIT_IO)
