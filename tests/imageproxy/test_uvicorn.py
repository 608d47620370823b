"""The app under a real uvicorn server on an ephemeral loopback port."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn

from newsdesk.imageproxy.config import ProxyServerConfig
from newsdesk.imageproxy.server import uvicorn_config
from tests.imageproxy.helpers import PNG, make_config, signed, unsized
from tests.support.httpserver import LocalServer


@contextmanager
def running(config: ProxyServerConfig) -> Iterator[str]:
    server = uvicorn.Server(uvicorn_config(config, port=0))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def test_served_through_uvicorn(server: LocalServer, tmp_path: Path) -> None:
    url = server.route("/a.png", PNG, headers={"Content-Type": "image/png", "ETag": '"e"'})
    with running(make_config(cache_dir=tmp_path)) as base, httpx.Client(base_url=base) as client:
        first = client.get(signed(url))
        second = client.get(signed(url), headers={"If-None-Match": '"e"'})
        head = client.head(signed(url))
        refused = client.get(signed(f"http://127.0.0.2:{server.port}/a.png"))
        health = client.get("/healthz")
    assert first.status_code == 200 and first.content == PNG
    assert first.headers["content-type"] == "image/png"
    assert "server" not in first.headers
    assert second.status_code == 304
    assert head.status_code == 200 and head.content == b""
    assert refused.status_code == 403
    assert health.text == "ok\n"
    assert len(server.requests("/a.png")) == 1


def test_cut_short_when_stream_through_goes_over_cap(server: LocalServer) -> None:
    # Without a cache the body streams as it arrives; an unannounced oversize body can only
    # be stopped by ending the response early, which the client must notice.
    url = server.route("/big.png", handler=unsized(PNG * 50, pause_after=10_000))
    config = make_config(cache_dir=None, max_bytes=20_000)
    with running(config) as base, httpx.Client(base_url=base) as client:
        with pytest.raises(httpx.HTTPError):
            client.get(signed(url))
        metrics = client.get("/metrics").text
    assert 'imageproxy_upstream_errors_total{reason="too-large"} 1' in metrics


def test_unusable_cache_dir_fails_startup(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache should be")
    server = uvicorn.Server(uvicorn_config(make_config(cache_dir=blocker), port=0))
    with pytest.raises(SystemExit):
        server.run()
    assert not server.started
