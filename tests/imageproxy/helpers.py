"""Helpers shared by the image proxy tests: a config builder, a client on the ASGI app, images."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx

from newsdesk.imageproxy.app import ImageProxy, create_app
from newsdesk.imageproxy.config import ProxyServerConfig
from newsdesk.imageproxy.signing import Signer
from tests.support.httpserver import Handler, Reply, Request

KEY = b"test-key-0123456789abcdef"
OLD_KEY = b"old-key-0123456789abcdef"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4  # 1032 bytes; sniffing needs the magic only
JPEG = b"\xff\xd8\xff\xe0" + b"\x10JFIF" + b"j" * 500
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>'


def make_config(**overrides: Any) -> ProxyServerConfig:
    """The test default: one key, 127.0.0.1 exempt from the address refusal, short timeouts."""
    base = ProxyServerConfig(
        public_url="https://img.example.org/",
        keys=(KEY,),
        allow_networks=("127.0.0.1/32",),
        connect_timeout=2.0,
        read_timeout=2.0,
        total_timeout=5.0,
    )
    return replace(base, **overrides)


def signed(url: str, key: bytes = KEY) -> str:
    return "/" + Signer([key]).sign(url)


def proxy_of(app: Any) -> ImageProxy:
    return app if isinstance(app, ImageProxy) else app.app


@asynccontextmanager
async def proxy_client(
    config: ProxyServerConfig, **kwargs: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client talking to ``create_app(config)`` through ASGITransport."""
    app = create_app(config, **kwargs)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://proxy") as client:
            client.app = app  # type: ignore[attr-defined]
            yield client
    finally:
        await proxy_of(app).aclose()


def cache_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "blobs").glob("*/*"))


def unsized(body: bytes, content_type: str = "image/png", pause_after: int = 0) -> Handler:
    """A handler sending ``body`` with no Content-Length (ended by closing), 1000 bytes at a
    time, pausing 0.2 s once ``pause_after`` bytes are out."""

    def handler(req: Request) -> Reply:
        req.handler.send_response(200)
        req.handler.send_header("Content-Type", content_type)
        req.handler.send_header("Connection", "close")
        req.handler.end_headers()
        for i in range(0, len(body), 1000):
            if pause_after and i == pause_after:
                time.sleep(0.2)
            req.wfile.write(body[i : i + 1000])
            req.wfile.flush()
        return Reply.RAW

    return handler
