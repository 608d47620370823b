"""An incremental full-text index of static files, in segments, read by ``static/search.js``.

Layout under ``search-index/`` in the site: ``index.json`` names the live segments (newest
first) with their deleted doc numbers and the live document count; each segment is a
folder of static files (``segment.py``). A build adds one segment holding the new and
changed articles and marks the old copies of changed or removed ones deleted, so one new
article costs one small segment. Segments are immutable once named in ``index.json``
(a reader holding an older one still finds every file it names): small ones are merged
tier by tier, like a log-structured merge tree, up to ``SEGMENT_DOCS``; a cold build
writes full segments directly.

What the build remembers (which article sits in which segment) lives in the site's state
file, in this module's own tables, so nothing here grows with the site in memory.
"""

from __future__ import annotations

import json
import math
import os
import secrets
import shutil
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from .segment import RESULTS_PER_FILE, Doc, SegmentBuilder, SegmentInfo, write_json
from .worker import ColdIndexer

__all__ = ["FOLDER", "MANIFEST", "SEGMENT_DOCS", "SearchIndex"]

FOLDER = "search-index"
MANIFEST = "index.json"
_VERSION = 2
SEGMENT_DOCS = 32768  # segments merged from small ones stop here (bounds a merge's cost)
COLD_SEGMENT_DOCS = 131072  # a cold build's segments: few, so a query reads few files
MERGE_FACTOR = 4  # this many segments of one size tier are merged into one
_SMALL_TIER = 64  # tier 0 holds segments under this many live docs

# Statements run one by one (executescript would commit the build's open transaction).
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS search_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS search_segments (id TEXT PRIMARY KEY, docs INTEGER NOT NULL,"
    " shards INTEGER NOT NULL, newest REAL NOT NULL, dead TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS search_docs (uid TEXT PRIMARY KEY, seg TEXT NOT NULL,"
    " doc INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS ix_search_docs_seg ON search_docs (seg)",
    "CREATE TABLE IF NOT EXISTS search_pending (uid TEXT PRIMARY KEY) WITHOUT ROWID",
)

# (uids) -> the live ones, newest first; (uids) -> their Docs, in that order.
Arrange = Callable[[Sequence[str]], list[str]]
Load = Callable[[Sequence[str]], Iterator[tuple[str, Doc]]]


class SearchIndex:
    """Brings ``root`` (the ``search-index`` folder) up to date, its state in ``db``."""

    def __init__(self, root: Path, db: sqlite3.Connection, fingerprint: str) -> None:
        self.root, self.db, self.fingerprint = root, db, fingerprint
        for statement in _SCHEMA:
            db.execute(statement)
        meta = dict(db.execute("SELECT key, value FROM search_meta"))
        segs = [r[0] for r in db.execute("SELECT id FROM search_segments")]
        # A segment folder gone (search-index/ deleted, or the site copied without it):
        # what the state says is on disk is not, so start afresh.
        lost = any(not (root / seg).is_dir() for seg in segs)
        self.reset = lost or meta.get("v") != str(_VERSION) or meta.get("fp") != fingerprint
        # Retired segments a reader holding the old index.json may still need.
        self._carried: list[str] = json.loads(meta.get("carried", "[]"))
        if self.reset:
            self._carry(segs)
            # Every result changes: index afresh. The old segments stay readable until
            # the new index.json replaces theirs.
            db.execute("DELETE FROM search_segments")
            db.execute("DELETE FROM search_docs")
            db.execute("DELETE FROM search_pending")
            self._put("v", str(_VERSION))
            self._put("fp", fingerprint)
        self.changed = self.reset

    def _put(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO search_meta VALUES (?, ?)", (key, value))

    def _next_id(self) -> str:
        row = self.db.execute("SELECT value FROM search_meta WHERE key = 'seq'").fetchone()
        seq = int(row[0]) + 1 if row else 1
        self._put("seq", str(seq))
        return f"{seq:x}-{secrets.token_hex(3)}"

    # What needs indexing

    def queue(self, uids: Iterable[str]) -> None:
        """Articles added, changed or removed since the index last saw them."""
        self.db.executemany("INSERT OR IGNORE INTO search_pending VALUES (?)", ((u,) for u in uids))

    def queue_rows(self, query: str, params: Sequence[object] = ()) -> None:
        """Queue the uids a query on the state selects (e.g. every entry)."""
        self.db.execute(f"INSERT OR IGNORE INTO search_pending {query}", params)

    def segments(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM search_segments")]

    def pending(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM search_pending").fetchone()[0])

    def _carry(self, segs: Sequence[str]) -> None:
        self._carried = sorted({*self._carried, *segs})
        self._put("carried", json.dumps(self._carried))

    # Cold builds: documents arrive newest first, segments are written when full

    def start_cold(self) -> None:
        self._carry([r[0] for r in self.db.execute("SELECT id FROM search_segments")])
        self.db.execute("DELETE FROM search_segments")
        self.db.execute("DELETE FROM search_docs")
        self.db.execute("DELETE FROM search_pending")
        self.changed = True

    def cold_indexer(self, *, workers: int, expected: int) -> ColdIndexer:
        """Where a cold build sends its (about ``expected``) documents; ``record`` what it
        reports written."""
        prefix = self._next_id().split("-")[0]
        return ColdIndexer(self.root, prefix, COLD_SEGMENT_DOCS, workers=workers, expected=expected)

    def record(self, info: SegmentInfo, uids: Sequence[str]) -> None:
        self.db.execute(
            "INSERT INTO search_segments VALUES (?, ?, ?, ?, '[]')",
            (info.id, info.docs, info.shards, info.newest),
        )
        self.db.executemany(
            "INSERT OR REPLACE INTO search_docs VALUES (?, ?, ?)",
            ((uid, info.id, n) for n, uid in enumerate(uids)),
        )

    # Incremental updates

    def update(
        self,
        arrange: Arrange,
        load: Load,
        progress: Callable[[int, int], None] | None = None,
    ) -> bool:
        """Index what is queued; True when the index on disk changed.

        Merges are planned as the queue is taken: small segments of one tier are merged
        (their live documents indexed again) when ``MERGE_FACTOR`` of them accumulate.
        """
        queued = [r[0] for r in self.db.execute("SELECT uid FROM search_pending")]
        changed = self._drop_stale(queued) or self.changed
        new = arrange(queued)
        consumed = self._plan_merges(len(new))
        if consumed:  # their live articles join the new ones, in the site's order
            again = [
                r[0]
                for seg in consumed
                for r in self.db.execute("SELECT uid FROM search_docs WHERE seg = ?", (seg,))
            ]
            self.db.executemany("DELETE FROM search_docs WHERE uid = ?", ((u,) for u in again))
            new = arrange([*new, *again])
        self.db.execute("DELETE FROM search_pending")
        if not (new or changed or consumed) and (self.root / MANIFEST).is_file():
            return False
        done = 0
        for chunk in _chunks(new, SEGMENT_DOCS):
            seg = self._next_id()
            builder, uids = SegmentBuilder(self.root / seg, seg, len(chunk)), []
            for uid, doc in load(chunk):
                builder.add(doc)
                uids.append(uid)
                done += 1
                if progress is not None and done % 256 == 0:
                    progress(done, len(new))
            if uids:
                self.record(builder.write(), uids)
        if progress is not None:
            progress(len(new), len(new))
        self.db.executemany("DELETE FROM search_segments WHERE id = ?", ((s,) for s in consumed))
        self.finish(retired=sorted(consumed))
        return True

    def _drop_stale(self, uids: Sequence[str]) -> bool:
        """Mark the indexed copies of changed or removed articles deleted."""
        dead: dict[str, list[int]] = {}
        for i in range(0, len(uids), 500):
            part = uids[i : i + 500]
            marks = ",".join("?" * len(part))
            for seg, doc in self.db.execute(
                f"SELECT seg, doc FROM search_docs WHERE uid IN ({marks})", part
            ):
                dead.setdefault(seg, []).append(doc)
            self.db.execute(f"DELETE FROM search_docs WHERE uid IN ({marks})", part)
        for seg, docs in dead.items():
            (old,) = self.db.execute("SELECT dead FROM search_segments WHERE id = ?", (seg,))
            merged = sorted({*json.loads(old[0]), *docs})
            self.db.execute(
                "UPDATE search_segments SET dead = ? WHERE id = ?", (json.dumps(merged), seg)
            )
        return bool(dead)

    def _segments(self) -> list[tuple[str, int, int, float, list[int]]]:
        rows = self.db.execute("SELECT id, docs, shards, newest, dead FROM search_segments")
        return [(s, n, k, t, json.loads(d)) for s, n, k, t, d in rows]

    def _plan_merges(self, incoming: int) -> set[str]:
        """Segments to rebuild: mostly-deleted ones, and tiers that filled up."""
        segs = self._segments()
        consumed = {s for s, n, _, _, dead in segs if len(dead) * 2 > n}
        # Members: (live docs, segment ids); the incoming docs are a segment to be.
        members: list[tuple[int, list[str]]] = [
            (n - len(dead), [s])
            for s, n, _, _, dead in segs
            if s not in consumed and n - len(dead) < SEGMENT_DOCS
        ]
        if incoming:
            members.append((incoming, []))
        while True:
            tiers: dict[int, list[int]] = {}
            for i, (size, _) in enumerate(members):
                tiers.setdefault(_tier(size), []).append(i)
            full = [ids for _, ids in sorted(tiers.items()) if len(ids) >= MERGE_FACTOR]
            if not full:
                break
            merged = full[0]
            size = sum(members[i][0] for i in merged)
            ids = [s for i in merged for s in members[i][1]]
            members = [m for i, m in enumerate(members) if i not in merged]
            members.append((size, ids))
            consumed.update(ids)
            if size >= SEGMENT_DOCS:  # full: it leaves the tiers
                members.pop()
        return consumed

    # The manifest

    def finish(self, retired: Sequence[str] = ()) -> None:
        """Write index.json for the segments in the state, then sweep old folders.

        Segments retired just now stay one more build for readers holding the old
        index.json; the rest (retired before, or left by a crashed build) go.
        """
        segs = sorted(self._segments(), key=lambda s: -s[3])
        live = sum(n - len(dead) for _, n, _, _, dead in segs)
        manifest = {
            "v": _VERSION,
            "docs": live,
            "results_per_file": RESULTS_PER_FILE,
            "segments": [
                {"id": s, "docs": n, "shards": k, "deleted": dead} for s, n, k, _, dead in segs
            ],
        }
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.root / f".{MANIFEST}.tmp"
        write_json(tmp, manifest)
        os.replace(tmp, self.root / MANIFEST)  # readers see the old index or the new one
        keep = {s[0] for s in segs} | set(retired) | set(self._carried)
        for folder in list(self.root.iterdir()):
            if folder.is_dir() and folder.name not in keep:
                shutil.rmtree(folder, ignore_errors=True)
        self.changed = False
        self._carried = []
        self._put("carried", "[]")


def remove_index(root: Path, db: sqlite3.Connection) -> bool:
    """``site.search: false``: delete the index folder and its state; True if one existed."""
    existed = root.exists()
    shutil.rmtree(root, ignore_errors=True)
    for statement in _SCHEMA:
        db.execute(statement)
    for table in ("search_meta", "search_segments", "search_docs", "search_pending"):
        db.execute(f"DELETE FROM {table}")
    return existed


def _tier(size: int) -> int:
    return 0 if size < _SMALL_TIER else int(math.log(size / _SMALL_TIER, MERGE_FACTOR)) + 1


def _chunks(items: Sequence[str], size: int) -> list[Sequence[str]]:
    """Full chunks of ``size``, the remainder first: the newest articles, in a segment small
    enough to join the merge tiers (full segments stay out of them for good)."""
    head = len(items) % size
    chunks = [items[:head]] if head else []
    chunks.extend(items[i : i + size] for i in range(head, len(items), size))
    return chunks
