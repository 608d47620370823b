"""Concurrent calls for the same key share one run of the work.

The first caller (the leader) runs it; later callers wait and get the same result or the
same exception. The leader's work is shielded from its own cancellation (a client hanging
up) because the followers depend on it; the upstream deadlines bound it anyway.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

import anyio

__all__ = ["SingleFlight"]

T = TypeVar("T")


class _Flight(Generic[T]):
    result: T  # set by the leader before ``done`` whenever ``error`` stays None

    def __init__(self) -> None:
        self.done = anyio.Event()
        self.error: BaseException | None = None


class SingleFlight(Generic[T]):
    def __init__(self) -> None:
        self._flights: dict[str, _Flight[T]] = {}

    def pending(self) -> int:
        return len(self._flights)

    async def run(self, key: str, work: Callable[[], Awaitable[T]]) -> tuple[T, bool]:
        """``(result, led)``: ``led`` is True for the one caller that ran ``work``."""
        flight = self._flights.get(key)
        if flight is not None:
            await flight.done.wait()
            if flight.error is not None:
                raise flight.error
            return flight.result, False
        flight = self._flights[key] = _Flight()
        try:
            with anyio.CancelScope(shield=True):
                result = flight.result = await work()
            return result, True
        except Exception as exc:
            flight.error = exc
            raise
        except BaseException:
            # Interrupted (e.g. shutdown): followers get an error, not this cancellation.
            flight.error = RuntimeError(f"the shared fetch for {key} was interrupted")
            raise
        finally:
            del self._flights[key]
            flight.done.set()
