"""ForwardedMiddleware on a tiny app that echoes what it was given."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from newsdesk.imageproxy.app import create_app
from newsdesk.imageproxy.forwarded import ForwardedMiddleware
from tests.imageproxy.helpers import make_config, proxy_of

pytestmark = pytest.mark.anyio


async def echo(scope: dict[str, Any], receive: Any, send: Any) -> None:
    body = f"{scope['client'][0]} {scope['scheme']} {scope['path']} {scope['root_path']}"
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body.encode()})


async def call(app: Any, path: str, peer: str, headers: dict[str, str]) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, client=(peer, 1234))
    async with httpx.AsyncClient(transport=transport, base_url="http://proxy") as client:
        return await client.get(path, headers=headers)


FORWARDED = {"X-Forwarded-For": "203.0.113.9, 10.0.0.7", "X-Forwarded-Proto": "https"}


async def test_headers_trusted_from_configured_proxy() -> None:
    app = ForwardedMiddleware(echo, trusted=("10.0.0.0/8",))
    r = await call(app, "/x", "10.0.0.5", FORWARDED)
    assert r.text == "203.0.113.9 https /x "


async def test_headers_ignored_from_anyone_else() -> None:
    app = ForwardedMiddleware(echo, trusted=("10.0.0.0/8",))
    r = await call(app, "/x", "198.51.100.1", FORWARDED)
    assert r.text == "198.51.100.1 http /x "


async def test_base_path_stripped_and_enforced() -> None:
    app = ForwardedMiddleware(echo, base_path="/img/")
    inside = await call(app, "/img/abc/def", "1.2.3.4", {})
    outside = await call(app, "/imgabc", "1.2.3.4", {})
    assert inside.text == "1.2.3.4 http /abc/def /img"
    assert outside.status_code == 404


async def test_refusal_log_names_the_forwarded_client(caplog: pytest.LogCaptureFixture) -> None:
    app = create_app(make_config(trusted_proxies=("10.0.0.0/8",)))
    try:
        with caplog.at_level(logging.INFO, logger="newsdesk.imageproxy.app"):
            trusted = await call(app, "/favicon.ico", "10.0.0.5", FORWARDED)
            direct = await call(app, "/favicon.ico", "198.51.100.1", FORWARDED)
    finally:
        await proxy_of(app).aclose()
    assert trusted.status_code == direct.status_code == 403
    refusals = [r for r in caplog.records if r.getMessage() == "image refused"]
    assert [getattr(r, "client", None) for r in refusals] == ["203.0.113.9", "198.51.100.1"]
