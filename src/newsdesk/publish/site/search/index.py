"""An incremental full-text index of static files, in segments, read by ``static/search.js``.

Layout under ``search-index/`` in the site::

    index.json              the live segments, newest first, with their deleted doc numbers
    <segment>/t<k>.json     shard k: {token: [delta-coded postings]}; a posting is
                            doc*2 + 1 if the token is in the title, doc*2 otherwise
    <segment>/m<j>.json     results 64*j .. 64*j+63: [url, title, date, source, excerpt]

A build adds one segment holding the new and changed articles, and marks the old copies of
changed or removed ones as deleted, so one new article costs one small segment, not a new
index of 50,000. Segments are immutable once written (a reader holding an older index.json
still finds every file it names): small ones are merged tier by tier, like a log-structured
merge tree, so a reader fetches a few dozen small files per query, never hundreds.

What the build remembers (which article sits in which segment, under which hash) is kept
in the site manifest by the caller: ``state`` in, ``state`` out.
"""

from __future__ import annotations

import json
import math
import os
import secrets
import shutil
from array import array
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import chain
from operator import sub
from pathlib import Path
from typing import Any

from .tokens import shard_key, shard_of, tokens

__all__ = ["FOLDER", "Doc", "SearchIndex"]

FOLDER = "search-index"
MANIFEST = "index.json"
_VERSION = 1
SEGMENT_DOCS = 4096  # a segment never holds more: bounds build memory and shard size
MERGE_FACTOR = 4  # this many segments of one size tier are merged into one
_SMALL_TIER = 64  # tier 0 holds segments under this many live docs
_DOCS_PER_SHARD = 16
_MAX_SHARDS = 256
_RESULTS_PER_FILE = 64


@dataclass(frozen=True)
class Doc:
    """An article as the index sees it."""

    title: str
    text: str  # everything else searchable: body text, source, channel, author
    result: tuple[str, str, str, str, str, str]  # url, title, date, source, excerpt, iso
    published: float  # a timestamp, to order segments newest first


class SearchIndex:
    """Brings ``root`` (the ``search-index`` folder) up to date with the site's articles."""

    def __init__(self, root: Path, state: dict[str, Any] | None, fingerprint: str) -> None:
        self.root = root
        state = state or {}
        # A segment folder gone (search-index/ deleted, or the site copied without it):
        # what the state says is on disk is not, so start afresh.
        lost = any(not (root / seg).is_dir() for seg in state.get("segs", {}))
        if lost or state.get("v") != _VERSION or state.get("fp") != fingerprint:
            # New options (dates, URLs, excerpts) change every result: index afresh. The
            # old segments stay readable until the new index.json replaces theirs.
            self._carried = list(state.get("segs", {}))
            state = {"v": _VERSION, "fp": fingerprint, "seq": state.get("seq", 0)}
            state.update(segs={}, docs={})
        else:
            self._carried = []
        self.state = state
        self.segs: dict[str, list[Any]] = state["segs"]  # id -> [docs, shards, newest, dead]
        self.docs: dict[str, tuple[str, int, str]] = state["docs"]  # uid -> (seg, doc, meta)

    def update(
        self,
        live: Mapping[str, str],
        load: Callable[[str], Doc],
        progress: Callable[[int, int], None] | None = None,
    ) -> bool:
        """Index what changed since the last update; True when the index on disk changed.

        ``live`` maps every article of the site, newest first, to a hash that changes
        whenever its Doc would; ``load(uid)`` is called only for the articles that must
        be (re)indexed; ``progress(done, total)`` counts those calls.
        """
        changed = self._drop_stale(live)
        docs = self.docs
        new = [uid for uid in live if uid not in docs]
        consumed = self._plan_merges(len(new))
        if consumed:  # their live articles join the new ones, in the site's order
            fresh = len(new)
            new.extend(u for u, (seg, _, _) in docs.items() if seg in consumed)
            for uid in new[fresh:]:
                del docs[uid]
            rank = {uid: i for i, uid in enumerate(live)}
            new.sort(key=rank.__getitem__)
        if not (new or changed or consumed or self._carried) and (self.root / MANIFEST).is_file():
            return False
        if progress is not None:
            load = _counting(load, progress, len(new))
        for chunk in _chunks(new, SEGMENT_DOCS):
            self._write_segment(chunk, live, load)
        if progress is not None:
            progress(len(new), len(new))
        retired = sorted(consumed)
        for seg in retired:
            del self.segs[seg]
        self._write_manifest()
        retired += self._carried
        # Segments retired just now stay one more build for readers holding the old
        # index.json; the rest (retired last time, or left by a crashed build) can go.
        keep = {*self.segs, *retired}
        for folder in list(self.root.iterdir()):
            if folder.is_dir() and folder.name not in keep:
                shutil.rmtree(folder, ignore_errors=True)
        return True

    # Planning

    def _drop_stale(self, live: Mapping[str, str]) -> bool:
        """Mark the indexed copies of removed or changed articles deleted."""
        stale = [uid for uid, (_, _, meta) in self.docs.items() if live.get(uid) != meta]
        for uid in stale:
            seg, doc, _ = self.docs.pop(uid)
            self.segs[seg][3].append(doc)
        return bool(stale)

    def _plan_merges(self, incoming: int) -> set[str]:
        """Segments to rebuild: mostly-deleted ones, and tiers that filled up."""
        consumed = {s for s, (n, _, _, dead) in self.segs.items() if len(dead) * 2 > n}
        # Members: (live docs, segment ids); the incoming docs are a segment to be.
        members: list[tuple[int, list[str]]] = [
            (n - len(dead), [s])
            for s, (n, _, _, dead) in self.segs.items()
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
            segs = [s for i in merged for s in members[i][1]]
            members = [m for i, m in enumerate(members) if i not in merged]
            members.append((size, segs))
            consumed.update(segs)
            if size >= SEGMENT_DOCS:  # full: it leaves the tiers
                members.pop()
        return consumed

    # Writing

    def _write_segment(
        self, uids: Sequence[str], live: Mapping[str, str], load: Callable[[str], Doc]
    ) -> None:
        self.state["seq"] += 1
        seg = f"{self.state['seq']:x}-{secrets.token_hex(3)}"
        folder = self.root / seg
        folder.mkdir(parents=True)
        postings: defaultdict[str, array[int]] = defaultdict(partial(array, "I"))
        results: list[tuple[str, ...]] = []
        newest = 0.0
        for n, uid in enumerate(uids):
            doc = load(uid)
            results.append(doc.result)
            newest = max(newest, doc.published)
            in_title = tokens(doc.title)
            for token in in_title:
                postings[token].append(n * 2 + 1)
            for token in tokens(doc.text) - in_title:
                postings[token].append(n * 2)
            self.docs[uid] = (seg, n, live[uid])
        shards = _shard_count(len(uids))
        buckets: list[dict[str, list[int]]] = [{} for _ in range(shards)]
        where: dict[str, int] = {}
        for token, values in postings.items():
            key = shard_key(token)
            k = where.get(key)
            if k is None:
                k = where[key] = shard_of(key, shards)
            # postings were appended in doc order: store the gaps, which are small
            buckets[k][token] = list(map(sub, values, chain((0,), values)))
        del postings
        for k, bucket in enumerate(buckets):
            if bucket:
                _write_json(folder / f"t{k}.json", bucket)
        for j in range(0, len(results), _RESULTS_PER_FILE):
            _write_json(
                folder / f"m{j // _RESULTS_PER_FILE}.json", results[j : j + _RESULTS_PER_FILE]
            )
        self.segs[seg] = [len(uids), shards, newest, []]

    def _write_manifest(self) -> None:
        order = sorted(self.segs.items(), key=lambda kv: -kv[1][2])
        manifest = {
            "v": _VERSION,
            "results_per_file": _RESULTS_PER_FILE,
            "segments": [
                {"id": s, "docs": n, "shards": shards, "deleted": sorted(dead)}
                for s, (n, shards, _, dead) in order
            ],
        }
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.root / f".{MANIFEST}.tmp"
        _write_json(tmp, manifest)
        os.replace(tmp, self.root / MANIFEST)  # readers see the old index or the new one


def _counting(
    load: Callable[[str], Doc], progress: Callable[[int, int], None], total: int
) -> Callable[[str], Doc]:
    done = 0

    def counted(uid: str) -> Doc:
        nonlocal done
        if done % 256 == 0:
            progress(done, total)
        done += 1
        return load(uid)

    return counted


def _tier(size: int) -> int:
    return 0 if size < _SMALL_TIER else int(math.log(size / _SMALL_TIER, MERGE_FACTOR)) + 1


def _shard_count(docs: int) -> int:
    want = max(1, math.ceil(docs / _DOCS_PER_SHARD))
    return min(_MAX_SHARDS, 1 << (want - 1).bit_length())


def _chunks(items: Sequence[str], size: int) -> list[Sequence[str]]:
    """Full chunks of ``size``, the remainder first: the newest articles, in a segment small
    enough to join the merge tiers (full segments stay out of them for good)."""
    head = len(items) % size
    chunks = [items[:head]] if head else []
    chunks.extend(items[i : i + size] for i in range(head, len(items), size))
    return chunks


def _write_json(path: Path, data: Any) -> None:
    path.write_bytes(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())
