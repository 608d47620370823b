"""One immutable segment of the search index: built in memory, written as static files.

Files under ``search-index/<segment>/``::

    d<k>.json      dictionary shard k: {token: [df, [[max, n, data], ...]]}, one block per
                   impact tier: the best 64 postings (``data``: the block itself), then
                   the next 512, 4096, ... (``data``: the number of its file in b/)
    b/<n>.json     a block: [doc gaps, impacts] (docs ascending within the block)
    x/<doc>.txt    the document's CJK runs, one per line: a phrase query keeps only the
                   documents whose text holds the phrase itself, not just its pairs
    r<j>.json      results 8*j .. 8*j+7: [url, title, date, source, excerpt]

An impact is a document's BM25 weight for the token (k1 1.2, b 0.75, a title occurrence
counting three times), quantised to 1..255; the page multiplies it by the token's idf.
Blocks ordered by impact let a query stop once no unread block can change its top
results, so a common word at a million articles costs a few blocks, not its whole list.
Docs are numbered newest first, so a lower number is also the more recent article.
"""

from __future__ import annotations

import functools
import json
import math
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from operator import sub
from pathlib import Path
from typing import Any

from .tokens import analyze, shard_key, shard_of

__all__ = ["RESULTS_PER_FILE", "Doc", "SegmentBuilder", "SegmentInfo"]

RESULTS_PER_FILE = 8  # small files: the page fetches one per result it shows
_K1, _B = 1.2, 0.75
_TITLE_EXTRA = 2  # a title occurrence counts 1 + 2 times
_FIRST_BLOCK = 64  # the best postings of a token: in the dictionary entry itself
_BLOCK_GROWTH = 8  # the next tiers (512, 4096, ...) are files, read only when needed
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
    """Collects documents (newest first) and writes them as one segment into ``folder``
    (made now: each document's text is written as it arrives)."""

    def __init__(self, folder: Path, seg_id: str) -> None:
        self.folder, self.id = folder, seg_id
        (folder / "x").mkdir(parents=True)
        self.results: list[tuple[str, ...]] = []
        self.newest = 0.0
        self._length_sum = 0
        # token -> postings, each (255 - impact) << 40 | doc: one int per posting keeps
        # building cheap, and plain int order is best impact first, then by doc
        self._postings: dict[str, array[int]] = {}

    def __len__(self) -> int:
        return len(self.results)

    def add(self, doc: Doc) -> None:
        n = len(self.results)
        self.results.append(doc.result)
        self.newest = max(self.newest, doc.published)
        title = analyze(doc.title)
        body = analyze(doc.text, chars=False)
        if title.runs or body.runs:
            (self.folder / "x" / f"{n}.txt").write_bytes(f"{title.runs}\n{body.runs}".encode())
        length = title.length + body.length
        # BM25's length norm against the running average: computed now, so that only
        # one number per posting is kept until the segment is written.
        self._length_sum += length
        norm = _K1 * (1 - _B + _B * length * (n + 1) / max(1, self._length_sum))
        table = _impact_table(round(norm, 2))
        top = len(table) - 1
        get, postings = self._postings.get, self._postings
        # A title occurrence counts 1 + _TITLE_EXTRA times; single characters come
        # from titles only.
        extra = 1 + _TITLE_EXTRA
        in_title = {
            t: extra * tf for c in (title.pairs, title.words, title.chars) for t, tf in c.items()
        }
        for counts in (body.pairs, body.words, in_title):
            for token, tf in counts.items():
                if counts is not in_title:
                    tf += in_title.pop(token, 0)
                entry = get(token)
                if entry is None:
                    entry = postings[token] = array("Q")
                entry.append(table[tf if tf < top else top] | n)

    def write(self) -> SegmentInfo:
        """Write the rest of the segment's files."""
        folder = self.folder
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
        return SegmentInfo(self.id, len(self.results), shards, self.newest)


@functools.cache
def _impact_table(norm: float) -> list[int]:
    """BM25's term-frequency part for a document length norm, quantised to 1..255, for tf
    0..31 (the last entry stands for every larger tf: the curve is flat there); shifted
    into place as a posting's high bits."""
    scale = 255 / (_K1 + 1)
    return [
        (255 - max(1, min(255, round(tf * (_K1 + 1) / (tf + norm) * scale)))) << 40
        for tf in range(32)
    ]


class _BlockWriter:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0

    def write(self, data: list[Any]) -> int:
        number = self.count
        self.count += 1
        write_json(self.folder / f"{number}.json", data)
        return number


_DOC = (1 << 40) - 1
_by_doc = _DOC.__and__  # a C-level sort key: the doc bits of a posting


def _entry(postings: array[int], blocks: _BlockWriter) -> list[Any]:
    """A token's dictionary entry: [df, blocks], the first block inline, the rest files."""
    if len(postings) <= _FIRST_BLOCK:  # most tokens: one small block, docs ascending
        return [len(postings), [_block(postings)]]
    order = sorted(postings)  # best impact first, then by doc
    out = [_block(sorted(order[:_FIRST_BLOCK], key=_by_doc))]
    size, start = _FIRST_BLOCK * _BLOCK_GROWTH, _FIRST_BLOCK
    while start < len(order):
        block = _block(sorted(order[start : start + size], key=_by_doc))
        block[2] = blocks.write(block[2])
        out.append(block)
        start += size
        size *= _BLOCK_GROWTH
    return [len(postings), out]


def _block(postings: Sequence[int]) -> list[Any]:
    """[max impact, count, [doc gaps, impacts]] of postings in doc order."""
    docs = [p & _DOC for p in postings]
    imps = [255 - (p >> 40) for p in postings]
    return [max(imps), len(docs), [_gaps(docs), imps]]


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
