"""One stalled upstream host must not starve the others: each host gets a bounded share.

Two real loopback upstreams: one that holds every request until the test lets it go, one
that answers at once. The test waits on what the servers and the proxy report, never on
the clock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import anyio
import httpx
import pytest

from tests.imageproxy.helpers import PNG, make_config, proxy_client, signed
from tests.support.httpserver import LocalServer, Reply, Request

pytestmark = pytest.mark.anyio

STALLED = 40


class Stall:
    """A handler that holds each request until ``release`` is set, counting them."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.current = 0
        self.peak = 0

    def __call__(self, req: Request) -> Reply:
        with self.lock:
            self.current += 1
            self.peak = max(self.peak, self.current)
        self.release.wait(30)
        with self.lock:
            self.current -= 1
        return Reply(200, PNG, {"Content-Type": "image/png"})


@pytest.fixture
def stall() -> Iterator[Stall]:
    handler = Stall()
    yield handler
    handler.release.set()  # never leave server threads hanging


async def until(condition: Callable[[], bool]) -> None:
    with anyio.fail_after(20):  # a hung test fails here instead of hanging the suite
        while not condition():
            await anyio.sleep(0.01)


@pytest.mark.parametrize("cached", [False, True])
async def test_a_stalled_host_leaves_other_hosts_served(
    tmp_path: Path, stall: Stall, cached: bool
) -> None:
    config = make_config(
        upstream_connections=8,
        per_host_connections=4,
        per_host_queue=8,
        read_timeout=30.0,
        total_timeout=60.0,
        cache_dir=tmp_path if cached else None,
    )
    with LocalServer() as slow, LocalServer() as fast:
        slow.route("/img.png", handler=stall)
        fast.route("/a.png", PNG, headers={"Content-Type": "image/png"})
        answers: list[httpx.Response] = []
        async with proxy_client(config) as client:

            async def fetch_slow(i: int) -> None:
                answers.append(await client.get(signed(slow.url(f"/img.png?n={i}"))))

            async with anyio.create_task_group() as tg:
                for i in range(STALLED):
                    tg.start_soon(fetch_slow, i)
                # 4 in flight, 8 waiting, the other 28 refused straight away.
                await until(lambda: stall.current == 4 and len(answers) == STALLED - 12)
                other = await client.get(signed(fast.url("/a.png")))
                assert stall.current == 4 and len(answers) == STALLED - 12  # still stalled
                stall.release.set()
    assert other.status_code == 200 and other.content == PNG
    busy = [r for r in answers if r.status_code == 503]
    assert len(busy) == STALLED - 12
    for r in busy:
        assert r.headers["x-imageproxy-refusal"] == "host-busy"
        assert r.headers["retry-after"] == "30"
        assert r.headers["cache-control"] == "no-store"
    served = [r for r in answers if r.status_code == 200]
    assert len(served) == 12 and all(r.content == PNG for r in served)
    assert stall.peak == 4  # the host never had more than its share
    assert len(slow.requests("/img.png")) == 12


async def test_with_the_default_shares_forty_stalled_requests_just_wait(stall: Stall) -> None:
    config = make_config(read_timeout=30.0, total_timeout=60.0)  # 32 connections, 8 per host
    with LocalServer() as slow, LocalServer() as fast:
        slow.route("/img.png", handler=stall)
        fast.route("/a.png", PNG, headers={"Content-Type": "image/png"})
        answers: list[httpx.Response] = []
        async with proxy_client(config) as client:

            async def fetch_slow(i: int) -> None:
                answers.append(await client.get(signed(slow.url(f"/img.png?n={i}"))))

            async with anyio.create_task_group() as tg:
                for i in range(STALLED):
                    tg.start_soon(fetch_slow, i)
                await until(lambda: stall.current == config.per_host_connections)
                other = await client.get(signed(fast.url("/a.png")))
                assert answers == []  # the other 32 wait in the queue: nothing refused
                stall.release.set()
    assert other.status_code == 200
    assert [r.status_code for r in answers] == [200] * STALLED
    assert stall.peak == config.per_host_connections


async def test_a_redirect_takes_a_slot_of_the_host_it_goes_to(stall: Stall) -> None:
    config = make_config(
        upstream_connections=4, per_host_connections=2, per_host_queue=0, read_timeout=30.0
    )
    with LocalServer() as slow, LocalServer() as hop:
        slow.route("/img.png", handler=stall)
        hop.route("/go", status=302, headers={"Location": slow.url("/img.png")})
        answers: list[httpx.Response] = []
        async with proxy_client(config) as client:

            async def fetch(url: str) -> None:
                answers.append(await client.get(signed(url)))

            async with anyio.create_task_group() as tg:
                tg.start_soon(fetch, slow.url("/img.png?direct"))
                tg.start_soon(fetch, hop.url("/go?a"))
                await until(lambda: stall.current == 2)
                tg.start_soon(fetch, hop.url("/go?b"))  # its hop finds the slow host full
                await until(lambda: len(answers) == 1)
                stall.release.set()
    assert answers[0].status_code == 503
    assert answers[0].headers["x-imageproxy-refusal"] == "host-busy"
    assert sorted(r.status_code for r in answers) == [200, 200, 503]
    assert len(hop.requests("/go")) == 2  # the hops themselves were served: another host
