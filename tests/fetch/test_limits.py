"""Concurrency: at most ``per_host`` requests to one host, ``concurrency`` overall."""

from __future__ import annotations

import pytest

from newsdesk.fetch import fetch_all, make_client
from tests.fetch.faults import ConcurrencyMeter, fast_options, feed, serving
from tests.support.httpserver import LocalServer, Reply, Request

pytestmark = pytest.mark.anyio


async def test_per_host_limit_is_respected(server: LocalServer) -> None:
    meter = ConcurrencyMeter()
    with serving(LocalServer("127.0.0.2")) as other:
        sources = [feed(server.route(f"/f{i}", handler=meter)) for i in range(6)]
        sources += [feed(other.route(f"/f{i}", handler=meter)) for i in range(6)]
        options = fast_options(per_host=2, concurrency=16)
        async with make_client(options) as client:
            results = await fetch_all(client, sources, {}, options)
    assert all(r.ok for r in results)
    assert meter.peak_by_host == {"127.0.0.1": 2, "127.0.0.2": 2}
    assert meter.peak == 4  # the two hosts were served side by side


async def test_overall_concurrency_is_respected(server: LocalServer) -> None:
    meter = ConcurrencyMeter()
    sources = [feed(server.route(f"/f{i}", handler=meter)) for i in range(8)]
    options = fast_options(per_host=8, concurrency=3)
    async with make_client(options) as client:
        results = await fetch_all(client, sources, {}, options)
    assert all(r.ok for r in results)
    assert meter.peak == 3


async def test_backoff_does_not_hold_a_slot(server: LocalServer) -> None:
    # One slot in all; a feed sleeping out Retry-After must let the other feed through.
    def limited(req: Request) -> Reply:
        return Reply(429, headers={"Retry-After": "1"}) if req.count == 1 else Reply(200)

    slow = feed(server.route("/limited", handler=limited))
    quick = feed(server.route("/quick", b"ok"))
    options = fast_options(per_host=1, concurrency=1)
    order: list[str] = []
    async with make_client(options) as client:
        results = await fetch_all(
            client, [slow, quick], {}, options, on_result=lambda r: order.append(r.source.url)
        )
    assert all(r.ok for r in results)
    assert order == [quick.url, slow.url]
