"""Per-stage CPU time of newsdesk's pipeline, for ``benchmarks/pipeline.py --profile``.

``install()`` wraps the functions each stage is made of, at the seams ``pipeline.py``
calls them through, with a timer of the calling thread's CPU time (``time.thread_time``:
user + system time of that thread). So work done in worker threads, in C extensions and
in the kernel on a thread's behalf is counted where it belongs, and waiting for the GIL,
a socket or a lock is not. Time a wrapped function spends inside another wrapped function
is counted to the inner one only. The process's CPU time left over is fetching: the event
loop, httpx, Content-Encoding and the hand-offs to worker threads.

Benchmark code: it patches newsdesk's modules in the process it runs in, nothing else.
"""

from __future__ import annotations

import functools
import importlib
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

# (module, attribute, stage); a dotted attribute is a method of a class in that module.
SEAMS: tuple[tuple[str, str, str], ...] = (
    ("newsdesk.parse", "decode_body", "decode (charset)"),
    ("newsdesk.parse", "parse_feed", "parse"),
    ("newsdesk.process", "clean_html", "clean"),
    ("newsdesk.process", "process_feed", "process (ids, dates, head image)"),
    ("newsdesk.process", "keyed_entries", "process: ids, raw hashes"),
    ("newsdesk.pipeline.items", "reconcile", "store: read stored ids"),
    ("newsdesk.store.store", "Store.get_articles", "store: read stored ids"),
    ("newsdesk.store.store", "Store.save_feed", "store: save_feed"),
    ("newsdesk.store.store", "Store.sync_feeds", "store: other"),
    ("newsdesk.store.store", "Store.feed_states", "store: other"),
    ("newsdesk.store.store", "Store.record_not_modified", "store: other"),
    ("newsdesk.publish.hexo", "render_post", "publish: render posts"),
    ("newsdesk.publish.hexo", "post_filename", "publish: render posts"),
    ("newsdesk.publish.writer", "write_if_changed", "publish: write post files"),
    ("newsdesk.publish.writer", "flush_to_disk", "publish: sync to disk"),
    ("newsdesk.store.store", "Store.pending", "publish: read pending"),
    ("newsdesk.store.store", "Store.mark_written", "publish: record written"),
    ("newsdesk.store.store", "Store.written_names", "publish: read pending"),
    ("newsdesk.store.store", "Store.file_owners", "publish: read pending"),
)

cpu: dict[str, float] = defaultdict(float)
_local = threading.local()
_lock = threading.Lock()


def _enter() -> None:
    stack = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    stack.append(0.0)  # CPU time spent in wrapped callees


def _leave(stage: str, started: float) -> None:
    spent = time.thread_time() - started
    stack = _local.stack
    inner = stack.pop()
    if stack:
        stack[-1] += spent
    with _lock:
        cpu[stage] += spent - inner


def _timed(stage: str, func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _enter()
        started = time.thread_time()
        try:
            return func(*args, **kwargs)
        finally:
            _leave(stage, started)

    return wrapper


def _timed_generator(stage: str, func: Callable[..., Iterator[Any]]) -> Callable[..., Any]:
    """A generator's own time, step by step (what its consumer does between steps is not)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Iterator[Any]:
        inner = func(*args, **kwargs)
        while True:
            _enter()
            started = time.thread_time()
            try:
                item = next(inner)
            except StopIteration:
                return
            finally:
                _leave(stage, started)
            yield item

    return wrapper


def install() -> None:
    for module_name, attribute, stage in SEAMS:
        owner: Any = importlib.import_module(module_name)
        *path, name = attribute.split(".")
        for part in path:
            owner = getattr(owner, part)
        func = getattr(owner, name)
        wrap = _timed_generator if name == "pending" else _timed
        setattr(owner, name, wrap(stage, func))


def report(total_cpu: float, items: float) -> list[tuple[str, float, float]]:
    """(stage, CPU seconds, share of the process's CPU), the rest counted as fetching."""
    rows = sorted(cpu.items(), key=lambda kv: -kv[1])
    rows.append(("fetch, event loop, threads (the rest)", total_cpu - sum(cpu.values())))
    return [(stage, seconds, seconds / total_cpu) for stage, seconds in rows]
