"""A cold build's search indexing, in worker processes when there is much to index.

Tokenizing and inverting a million articles costs more than rendering their pages, and the
two do not depend on each other: worker processes take the documents in turn as the
pages are rendered, each filling segments of its own, so a cold build keeps both cores
busy instead of adding the costs up (ties between documents of two such segments go by
segment, not by date: they span the same weeks). Small builds index in-process
(starting processes costs more than they do).

The workers only write segment folders; the build records them in its state as they are
reported, in the order of their documents (``written``).
"""

from __future__ import annotations

import multiprocessing
import secrets
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from .segment import Doc, SegmentBuilder, SegmentInfo

__all__ = ["WORKERS", "WORKER_MIN_DOCS", "ColdIndexer", "Written"]

WORKER_MIN_DOCS = 20_000  # below this, indexing in-process is cheaper than processes
WORKERS = 2  # with the build itself, enough to keep two cores busy
_BATCH = 256  # documents per message to a worker

Written = tuple[SegmentInfo, list[str]]  # a segment and the uids of its docs, in order


class ColdIndexer:
    """Indexes documents sent newest first; ``written()`` hands over finished segments.

    With workers, documents are dealt in turn (document n to worker n % W), each worker
    filling its own segments, so all of them work at once; the k-th segment of worker w
    is segment number k * W + w, and segments are handed over in that order.
    """

    def __init__(
        self, root: Path, prefix: str, size: int, *, workers: int, expected: int = 0
    ) -> None:
        self.root, self.prefix, self.size = root, prefix, size
        self.lanes = max(1, workers)
        self.expected = expected  # documents to come, about: the last segments' capacity
        self._sent = 0  # documents so far
        self._reported: dict[int, Written] = {}  # segment number -> written, any order
        self._next = 0  # the next segment to hand over
        self._all_in = False  # finished: every document is in a segment handed over
        self._error: str | None = None
        self._lock = threading.Lock()
        self._segs: list[str] = [""] * self.lanes  # each lane's open segment
        self._batches: list[list[tuple[str, Doc]]] = [[] for _ in range(self.lanes)]
        self._builder: SegmentBuilder | None = None  # in-process
        self._uids: list[str] = []
        self._pipes: list[Connection] = []
        self._processes: list[Any] = []
        self._readers: list[threading.Thread] = []
        context = multiprocessing.get_context("spawn")  # no fork of a process with threads
        for _ in range(workers):
            ours, theirs = context.Pipe()
            process = context.Process(target=_work, args=(theirs, str(root)), daemon=True)
            process.start()
            theirs.close()
            # Replies are drained by a thread, so a worker never blocks on a full pipe
            # while the build blocks sending to it.
            reader = threading.Thread(target=self._read, args=(ours,), daemon=True)
            reader.start()
            self._pipes.append(ours)
            self._processes.append(process)
            self._readers.append(reader)

    def _capacity(self) -> int:
        left = (self.expected - self._sent) // self.lanes + 1
        return min(self.size, left) if left > 0 else self.size

    @property
    def lanes_remote(self) -> bool:
        """Whether documents go to worker processes (which can extract their text)."""
        return bool(self._pipes)

    @property
    def indexed(self) -> int:
        """How many of the documents sent are all in segments handed over already."""
        if self._all_in:
            return self._sent
        rounds = self._next // self.lanes  # every lane's segment of those rounds is in
        return min(self._sent, rounds * self.lanes * self.size)

    def add(self, uid: str, doc: Doc) -> None:
        self._check()
        lane, place = self._sent % self.lanes, self._sent // self.lanes
        number = place // self.size * self.lanes + lane
        if place % self.size == 0:
            self._segs[lane] = f"{self.prefix}-{number + 1}-{secrets.token_hex(3)}"
            self._open(lane, self._capacity())
        self._sent += 1
        full = place % self.size == self.size - 1
        if not self._pipes:
            assert self._builder is not None
            self._builder.add(doc)
            self._uids.append(uid)
            if full:
                self._close_local(number)
            return
        batch = self._batches[lane]
        batch.append((uid, doc))
        if len(batch) >= _BATCH or full:
            self._pipes[lane].send(("docs", self._segs[lane], batch))
            self._batches[lane] = []
        if full:
            self._pipes[lane].send(("close", number, self._segs[lane]))

    def _open(self, lane: int, capacity: int) -> None:
        seg = self._segs[lane]
        if self._pipes:
            self._pipes[lane].send(("open", seg, capacity))
        else:
            self._builder = SegmentBuilder(self.root / seg, seg, capacity)

    def _close_local(self, number: int) -> None:
        if self._builder is not None:
            written = (self._builder.write(), self._uids)
            with self._lock:
                self._reported[number] = written
        self._builder, self._uids = None, []

    def _read(self, pipe: Connection) -> None:
        try:
            while True:
                kind, *payload = pipe.recv()
                if kind == "done":
                    return
                with self._lock:
                    if kind == "error":
                        self._error = payload[0]
                        return
                    self._reported[payload[0]] = payload[1]
        except (EOFError, OSError):
            with self._lock:
                self._error = self._error or "the search indexing process stopped"

    def _check(self) -> None:
        if self._error is not None:
            raise RuntimeError(f"search indexing failed: {self._error}")

    def written(self) -> list[Written]:
        """Segments finished since the last call, in the order of their documents."""
        self._check()
        out = []
        with self._lock:
            while self._next in self._reported:
                out.append(self._reported.pop(self._next))
                self._next += 1
        return out

    def finish(self) -> list[Written]:
        """Write the open segments, wait for every segment; returns the unreported ones."""
        for lane in range(self.lanes):
            placed = (self._sent - lane + self.lanes - 1) // self.lanes  # lane's documents
            if placed % self.size == 0:
                continue  # its last segment is closed already (or it never had one)
            number = (placed - 1) // self.size * self.lanes + lane
            if not self._pipes:
                self._close_local(number)
                continue
            if self._batches[lane]:
                self._pipes[lane].send(("docs", self._segs[lane], self._batches[lane]))
                self._batches[lane] = []
            self._pipes[lane].send(("close", number, self._segs[lane]))
        for pipe in self._pipes:
            pipe.send(("stop",))
        for reader in self._readers:
            reader.join()
        for process in self._processes:
            process.join(30)
        done = self.written()
        self._all_in = True
        return done

    def close(self) -> None:
        """Stop workers left running (a build that failed half-way)."""
        for process in self._processes:
            if process.is_alive():
                process.terminate()
                process.join(10)


def _work(pipe: Connection, root: str) -> None:
    """A worker: fill the segments it is sent documents for, report each one written."""
    builders: dict[str, SegmentBuilder] = {}
    uids: dict[str, list[str]] = {}
    try:
        while True:
            kind, *payload = pipe.recv()
            if kind == "stop":
                pipe.send(("done",))
                return
            if kind == "open":
                seg, capacity = payload
                builders[seg] = SegmentBuilder(Path(root) / seg, seg, capacity)
                uids[seg] = []
            elif kind == "docs":
                seg, docs = payload
                builder = builders[seg]
                for uid, doc in docs:
                    builder.add(doc)
                    uids[seg].append(uid)
            elif kind == "close":
                number, seg = payload
                pipe.send(("segment", number, (builders.pop(seg).write(), uids.pop(seg))))
    except EOFError:  # the build went away (killed): nothing to report to
        return
    except Exception as exc:  # reported to the build, which raises it
        pipe.send(("error", f"{type(exc).__name__}: {exc}"))
