"""Each upstream host gets a bounded share of the proxy's connection pool.

Without it, one stalled host took every pooled connection and all other images waited
for a free one until they failed with 504. Now a host has at most ``per_host`` requests
in flight and ``queue`` more waiting their turn (first come, first served); one beyond
that is refused at once with ``HostBusy`` (503 with Retry-After) rather than left to
wait. Requests to other hosts never queue behind it, since ``per_host`` is kept below the
pool size (``config.py``).

A slot is held from sending the request until its response is closed, streamed bodies
included; each redirect hop takes a slot of the host it goes to. A host's entry is
dropped when no request uses it, so the table never outgrows the requests in flight.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import anyio
import httpx

__all__ = ["FairTransport", "HostBusy", "HostShares"]


class HostBusy(Exception):
    """The host already has its share in flight and a full queue."""

    def __init__(self, origin: str) -> None:
        super().__init__(f"too many requests to {origin} are already waiting")
        self.origin = origin


class _Host:
    __slots__ = ("free", "users", "waiting")

    def __init__(self, limit: int) -> None:
        self.free = anyio.Semaphore(limit)  # FIFO: a released slot goes to the oldest waiter
        self.users = 0  # in flight or waiting
        self.waiting = 0


class HostShares:
    """The per-host slots, shared by every request of one proxy."""

    def __init__(self, per_host: int, queue: int) -> None:
        self._per_host = per_host
        self._queue = queue
        self._hosts: dict[str, _Host] = {}

    async def acquire(self, origin: str) -> Callable[[], None]:
        """Wait for a slot of ``origin``; returns the function that gives it back."""
        host = self._hosts.get(origin)
        if host is None:
            host = self._hosts[origin] = _Host(self._per_host)
        host.users += 1
        try:
            try:
                host.free.acquire_nowait()
            except anyio.WouldBlock:
                if host.waiting >= self._queue:
                    raise HostBusy(origin) from None
                host.waiting += 1
                try:
                    await host.free.acquire()
                finally:
                    host.waiting -= 1
        except BaseException:
            self._leave(origin, host)
            raise
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                host.free.release()
                self._leave(origin, host)

        return release

    def _leave(self, origin: str, host: _Host) -> None:
        host.users -= 1
        if host.users == 0 and self._hosts.get(origin) is host:
            del self._hosts[origin]


def _origin(url: httpx.URL) -> str:
    port = url.port or (443 if url.scheme == "https" else 80)
    return f"{url.scheme}://{url.host}:{port}"


class _Releasing(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, release: Callable[[], None]) -> None:
        self._inner = inner
        self._release = release

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._inner.aclose()
        finally:
            self._release()


class FairTransport(httpx.AsyncBaseTransport):
    """Wraps a transport so that each origin only ever uses its share of it."""

    def __init__(self, inner: httpx.AsyncBaseTransport, shares: HostShares) -> None:
        self._inner = inner
        self.shares = shares

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        release = await self.shares.acquire(_origin(request.url))
        try:
            response = await self._inner.handle_async_request(request)
        except BaseException:
            release()
            raise
        assert isinstance(response.stream, httpx.AsyncByteStream)
        return httpx.Response(
            status_code=response.status_code,
            headers=response.headers,
            stream=_Releasing(response.stream, release),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._inner.aclose()
