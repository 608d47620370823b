"""The queue's tables: Procrastinate's schema, migrated in order, plus two of ours.

Procrastinate ships its full schema and one SQL file per migration, named
``<version>_<serial>_<pre|post>_<what>.sql``, and leaves it to the user to track which
ran. We record the last one applied in ``newsdesk_queue_schema``; ``newsdesk queue init``
applies the full schema on a fresh database, else every migration file named after the
recorded one, in name order (pre before post: workers are stopped while it runs). One
transaction under an advisory lock, so two machines running it at once do not collide
and a failure leaves the database as it was.

``newsdesk_queue_workers`` names each live worker (host and pid) for ``newsdesk status``;
its rows go with Procrastinate's own worker rows (ON DELETE CASCADE).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from newsdesk.errors import StoreError
from newsdesk.queue.connection import conninfo

__all__ = ["InitReport", "QueueNotReady", "check_schema", "init_schema", "latest_migration"]

_LOCK_KEY = 0x6E657773_71  # "newsq": serializes concurrent `queue init`s
# Bumped when the objects below change; `queue init` (re)creates them all.
NEWSDESK_OBJECTS = 1
_OUR_OBJECTS = """
CREATE TABLE IF NOT EXISTS newsdesk_queue_schema (
    id integer PRIMARY KEY CHECK (id = 1),
    procrastinate_migration text NOT NULL,
    newsdesk_objects integer NOT NULL
);
CREATE TABLE IF NOT EXISTS newsdesk_queue_workers (
    worker_id bigint PRIMARY KEY REFERENCES procrastinate_workers(id) ON DELETE CASCADE,
    name text NOT NULL,
    started_at timestamptz NOT NULL DEFAULT now()
);
-- A job holding a lock ended (finished, failed, or deleted on success): the next job of
-- its lane may run now. Workers learn of runnable jobs from Procrastinate's "job_inserted"
-- notification, else only at their next poll; send them that one now.
CREATE OR REPLACE FUNCTION newsdesk_notify_lock_released() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    payload text := json_build_object('type', 'job_inserted', 'job_id', OLD.id)::text;
BEGIN
    PERFORM pg_notify('procrastinate_queue_v1#' || OLD.queue_name, payload);
    PERFORM pg_notify('procrastinate_any_queue_v1', payload);
    RETURN NULL;
END;
$$;
DROP TRIGGER IF EXISTS newsdesk_lock_released_update ON procrastinate_jobs;
CREATE TRIGGER newsdesk_lock_released_update AFTER UPDATE OF status ON procrastinate_jobs
    FOR EACH ROW WHEN (OLD.status = 'doing' AND NEW.status <> 'doing' AND OLD.lock IS NOT NULL)
    EXECUTE FUNCTION newsdesk_notify_lock_released();
DROP TRIGGER IF EXISTS newsdesk_lock_released_delete ON procrastinate_jobs;
CREATE TRIGGER newsdesk_lock_released_delete AFTER DELETE ON procrastinate_jobs
    FOR EACH ROW WHEN (OLD.status = 'doing' AND OLD.lock IS NOT NULL)
    EXECUTE FUNCTION newsdesk_notify_lock_released();
"""


class QueueNotReady(StoreError):
    """The queue's tables are missing or older than this version of newsdesk."""


@dataclass
class InitReport:
    created: bool = False  # the schema was applied to a database without one
    applied: list[str] = field(default_factory=list)  # migration files run, in order
    at: str = ""  # the migration the tables are at now


def _migrations() -> list[Path]:
    from procrastinate.schema import SchemaManager

    folder = Path(SchemaManager.get_migrations_path())
    return sorted(folder.glob("*.sql"), key=lambda p: p.name)


def latest_migration() -> str:
    """The name (without .sql) of the newest migration this Procrastinate ships."""
    return _migrations()[-1].stem


def _connect(database: str) -> psycopg.Connection:
    try:
        return psycopg.connect(conninfo(database))
    except psycopg.Error as exc:
        raise StoreError(f"cannot reach the queue's database: {exc}".strip()) from exc


def _recorded(conn: psycopg.Connection) -> tuple[str, int] | None:
    """(migration, objects version) recorded by ``queue init``; ("", 0) when
    Procrastinate's tables exist but were not made by it; None when there are none."""
    row = conn.execute(
        "SELECT to_regclass('procrastinate_jobs') IS NOT NULL,"
        " to_regclass('newsdesk_queue_schema') IS NOT NULL"
    ).fetchone()
    assert row is not None
    has_jobs, has_ours = row
    if not has_jobs:
        return None
    found = (
        conn.execute(
            "SELECT procrastinate_migration, newsdesk_objects FROM newsdesk_queue_schema"
        ).fetchone()
        if has_ours
        else None
    )
    return (found[0], found[1]) if found else ("", 0)


def init_schema(database: str) -> InitReport:
    """Create or migrate the queue's tables; running it again changes nothing."""
    from procrastinate.schema import SchemaManager

    report = InitReport(at=latest_migration())
    with _connect(database) as conn:
        try:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
                recorded = _recorded(conn)
                if recorded is None:
                    conn.execute(SchemaManager.get_schema().encode())
                    report.created = True
                elif recorded[0]:  # "" (made elsewhere): taken to be this version's schema
                    for path in _migrations():
                        if path.stem > recorded[0]:
                            conn.execute(path.read_bytes())
                            report.applied.append(path.stem)
                conn.execute(_OUR_OBJECTS.encode())
                conn.execute(
                    "INSERT INTO newsdesk_queue_schema VALUES (1, %s, %s) ON CONFLICT (id)"
                    " DO UPDATE SET procrastinate_migration = EXCLUDED.procrastinate_migration,"
                    " newsdesk_objects = EXCLUDED.newsdesk_objects",
                    (report.at, NEWSDESK_OBJECTS),
                )
        except psycopg.Error as exc:
            raise StoreError(f"cannot set up the queue's tables: {exc}".strip()) from exc
    return report


def check_schema(database: str) -> None:
    """QueueNotReady unless ``queue init`` has made the tables this version expects."""
    with _connect(database) as conn:
        recorded = _recorded(conn)
    if recorded is None or recorded == ("", 0):
        raise QueueNotReady(
            "the job queue is not set up in this database: run `newsdesk queue init -c <config>`"
        )
    if recorded[0] < latest_migration() or recorded[1] < NEWSDESK_OBJECTS:
        raise QueueNotReady(
            f"the queue's tables are at {recorded[0]} (newsdesk objects v{recorded[1]}), this"
            f" newsdesk needs {latest_migration()} (v{NEWSDESK_OBJECTS}): stop the workers and"
            " run `newsdesk queue init -c <config>`"
        )
