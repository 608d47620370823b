"""What the queue is doing, for ``newsdesk status``: jobs by state, and per worker."""

from __future__ import annotations

from dataclasses import dataclass, field

import psycopg

from newsdesk.errors import StoreError
from newsdesk.queue.connection import conninfo

__all__ = ["FailedJob", "QueueSummary", "WorkerRow", "queue_summary"]


@dataclass(frozen=True)
class WorkerRow:
    worker_id: int | None  # None: jobs whose worker is gone (unregistered or pruned)
    name: str
    silent_for: float | None  # seconds since its last heartbeat
    running: int
    failed: int
    longest_running: float | None  # seconds the oldest of its running jobs has run


@dataclass(frozen=True)
class FailedJob:
    job_id: int
    task: str
    feed: str | None
    attempts: int
    worker_id: int | None


@dataclass
class QueueSummary:
    queued: int = 0  # waiting for a worker
    later: int = 0  # waiting for their time (a retry's backoff, a publish's short delay)
    running: int = 0
    failed: int = 0
    workers: list[WorkerRow] = field(default_factory=list)
    recent_failures: list[FailedJob] = field(default_factory=list)


_COUNTS = """
SELECT count(*) FILTER (WHERE status = 'todo' AND (scheduled_at IS NULL OR scheduled_at <= now())),
       count(*) FILTER (WHERE status = 'todo' AND scheduled_at > now()),
       count(*) FILTER (WHERE status = 'doing'),
       count(*) FILTER (WHERE status = 'failed')
  FROM procrastinate_jobs
"""
_PER_WORKER = """
WITH started AS (
    SELECT e.job_id, max(e.at) AS at
      FROM procrastinate_events e JOIN procrastinate_jobs j ON j.id = e.job_id
     WHERE j.status = 'doing' AND e.type = 'started'
     GROUP BY e.job_id
), per_job AS (
    SELECT j.worker_id, j.status, extract(epoch FROM now() - s.at) AS running_for
      FROM procrastinate_jobs j LEFT JOIN started s ON s.job_id = j.id
     WHERE j.status IN ('doing', 'failed')
)
SELECT w.id, coalesce(n.name, ''), extract(epoch FROM now() - w.last_heartbeat),
       count(p.status) FILTER (WHERE p.status = 'doing'),
       count(p.status) FILTER (WHERE p.status = 'failed'),
       max(p.running_for)
  FROM procrastinate_workers w
  LEFT JOIN newsdesk_queue_workers n ON n.worker_id = w.id
  LEFT JOIN per_job p ON p.worker_id = w.id
 GROUP BY w.id, n.name, w.last_heartbeat
UNION ALL
SELECT NULL, '', NULL,
       count(*) FILTER (WHERE status = 'doing'), count(*) FILTER (WHERE status = 'failed'),
       max(running_for)
  FROM per_job WHERE worker_id IS NULL
 ORDER BY 1 NULLS LAST
"""
_FAILED = """
SELECT id, task_name, args->>'feed_key', attempts, worker_id
  FROM procrastinate_jobs WHERE status = 'failed' ORDER BY id DESC LIMIT %s
"""


def queue_summary(database: str, *, failures: int = 10) -> QueueSummary | None:
    """The queue's state, or None when ``newsdesk queue init`` never ran on ``database``."""
    try:
        with psycopg.connect(conninfo(database)) as conn:
            ready = conn.execute("SELECT to_regclass('newsdesk_queue_workers')").fetchone()
            if ready is None or ready[0] is None:
                return None
            counts = conn.execute(_COUNTS).fetchone()
            assert counts is not None
            summary = QueueSummary(*counts)
            for row in conn.execute(_PER_WORKER).fetchall():
                if row[0] is None and not (row[3] or row[4]):
                    continue  # no job without a worker: no row for it
                summary.workers.append(
                    WorkerRow(
                        worker_id=row[0],
                        name=row[1],
                        silent_for=None if row[2] is None else float(row[2]),
                        running=row[3],
                        failed=row[4],
                        longest_running=None if row[5] is None else float(row[5]),
                    )
                )
            summary.recent_failures = [
                FailedJob(*row) for row in conn.execute(_FAILED, (failures,)).fetchall()
            ]
    except psycopg.Error as exc:
        raise StoreError(f"cannot read the queue's state: {exc}".strip()) from exc
    return summary
