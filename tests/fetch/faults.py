"""Misbehaving servers and small builders for the fetch tests.

Raw handlers write the response themselves through ``req.wfile`` (``Reply.RAW``), to do
what a well-behaved server never would: stall, trickle, hang up mid-body, never stop.
"""

from __future__ import annotations

import gzip
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from newsdesk.fetch import FetchOptions, fetch_all
from newsdesk.models import FeedSource, FeedState, FetchResult
from tests.support.httpserver import LocalServer, Reply, Request

RSS = b"<?xml version='1.0'?><rss version='2.0'><channel><title>ok</title></channel></rss>"


def feed(url: str, key: str | None = None, **fields: str) -> FeedSource:
    return FeedSource(key=key or url, url=url, group="g", source="s", channel="c", **fields)


def fast_options(**overrides: object) -> FetchOptions:
    """Production behaviour with test-sized clocks."""
    settings: dict[str, object] = {
        "connect_timeout": 1.0,
        "read_timeout": 1.0,
        "total_timeout": 5.0,
        "retries": 2,
        "backoff_base": 0.01,
        "max_retry_after": 5.0,
    }
    settings.update(overrides)
    return FetchOptions(**settings)  # type: ignore[arg-type]


async def fetch_among_healthy(
    client: httpx.AsyncClient,
    server: LocalServer,
    sources: Sequence[FeedSource],
    options: FetchOptions,
    states: dict[str, FeedState] | None = None,
) -> list[FetchResult]:
    """Fetch ``sources`` between two healthy feeds, check those succeed, return the rest."""
    before = feed(server.route("/healthy-before", RSS))
    after = feed(server.route("/healthy-after", RSS))
    seen: list[FetchResult] = []
    results = await fetch_all(
        client, [before, *sources, after], states or {}, options, on_result=seen.append
    )
    assert len(seen) == len(results)
    assert [r.source for r in results] == [before, *sources, after]  # input order
    for healthy in (results[0], results[-1]):
        assert healthy.error is None and healthy.status == 200 and healthy.body == RSS
    return results[1:-1]


def _hold_until_client_leaves(req: Request, limit: float = 10.0) -> None:
    # Reading blocks until the client hangs up (b"") or the limit passes.
    req.handler.connection.settimeout(limit)
    with suppress(OSError):
        req.handler.rfile.read(1)


def stall_after_headers(req: Request) -> Reply:
    req.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n<rss")
    _hold_until_client_leaves(req)
    return Reply.RAW


def headers_claiming(size: int) -> Callable[[Request], Reply]:
    """Announce a huge Content-Length, then send nothing: only a pre-read check passes."""

    def handler(req: Request) -> Reply:
        req.wfile.write(f"HTTP/1.1 200 OK\r\nContent-Length: {size}\r\n\r\n".encode())
        _hold_until_client_leaves(req)
        return Reply.RAW

    return handler


def trickle(interval: float) -> Callable[[Request], Reply]:
    """Slowloris: one byte every ``interval`` seconds, fast enough to beat a read timeout."""

    def handler(req: Request) -> Reply:
        try:
            req.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 10000\r\n\r\n")
            for _ in range(10000):
                req.wfile.write(b"x")
                time.sleep(interval)
        except OSError:
            pass  # the client gave up, as it should
        return Reply.RAW

    return handler


def hang_up(req: Request) -> Reply:
    return Reply.RAW  # read the request, answer nothing, close


def not_http(req: Request) -> Reply:
    req.wfile.write(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")
    return Reply.RAW


def close_mid_body(req: Request) -> Reply:
    req.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n<rss version='2.0'>")
    return Reply.RAW  # the server closes the connection after a raw reply


@dataclass
class Endless:
    """A chunked body that never ends (stopped at 1 GiB); records how much it sent."""

    sent: int = 0

    def __call__(self, req: Request) -> Reply:
        chunk = b"a" * 16384
        frame = b"%x\r\n%s\r\n" % (len(chunk), chunk)
        try:
            req.wfile.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            while self.sent < 1 << 30:
                req.wfile.write(frame)
                self.sent += len(chunk)
        except OSError:
            pass
        return Reply.RAW


def gzip_bomb(decoded_size: int) -> bytes:
    return gzip.compress(b"\0" * decoded_size, compresslevel=9)


@dataclass
class ConcurrencyMeter:
    """A handler that records how many requests it was serving at once, across servers."""

    delay: float = 0.15
    current: int = 0
    peak: int = 0
    peak_by_host: dict[str, int] = field(default_factory=dict)
    _by_host: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, req: Request) -> Reply:
        host = str(req.handler.connection.getsockname()[0])  # which server (address) saw it
        with self._lock:
            self.current += 1
            self._by_host[host] = self._by_host.get(host, 0) + 1
            self.peak = max(self.peak, self.current)
            self.peak_by_host[host] = max(self.peak_by_host.get(host, 0), self._by_host[host])
        time.sleep(self.delay)
        with self._lock:
            self.current -= 1
            self._by_host[host] -= 1
        return Reply(200, RSS)


def closed_port() -> int:
    """A loopback port nothing listens on (bound, read, released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def self_signed_cert(directory: Path) -> tuple[Path, Path] | None:
    """A localhost certificate made with the openssl CLI; None when openssl is missing."""
    openssl = shutil.which("openssl")
    if openssl is None:
        return None
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@contextmanager
def serving(server: LocalServer) -> Iterator[LocalServer]:
    """Run ``server`` like ``with server:``, but polling for shutdown every 20 ms.

    ``LocalServer.start`` uses serve_forever's default 0.5 s poll, which every test pays
    again at teardown; forty tests would spend twenty seconds just stopping servers.
    """
    thread = threading.Thread(
        target=server.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def tls_server(cert: Path, key: Path) -> Iterator[LocalServer]:
    """A LocalServer speaking HTTPS with the given certificate (same routes API)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = LocalServer()
    # Wrapped before serving starts; a failed handshake is an OSError that the server skips.
    server.httpd.socket = context.wrap_socket(server.httpd.socket, server_side=True)
    with serving(server):
        yield server
