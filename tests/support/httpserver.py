"""A real HTTP server on 127.0.0.1 for tests, with routes that tests program.

    with LocalServer() as srv:
        srv.route("/feed.xml", body=b"<rss…>", headers={"Content-Type": "application/rss+xml"})
        srv.route("/flaky", handler=lambda req: Reply(503) if req.count < 3 else Reply(200, b"ok"))
        httpx.get(srv.url("/feed.xml"))
        srv.requests("/feed.xml")  # what the server saw

A handler gets a ``Request`` and returns a ``Reply``, or writes to ``req.wfile`` itself
(``Reply.RAW``) to misbehave: stall, trickle, close mid-body.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, BinaryIO


@dataclass
class Request:
    method: str
    path: str  # path with query string
    headers: dict[str, str]
    body: bytes
    count: int  # 1 for the first request to this route, 2 for the second, …
    wfile: BinaryIO
    handler: BaseHTTPRequestHandler


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    RAW: Any = None  # sentinel instance set below: the handler wrote the response itself


Reply.RAW = Reply(status=-1)

Handler = Callable[[Request], Reply]


class LocalServer:
    """Threaded HTTP/1.1 server bound to an ephemeral loopback port (or ``port``)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._routes: dict[str, Handler] = {}
        self._seen: dict[str, list[Request]] = {}
        self._lock = threading.Lock()
        outer = self

        class _H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output quiet
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                route = self.path.split("?", 1)[0]
                with outer._lock:
                    seen = outer._seen.setdefault(route, [])
                    req = Request(
                        self.command,
                        self.path,
                        dict(self.headers.items()),
                        body,
                        len(seen) + 1,
                        self.wfile,
                        self,
                    )
                    seen.append(req)
                    handler = outer._routes.get(route) or outer._routes.get(self.path)
                reply = Reply(404, b"not found") if handler is None else handler(req)
                if reply is Reply.RAW:
                    self.close_connection = True
                    return
                self.send_response(reply.status)
                headers = {"Content-Length": str(len(reply.body)), **reply.headers}
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                if self.command != "HEAD" and reply.status not in (204, 304):
                    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                        self.wfile.write(reply.body)

            do_GET = do_POST = do_HEAD = _serve

        class _Server(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                # A client killed mid-request (crash tests, timeouts) is expected noise.
                import sys

                if not isinstance(sys.exc_info()[1], ConnectionError):
                    super().handle_error(request, client_address)

        self.httpd = _Server((host, port), _H)
        self.httpd.daemon_threads = True
        self.host = host
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def route(
        self,
        path: str,
        body: bytes | str = b"",
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        handler: Handler | None = None,
    ) -> str:
        """Serve ``body`` (or call ``handler``) at ``path``; returns the full URL."""
        if handler is None:
            data = body.encode() if isinstance(body, str) else body
            fixed = Reply(status, data, dict(headers or {}))

            def handler(_req: Request) -> Reply:
                return fixed

        with self._lock:
            self._routes[path] = handler
        return self.url(path)

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}:{self.port}{path}"

    def requests(self, path: str) -> list[Request]:
        with self._lock:
            return list(self._seen.get(path, []))

    def start(self) -> LocalServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
