"""Response headers and the small ASGI send helpers the app uses.

Every answer carries ``nosniff`` and a ``default-src 'none'`` CSP, so even a wrong body
can't run as a page on the proxy's origin. Images are immutable (their URL names the
upstream URL, which names the bytes); errors are cached briefly so a fixed upstream heals.
"""

from __future__ import annotations

from email.utils import parsedate_to_datetime
from typing import Any

from newsdesk.imageproxy.sniff import SVG_CSP

__all__ = ["IMMUTABLE", "image_headers", "is_not_modified", "plain_headers", "send_whole"]

IMMUTABLE = "public, max-age=31536000, immutable"
ERROR_CACHE = "public, max-age=60"
_BASE_CSP = "default-src 'none'"


def _common(cors_origin: str | None, csp: str) -> list[tuple[bytes, bytes]]:
    headers = [(b"x-content-type-options", b"nosniff"), (b"content-security-policy", csp.encode())]
    if cors_origin:
        headers.append((b"access-control-allow-origin", cors_origin.encode("latin-1")))
    return headers


def image_headers(
    content_type: str,
    length: int | None,
    etag: str,
    lm: str,
    cors_origin: str | None,
    *,
    cache: str = IMMUTABLE,
) -> list[tuple[bytes, bytes]]:
    csp = SVG_CSP if content_type == "image/svg+xml" else _BASE_CSP
    headers = [
        (b"content-type", content_type.encode()),
        (b"cache-control", cache.encode()),
        *_common(cors_origin, csp),
    ]
    if length is not None:
        headers.append((b"content-length", str(length).encode()))
    if etag:
        headers.append((b"etag", etag.encode("latin-1")))
    if lm:
        headers.append((b"last-modified", lm.encode("latin-1")))
    return headers


def plain_headers(
    length: int, cors_origin: str | None, cache: str = ERROR_CACHE
) -> list[tuple[bytes, bytes]]:
    return [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"cache-control", cache.encode()),
        (b"content-length", str(length).encode()),
        *_common(cors_origin, _BASE_CSP),
    ]


def is_not_modified(request_headers: dict[str, str], etag: str, lm: str) -> bool:
    """RFC 9110 §13.2.2: If-None-Match wins; If-Modified-Since only without it."""
    inm = request_headers.get("if-none-match")
    if inm is not None:
        if not etag:
            return False
        mine = etag.removeprefix("W/")
        return any(
            tag.strip() in ("*", mine) or tag.strip().removeprefix("W/") == mine
            for tag in inm.split(",")
        )
    ims = request_headers.get("if-modified-since")
    if ims and lm:
        try:
            return parsedate_to_datetime(lm) <= parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
    return False


async def send_whole(
    send: Any,
    status: int,
    headers: list[tuple[bytes, bytes]],
    body: bytes,
    *,
    head_only: bool = False,
) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head_only else body})
