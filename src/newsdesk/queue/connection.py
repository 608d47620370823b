"""Which databases can hold the queue, and how Procrastinate's driver reaches them."""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

__all__ = ["conninfo", "is_postgres", "needs_postgres"]


def is_postgres(database: str) -> bool:
    """Whether ``database`` (a path or a SQLAlchemy URL, as in the config) is PostgreSQL."""
    if "://" not in database:
        return False  # a file path: SQLite
    try:
        return make_url(database).get_backend_name() == "postgresql"
    except ArgumentError:
        return False


def needs_postgres(database: str, command: str) -> str | None:
    """The refusal for ``command`` when the store is not PostgreSQL, else None."""
    if is_postgres(database):
        return None
    return (
        f"`newsdesk {command}` needs PostgreSQL: the job queue lives in the store's database, "
        f"and `database:` is {database} (SQLite). Set `database: "
        "postgresql+psycopg://user:password@host/dbname` in the config on every machine "
        "(see docs/distributed.md); `newsdesk run` and `newsdesk watch` work on SQLite."
    )


def conninfo(database: str) -> str:
    """The libpq URI for a ``postgresql+psycopg://`` URL (query options such as
    ``options=-csearch_path%3Dname`` kept, so the queue sits beside the store)."""
    url = make_url(database).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)
