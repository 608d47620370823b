"""Fetching many feeds at once, politely: bounded overall and per host."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import anyio
import httpx

from newsdesk.fetch.fetcher import fetch_with_slots
from newsdesk.fetch.options import FetchOptions
from newsdesk.fetch.slots import HostSlots
from newsdesk.models import FeedSource, FeedState, FetchResult

__all__ = ["fetch_all"]


async def fetch_all(
    client: httpx.AsyncClient,
    sources: Sequence[FeedSource],
    states: Mapping[str, FeedState],
    options: FetchOptions,
    *,
    on_result: Callable[[FetchResult], None] | None = None,
    keep_results: bool = True,
) -> list[FetchResult]:
    """Fetch every source; results come back in the order of ``sources``.

    ``on_result`` is called with each result as soon as it is ready (completion order),
    so the caller can store feeds as they arrive and drive a progress bar. A broken feed
    is an error value in its result; an exception here means a bug. With
    ``keep_results=False`` nothing is returned: each body is freed once ``on_result`` and
    the caller are done with it, so a run over 500 feeds does not hold all 500 bodies.
    """
    slots = HostSlots(options.concurrency, options.per_host)
    results: list[FetchResult | None] = [None] * len(sources)

    async def run(index: int, source: FeedSource) -> None:
        result = await fetch_with_slots(client, source, states.get(source.key), options, slots)
        if keep_results:
            results[index] = result
        if on_result is not None:
            on_result(result)

    # One task per feed is cheap; the slots, not the task count, bound the requests.
    async with anyio.create_task_group() as group:
        for index, source in enumerate(sources):
            group.start_soon(run, index, source)
    if not keep_results:
        return []
    done = [result for result in results if result is not None]
    assert len(done) == len(sources)  # every task stored a result or raised
    return done
