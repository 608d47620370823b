"""How many requests may be in flight: overall, and per host."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio

__all__ = ["HostSlots"]


class HostSlots:
    """One slot per request in flight; create it inside the event loop, share it per run."""

    def __init__(self, total: int, per_host: int) -> None:
        self._total = anyio.CapacityLimiter(total)
        self._per_host = per_host
        self._hosts: dict[str, anyio.CapacityLimiter] = {}

    @asynccontextmanager
    async def hold(self, host: str) -> AsyncIterator[None]:
        limiter = self._hosts.get(host)
        if limiter is None:
            limiter = self._hosts[host] = anyio.CapacityLimiter(self._per_host)
        # Host first: a request queued behind its own busy host must not sit on one of
        # the shared slots that requests to other hosts could use.
        async with limiter, self._total:
            yield
