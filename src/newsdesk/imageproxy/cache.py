"""The on-disk image cache: content-addressed blobs, small JSON index files, LRU under a cap.

    <root>/blobs/ab/<sha256 of the body>        the image bytes, shared by equal images
    <root>/index/cd/<sha256 of the URL>.json    {"blob", "size", "type", "etag", "lm", "url",
                                                 "public": [names under public/]}
    <root>/public/ef/<signature>.<ext>          hard links a front server serves (public.py)
    <root>/tmp/                                 writes in progress, emptied at start

A write goes to ``tmp/``, is fsynced, then renamed into place, blob first and index second,
so a crash leaves at worst an unreferenced blob (removed by the next ``load``), never an
index entry pointing at a partial image. Only the blob is fsynced (one fsync per miss, the
cost that bounds miss throughput): an index file lost or emptied by a power cut is
unreadable JSON, which ``load`` drops like a miss. ``fsync=False`` trusts the page cache:
still safe against a process crash, not against a power cut. The index lives in memory,
oldest use first; index files' mtimes carry the use order across restarts.

``max_bytes`` caps distinct blob bytes plus a charge per index entry (``ENTRY_COST`` plus
the URL's length): without it, many URLs for the same bytes (query junk on a host that
ignores the query) would cost nothing and grow the index and its files without bound.
A public link is a hard link (a directory entry, no inode or data of its own), at most one
per signing key and entry: ENTRY_COST covers it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import BinaryIO

import anyio

from newsdesk.imageproxy.public import public_name, signature_of

__all__ = ["ENTRY_COST", "CacheEntry", "CacheWriter", "DiskCache", "cache_key"]

# Charged per index entry on top of its URL's length: one filesystem block for its index
# file, which also covers the ~600 bytes the entry takes in memory (measured, CPython 3.11).
ENTRY_COST = 4096
_TOUCH_EVERY = 60.0  # seconds between persisting a hit's recency (an mtime update)


def cache_key(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CacheEntry:
    blob: str
    size: int
    type: str
    etag: str
    lm: str
    overhead: int  # what the entry itself counts toward the cap; the URL stays on disk only

    @classmethod
    def from_record(cls, record: object) -> CacheEntry:
        """From an index file's JSON; raises ValueError when it is not a usable record."""
        if not isinstance(record, dict) or not all(
            isinstance(record.get(k), str) for k in ("blob", "type", "etag", "lm", "url")
        ):
            raise ValueError("not an index record")
        size = record.get("size")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise ValueError("not an index record")
        return cls(
            record["blob"],
            size,
            record["type"],
            record["etag"],
            record["lm"],
            _overhead(record["url"]),
        )


def _overhead(url: str) -> int:
    return ENTRY_COST + len(url)


class CacheWriter:
    """Collects one body into a temp file while hashing it.

    All file work happens in worker threads (creating a file can block on the directory).
    A body that stays within ``keep`` bytes is buffered and written in one go by
    ``finish``, so a small image costs one thread hop, not one per chunk.
    """

    def __init__(self, tmp_dir: Path, keep: int = 0) -> None:
        self._tmp_dir = tmp_dir
        self.path: Path | None = None
        self._file: BinaryIO | None = None
        self._hash = hashlib.sha256()
        self.size = 0
        self._keep = keep
        self._buffer: list[bytes] | None = []

    @property
    def kept(self) -> bytes | None:
        """The whole body when it was at most ``keep`` bytes (spares reading it back)."""
        return b"".join(self._buffer) if self._buffer is not None else None

    async def write(self, chunk: bytes) -> None:
        self._hash.update(chunk)
        self.size += len(chunk)
        if self._buffer is not None:
            self._buffer.append(chunk)
            if self.size <= self._keep:
                return
            chunks, self._buffer = self._buffer, None
            await anyio.to_thread.run_sync(self._write, chunks)
        else:
            await anyio.to_thread.run_sync(self._write, [chunk])

    def _write(self, chunks: list[bytes]) -> None:
        if self._file is None:
            fd, name = tempfile.mkstemp(dir=self._tmp_dir, prefix="fill-")
            self.path, self._file = Path(name), os.fdopen(fd, "wb")
        self._file.writelines(chunks)

    def digest(self) -> str:
        return self._hash.hexdigest()

    def finish(self, fsync: bool) -> Path:
        """Blocking: write what is buffered, close, return the temp file's path."""
        self._write(self._buffer or [])
        assert self._file is not None and self.path is not None
        self._file.flush()
        if fsync:
            os.fsync(self._file.fileno())
        self._file.close()
        return self.path

    def discard(self) -> None:
        """Blocking but quick: close and delete whatever was written."""
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.close()
        if self.path is not None:
            self.path.unlink(missing_ok=True)


class DiskCache:
    """``signed_by``: whether a current key made a signature for a URL (start-up keeps
    only such public links); None keeps none."""

    def __init__(
        self,
        root: Path,
        max_bytes: int,
        *,
        fsync: bool = True,
        signed_by: Callable[[str, str], bool] | None = None,
    ) -> None:
        self.root, self.max_bytes, self.fsync = root, max_bytes, fsync
        self._signed_by = signed_by
        self._index: OrderedDict[str, CacheEntry] = OrderedDict()
        self._refs: dict[str, int] = {}
        self._touched: dict[str, float] = {}
        self._links: dict[str, tuple[str, ...]] = {}  # key -> names under public/
        self._linking: set[str] = set()  # names being linked right now
        self.total = 0  # bytes of distinct blobs, plus each entry's overhead

    def blob_path(self, blob: str) -> Path:
        return self.root / "blobs" / blob[:2] / blob

    def _index_path(self, key: str) -> Path:
        return self.root / "index" / key[:2] / f"{key}.json"

    def public_path(self, name: str) -> Path:
        return self.root / "public" / name

    def load(self) -> None:
        """Read the index from disk (blocking; call once at start-up)."""
        for sub in ("blobs", "index", "tmp", "public"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        for leftover in (self.root / "tmp").iterdir():
            leftover.unlink(missing_ok=True)
        found = []
        for path in (self.root / "index").glob("*/*.json"):
            try:
                record = json.loads(path.read_bytes())
                entry = CacheEntry.from_record(record)
                found.append((path.stat().st_mtime, path.stem, entry, self._valid_links(record)))
            except (OSError, ValueError, TypeError):
                path.unlink(missing_ok=True)  # unreadable index file: forget the entry
        for _mtime, key, entry, links in sorted(found, key=lambda f: f[0]):
            if _size(self.blob_path(entry.blob)) == entry.size:  # a truncated blob is a miss
                self._index[key] = entry
                self._ref(entry.blob, entry.size)
                self.total += entry.overhead
                if links:
                    self._links[key] = links
        for blob in (self.root / "blobs").glob("*/*"):
            if blob.name not in self._refs:
                blob.unlink(missing_ok=True)  # written before a crash, never indexed
        kept = {name for names in self._links.values() for name in names}
        for link in (self.root / "public").glob("*/*"):
            if f"{link.parent.name}/{link.name}" not in kept:
                link.unlink(missing_ok=True)  # a retired key's, or left by a crash
        self._evict()

    def _valid_links(self, record: dict[str, object]) -> tuple[str, ...]:
        """The record's public links still signed by a current key and still on disk."""
        names = record.get("public")
        if not isinstance(names, list) or self._signed_by is None:
            return ()
        return tuple(
            name
            for name in names
            if isinstance(name, str)
            and public_name(signature_of(name), str(record["type"])) == name
            and self._signed_by(signature_of(name), str(record["url"]))
            and self.public_path(name).exists()
        )

    def get(self, key: str) -> CacheEntry | None:
        entry = self._index.get(key)
        if entry is not None:
            self._index.move_to_end(key)
            now = time.monotonic()
            if now - self._touched.get(key, 0.0) > _TOUCH_EVERY:
                self._touched[key] = now
                with contextlib.suppress(OSError):
                    os.utime(self._index_path(key))
        return entry

    def writer(self, keep: int = 0) -> CacheWriter:
        return CacheWriter(self.root / "tmp", keep)

    async def commit(
        self, key: str, writer: CacheWriter, *, type: str, etag: str, lm: str, url: str
    ) -> CacheEntry:
        """Move a finished write into place and index it; evicts to stay under the cap."""
        entry = CacheEntry(writer.digest(), writer.size, type, etag, lm, _overhead(url))
        record = {**asdict(entry), "url": url}
        del record["overhead"]  # derived from the URL again by load
        self._ref(entry.blob, entry.size)  # pinned: eviction meanwhile must not unlink it
        try:
            await anyio.to_thread.run_sync(self._place, key, writer, entry.blob, record)
        except BaseException:
            self._unref(entry.blob, entry.size)
            raise
        old = self._index.pop(key, None)
        self._index[key] = entry  # the pin becomes the index's reference
        self.total += entry.overhead
        if old is not None:
            self.total -= old.overhead
            self._unref(old.blob, old.size)
            self._unlink_public(key)  # the new record lists none
        self._evict(keep=key)
        return entry

    def is_linked(self, key: str, signature: str) -> bool:
        entry = self._index.get(key)
        if entry is None:
            return False
        name = public_name(signature, entry.type)
        return name is None or name in self._links.get(key, ())

    async def link(self, key: str, signature: str) -> None:
        """Let a front server serve this entry for requests signed ``signature`` (one that
        the caller verified for this entry's URL). A no-op when linked or not linkable."""
        entry = self._index.get(key)
        if entry is None or self.is_linked(key, signature):
            return
        name = public_name(signature, entry.type)
        assert name is not None  # is_linked said it is linkable
        if name in self._linking:
            return  # another request is making this very link
        names = (*self._links.get(key, ()), name)
        self._ref(entry.blob, entry.size)  # pinned: eviction meanwhile must not unlink it
        self._linking.add(name)
        try:
            await anyio.to_thread.run_sync(self._place_link, key, entry.blob, name, names)
        except OSError:
            return  # only a shortcut for the front server: the proxy still serves it
        finally:
            self._linking.discard(name)
            self._unref(entry.blob, entry.size)
        if self._index.get(key) is not entry:  # evicted or replaced meanwhile
            self.public_path(name).unlink(missing_ok=True)
        elif name not in self._links.get(key, ()):  # (a concurrent call may have won)
            self._links[key] = (*self._links.get(key, ()), name)

    def _place_link(self, key: str, blob: str, name: str, names: tuple[str, ...]) -> None:
        target = self.public_path(name)
        target.parent.mkdir(exist_ok=True)
        tmp = self.root / "tmp" / f"link-{uuid.uuid4().hex}"
        os.link(self.blob_path(blob), tmp)
        os.replace(tmp, target)
        index = self._index_path(key)  # remembered for restarts (and retired keys)
        record = json.loads(index.read_bytes())
        record["public"] = list(names)
        fd, tmp_index = tempfile.mkstemp(dir=self.root / "tmp", prefix="index-")
        with os.fdopen(fd, "wb") as f:
            f.write(json.dumps(record).encode())
        os.replace(tmp_index, index)

    def _unlink_public(self, key: str) -> None:
        for name in self._links.pop(key, ()):
            self.public_path(name).unlink(missing_ok=True)

    def _place(
        self, key: str, writer: CacheWriter, blob_name: str, record: dict[str, object]
    ) -> None:
        written = writer.finish(self.fsync)
        blob = self.blob_path(blob_name)
        blob.parent.mkdir(exist_ok=True)
        os.replace(written, blob)  # same bytes if it existed: content-addressed
        index = self._index_path(key)
        index.parent.mkdir(exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.root / "tmp", prefix="index-")
        with os.fdopen(fd, "wb") as f:
            f.write(json.dumps(record).encode())
        os.replace(tmp, index)

    def _ref(self, blob: str, size: int) -> None:
        if blob not in self._refs:
            self.total += size
        self._refs[blob] = self._refs.get(blob, 0) + 1

    def _unref(self, blob: str, size: int) -> None:
        self._refs[blob] -= 1
        if self._refs[blob] == 0:
            del self._refs[blob]
            self.total -= size
            self.blob_path(blob).unlink(missing_ok=True)

    def _evict(self, keep: str | None = None) -> None:
        while self.total > self.max_bytes and self._index:
            oldest = next(iter(self._index))
            if oldest == keep:
                break
            entry = self._index.pop(oldest)
            self._touched.pop(oldest, None)
            self.total -= entry.overhead
            self._unlink_public(oldest)
            self._unref(entry.blob, entry.size)
            self._index_path(oldest).unlink(missing_ok=True)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return -1
