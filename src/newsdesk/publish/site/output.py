"""The only module of the site that touches out_dir: atomic, change-only writes and a manifest.

The manifest (``.newsdesk-site.sqlite`` in out_dir) remembers, for every page, the inputs it
was rendered from and a hash of the bytes written; and for every article, its content hash
and card excerpt; and the state of the search index. It is a dotfile: not part of the
site, and not to be published. A page whose inputs are unchanged is not rendered at all; a
page rendered to the same bytes is not written. If the theme or options change
(``fingerprint``), every page is rendered again, and still only the pages whose bytes
differ are written.

Page and content hashes are one ``marshal`` blob (loading 60,000 sqlite rows as Python
objects costs several times more); excerpts are rows, read only for cards being rendered
and written only when an article changed.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sqlite3
import threading
from collections.abc import Collection
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

__all__ = ["MANIFEST", "Output", "digest"]

MANIFEST = ".newsdesk-site.sqlite"
_SCHEMA = "4"
_OUT = 24  # hex characters of the output hash at the end of each page's record
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)
# File system calls release the GIL: a few threads overlap them with rendering. The
# semaphore bounds the page bytes waiting in memory.
_THREADS = 3
_IN_FLIGHT = 256


def digest(*parts: str) -> str:
    """A short hash of text parts (joined by a separator that text rarely holds)."""
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=12).hexdigest()


class Output:
    """Writes pages under ``root`` and keeps the manifest of what it wrote."""

    def __init__(self, root: Path, fingerprint: str, *, force: bool = False) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self._db = _open(root / MANIFEST)
        row = self._db.execute("SELECT value FROM meta WHERE key = 'state'").fetchone()
        state = _unmarshal(row[0]) if row else {}
        self._fingerprint = fingerprint
        # A new theme or new options make every recorded input stale (bytes still compared).
        self.inputs_valid = not force and state.get("fingerprint") == fingerprint
        self.force = force
        # path -> inputs + output hash, one string per page: half the objects to load.
        self._old: dict[str, str] = state.get("pages", {})
        self.contents: dict[str, str] = state.get("contents", {})
        self._seen: set[str] = set()
        self._changed: dict[str, str] = {}
        self._excerpts: dict[str, tuple[str, str]] = {}
        self.written: list[str] = []
        self.unchanged = 0
        self._pool = ThreadPoolExecutor(_THREADS, thread_name_prefix="site-write")
        self._slots = threading.BoundedSemaphore(_IN_FLIGHT)
        self._jobs: list[Future[None]] = []

    # Pages

    def fresh(self, path: str, inputs: str) -> bool:
        """True (and the page is kept as is) if ``path`` was last built from the same inputs."""
        old = self._old.get(path)
        if old is None or old[:-_OUT] != inputs or not self.inputs_valid:
            return False
        self._seen.add(path)
        self.unchanged += 1
        return True

    def write(self, path: str, inputs: str, data: bytes) -> None:
        """Record ``path``; write ``data`` there atomically unless the bytes are the same."""
        if path in self._seen:
            raise ValueError(f"page written twice in one build: {path}")
        self._seen.add(path)
        out = hashlib.blake2b(data, digest_size=_OUT // 2).hexdigest()
        old = self._old.get(path)
        if old != inputs + out:
            self._changed[path] = inputs + out
        if old is not None and old[-_OUT:] == out and not self.force:
            self.unchanged += 1
            return
        self._slots.acquire()
        self._jobs.append(self._pool.submit(self._store, self.root / path, data))
        self.written.append(path)

    def _store(self, target: Path, data: bytes) -> None:
        try:
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
        finally:
            self._slots.release()

    # Article excerpts, cached so unchanged articles never need their body loaded

    def excerpt(self, uid: str) -> str | None:
        row = self._db.execute("SELECT excerpt FROM articles WHERE uid = ?", (uid,)).fetchone()
        return row[0] if row else None

    def remember(self, uid: str, content: str, excerpt: str) -> None:
        self._excerpts[uid] = (content, excerpt)

    def finish(self, uids: Collection[str]) -> list[str]:
        """Wait for writes, delete pages not produced by this build, save the manifest.

        ``uids`` are the articles of this build; the others leave the excerpt cache.
        Returns the deleted paths. Call ``close`` afterwards.
        """
        self._pool.shutdown(wait=True)
        for job in self._jobs:
            job.result()  # re-raise the first write error, if any
        deleted = sorted(set(self._old) - self._seen)
        for path in deleted:
            target = self.root / path
            with contextlib.suppress(FileNotFoundError):
                target.unlink()
            _prune_empty(target.parent, self.root)
        pages = {p: v for p, v in self._old.items() if p in self._seen}
        pages.update(self._changed)
        contents = {uid: c for uid, c in self.contents.items() if uid in uids}
        contents.update((uid, c) for uid, (c, _) in self._excerpts.items())
        gone = [(uid,) for uid in self.contents if uid not in uids]
        state = {"fingerprint": self._fingerprint, "pages": pages, "contents": contents}
        with self._db:  # one transaction: the manifest changes all at once or not at all
            self._db.executemany("DELETE FROM articles WHERE uid = ?", gone)
            self._db.executemany(
                "INSERT OR REPLACE INTO articles VALUES (?, ?)",
                [(uid, x) for uid, (_, x) in self._excerpts.items()],
            )
            self._db.execute(
                "INSERT OR REPLACE INTO meta VALUES ('state', ?)", (marshal.dumps(state),)
            )
        return deleted

    def load_state(self, key: str) -> dict[str, Any] | None:
        """State another part of the build keeps in the manifest (e.g. the search index)."""
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return _unmarshal(row[0]) if row else None

    def save_state(self, key: str, state: dict[str, Any]) -> None:
        with self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, marshal.dumps(state))
            )

    def close(self) -> None:
        self._db.close()

    def abort(self) -> None:
        """Stop after a failed build: finish pending writes, keep the old manifest."""
        self._pool.shutdown(wait=True)
        self._db.close()


def _open(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level="DEFERRED")
    db.execute("PRAGMA synchronous = NORMAL")
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if str(version) != _SCHEMA:
        # A manifest from another version is only a cache: start it afresh.
        db.executescript(
            "DROP TABLE IF EXISTS pages; DROP TABLE IF EXISTS articles; DROP TABLE IF EXISTS meta;"
            "CREATE TABLE articles (uid TEXT PRIMARY KEY, excerpt TEXT NOT NULL) WITHOUT ROWID;"
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;"
            f"PRAGMA user_version = {_SCHEMA};"
        )
    return db


def _unmarshal(blob: bytes) -> dict[str, Any]:
    """The saved state, or {} when unreadable (e.g. written by another Python version)."""
    try:
        state = marshal.loads(blob)
    except (EOFError, ValueError, TypeError):
        return {}
    return state if isinstance(state, dict) else {}


def _prune_empty(folder: Path, root: Path) -> None:
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:  # not empty (or gone): stop climbing
            return
        folder = folder.parent
