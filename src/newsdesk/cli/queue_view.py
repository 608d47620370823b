"""The job queue on the terminal: for `newsdesk status` and `newsdesk queue status`."""

from __future__ import annotations

from typing import Any

from newsdesk.cli.common import out
from newsdesk.config import Config

__all__ = ["print_summary", "show_queue"]


def show_queue(config: Config) -> None:
    """The queue part of ``newsdesk status``: nothing unless the database holds a queue."""
    from newsdesk.queue import is_postgres

    if not is_postgres(config.database):
        return
    try:
        from newsdesk.queue.status import queue_summary
    except ImportError:
        return  # the queue extra is not installed: there is no queue to show
    summary = queue_summary(config.database)
    if summary is not None:
        print_summary(summary, config)


def print_summary(summary: Any, config: Config) -> None:
    from rich.table import Table

    out.print(
        f"queue: {summary.queued} queued, {summary.later} waiting for their time, "
        f"{summary.running} running, {summary.failed} failed",
        highlight=False,
    )
    if summary.workers:
        table = Table(title="workers", title_justify="left")
        for col in ("worker", "name", "last heartbeat", "running", "longest running", "failed"):
            table.add_column(col, overflow="fold")
        for w in summary.workers:
            stalled = w.silent_for is not None and w.silent_for > config.queue.stalled_after
            heartbeat = "" if w.silent_for is None else f"{w.silent_for:.0f}s ago"
            table.add_row(
                str(w.worker_id) if w.worker_id is not None else "(gone)",
                w.name,
                f"[red]{heartbeat} (stalled)[/]" if stalled else heartbeat,
                str(w.running),
                "" if w.longest_running is None else f"{w.longest_running:.0f}s",
                str(w.failed),
            )
        out.print(table)
    for job in summary.recent_failures:
        out.print(
            f"failed job {job.job_id}: {job.task} {job.feed or ''} after {job.attempts} attempt(s)",
            highlight=False,
        )
    if summary.recent_failures:
        out.print("(details in the workers' logs; `newsdesk enqueue` queues due feeds again)")
