"""Pieces every table module shares: the metadata, the UTC column type, upserts, errors,
and the per-feed lookups that articles and tombstones both need."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection, Dialect

from newsdesk.errors import StoreError

# One MetaData for the Table objects the queries use. The schema itself is created by
# migrations.py, never by metadata.create_all, so that old databases and new ones agree.
metadata = sa.MetaData()

# Rows per IN (...) list or executemany chunk: far below SQLite's 32766 bound variables.
CHUNK = 500

T = TypeVar("T")


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """An aware datetime, stored as naive UTC so SQLite and PostgreSQL store the same thing.

    Naive values are refused: a naive time has no defined instant.
    """

    impl = sa.DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return to_utc(value).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def to_utc(value: datetime, name: str = "datetime") -> datetime:
    """``value`` in UTC; ValueError when it is naive (a caller bug, not a store failure)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value.isoformat()}")
    return value.astimezone(UTC)


def upsert(conn: Connection, table: sa.Table) -> Any:
    """The dialect's INSERT that has ``on_conflict_do_update`` / ``on_conflict_do_nothing``.

    SQLite and PostgreSQL spell ON CONFLICT the same way, so one call site serves both.
    """
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


def chunks(items: Sequence[T] | Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def by_feed(keys: Iterable[tuple[str, str]], size: int = CHUNK) -> Iterator[tuple[str, list[str]]]:
    """(feed_key, article ids) chunks of ``keys``: a ``feed_key = ? AND article_id IN
    (...)`` query walks the primary key, where a (feed_key, article_id) IN list of pairs
    makes SQLite scan the whole table."""
    grouped: dict[str, list[str]] = {}
    for feed_key, article_id in keys:
        grouped.setdefault(feed_key, []).append(article_id)
    for feed_key, ids in grouped.items():
        for part in chunks(ids, size):
            yield feed_key, part


def ids_matching(
    conn: Connection, table: sa.Table, feed_key: str, column: str, values: Iterable[str]
) -> dict[str, list[str]]:
    """For each value of ``table.column``: the feed's article ids having it in ``table``."""
    col = table.c[column]
    found: dict[str, list[str]] = {}
    for part in chunks(sorted(set(values))):
        rows = conn.execute(
            sa.select(col, table.c.article_id).where(table.c.feed_key == feed_key, col.in_(part))
        )
        for row in rows:  # indexed, not unpacked: mypy types unpacked Row items as object
            found.setdefault(row[0], []).append(row[1])
    return found


def describe(exc: BaseException) -> str:
    """The driver's own words for a failure, without SQLAlchemy's SQL dump and links."""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return "; ".join(lines[:3]) or type(exc).__name__


@contextmanager
def translate_errors(action: str) -> Iterator[None]:
    """Wrap SQLAlchemy/driver failures once, here at the store's edge, into StoreError."""
    try:
        yield
    except StoreError:
        raise
    except (sa_exc.SQLAlchemyError, OSError) as exc:
        raise StoreError(f"{action}: {describe(exc)}") from exc
