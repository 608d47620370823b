"""HTTP status handling: which codes fail at once, which are retried, Retry-After."""

from __future__ import annotations

import time

import pytest

from newsdesk.fetch import make_client
from tests.fetch.faults import RSS, fast_options, feed, fetch_among_healthy, trickle
from tests.support.httpserver import LocalServer, Reply, Request

pytestmark = pytest.mark.anyio


async def test_404_fails_without_retry(server: LocalServer) -> None:
    source = feed(server.route("/missing", b"nope", status=404))
    options = fast_options(retries=3)
    async with make_client(options) as client:
        [result] = await fetch_among_healthy(client, server, [source], options)
    assert result.error == "HTTP 404 Not Found"
    assert result.status == 404 and result.body is None
    assert len(server.requests("/missing")) == 1


async def test_410_is_an_error_with_status_for_the_store(server: LocalServer) -> None:
    source = feed(server.route("/gone", status=410))
    options = fast_options(retries=3)
    async with make_client(options) as client:
        [result] = await fetch_among_healthy(client, server, [source], options)
    assert result.error == "HTTP 410 Gone"
    assert result.status == 410
    assert len(server.requests("/gone")) == 1


async def test_5xx_burst_then_success_is_retried(server: LocalServer) -> None:
    statuses = {1: 500, 2: 502, 3: 503}

    def handler(req: Request) -> Reply:
        if req.count in statuses:
            return Reply(statuses[req.count], b"busy")
        return Reply(200, RSS)

    source = feed(server.route("/flaky", handler=handler))
    options = fast_options(retries=3)
    async with make_client(options) as client:
        [result] = await fetch_among_healthy(client, server, [source], options)
    assert result.ok and result.body == RSS
    assert len(server.requests("/flaky")) == 4


async def test_5xx_gives_up_after_all_attempts(server: LocalServer) -> None:
    source = feed(server.route("/down", status=503))
    options = fast_options(retries=2)
    async with make_client(options) as client:
        [result] = await fetch_among_healthy(client, server, [source], options)
    assert result.error == "HTTP 503 Service Unavailable after 3 attempts"
    assert result.status == 503
    assert len(server.requests("/down")) == 3


async def test_429_retry_after_is_honoured(server: LocalServer) -> None:
    seen_at: list[float] = []

    def handler(req: Request) -> Reply:
        seen_at.append(time.monotonic())
        if req.count == 1:
            return Reply(429, headers={"Retry-After": "1"})
        return Reply(200, RSS)

    url = server.route("/limited", handler=handler)
    options = fast_options(retries=1, backoff_base=0.01)
    async with make_client(options) as client:
        [result] = await fetch_among_healthy(client, server, [feed(url)], options)
    assert result.ok and result.body == RSS
    assert len(seen_at) == 2
    assert seen_at[1] - seen_at[0] >= 0.9  # waited the 1 s asked for, not the 10 ms backoff


async def test_retry_after_over_the_limit_fails_at_once(server: LocalServer) -> None:
    source = feed(server.route("/later", status=503, headers={"Retry-After": "3600"}))
    options = fast_options(retries=3, max_retry_after=120)
    async with make_client(options) as client:
        [result] = await fetch_among_healthy(client, server, [source], options)
    assert result.error == (
        "HTTP 503 Service Unavailable; Retry-After 3600 s is over the 120 s limit"
    )
    assert result.retry_after == 3600
    assert len(server.requests("/later")) == 1


async def test_429_without_retry_after_backs_off_and_reports(server: LocalServer) -> None:
    source = feed(server.route("/slowdown", status=429))
    options = fast_options(retries=1)
    async with make_client(options) as client:
        [result] = await fetch_among_healthy(client, server, [source], options)
    assert result.error == "HTTP 429 Too Many Requests after 2 attempts"
    assert result.retry_after is None
    assert len(server.requests("/slowdown")) == 2


@pytest.mark.parametrize(
    ("status", "text"),
    [
        (403, "HTTP 403 Forbidden"),
        (401, "HTTP 401 Unauthorized"),
        (599, "HTTP 599"),  # no standard phrase: the code alone (BaseHTTPRequestHandler sends none)
    ],
)
async def test_other_status_codes_are_named(server: LocalServer, status: int, text: str) -> None:
    source = feed(server.route("/status", status=status))
    options = fast_options(retries=0)
    async with make_client(options) as client:
        [result] = await fetch_among_healthy(client, server, [source], options)
    assert result.error == text and result.status == status


async def test_retry_after_waits_stop_at_the_feed_deadline(server: LocalServer) -> None:
    # Each answer asks for 1 s more; without a feed budget the run would wait 3 s here
    # (and up to max_retry_after per retry on a real server).
    source = feed(server.route("/busy", status=429, headers={"Retry-After": "1"}))
    options = fast_options(retries=3, feed_deadline=1.5)
    async with make_client(options) as client:
        [result] = await fetch_among_healthy(client, server, [source], options)
    assert len(server.requests("/busy")) == 2, "the third try would start past 1.5 s"
    assert result.error == (
        "HTTP 429 Too Many Requests after 2 attempts; gave up at fetch.feed_deadline (1.5 s)"
    )
    assert result.elapsed < 1.5


async def test_the_feed_deadline_cuts_an_attempt_short(server: LocalServer) -> None:
    source = feed(server.route("/slow", handler=trickle(0.2)))
    options = fast_options(total_timeout=5.0, read_timeout=1.0, feed_deadline=0.6)
    async with make_client(options) as client:
        [result] = await fetch_among_healthy(client, server, [source], options)
    assert result.error == "ran out of time: fetch.feed_deadline (0.6 s) reached"
    assert result.elapsed < 1.5
