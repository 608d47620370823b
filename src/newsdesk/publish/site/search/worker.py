"""A cold build's search indexing, in a second process when there is much to index.

Tokenizing and inverting a million articles costs about as much as rendering their pages,
and the two do not depend on each other: a worker process takes the documents as the
pages are rendered and writes each segment when it fills, so a cold build on two cores
takes the longer of the two instead of their sum. Small builds index in-process (a
process start costs more than they do).

The worker only writes segment folders; the build records them in its state as they are
reported (``written``), in the order the documents were sent.
"""

from __future__ import annotations

import multiprocessing
import secrets
from collections.abc import Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from .segment import Doc, SegmentBuilder, SegmentInfo

__all__ = ["WORKER_MIN_DOCS", "ColdIndexer"]

WORKER_MIN_DOCS = 20_000  # below this, indexing in-process is cheaper than a process
_BATCH = 256  # documents per message to the worker

Written = tuple[SegmentInfo, list[str]]  # a segment and the uids of its docs, in order


class _Segments:
    """Fills segments of ``size`` docs under ``root``; named ``<prefix>-<n>-<random>``."""

    def __init__(self, root: Path, prefix: str, size: int) -> None:
        self.root, self.prefix, self.size = root, prefix, size
        self.count = 0
        self.builder: SegmentBuilder | None = None
        self.uids: list[str] = []

    def add(self, uid: str, doc: Doc) -> Written | None:
        if self.builder is None:
            self.count += 1
            seg = f"{self.prefix}-{self.count}-{secrets.token_hex(3)}"
            self.builder = SegmentBuilder(self.root / seg, seg)
        self.builder.add(doc)
        self.uids.append(uid)
        return self.flush() if len(self.builder) >= self.size else None

    def flush(self) -> Written | None:
        builder, uids = self.builder, self.uids
        self.builder, self.uids = None, []
        return (builder.write(), uids) if builder is not None and uids else None


class ColdIndexer:
    """Indexes documents sent newest first; ``written()`` hands over finished segments."""

    def __init__(self, root: Path, prefix: str, size: int, *, parallel: bool) -> None:
        self._done: list[Written] = []
        self._local: _Segments | None = None
        self._process: Any = None
        self._batch: list[tuple[str, Doc]] = []
        self._finished = False
        if not parallel:
            self._local = _Segments(root, prefix, size)
            return
        context = multiprocessing.get_context("spawn")  # no fork of a process with threads
        self._pipe, theirs = context.Pipe()
        self._process = context.Process(
            target=_work, args=(theirs, str(root), prefix, size), daemon=True
        )
        self._process.start()
        theirs.close()

    def add(self, uid: str, doc: Doc) -> None:
        if self._local is not None:
            done = self._local.add(uid, doc)
            if done is not None:
                self._done.append(done)
            return
        self._batch.append((uid, doc))
        if len(self._batch) >= _BATCH:
            self._send()

    def _send(self) -> None:
        if self._batch:
            self._receive(block=False)
            self._pipe.send(("docs", self._batch))
            self._batch = []

    def _receive(self, *, block: bool) -> None:
        while not self._finished and (block or self._pipe.poll()):
            try:
                kind, payload = self._pipe.recv()
            except EOFError:
                raise RuntimeError("the search indexing process stopped") from None
            if kind == "error":
                raise RuntimeError(f"search indexing failed: {payload}")
            if kind == "done":
                self._finished = True
                return
            self._done.append(payload)

    def written(self) -> list[Written]:
        """Segments finished since the last call, in order."""
        if self._process is not None:
            self._receive(block=False)
        done, self._done = self._done, []
        return done

    def finish(self) -> list[Written]:
        """Write the open segment and wait for every segment; returns the unreported."""
        if self._local is not None:
            last = self._local.flush()
            if last is not None:
                self._done.append(last)
        else:
            self._send()
            self._pipe.send(("finish", None))
            self._receive(block=True)
            self._process.join(30)
        return self.written()

    def close(self) -> None:
        """Stop a worker left running (a build that failed half-way)."""
        if self._process is not None and self._process.is_alive():
            self._process.terminate()
            self._process.join(10)


def _work(pipe: Connection, root: str, prefix: str, size: int) -> None:
    """The worker: index the documents it receives, report each segment it writes."""
    segments = _Segments(Path(root), prefix, size)
    try:
        while True:
            kind, payload = pipe.recv()
            if kind == "finish":
                last = segments.flush()
                if last is not None:
                    pipe.send(("segment", last))
                pipe.send(("done", None))
                return
            docs: Sequence[tuple[str, Doc]] = payload
            for uid, doc in docs:
                done = segments.add(uid, doc)
                if done is not None:
                    pipe.send(("segment", done))
    except EOFError:  # the build went away (killed): nothing to report to
        return
    except Exception as exc:  # reported to the build, which raises it
        pipe.send(("error", f"{type(exc).__name__}: {exc}"))
