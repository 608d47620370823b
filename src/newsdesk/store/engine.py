"""Opening a store: SQLite paths and database URLs, engines and their connection settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError

from newsdesk.errors import StoreError
from newsdesk.store.store import Store

__all__ = ["SQLITE_BUSY_TIMEOUT_MS", "open_store"]

# SQLite waits this long for another writer before "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 10_000


def open_store(url_or_path: str | Path) -> Store:
    """Open (creating or migrating as needed) the store at a SQLite path or a database URL.

    ``url_or_path``: a file path (SQLite), ``sqlite:///path``, or
    ``postgresql+psycopg://user:pass@host/db`` (``postgresql://`` means the same). Add
    ``?options=-csearch_path%3Dname`` to a PostgreSQL URL to keep the store in a schema.
    """
    url, display = _parse(url_or_path)
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database in ("", ":memory:") or database.startswith("file:"):
            raise StoreError(f"cannot open database {display}: give a file path, not {database!r}")
        engine = _sqlite_engine(url)
        store = Store(engine, display=display, lock_path=Path(database + ".lock"))
    else:
        engine = sa.create_engine(url, pool_pre_ping=True)
        store = Store(engine, display=display, lock_path=None)
    try:
        store._migrate()
    except BaseException:
        engine.dispose()
        raise
    return store


def _parse(url_or_path: str | Path) -> tuple[URL, str]:
    if isinstance(url_or_path, Path) or "://" not in url_or_path:
        path = str(url_or_path)
        return URL.create("sqlite+pysqlite", database=path), path
    try:
        url = make_url(url_or_path)
    except ArgumentError as exc:
        raise StoreError(f"cannot open database: {exc}") from exc
    display = url.render_as_string(hide_password=True)
    backend = url.get_backend_name()
    if backend == "postgresql" and url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")  # the one PostgreSQL driver we ship
    elif backend == "sqlite":
        url = url.set(drivername="sqlite+pysqlite")
    elif backend != "postgresql":
        raise StoreError(
            f"cannot open database {display}: only SQLite and PostgreSQL are supported"
        )
    return url, display


def _sqlite_engine(url: URL) -> Engine:
    engine = sa.create_engine(url)

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            # WAL: readers never block the writer, nor the writer readers.
            cursor.execute("PRAGMA journal_mode = WAL")
            # NORMAL is crash-safe under WAL (a power cut may lose the last commit, never
            # half of one), and saves an fsync per transaction.
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("newsdesk_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
