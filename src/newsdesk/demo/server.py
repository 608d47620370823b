"""A loopback HTTP server that plays the news sites: feeds, and hotlink-protected images."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from newsdesk.demo.content import DEMO_FEEDS, render_feed
from newsdesk.demo.images import gradient_png

__all__ = ["DemoSiteServer"]


class DemoSiteServer:
    """Serves every demo feed, and images that refuse a foreign Referer like ZAKER's do."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        outer = self
        self._images: dict[int, bytes] = {}

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                for feed in DEMO_FEEDS:
                    if path == feed.path:
                        body, ctype = render_feed(feed, outer.base_url)
                        return self._send(200, body, ctype)
                if path.startswith("/images/") and path.endswith(".png"):
                    referer = self.headers.get("Referer", "")
                    if referer and not referer.startswith(outer.base_url):
                        return self._send(403, b"hotlinking not allowed", "text/plain")
                    try:
                        n = int(path[len("/images/") : -4])
                    except ValueError:
                        return self._send(404, b"no such image", "text/plain")
                    if n not in outer._images:
                        outer._images[n] = gradient_png(n)
                    return self._send(200, outer._images[n], "image/png")
                self._send(404, b"not found", "text/plain")

            def _send(self, status: int, body: bytes, ctype: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._httpd = ThreadingHTTPServer((host, port), Handler)
        self._httpd.daemon_threads = True
        self.base_url = f"http://{host}:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> DemoSiteServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
