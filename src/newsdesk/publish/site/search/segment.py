"""One immutable segment of the search index: built in memory, written as static files.

Files under ``search-index/<segment>/``::

    d<k>.json      dictionary shard k: {token: [df, [[max, n, data], ...]]}, one block per
                   impact tier: the best 64 postings (``data``: the block itself), then
                   the next 256, 1024, ... (``data``: the number of its file in b/)
    b/<n>.json     a block: [doc gaps, impacts] (docs ascending within the block)
    x/<doc>.txt    the document's CJK runs, one per line: a phrase query keeps only the
                   documents whose text holds the phrase itself, not just its pairs
    r<j>.json      results 4*j .. 4*j+3: [url, title, date, source, excerpt]

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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from operator import sub
from pathlib import Path
from typing import Any

from ..text import plain_text
from . import runs
from .tokens import analyze

__all__ = ["RESULTS_PER_FILE", "Doc", "SegmentBuilder", "SegmentInfo"]

RESULTS_PER_FILE = 4  # small files: the page fetches one per result it shows
_K1, _B = 1.2, 0.75
_TITLE_EXTRA = 2  # a title occurrence counts 1 + 2 times
_FIRST_BLOCK = 64  # the best postings of a token: in the dictionary entry itself
_BLOCK_GROWTH = 4  # the next tiers (256, 1024, ...) are files, read only when needed
_TOKENS_PER_SHARD = 32  # about 2-4 KB per dictionary shard
_MAX_SHARDS = 65536
_SPILL_DOCS = 16384  # postings of this many documents at most are held in memory


@dataclass(frozen=True)
class Doc:
    """An article as the index sees it."""

    title: str
    text: str  # everything else searchable: body text, source, channel, author
    result: tuple[str, str, str, str, str, str]  # url, title, date, source, excerpt, iso
    published: float  # a timestamp: segments are ordered newest first
    # The body's HTML, when its text is to be extracted where the document is indexed
    # (a worker process) and added to ``text``.
    html: str = ""


@dataclass(frozen=True)
class SegmentInfo:
    """What the manifest and the build state keep about a written segment."""

    id: str
    docs: int
    shards: int
    newest: float


class SegmentBuilder:
    """Collects documents (newest first) and writes them as one segment into ``folder``
    (made now: each document's text is written as it arrives). ``capacity``: the most
    documents it will get; with more than ``_SPILL_DOCS`` its postings are spilled to
    sorted runs on disk, and the shard count is set at the first spill from the tokens
    seen so far and the growth a vocabulary shows (Heaps' law: about docs ** 0.6)."""

    def __init__(self, folder: Path, seg_id: str, capacity: int) -> None:
        self.folder, self.id, self.capacity = folder, seg_id, capacity
        (folder / "x").mkdir(parents=True)
        self.shards = 0  # decided at the first spill, or when written
        self.results: list[tuple[str, ...]] = []
        self.newest = 0.0
        self._length_sum = 0
        # token -> postings, each (255 - impact) << 40 | doc: one int per posting keeps
        # building cheap, and plain int order is best impact first, then by doc
        self._postings: dict[str, array[int]] = {}
        self._runs: list[Path] = []

    def __len__(self) -> int:
        return len(self.results)

    def add(self, doc: Doc) -> None:
        n = len(self.results)
        if n and n % _SPILL_DOCS == 0:
            if not self.shards:
                growth = (self.capacity / n) ** 0.6
                self.shards = _shard_count(round(len(self._postings) * growth))
            self._spill()
        self.results.append(doc.result)
        self.newest = max(self.newest, doc.published)
        title = analyze(doc.title)
        text = f"{plain_text(doc.html)} {doc.text}" if doc.html else doc.text
        body = analyze(text, chars=False)
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
        bucket: dict[str, Any] = {}
        current = -1
        for shard, token, postings in self._ordered():
            if shard != current and bucket:
                write_json(folder / f"d{current}.json", bucket)
                bucket = {}
            current = shard
            bucket[token] = _entry(postings, blocks)
        if bucket:
            write_json(folder / f"d{current}.json", bucket)
        for j in range(0, len(self.results), RESULTS_PER_FILE):
            part = self.results[j : j + RESULTS_PER_FILE]
            write_json(folder / f"r{j // RESULTS_PER_FILE}.json", part)
        return SegmentInfo(self.id, len(self.results), self.shards, self.newest)

    def _spill(self) -> None:
        self._runs.append(self.folder / f".run{len(self._runs)}")
        runs.spill(self._postings, self._runs[-1], self.shards)
        self._postings = {}

    def _ordered(self) -> Iterator[tuple[int, str, array[int]]]:
        """Every token's postings, in (shard, token) order: merged from the runs spilled
        to disk, or straight from memory."""
        if not self._runs:
            self.shards = _shard_count(len(self._postings))
            postings, self._postings = self._postings, {}
            for shard, token in runs.sort_tokens(postings, self.shards):
                yield shard, token, postings.pop(token)
            return
        self._spill()
        yield from runs.merged(self._runs)
        for run in self._runs:
            run.unlink()


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


def _shard_count(tokens: int) -> int:
    want = max(1, math.ceil(tokens / _TOKENS_PER_SHARD))
    return min(_MAX_SHARDS, 1 << (want - 1).bit_length())


def write_json(path: Path, data: Any) -> None:
    path.write_bytes(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())
