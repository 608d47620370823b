"""The image proxy as a plain ASGI app.

    GET|HEAD /<signature>/<encoded url>   signed form (signing.py)
    GET|HEAD /?<url>                      prefix form, allow_hosts only
    GET /healthz                          "ok"
    GET /metrics                          Prometheus text

Lookup order for an image: hot memory LRU, disk cache, then one coalesced upstream fill
(``delivery.fill``). Every request is streamed straight through when no ``cache_dir`` is
set. Range headers are ignored: the whole image is always served, with a 200.
"""

from __future__ import annotations

import base64
import logging
import math
from collections.abc import Awaitable
from functools import lru_cache, partial
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any, TypeVar

import httpx

from newsdesk.imageproxy import delivery
from newsdesk.imageproxy.addresses import AddressPolicy
from newsdesk.imageproxy.cache import CacheEntry, DiskCache, cache_key
from newsdesk.imageproxy.config import ProxyServerConfig
from newsdesk.imageproxy.fairness import FairTransport, HostShares
from newsdesk.imageproxy.forwarded import ForwardedMiddleware
from newsdesk.imageproxy.memcache import HotCache
from newsdesk.imageproxy.metrics import Metrics
from newsdesk.imageproxy.refusals import Refusal
from newsdesk.imageproxy.responses import plain_headers, send_whole
from newsdesk.imageproxy.signing import Signer
from newsdesk.imageproxy.singleflight import SingleFlight
from newsdesk.imageproxy.targets import is_prefix_form, target_url
from newsdesk.netguard import guarded_transport

__all__ = ["ImageProxy", "create_app"]

T = TypeVar("T")
log = logging.getLogger(__name__)

_MEMO_PATH_MAX = 2048  # longer signed paths are resolved every time, never retained


def create_app(
    config: ProxyServerConfig,
    *,
    address_policy: AddressPolicy | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Any:
    """The ASGI app. ``address_policy`` defaults to refusing non-public addresses except
    ``allow_networks``; ``transport`` replaces the guarded one (pass a
    ``netguard.guarded_transport`` to keep the connect-time check, e.g. with a test
    resolver). Either way each upstream host gets only its share of it (``fairness.py``)."""
    proxy = ImageProxy(config, address_policy=address_policy, transport=transport)
    if config.trusted_proxies or config.base_path != "/":
        return ForwardedMiddleware(
            proxy, trusted=config.trusted_proxies, base_path=config.base_path
        )
    return proxy


class ImageProxy:
    def __init__(
        self,
        config: ProxyServerConfig,
        *,
        address_policy: AddressPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.config = config
        self.policy = address_policy or AddressPolicy.from_cidrs(config.allow_networks)
        self.signer = Signer(config.keys) if config.keys else None
        self.transport = FairTransport(
            transport
            or guarded_transport(self.policy.refusal, max_connections=config.upstream_connections),
            HostShares(config.per_host_connections, config.per_host_queue),
        )
        self.disk = (
            DiskCache(
                config.cache_dir,
                config.cache_max,
                fsync=config.cache_fsync,
                signed_by=self._signed_by_current_key,
            )
            if config.cache_dir
            else None
        )
        self.hot = HotCache(config.memory_cache_max, config.memory_item_max)
        self.flights: SingleFlight[CacheEntry] = SingleFlight()
        self.metrics = Metrics()
        self._client: httpx.AsyncClient | None = None
        # Signed path -> (URL, cache key) is a pure function of the fixed keys and policy,
        # and the HMAC check plus URL parsing is most of a hit's cost, so hot paths are
        # memoized. Keyed on the path alone (the signed form ignores the query, which a
        # client could fill with junk) and only for successes (lru_cache keeps no
        # exceptions), so only URLs someone signed can occupy it, each at most 2 KB.
        self._resolve = lru_cache(maxsize=16384)(self._resolve_signed)

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._start()
        assert self._client is not None
        return self._client

    def _start(self) -> None:
        # Runs at lifespan startup, or on the first request (ASGITransport skips lifespan);
        # it never awaits, so two first requests cannot both run it.
        c = self.config
        self._client = httpx.AsyncClient(
            transport=self.transport,
            follow_redirects=False,
            trust_env=False,
            timeout=httpx.Timeout(c.read_timeout, connect=c.connect_timeout),
            cookies=CookieJar(DefaultCookiePolicy(allowed_domains=[])),  # keep none
        )
        if self.disk is not None:
            self.disk.load()

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            await self._http(scope, send)

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    if self._client is None:
                        self._start()  # loads the disk cache index before serving
                except OSError as exc:
                    await send(
                        {
                            "type": "lifespan.startup.failed",
                            "message": f"image cache unusable: {exc}",
                        }
                    )
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _http(self, scope: dict[str, Any], send: Any) -> None:
        path, method = scope["path"], scope["method"]
        if path in ("/healthz", "/metrics") and method in ("GET", "HEAD"):
            body = b"ok\n" if path == "/healthz" else self._metrics_text().encode()
            headers = plain_headers(len(body), None, "no-store")
            await send_whole(send, 200, headers, body, head_only=method == "HEAD")
            return
        started = False
        url: httpx.URL | None = None

        async def tracked_send(message: dict[str, Any]) -> None:
            nonlocal started
            started = True
            await send(message)

        try:
            if method not in ("GET", "HEAD"):
                raise Refusal(405, "method", "only GET and HEAD")
            url, key, hosts = self._target(path, scope["query_string"])
            req = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
            sent = await self._image(tracked_send, url, key, hosts, req, method == "HEAD")
            self.metrics.inc("imageproxy_bytes_served_total", sent)
            if hosts is None and self.disk is not None:  # signed and verified: see public.py
                signature = path.strip("/").partition("/")[0]
                if not self.disk.is_linked(key, signature):
                    await self.disk.link(key, signature)
        except Refusal as refusal:
            self._count_refusal(refusal)
            level = logging.WARNING if refusal.status >= 500 else logging.INFO
            # "client" is the address ForwardedMiddleware settled on (trusted_proxies).
            client = (scope.get("client") or ("", 0))[0]
            log.log(
                level,
                "image refused",
                extra={
                    "status": refusal.status,
                    "url": str(url),
                    "reason": refusal.reason,
                    "path": path,
                    "client": client,
                },
            )
            if started:
                raise  # the body was under way: cutting the connection is all that is left
            await self._refuse(send, refusal, method == "HEAD")

    def _target(self, path: str, query: bytes) -> tuple[httpx.URL, str, tuple[str, ...] | None]:
        """The upstream URL, its cache key, and the hosts its redirects may reach (None:
        any). The prefix form is never memoized: its query is the attacker's to vary."""
        if is_prefix_form(path, query):
            hosts = self.config.allow_hosts
            url = target_url(path, query, signer=self.signer, allow_hosts=hosts, policy=self.policy)
            # Its own key space: a signed fill may have followed a redirect off allow_hosts,
            # and a prefix-form fill must not be coalesced with, or served from, that.
            return url, cache_key("prefix " + str(url)), hosts
        resolve = self._resolve if len(path) <= _MEMO_PATH_MAX else self._resolve_signed
        return (*resolve(path), None)

    def _signed_by_current_key(self, signature: str, url: str) -> bool:
        encoded = base64.urlsafe_b64encode(url.encode()).rstrip(b"=").decode()
        return self.signer is not None and self.signer.verify(signature, encoded) == url

    def _resolve_signed(self, path: str) -> tuple[httpx.URL, str]:
        url = target_url(
            path, b"", signer=self.signer, allow_hosts=self.config.allow_hosts, policy=self.policy
        )
        return url, cache_key(str(url))

    async def _image(
        self,
        send: Any,
        url: httpx.URL,
        key: str,
        hosts: tuple[str, ...] | None,
        req: dict[str, str],
        head_only: bool,
    ) -> int:
        cors = self.config.cors_origin
        if self._client is None:
            self._start()
        item = self.hot.get(key)
        if item is not None:
            self.metrics.inc("imageproxy_requests_total", result="hit-memory")
            return await delivery.send_hot(send, item, req, head_only, cors)
        if self.disk is None:
            self.metrics.inc("imageproxy_requests_total", result="pass-through")
            return await self._upstream(
                delivery.pass_through(
                    send, self.client, url, req, head_only, self.config, self.policy, hosts
                )
            )
        for _attempt in range(2):  # twice: the entry may be evicted between lookup and open
            entry = self.disk.get(key)
            if entry is not None:
                self.metrics.inc("imageproxy_requests_total", result="hit-disk")
            else:
                entry, led = await self.flights.run(key, partial(self._fill, url, key, hosts))
                self.metrics.inc("imageproxy_requests_total", result="miss" if led else "coalesced")
                item = self.hot.get(key)  # a small fill lands in memory straight away
                if item is not None:
                    return await delivery.send_hot(send, item, req, head_only, cors)
            try:
                return await delivery.send_entry(
                    send, key, entry, self.disk, self.hot, req, head_only, cors
                )
            except FileNotFoundError:
                continue
        raise Refusal(503, "cache-busy", "the cache is evicting faster than it serves")

    async def _fill(self, url: httpx.URL, key: str, hosts: tuple[str, ...] | None) -> CacheEntry:
        assert self.disk is not None
        return await self._upstream(
            delivery.fill(
                self.client, url, key, self.disk, self.hot, self.config, self.policy, hosts
            )
        )

    async def _upstream(self, fetch: Awaitable[T]) -> T:
        """Count one upstream fetch, and its failure once (not once per waiting client)."""
        self.metrics.inc("imageproxy_upstream_requests_total")
        try:
            return await fetch
        except Refusal as refusal:
            self.metrics.inc("imageproxy_upstream_errors_total", reason=refusal.reason)
            raise

    @property
    def _retry_after(self) -> int:
        # A stalled upstream gives its slot back within read_timeout.
        return max(1, math.ceil(self.config.read_timeout))

    def _count_refusal(self, refusal: Refusal) -> None:
        self.metrics.inc("imageproxy_refusals_total", reason=refusal.reason)

    async def _refuse(self, send: Any, refusal: Refusal, head_only: bool) -> None:
        body = f"{refusal.status} {refusal.detail}\n".encode()
        if refusal.status == 503:  # busy, not broken: ask to come back, and cache nothing
            headers = plain_headers(len(body), self.config.cors_origin, "no-store")
            headers.append((b"retry-after", str(self._retry_after).encode()))
        else:
            headers = plain_headers(len(body), self.config.cors_origin)
        headers.append((b"x-imageproxy-refusal", refusal.reason.encode()))
        if refusal.status == 405:
            headers.append((b"allow", b"GET, HEAD"))
        await send_whole(send, refusal.status, headers, body, head_only=head_only)

    def _metrics_text(self) -> str:
        self.metrics.gauges["imageproxy_memory_cache_bytes"] = self.hot.total
        if self.disk is not None:
            self.metrics.gauges["imageproxy_disk_cache_bytes"] = self.disk.total
        return self.metrics.render()
