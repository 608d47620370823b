"""One immutable segment of the search index: built in memory, written as static files.

Files under ``search-index/<segment>/``::

    d<k>.json      dictionary shard k: {token: [df, [[max, n, data], ...]]}, one block per
                   impact tier (the best 64 postings, the next 256, ...); ``data`` is the
                   block itself when small, else the number of its file in b/
    b/<n>.json     a block: [doc gaps, impacts] (docs ascending within the block)
    b/<n>p.json    its pair positions, one gap-coded list per doc (phrase queries only)
    r<j>.json      results 8*j .. 8*j+7: [url, title, date, source, excerpt]

An impact is a document's BM25 weight for the token (k1 1.2, b 0.75, a title occurrence
counting three times), quantised to 1..255; the page multiplies it by the token's idf.
Blocks ordered by impact let a query stop once no unread block can change its top
results, so a common word at a million articles costs a few blocks, not its whole list.
Docs are numbered newest first, so a lower number is also the more recent article.
"""

from __future__ import annotations

import json
import math
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate, chain
from operator import sub
from pathlib import Path
from typing import Any

from .tokens import analyze, shard_key, shard_of

__all__ = ["RESULTS_PER_FILE", "Doc", "SegmentBuilder", "SegmentInfo"]

RESULTS_PER_FILE = 8  # small files: the page fetches one per result it shows
_K1, _B = 1.2, 0.75
_TITLE_EXTRA = 2  # a title occurrence counts 1 + 2 times
_FIRST_BLOCK = 64
_BLOCK_GROWTH = 4
_INLINE = 24  # blocks this small live in the dictionary itself
_SHARD_BYTES = 4096  # aimed-at dictionary shard size
_MAX_SHARDS = 8192


@dataclass(frozen=True)
class Doc:
    """An article as the index sees it."""

    title: str
    text: str  # everything else searchable: body text, source, channel, author
    result: tuple[str, str, str, str, str]  # url, title, date, source, excerpt
    published: float  # a timestamp: segments are ordered newest first


@dataclass(frozen=True)
class SegmentInfo:
    """What the manifest and the build state keep about a written segment."""

    id: str
    docs: int
    shards: int
    newest: float


class SegmentBuilder:
    """Collects documents (newest first) and writes them as one segment."""

    def __init__(self) -> None:
        self.results: list[tuple[str, ...]] = []
        self.newest = 0.0
        self._length_sum = 0
        # token -> [docs, impacts, pair positions, positions per doc]
        self._postings: dict[str, list[array[int]]] = {}

    def __len__(self) -> int:
        return len(self.results)

    def add(self, doc: Doc) -> None:
        n = len(self.results)
        self.results.append(doc.result)
        self.newest = max(self.newest, doc.published)
        whole = analyze(f"{doc.title}\n{doc.text}")
        title = analyze(doc.title)
        # BM25's length norm against the running average: computed now, so that only
        # one small number per posting is kept until the segment is written.
        self._length_sum += whole.length
        norm = _K1 * (1 - _B + _B * whole.length * (n + 1) / max(1, self._length_sum))
        table = _impact_table(norm)
        top = len(table) - 1
        postings = self._postings
        in_title_pairs, in_title = title.pairs, title.counts
        for token, positions in whole.pairs.items():
            entry = postings.get(token)
            if entry is None:
                entry = postings[token] = [array("I"), array("B"), array("I"), array("I")]
            tf = len(positions)
            if token in in_title_pairs:
                tf += _TITLE_EXTRA * len(in_title_pairs[token])
            entry[0].append(n)
            entry[1].append(table[tf if tf < top else top])
            entry[2].extend(positions)
            entry[3].append(len(positions))
        for token, tf in whole.counts.items():
            entry = postings.get(token)
            if entry is None:
                entry = postings[token] = [array("I"), array("B")]
            if token in in_title:
                tf += _TITLE_EXTRA * in_title[token]
            entry[0].append(n)
            entry[1].append(table[tf if tf < top else top])

    def write(self, folder: Path, seg_id: str) -> SegmentInfo:
        """Write the segment's files into ``folder`` (created; must not exist)."""
        folder.mkdir(parents=True)
        (folder / "b").mkdir()
        blocks = _BlockWriter(folder / "b")
        entries: dict[str, list[Any]] = {}
        for token, entry in self._postings.items():
            entries[token] = _entry(entry, blocks)
        self._postings = {}
        shards = _shard_count(sum(len(t) + 12 * _inline_size(e) for t, e in entries.items()))
        buckets: list[dict[str, Any]] = [{} for _ in range(shards)]
        keys: dict[str, int] = {}
        for token, value in entries.items():
            key = shard_key(token)
            k = keys.get(key)
            if k is None:
                k = keys[key] = shard_of(key, shards)
            buckets[k][token] = value
        for k, bucket in enumerate(buckets):
            if bucket:
                write_json(folder / f"d{k}.json", bucket)
        for j in range(0, len(self.results), RESULTS_PER_FILE):
            part = self.results[j : j + RESULTS_PER_FILE]
            write_json(folder / f"r{j // RESULTS_PER_FILE}.json", part)
        return SegmentInfo(seg_id, len(self.results), shards, self.newest)


def _impact_table(norm: float) -> list[int]:
    """BM25's term-frequency part for one document, quantised to 1..255, for tf 0..63
    (the last entry stands for every larger tf: the curve is flat there)."""
    scale = 255 / (_K1 + 1)
    return [max(1, min(255, round(tf * (_K1 + 1) / (tf + norm) * scale))) for tf in range(64)]


class _BlockWriter:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0

    def write(self, data: list[Any], positions: list[Any] | None) -> int:
        number = self.count
        self.count += 1
        write_json(self.folder / f"{number}.json", data)
        if positions is not None:
            write_json(self.folder / f"{number}p.json", positions)
        return number


def _entry(entry: list[array[int]], blocks: _BlockWriter) -> list[Any]:
    """A token's dictionary entry: [df, blocks], writing the big blocks to files."""
    docs, impacts = entry[0], entry[1]
    starts = [0, *accumulate(entry[3])] if len(entry) > 2 else []

    def offsets(part: Sequence[int]) -> list[Any] | None:
        """Each doc's pair offsets (pairs only), for phrase queries."""
        if not starts:
            return None
        pos = entry[2]
        return [pos[starts[i] : starts[i + 1]].tolist() for i in part]

    if len(docs) <= _INLINE:  # most tokens: one small block, docs already ascending
        where = offsets(range(len(docs))) or 0
        return [len(docs), [[max(impacts), len(docs), [_gaps(docs), impacts.tolist(), where]]]]
    order = sorted(range(len(docs)), key=impacts.__getitem__, reverse=True)
    out: list[Any] = []
    size, start = _FIRST_BLOCK, 0
    while start < len(order):
        part = sorted(order[start : start + size])  # doc numbers ascend with the index
        ids = [docs[i] for i in part]
        imps = [impacts[i] for i in part]
        data: list[Any] = [_gaps(ids), imps]
        if len(part) <= _INLINE:
            out.append([max(imps), len(part), [*data, offsets(part) or 0]])
        else:
            out.append([max(imps), len(part), blocks.write(data, offsets(part))])
        start += size
        size *= _BLOCK_GROWTH
    return [len(docs), out]


def _gaps(values: Sequence[int]) -> list[int]:
    return list(map(sub, values, chain((0,), values)))


def _inline_size(entry: list[Any]) -> int:
    """Postings held inline in a dictionary entry (to size the shards)."""
    return sum(block[1] for block in entry[1] if not isinstance(block[2], int)) + 2


def _shard_count(approx_bytes: int) -> int:
    want = max(1, math.ceil(approx_bytes / _SHARD_BYTES))
    return min(_MAX_SHARDS, 1 << (want - 1).bit_length())


def write_json(path: Path, data: Any) -> None:
    path.write_bytes(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())
