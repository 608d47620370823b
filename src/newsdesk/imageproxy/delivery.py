"""Getting image bytes to the client: from memory, from disk, or straight from upstream.

``fill`` downloads a miss into the disk cache (streamed to a temp file, never whole in
memory) and is what the single-flight runs, so N concurrent misses cost one upstream
fetch. ``pass_through`` streams an upstream response directly; it is used when no
``cache_dir`` is configured. Range is never forwarded: a client asking for part of an image
gets all of it (allowed by HTTP), from the cache or a normal fill.
``allow_hosts`` is the prefix form's host list, applied to redirect hops (None: signed).
"""

from __future__ import annotations

from typing import Any

import anyio
import httpx

from newsdesk.imageproxy.addresses import AddressPolicy
from newsdesk.imageproxy.cache import CacheEntry, DiskCache
from newsdesk.imageproxy.config import ProxyServerConfig
from newsdesk.imageproxy.memcache import HotCache, HotItem
from newsdesk.imageproxy.refusals import Refusal
from newsdesk.imageproxy.responses import image_headers, is_not_modified, send_whole
from newsdesk.imageproxy.upstream import FORWARDED_HEADERS, open_upstream

__all__ = ["fill", "pass_through", "send_entry", "send_hot"]

_CHUNK = 256 * 1024  # fewer thread hops per file; still bounded per connection
# A disk hit up to this size is read in one thread hop and sent in one message: each hop
# costs more than reading the bytes (a 600 KB hit took five).
_WHOLE_MAX = 1024 * 1024


async def fill(
    client: httpx.AsyncClient,
    url: httpx.URL,
    key: str,
    disk: DiskCache,
    hot: HotCache,
    config: ProxyServerConfig,
    policy: AddressPolicy,
    allow_hosts: tuple[str, ...] | None = None,
) -> CacheEntry:
    async with open_upstream(client, url, config, policy, allow_hosts=allow_hosts) as upstream:
        if upstream.status != 200:
            raise Refusal(502, "upstream-status", f"upstream answered {upstream.status}")
        writer = disk.writer(keep=hot.item_max if hot.fits(hot.item_max) else 0)
        try:
            async for chunk in upstream.body():
                await writer.write(chunk)
        except BaseException:
            writer.discard()  # nothing partial is ever indexed
            raise
        # Upstream validators are kept; without an ETag the content hash makes a strong one.
        etag = upstream.headers.get("etag") or f'"{writer.digest()[:32]}"'
        entry = await disk.commit(
            key,
            writer,
            type=upstream.content_type,
            etag=etag,
            lm=upstream.headers.get("last-modified", ""),
            url=str(url),
        )
        body = writer.kept
        if body is not None:
            headers = image_headers(
                entry.type, entry.size, entry.etag, entry.lm, config.cors_origin
            )
            hot.put(key, HotItem(body, headers, entry.etag, entry.lm))
        return entry


async def send_hot(
    send: Any, item: HotItem, req: dict[str, str], head_only: bool, cors: str | None
) -> int:
    if is_not_modified(req, item.etag, item.lm):
        return await _not_modified(send, item.etag, item.lm, cors)
    await send_whole(send, 200, item.headers, item.body, head_only=head_only)
    return 0 if head_only else len(item.body)


async def send_entry(
    send: Any,
    key: str,
    entry: CacheEntry,
    disk: DiskCache,
    hot: HotCache,
    req: dict[str, str],
    head_only: bool,
    cors: str | None,
) -> int:
    """Serve a disk entry; raises FileNotFoundError (before sending) if it was evicted."""
    if is_not_modified(req, entry.etag, entry.lm):
        return await _not_modified(send, entry.etag, entry.lm, cors)
    headers = image_headers(entry.type, entry.size, entry.etag, entry.lm, cors)
    path = disk.blob_path(entry.blob)
    if hot.fits(entry.size) or entry.size <= _WHOLE_MAX:
        body = await anyio.to_thread.run_sync(path.read_bytes)
        hot.put(key, HotItem(body, headers, entry.etag, entry.lm))  # only if it fits
        await send_whole(send, 200, headers, body, head_only=head_only)
        return 0 if head_only else len(body)
    async with await anyio.open_file(path, "rb") as f:  # opened before the headers go out
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        sent = 0
        while not head_only and (chunk := await f.read(_CHUNK)):
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
            sent += len(chunk)
        await send({"type": "http.response.body", "body": b""})
        return sent


async def pass_through(
    send: Any,
    client: httpx.AsyncClient,
    url: httpx.URL,
    req: dict[str, str],
    head_only: bool,
    config: ProxyServerConfig,
    policy: AddressPolicy,
    allow_hosts: tuple[str, ...] | None = None,
) -> int:
    forward = {k: v for k in FORWARDED_HEADERS if (v := req.get(k.lower()))}
    async with open_upstream(
        client, url, config, policy, forward, allow_hosts=allow_hosts
    ) as upstream:
        etag, lm = upstream.headers.get("etag", ""), upstream.headers.get("last-modified", "")
        if upstream.status == 304:
            return await _not_modified(send, etag, lm, config.cors_origin)
        headers = image_headers(upstream.content_type, None, etag, lm, config.cors_origin)
        await send({"type": "http.response.start", "status": upstream.status, "headers": headers})
        sent = 0
        if not head_only:  # a failure from here on can only cut the response short
            async for chunk in upstream.body():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
                sent += len(chunk)
        await send({"type": "http.response.body", "body": b""})
        return sent


async def _not_modified(send: Any, etag: str, lm: str, cors: str | None) -> int:
    headers = [h for h in image_headers("", None, etag, lm, cors) if h[0] != b"content-type"]
    await send_whole(send, 304, headers, b"")
    return 0
