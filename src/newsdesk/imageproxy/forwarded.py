"""Behind a reverse proxy: strip the base path, trust X-Forwarded-* only from known proxies.

A plain ASGI middleware. ``X-Forwarded-For`` / ``-Proto`` are read only when the direct
peer is in ``trusted``; then the client is the right-most address not itself trusted.
Anything outside ``base_path`` is a 404, so the proxy can share a host with other apps.
The proxy reads the resulting client address only to log it with refusals.
"""

from __future__ import annotations

import ipaddress
from typing import Any

__all__ = ["ForwardedMiddleware"]


class ForwardedMiddleware:
    def __init__(self, app: Any, *, trusted: tuple[str, ...] = (), base_path: str = "/") -> None:
        self.app = app
        self.trusted = tuple(ipaddress.ip_network(n, strict=False) for n in trusted)
        self.base = "/" + base_path.strip("/") if base_path.strip("/") else ""

    def _is_trusted(self, host: str) -> bool:
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(ip in net for net in self.trusted if net.version == ip.version)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope = dict(scope)
        client = scope.get("client")
        if client and self.trusted and self._is_trusted(client[0]):
            headers = {
                k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]
            }
            hops = [h.strip() for h in headers.get("x-forwarded-for", "").split(",") if h.strip()]
            while hops and self._is_trusted(hops[-1]):
                hops.pop()
            if hops:
                scope["client"] = (hops[-1], 0)
            proto = headers.get("x-forwarded-proto", "").strip().lower()
            if proto in ("http", "https"):
                scope["scheme"] = proto
        if self.base:
            path = scope["path"]
            if path != self.base and not path.startswith(self.base + "/"):
                await _not_found(send)
                return
            scope["path"] = path[len(self.base) :] or "/"
            scope["root_path"] = scope.get("root_path", "") + self.base
        await self.app(scope, receive, send)


async def _not_found(send: Any) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 404,
            "headers": [(b"content-type", b"text/plain"), (b"content-length", b"9")],
        }
    )
    await send({"type": "http.response.body", "body": b"not found"})
