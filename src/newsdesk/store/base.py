"""What every part of the Store stands on: the engine, its transactions, errors named."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from sqlalchemy.engine import Connection, Engine

from newsdesk.models import Article
from newsdesk.store import migrations
from newsdesk.store._sql import translate_errors

__all__ = ["StoreBase"]


class StoreBase:
    """The engine and its transactions; ``Store`` adds the methods each stage uses."""

    def __init__(self, engine: Engine, *, display: str, lock_path: Path | None) -> None:
        self._engine = engine
        # Writers on SQLite take the write lock at BEGIN (see _sqlite_engine), not on
        # their first write, so two writers queue on busy_timeout instead of failing.
        self._writer = engine.execution_options(newsdesk_write=True)
        self.display = display
        self._lock_path = lock_path
        self.schema_version = 0

    # -- lifecycle ---------------------------------------------------------------

    @property
    def dialect(self) -> str:
        """The backend: ``sqlite`` or ``postgresql``."""
        return self._engine.dialect.name

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Store {self.display} schema v{self.schema_version}>"

    @contextmanager
    def _write(self, action: str) -> Iterator[Connection]:
        with translate_errors(f"cannot {action} in {self.display}"), self._writer.begin() as conn:
            yield conn

    @contextmanager
    def _read(self, action: str) -> Iterator[Connection]:
        with translate_errors(f"cannot {action} in {self.display}"), self._engine.connect() as conn:
            yield conn

    def _migrate(self) -> None:
        with translate_errors(f"cannot open database {self.display}"), self._writer.begin() as conn:
            self.schema_version = migrations.migrate(conn, self.display)

    def _stream(self, action: str, pages: Any, **options: Any) -> Iterator[Article]:
        """``pages`` (iter_pages or iter_changed) on fresh connections, errors translated."""
        with translate_errors(f"cannot {action} in {self.display}"):
            yield from pages(self._engine.connect, **options)
