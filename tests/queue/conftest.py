"""Queue fixtures: a config on a fresh PostgreSQL schema, real worker processes, waits.

Each test has its own schema (tests/store/conftest.py's ``pg_schema_url``): the store's
tables and the queue's live there together, so parallel runs never see each other's jobs.
Workers are real ``newsdesk worker`` processes logging at debug level to files that the
tests read (``WorkerProcess.log``).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from newsdesk.queue.connection import conninfo
from tests.queue.farm import write_config
from tests.store.conftest import pg_schema_url, pg_url

__all__ = ["pg_schema_url", "pg_url", "write_config"]  # fixtures and helpers for the tests


def queue_config(folder: Path, database: str, urls: list[str], *, extra: str = "") -> Path:
    """write_config, then `newsdesk queue init` on it (the real command, as a user runs it)."""
    config = write_config(folder, database, urls, extra=extra)
    done = subprocess.run(
        [sys.executable, "-m", "newsdesk.cli", "queue", "init", "-c", str(config)],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return config


class WorkerProcess:
    def __init__(self, proc: subprocess.Popen[bytes], log: Path) -> None:
        self.proc, self.log_path = proc, log

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def published(self) -> list[tuple[int, int]]:
        """(new, updated) of each publish this worker finished."""
        found = re.findall(r"posts published new=(\d+) updated=(\d+)", self.log())
        return [(int(new), int(updated)) for new, updated in found]


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Callable[..., WorkerProcess]]:
    """Start ``newsdesk worker`` processes; whatever is still running is stopped after."""
    started: list[WorkerProcess] = []

    def start(config: Path, *args: str, env: dict[str, str] | None = None) -> WorkerProcess:
        log = tmp_path / f"worker-{len(started)}.log"
        with log.open("wb") as sink:
            proc = subprocess.Popen(
                [sys.executable, "-m", "newsdesk.cli", "-v", "worker", "-c", str(config), *args],
                cwd=config.parent,
                env={**os.environ, **(env or {})},
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        started.append(WorkerProcess(proc, log))
        return started[-1]

    yield start
    for worker in started:
        if worker.proc.poll() is None:
            worker.proc.send_signal(signal.SIGTERM)
    for worker in started:
        try:
            worker.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.proc.kill()
            worker.proc.wait()


def wait_until(check: Callable[[], object], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.2)


def sql(database: str, query: str, *params: object) -> list[tuple[Any, ...]]:
    """Rows of one query on the test's schema ([] for a statement that returns none)."""
    with psycopg.connect(conninfo(database)) as conn:
        cursor = conn.execute(query, params or None)
        return cursor.fetchall() if cursor.description else []


def active_jobs(database: str, *tasks: str, states: tuple[str, ...] = ("todo", "doing")) -> int:
    """Jobs of these tasks (default: fetches and publishes) waiting or running."""
    names = list(tasks or ("newsdesk.fetch_feed", "newsdesk.publish"))
    rows = sql(
        database,
        "SELECT count(*) FROM procrastinate_jobs"
        " WHERE task_name = ANY(%s) AND status::text = ANY(%s)",
        names,
        list(states),
    )
    return int(rows[0][0])


def worker_id_of(database: str, pid: int) -> int | None:
    rows = sql(
        database, "SELECT worker_id FROM newsdesk_queue_workers WHERE name LIKE %s", f"%:{pid}"
    )
    return int(rows[0][0]) if rows else None


def post_files(folder: Path) -> list[Path]:
    return sorted((folder / "blog" / "source" / "_posts").glob("*.md"))
