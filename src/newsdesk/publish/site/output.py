"""The only module of the site that touches out_dir: atomic, change-only page writes.

Each page written is recorded in the state (its path and a hash of its bytes, under the
build's generation number), so a page rendered to the same bytes is never rewritten, and
a page no build produces any more can be found and deleted.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from .state import SiteState

__all__ = ["Output", "digest"]

_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)
# File system calls release the GIL: a few threads overlap them with rendering. Pages go
# to them in batches (a hand-over per page cost more than writing a page); the semaphore
# bounds the batches waiting in memory.
_THREADS = 2
_BATCH = 32
_IN_FLIGHT = 16
_RECORD_BATCH = 2000
_KEEP_NAMES = 20_000  # paths listed in the report (for tests and small sites)


def digest(*parts: str) -> str:
    """A short hash of text parts (joined by a separator that text rarely holds)."""
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=12).hexdigest()


class Output:
    """Writes pages under ``root``; records them in ``state`` under generation ``gen``."""

    def __init__(self, root: Path, state: SiteState, gen: int, *, force: bool = False) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.state, self.gen, self.force = state, gen, force
        self.written: list[str] = []
        self.written_count = self.unchanged = 0
        self.deleted: list[str] = []
        self.deleted_count = 0
        self._records: list[tuple[str, bytes, int]] = []
        self._pool = ThreadPoolExecutor(_THREADS, thread_name_prefix="site-write")
        self._slots = threading.BoundedSemaphore(_IN_FLIGHT)
        self._error: BaseException | None = None
        self._batch: list[tuple[Path, bytes]] = []
        # Pages queued or being written: a page written again waits for its earlier
        # write, or two threads would race on its temporary file and its final bytes.
        self._queued: Counter[Path] = Counter()
        self._queued_lock = threading.Lock()
        self.fresh_state = False  # no page recorded yet: skip the lookups

    def write(self, path: str, data: bytes) -> None:
        """Write ``data`` to ``path`` atomically unless it already holds those bytes."""
        if self._error is not None:
            raise self._error
        out = hashlib.blake2b(data, digest_size=12).digest()
        if not self.fresh_state:
            row = self.state.db.execute("SELECT out FROM pages WHERE path = ?", (path,)).fetchone()
            if row is not None and row[0] == out and not self.force:
                self.unchanged += 1
                self._record(path, out)
                return
        self._record(path, out)
        target = self.root / path
        with self._queued_lock:
            again = self._queued[target] > 0
            self._queued[target] += 1
        if again:
            self._submit()
            self._drain()
        self._batch.append((target, data))
        if len(self._batch) >= _BATCH:
            self._submit()
        self.written_count += 1
        if len(self.written) < _KEEP_NAMES:
            self.written.append(path)

    def _record(self, path: str, out: bytes) -> None:
        self._records.append((path, out, self.gen))
        if len(self._records) >= _RECORD_BATCH:
            self.state.record_pages(self._records)
            self._records = []

    def _check(self, future: Future[None]) -> None:
        error = future.exception()
        if error is not None and self._error is None:
            self._error = error

    def _submit(self) -> None:
        if self._batch:
            self._slots.acquire()
            future = self._pool.submit(self._store_all, self._batch)
            future.add_done_callback(self._check)
            self._batch = []

    def _store_all(self, pages: list[tuple[Path, bytes]]) -> None:
        try:
            for target, data in pages:
                try:
                    _store(target, data)
                finally:
                    with self._queued_lock:
                        self._queued[target] -= 1
                        if not self._queued[target]:
                            del self._queued[target]
        finally:
            self._slots.release()

    def delete(self, paths: Iterable[str]) -> None:
        """Delete pages (and folders left empty); forget them in the state."""
        gone = []
        for path in paths:
            target = self.root / path
            with contextlib.suppress(FileNotFoundError):
                target.unlink()
            _prune_empty(target.parent, self.root)
            gone.append(path)
            self.deleted_count += 1
            if len(self.deleted) < _KEEP_NAMES:
                self.deleted.append(path)
        self.state.forget_pages(gone)

    def flush(self) -> None:
        """Wait for the writes so far, record them in the state (not committed)."""
        self._submit()
        self._drain()
        self.state.record_pages(self._records)
        self._records = []

    def _drain(self) -> None:
        for _ in range(_IN_FLIGHT):
            self._slots.acquire()
        for _ in range(_IN_FLIGHT):
            self._slots.release()
        if self._error is not None:
            raise self._error

    def close(self) -> None:
        self._submit()
        self._pool.shutdown(wait=True)


def _store(target: Path, data: bytes) -> None:
    tmp = target.parent / f".{target.name}.{os.getpid()}.tmp"
    try:
        fd = os.open(tmp, _FLAGS, 0o644)
    except FileNotFoundError:  # a new folder; cheaper than checking every time
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, _FLAGS, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)
    os.replace(tmp, target)  # readers see the old page or the new one, never half


def _prune_empty(folder: Path, root: Path) -> None:
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:  # not empty (or gone): stop climbing
            return
        folder = folder.parent
