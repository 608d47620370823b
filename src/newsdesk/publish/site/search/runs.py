"""Sorted runs of postings on disk: how a big segment is built in bounded memory.

A segment builder spills its postings every few thousand documents as a run sorted by
(dictionary shard, token); writing the segment merges the runs, one token at a time, in
the order its dictionary shards are written. Runs are in document order, so a token's
postings concatenated run by run stay in document order.
"""

from __future__ import annotations

import heapq
import marshal
from array import array
from collections.abc import Iterator, Mapping, Sequence
from itertools import groupby
from operator import itemgetter
from pathlib import Path

from .tokens import shard_key, shard_of

__all__ = ["merged", "sort_tokens", "spill"]

_CHUNK = 2048  # tokens per record in a run file


def sort_tokens(tokens: Mapping[str, object], shards: int) -> list[tuple[int, str]]:
    """(shard, token) of every token, in the order segments store them."""
    return sorted((shard_of(shard_key(t), shards), t) for t in tokens)


def spill(postings: Mapping[str, array[int]], path: Path, shards: int) -> None:
    """Write ``postings`` as a run file sorted by (shard, token)."""
    order = sort_tokens(postings, shards)
    with path.open("wb") as out:
        for i in range(0, len(order), _CHUNK):
            marshal.dump([(k, t, postings[t].tobytes()) for k, t in order[i : i + _CHUNK]], out)


def _read(path: Path, run: int) -> Iterator[tuple[int, str, int, bytes]]:
    with path.open("rb") as f:
        while True:
            try:
                records = marshal.load(f)
            except EOFError:
                return
            for shard, token, data in records:
                yield shard, token, run, data


def merged(paths: Sequence[Path]) -> Iterator[tuple[int, str, array[int]]]:
    """(shard, token, postings) from every run, in (shard, token) order."""
    streams = [_read(p, run) for run, p in enumerate(paths)]
    for (shard, token), group in groupby(heapq.merge(*streams), key=itemgetter(0, 1)):
        postings = array("Q")
        for *_, data in group:  # runs in order: documents stay ascending
            postings.frombytes(data)
        yield shard, token, postings
