"""Feeds that work: plain, compressed, with per-feed headers; fetch_all bookkeeping."""

from __future__ import annotations

import gc
import gzip
import time
import weakref
import zlib
from collections.abc import Callable

import brotli  # type: ignore[import-untyped]  # ships no type hints
import httpx
import pytest

from newsdesk.fetch import DEFAULT_USER_AGENT, DISABLED_ERROR, fetch_all, fetch_one, make_client
from newsdesk.models import FeedState, FetchResult
from tests.fetch.faults import RSS, fast_options, feed, fetch_among_healthy
from tests.support.httpserver import LocalServer, Reply, Request

pytestmark = pytest.mark.anyio


async def test_plain_200_carries_body_and_validators(server: LocalServer) -> None:
    url = server.route(
        "/feed.xml",
        RSS,
        headers={
            "Content-Type": "application/rss+xml; charset=utf-8",
            "ETag": '"v1"',
            "Last-Modified": "Wed, 25 Nov 2026 10:00:00 GMT",
        },
    )
    options = fast_options()
    async with make_client(options) as client:
        [result] = await fetch_among_healthy(client, server, [feed(url)], options)
    assert result.ok and result.status == 200 and result.body == RSS
    assert result.content_type == "application/rss+xml; charset=utf-8"
    assert result.etag == '"v1"'
    assert result.last_modified == "Wed, 25 Nov 2026 10:00:00 GMT"
    assert result.final_url == url
    assert result.elapsed > 0


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [
        ("gzip", gzip.compress),
        ("br", brotli.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data, wbits=-zlib.MAX_WBITS)),  # raw, as IIS sends
        ("gzip", lambda data: gzip.compress(data[:50]) + gzip.compress(data[50:])),  # 2 members
    ],
)
async def test_compressed_body_is_decoded(
    server: LocalServer, encoding: str, compress: Callable[[bytes], bytes]
) -> None:
    body = RSS * 200
    url = server.route("/packed.xml", compress(body), headers={"Content-Encoding": encoding})
    options = fast_options()
    async with make_client(options) as client:
        [result] = await fetch_among_healthy(client, server, [feed(url)], options)
    assert result.ok and result.body == body
    sent = server.requests("/packed.xml")[0].headers
    assert {"gzip", "br"} <= {c.strip() for c in sent["Accept-Encoding"].split(",")}


async def test_corrupt_gzip_is_an_error_not_a_crash(server: LocalServer) -> None:
    url = server.route("/bad.gz", b"this is not gzip at all", headers={"Content-Encoding": "gzip"})
    options = fast_options()
    async with make_client(options) as client:
        [result] = await fetch_among_healthy(client, server, [feed(url)], options)
    assert result.error is not None
    assert result.error.startswith("could not decode the gzip body")
    assert len(server.requests("/bad.gz")) == 1  # a corrupt body is not retried


async def test_per_feed_user_agent_and_referer_are_sent(server: LocalServer) -> None:
    custom = server.route("/custom", RSS)
    plain = server.route("/plain", RSS)
    sources = [
        feed(custom, user_agent="Mozilla/5.0 FeedTest", referer="https://example.org/"),
        feed(plain),
    ]
    options = fast_options()
    async with make_client(options) as client:
        results = await fetch_among_healthy(client, server, sources, options)
    assert all(r.ok for r in results)
    custom_headers = server.requests("/custom")[0].headers
    assert custom_headers["User-Agent"] == "Mozilla/5.0 FeedTest"
    assert custom_headers["Referer"] == "https://example.org/"
    plain_headers = server.requests("/plain")[0].headers
    assert plain_headers["User-Agent"] == DEFAULT_USER_AGENT
    assert "Referer" not in plain_headers


async def test_disabled_feed_is_skipped_without_a_request(server: LocalServer) -> None:
    url = server.route("/gone", RSS)
    source = feed(url)
    states = {source.key: FeedState(key=source.key, disabled=True, last_status=410)}
    options = fast_options()
    async with make_client(options) as client:
        [result] = await fetch_among_healthy(client, server, [source], options, states)
    assert result.error == DISABLED_ERROR
    assert result.error.startswith("disabled after HTTP 410")
    assert server.requests("/gone") == []


async def test_results_keep_source_order_while_on_result_sees_completion_order(
    server: LocalServer,
) -> None:
    def slowly(_req: Request) -> Reply:
        time.sleep(0.3)
        return Reply(200, RSS)

    slow = server.route("/slow", handler=slowly)
    fast = server.route("/fast", RSS)
    options = fast_options()
    order: list[str] = []
    async with make_client(options) as client:
        results = await fetch_all(
            client,
            [feed(slow), feed(fast)],
            {},
            options,
            on_result=lambda r: order.append(r.source.url),
        )
    assert [r.source.url for r in results] == [slow, fast]
    assert order == [fast, slow]


async def test_fetch_one_works_alone(server: LocalServer) -> None:
    url = server.route("/one", RSS)
    options = fast_options()
    async with make_client(options) as client:
        result = await fetch_one(client, feed(url), None, options)
    assert result.ok and result.body == RSS


async def test_empty_source_list() -> None:
    options = fast_options()
    async with make_client(options) as client:
        assert await fetch_all(client, [], {}, options) == []


async def test_results_can_be_dropped_as_they_are_handled(server: LocalServer) -> None:
    # The pipeline stores each feed as it arrives; holding every body until the end of
    # the run would make memory grow with the number of feeds.
    urls = [server.route(f"/many/{i}", RSS) for i in range(6)]
    options = fast_options()
    seen: list[weakref.ref[FetchResult]] = []
    async with make_client(options) as client:
        kept = await fetch_all(
            client,
            [feed(u) for u in urls],
            {},
            options,
            on_result=lambda r: seen.append(weakref.ref(r)),
        )
        assert len(kept) == 6
        gc.collect()
        assert all(ref() is not None for ref in seen)
        seen.clear()
        dropped = await fetch_all(
            client,
            [feed(u) for u in urls],
            {},
            options,
            on_result=lambda r: seen.append(weakref.ref(r)),
            keep_results=False,
        )
    gc.collect()
    assert dropped == [] and len(seen) == 6
    assert all(ref() is None for ref in seen), "no body outlives its handler"


async def test_make_client_accepts_a_mock_transport() -> None:
    # Other stages test through httpx.MockTransport; fetch must work the same on it.
    def app(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/old":
            return httpx.Response(301, headers={"Location": "/feed.xml"})
        return httpx.Response(
            200, content=gzip.compress(RSS), headers={"Content-Encoding": "gzip", "ETag": '"m"'}
        )

    options = fast_options()
    async with make_client(options, transport=httpx.MockTransport(app)) as client:
        result = await fetch_one(client, feed("http://feeds.test/old"), None, options)
    assert result.ok and result.body == RSS and result.etag == '"m"'
    assert result.final_url == "http://feeds.test/feed.xml"
