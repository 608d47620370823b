from __future__ import annotations

import anyio
import pytest

from newsdesk.imageproxy.singleflight import SingleFlight

pytestmark = pytest.mark.anyio


async def test_concurrent_callers_share_one_run() -> None:
    flights: SingleFlight[int] = SingleFlight()
    runs = 0
    results: list[tuple[int, bool]] = []

    async def work() -> int:
        nonlocal runs
        runs += 1
        await anyio.sleep(0.05)
        return 42

    async def call() -> None:
        results.append(await flights.run("k", work))

    async with anyio.create_task_group() as tg:
        for _ in range(5):
            tg.start_soon(call)
    assert runs == 1
    assert sorted(results) == [(42, False)] * 4 + [(42, True)]
    assert flights.pending() == 0


async def test_failure_shared_then_forgotten() -> None:
    flights: SingleFlight[int] = SingleFlight()
    errors: list[BaseException] = []

    async def failing() -> int:
        await anyio.sleep(0.05)
        raise ValueError("upstream broke")

    async def call() -> None:
        try:
            await flights.run("k", failing)
        except ValueError as exc:
            errors.append(exc)

    async with anyio.create_task_group() as tg:
        for _ in range(3):
            tg.start_soon(call)
    assert len(errors) == 3

    async def ok() -> int:
        return 1

    assert await flights.run("k", ok) == (1, True)  # the failure was not cached


async def test_leader_cancellation_does_not_strand_followers() -> None:
    flights: SingleFlight[int] = SingleFlight()
    got: list[int] = []
    leader_scope = anyio.CancelScope()

    async def work() -> int:
        await anyio.sleep(0.1)
        return 7

    async def leader() -> None:
        with leader_scope:
            await flights.run("k", work)

    async def follower() -> None:
        got.append((await flights.run("k", work))[0])

    async with anyio.create_task_group() as tg:
        tg.start_soon(leader)
        await anyio.sleep(0.01)
        tg.start_soon(follower)
        await anyio.sleep(0.01)
        leader_scope.cancel()  # its client hung up; the shielded work still finishes
    assert got == [7]
