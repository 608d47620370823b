"""The run lock: one ``newsdesk run`` at a time per store.

SQLite: ``fcntl.flock`` on ``<db>.lock``. The kernel drops a flock when its holder's last
file descriptor closes, so a holder that dies, even by SIGKILL, never leaves a stale lock.
The file holds the holder's pid, host and owner, only to explain a refusal.

PostgreSQL: a session-level ``pg_advisory_lock`` on a connection held for the run. The
server drops it when that session ends, which a dead client's closed socket causes. The
holder's pid travels in the session's ``application_name``, read back from
``pg_stat_activity``. The lock is per database and schema, so schemas are separate stores.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from newsdesk.errors import LockedError

# First int4 key of our advisory locks: "news" in ASCII.
_PG_CLASS = 0x6E657773
_POLL = 0.1


def _deadline(wait: float) -> float:
    if wait < 0:
        raise ValueError(f"wait must be >= 0 seconds, got {wait}")
    return time.monotonic() + wait


@contextmanager
def file_lock(path: Path, owner: str, *, wait: float, display: str) -> Iterator[None]:
    deadline = _deadline(wait)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockedError(_file_refusal(fd, display, wait)) from None
                time.sleep(_POLL)
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "owner": owner,
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode("utf-8") + b"\n", 0)
        try:
            yield
        finally:
            # Clear the note before unlocking, so nobody reads a finished run as the holder.
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _file_refusal(fd: int, display: str, wait: float) -> str:
    try:
        info = json.loads(os.pread(fd, 4096, 0).decode("utf-8") or "{}")
    except (OSError, ValueError):
        info = {}
    return _refusal(
        display,
        pid=info.get("pid"),
        host=info.get("host"),
        owner=info.get("owner"),
        since=info.get("since"),
        wait=wait,
    )


def _refusal(
    display: str,
    *,
    pid: object,
    host: object,
    owner: object,
    since: object,
    wait: float,
) -> str:
    who = f"pid {pid if pid is not None else 'unknown'}"
    if host:
        who += f" on {host}"
    if owner:
        who += f", owner {owner!r}"
    if since:
        who += f", since {since}"
    waited = f" (waited {wait:g}s)" if wait else ""
    return f"store {display} is locked by another newsdesk run: {who}{waited}"


def _pg_keys(conn: Connection) -> tuple[int, int]:
    row = conn.execute(sa.text("SELECT current_database(), current_schema()")).one()
    # Positive int4: pg_locks shows the key as an unsigned oid.
    return _PG_CLASS, zlib.crc32(f"{row[0]}.{row[1]}".encode()) & 0x7FFFFFFF


@contextmanager
def pg_lock(engine: Engine, owner: str, *, wait: float, display: str) -> Iterator[None]:
    deadline = _deadline(wait)
    with engine.connect() as conn:
        # Outside a transaction: a session lock must not depend on a COMMIT.
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        keys = _pg_keys(conn)
        label = f"newsdesk:{os.getpid()}:{socket.gethostname()}:{owner}"[:63]
        conn.execute(sa.text("SELECT set_config('application_name', :v, false)"), {"v": label})
        try:
            while not conn.execute(
                sa.text("SELECT pg_try_advisory_lock(:k1, :k2)"), {"k1": keys[0], "k2": keys[1]}
            ).scalar_one():
                if time.monotonic() >= deadline:
                    raise LockedError(_pg_refusal(conn, keys, display, wait))
                time.sleep(_POLL)
            try:
                yield
            finally:
                conn.execute(
                    sa.text("SELECT pg_advisory_unlock(:k1, :k2)"), {"k1": keys[0], "k2": keys[1]}
                )
        finally:
            conn.execute(sa.text("RESET application_name"))


def _pg_refusal(conn: Connection, keys: tuple[int, int], display: str, wait: float) -> str:
    row = conn.execute(
        sa.text(
            """
            SELECT a.pid, a.application_name, a.client_addr, a.backend_start
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND l.classid::bigint = :k1 AND l.objid::bigint = :k2 AND l.objsubid = 2
            """
        ),
        {"k1": keys[0], "k2": keys[1]},
    ).first()
    if row is None:  # released between our try and this look
        return _refusal(display, pid=None, host=None, owner=None, since=None, wait=wait)
    parts = (row.application_name or "").split(":", 3)
    if len(parts) == 4 and parts[0] == "newsdesk":
        pid, host, owner = parts[1], parts[2], parts[3]
    else:  # not ours, or a role that may not see it: name the server backend at least
        pid, host, owner = f"unknown (server backend {row.pid})", row.client_addr, None
    since = row.backend_start.isoformat(timespec="seconds") if row.backend_start else None
    return _refusal(display, pid=pid, host=host, owner=owner, since=since, wait=wait)
