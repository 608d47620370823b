"""Conditional GET: validators from the store go out, a 304 keeps them."""

from __future__ import annotations

import pytest

from newsdesk.fetch import make_client
from newsdesk.models import FeedState
from tests.fetch.faults import RSS, fast_options, feed, fetch_among_healthy
from tests.support.httpserver import LocalServer, Reply, Request

pytestmark = pytest.mark.anyio

LAST_MODIFIED = "Tue, 24 Nov 2026 08:00:00 GMT"


async def test_304_with_etag_keeps_old_validators(server: LocalServer) -> None:
    def handler(req: Request) -> Reply:
        if req.headers.get("If-None-Match") == '"abc"':
            return Reply(304)
        return Reply(200, RSS, {"ETag": '"abc"'})

    source = feed(server.route("/etag", handler=handler))
    states = {source.key: FeedState(key=source.key, etag='"abc"')}
    options = fast_options()
    async with make_client(options) as client:
        [result] = await fetch_among_healthy(client, server, [source], options, states)
    assert result.ok and result.not_modified and result.status == 304
    assert result.body is None
    assert result.etag == '"abc"'
    [request] = server.requests("/etag")
    assert request.headers["If-None-Match"] == '"abc"'
    assert "If-Modified-Since" not in request.headers


async def test_304_with_last_modified(server: LocalServer) -> None:
    def handler(req: Request) -> Reply:
        if req.headers.get("If-Modified-Since") == LAST_MODIFIED:
            return Reply(304)
        return Reply(200, RSS)

    source = feed(server.route("/lm", handler=handler))
    states = {source.key: FeedState(key=source.key, last_modified=LAST_MODIFIED)}
    options = fast_options()
    async with make_client(options) as client:
        [result] = await fetch_among_healthy(client, server, [source], options, states)
    assert result.not_modified and result.status == 304
    assert result.last_modified == LAST_MODIFIED and result.etag is None
    [request] = server.requests("/lm")
    assert request.headers["If-Modified-Since"] == LAST_MODIFIED
    assert "If-None-Match" not in request.headers


async def test_304_may_refresh_the_etag(server: LocalServer) -> None:
    source = feed(server.route("/refresh", status=304, headers={"ETag": '"new"'}))
    states = {source.key: FeedState(key=source.key, etag='"old"', last_modified=LAST_MODIFIED)}
    options = fast_options()
    async with make_client(options) as client:
        [result] = await fetch_among_healthy(client, server, [source], options, states)
    assert result.not_modified
    assert (result.etag, result.last_modified) == ('"new"', LAST_MODIFIED)


async def test_no_state_sends_no_conditional_headers(server: LocalServer) -> None:
    source = feed(server.route("/fresh", RSS))
    options = fast_options()
    async with make_client(options) as client:
        [result] = await fetch_among_healthy(client, server, [source], options)
    assert result.ok and not result.not_modified
    headers = server.requests("/fresh")[0].headers
    assert "If-None-Match" not in headers and "If-Modified-Since" not in headers
