"""A loopback farm of feeds for the queue's tests and benchmark.

N RSS feeds of M items each, spread over H loopback addresses (127.0.0.2, 127.0.0.3, …,
one listening socket each, so each is its own host to the fetcher), every response held
back by a random latency. The farm records when each feed was requested and the most
requests any host had in flight at once.

    with FeedFarm(feeds=300, items=3, hosts=10, latency=(0.02, 0.06)) as farm:
        farm.urls            # one URL per feed
        farm.fetch_times()   # {feed index: [monotonic times of its requests]}
        farm.max_in_flight() # {host address: most requests in flight at once}
        write_config(folder, database, farm.urls)  # a newsdesk.yaml listing them

A feed answers 304 to a request carrying its ETag, like a real server whose feed did not
change; its content never changes.
"""

from __future__ import annotations

import asyncio
import random
import socket
import threading
import time
from collections import defaultdict
from pathlib import Path
from types import TracebackType
from typing import Any

import uvicorn

_PARA = (
    "<p>记者走访发现，越来越多的居民开始参与社区公共空间的讨论，从路灯的颜色到长椅的位置，"
    "都有人认真提出建议。</p>"
)
ETAG = '"v1"'


def feed_body(n: int, items: int) -> bytes:
    rows = []
    for i in range(items):
        body = _PARA * 3 + f'<p><img src="http://img.example.com/{n}/{i}.jpg"></p>' + _PARA * 3
        rows.append(
            f"<item><title>Feed {n} item {i}</title>"
            f"<link>http://example.com/{n}/{i}</link><guid>{n}-{i}</guid>"
            f"<pubDate>Tue, 18 Nov 2025 08:{i % 60:02d}:00 +0800</pubDate>"
            f"<description><![CDATA[{body}]]></description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>feed {n}</title><link>http://example.com/{n}/</link>"
        f"<description>d</description>{''.join(rows)}</channel></rss>"
    ).encode()


def write_config(
    folder: Path, database: str, urls: list[str], *, extra: str = "", tick: str = "1s"
) -> Path:
    """newsdesk.yaml with one source per feed URL, a 1 s schedule and quick stall detection."""
    lines = [
        "hexo_dir: ./blog",
        f"database: {database}",
        'image_proxy: ""',
        "fetch:\n  connect_timeout: 5\n  read_timeout: 10\n  total_timeout: 20\n  retries: 1",
        f"queue:\n  tick: {tick}\n  stalled_after: 3s",
        extra.rstrip(),
        "groups:",
        "  farm:",
    ]
    for n, url in enumerate(urls):
        lines += [f"    s{n}:", f"      c: {url}"]
    path = folder / "newsdesk.yaml"
    path.write_text("\n".join(line for line in lines if line) + "\n", encoding="utf-8")
    return path


def host_address(index: int) -> str:
    """The loopback address of host ``index``: 127.0.0.2, 127.0.0.3, … (all of 127/8 is ours)."""
    return f"127.0.{index // 250}.{index % 250 + 2}"


class FeedFarm:
    def __init__(
        self,
        *,
        feeds: int,
        items: int,
        hosts: int,
        latency: tuple[float, float] = (0.0, 0.0),
    ) -> None:
        self.feeds, self.items, self.hosts, self.latency = feeds, items, hosts, latency
        self._lock = threading.Lock()
        self._times: dict[int, list[float]] = defaultdict(list)
        self._in_flight: dict[str, int] = defaultdict(int)
        self._max_in_flight: dict[str, int] = defaultdict(int)
        self._sockets = [self._bind(host_address(h)) for h in range(hosts)]
        self.urls = [self.url(n) for n in range(feeds)]
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @staticmethod
    def _bind(address: str) -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((address, 0))
        sock.listen(1024)
        return sock

    def url(self, n: int) -> str:
        address, port = self._sockets[n % self.hosts].getsockname()
        return f"http://{address}:{port}/f/{n}.xml"

    # -- what the farm saw ------------------------------------------------------------
    def fetch_times(self) -> dict[int, list[float]]:
        with self._lock:
            return {n: list(times) for n, times in self._times.items()}

    def max_in_flight(self) -> dict[str, int]:
        with self._lock:
            return dict(self._max_in_flight)

    def requests(self) -> int:
        with self._lock:
            return sum(len(t) for t in self._times.values())

    def reset(self) -> None:
        """Forget what was seen so far (between the runs of a benchmark)."""
        with self._lock:
            self._times.clear()
            self._max_in_flight.clear()

    # -- serving ------------------------------------------------------------------------
    async def _app(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        host = scope["server"][0]
        path: str = scope["path"]
        n = int(path.rsplit("/", 1)[-1].split(".")[0]) if path.startswith("/f/") else -1
        with self._lock:
            self._in_flight[host] += 1
            self._max_in_flight[host] = max(self._max_in_flight[host], self._in_flight[host])
            if 0 <= n < self.feeds:
                self._times[n].append(time.monotonic())
        try:
            await asyncio.sleep(random.uniform(*self.latency))
            headers = dict(scope["headers"])
            if not 0 <= n < self.feeds:
                status, body, extra = 404, b"not found", []
            elif headers.get(b"if-none-match") == ETAG.encode():
                status, body, extra = 304, b"", [(b"etag", ETAG.encode())]
            else:
                body = feed_body(n, self.items)
                status = 200
                extra = [(b"etag", ETAG.encode()), (b"content-type", b"application/rss+xml")]
            await send(
                {
                    "type": "http.response.start",
                    "status": status,
                    "headers": [(b"content-length", str(len(body)).encode()), *extra],
                }
            )
            await send({"type": "http.response.body", "body": body})
        finally:
            with self._lock:
                self._in_flight[host] -= 1

    def __enter__(self) -> FeedFarm:
        config = uvicorn.Config(
            self._app,
            interface="asgi3",
            lifespan="off",
            log_level="warning",
            access_log=False,
            loop="asyncio",
            timeout_graceful_shutdown=1,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": self._sockets}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the feed farm did not start")
            time.sleep(0.01)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._server is not None and self._thread is not None
        self._server.should_exit = True
        self._thread.join(timeout=10)
        for sock in self._sockets:
            sock.close()
