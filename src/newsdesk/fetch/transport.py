"""The HTTP client: httpx on top of an httpcore pool whose network backend checks addresses.

Why a network backend and not "resolve, then connect to the IP with a Host header": the
backend sees every socket httpcore opens, so the check is made on the address actually
connected to (no DNS-rebinding gap between check and connect), while TLS still verifies
the certificate against the hostname and SNI stays correct, redirects keep working with
ordinary URLs, and connection pooling is untouched.

The backend resolves the hostname itself, refuses addresses the policy rejects, and
connects to an allowed IP. The returned stream checks again before every write, because
a pooled keep-alive connection opened for one feed may later carry another feed's
redirect hop; checking on write refuses that hop before a byte of it is sent.
"""

from __future__ import annotations

import ipaddress
import select
import socket
import ssl
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import anyio
import httpcore
import httpx

from newsdesk.fetch.addresses import (
    AddressPolicy,
    AddressRefused,
    IPAddress,
    current_guard,
)
from newsdesk.fetch.options import FetchOptions

__all__ = ["GuardedBackend", "LookupFailed", "make_client"]

ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
# Exactly the encodings decode.py can undo within the size cap.
ACCEPT_ENCODING = "gzip, deflate, br"


class LookupFailed(Exception):
    """The hostname did not resolve. ``temporary`` is True for EAI_AGAIN-like failures."""

    def __init__(self, host: str, temporary: bool) -> None:
        super().__init__(f"DNS lookup failed for {host}")
        self.host = host
        self.temporary = temporary


def _admit(ip: IPAddress, policy: AddressPolicy) -> None:
    if not policy(ip):
        raise AddressRefused(f"address {ip} refused by the address policy")
    guard = current_guard()
    if guard is not None:
        guard.check(ip)


class _GuardedStream(httpcore.AsyncNetworkStream):
    def __init__(
        self, inner: httpcore.AsyncNetworkStream, ip: IPAddress, policy: AddressPolicy
    ) -> None:
        self._inner = inner
        self._ip = ip
        self._policy = policy
        # The pool asks every idle connection "is_readable" each time it assigns a request
        # (dozens of times per feed); anyio rebuilds all socket attributes (getpeername…)
        # for each ask. Looked up once here, the ask is one poll().
        self._socket = inner.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        _admit(self._ip, self._policy)
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        inner = await self._inner.start_tls(ssl_context, server_hostname, timeout)
        return _GuardedStream(inner, self._ip, self._policy)

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable" and self._socket is not None:
            return _readable(self._socket)
        return self._inner.get_extra_info(info)


def _readable(sock: socket.socket) -> bool:
    """Data or EOF waiting (a pooled connection the server closed), as httpcore checks it."""
    fd = sock.fileno()
    if fd < 0:
        return True  # closed: the next read returns b""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves hostnames itself and connects only to addresses the policy allows."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend, policy: AddressPolicy) -> None:
        self._inner = inner
        self._policy = policy

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        refused: AddressRefused | None = None
        failed: httpcore.ConnectError | None = None
        for ip in await _resolve(host, port, timeout):
            try:
                _admit(ip, self._policy)
            except AddressRefused as exc:
                refused = refused or exc
                continue
            try:
                stream = await self._inner.connect_tcp(
                    str(ip),
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except httpcore.ConnectError as exc:  # try the next address; a timeout is final
                failed = exc
                continue
            return _GuardedStream(stream, ip, self._policy)
        if failed is not None:
            raise failed
        assert refused is not None  # _resolve never returns an empty list
        raise refused

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.UnsupportedProtocol("unix sockets are not used for feeds")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


async def _resolve(host: str, port: int, timeout: float | None) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        with anyio.fail_after(timeout):
            infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except TimeoutError:
        raise httpcore.ConnectTimeout(f"DNS lookup for {host} timed out") from None
    except (socket.gaierror, UnicodeError) as exc:
        temporary = isinstance(exc, socket.gaierror) and exc.errno == socket.EAI_AGAIN
        raise LookupFailed(host, temporary) from exc
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        ip = ipaddress.ip_address(sockaddr[0])
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise LookupFailed(host, temporary=False)
    return addresses


# httpcore errors turned into their httpx namesakes, as httpx's own transport does, so
# the client from make_client() behaves like any httpx client. Most specific first.
_HTTPX_ERRORS: dict[type[Exception], type[httpx.TransportError]] = {
    httpcore.ConnectTimeout: httpx.ConnectTimeout,
    httpcore.ReadTimeout: httpx.ReadTimeout,
    httpcore.WriteTimeout: httpx.WriteTimeout,
    httpcore.PoolTimeout: httpx.PoolTimeout,
    httpcore.TimeoutException: httpx.TimeoutException,
    httpcore.ConnectError: httpx.ConnectError,
    httpcore.ReadError: httpx.ReadError,
    httpcore.WriteError: httpx.WriteError,
    httpcore.NetworkError: httpx.NetworkError,
    httpcore.RemoteProtocolError: httpx.RemoteProtocolError,
    httpcore.LocalProtocolError: httpx.LocalProtocolError,
    httpcore.ProtocolError: httpx.ProtocolError,
    httpcore.ProxyError: httpx.ProxyError,
    httpcore.UnsupportedProtocol: httpx.UnsupportedProtocol,
}


@contextmanager
def _as_httpx_errors() -> Iterator[None]:
    try:
        yield
    except Exception as exc:
        for cls in type(exc).__mro__:
            if cls in _HTTPX_ERRORS:
                raise _HTTPX_ERRORS[cls](str(exc)) from exc
        raise


class _ResponseStream(httpx.AsyncByteStream):
    def __init__(self, inner: Any) -> None:
        self._inner = inner

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _as_httpx_errors():
            async for part in self._inner:
                yield part

    async def aclose(self) -> None:
        with _as_httpx_errors():
            await self._inner.aclose()


class _GuardedTransport(httpx.AsyncBaseTransport):
    def __init__(self, pool: httpcore.AsyncConnectionPool) -> None:
        self._pool = pool

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _as_httpx_errors():
            response = await self._pool.handle_async_request(core_request)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ResponseStream(response.stream),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()


def make_client(
    options: FetchOptions,
    *,
    verify: ssl.SSLContext | bool = True,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    """The client fetch_all expects: no automatic redirects, no env proxies, guarded dials.

    ``verify`` is httpx's: True (certifi, or ``SSL_CERT_FILE``) or an ``SSLContext``, e.g.
    one that trusts a self-hosted RSSHub's private CA. ``transport`` replaces the network
    entirely (e.g. ``httpx.MockTransport`` in other stages' tests); the address policy is
    then not applied, as no address is ever dialled.
    """
    if transport is None:
        pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify),
            max_connections=options.concurrency,
            max_keepalive_connections=options.concurrency,
            keepalive_expiry=5.0,
            network_backend=GuardedBackend(httpcore.AnyIOBackend(), options.address_policy),
        )
        transport = _GuardedTransport(pool)
    timeout = httpx.Timeout(
        connect=options.connect_timeout,
        read=options.read_timeout,
        write=options.read_timeout,
        pool=options.total_timeout,
    )
    return httpx.AsyncClient(
        transport=transport,
        follow_redirects=False,  # fetch follows them itself, to count and check each hop
        timeout=timeout,
        headers={
            "User-Agent": options.user_agent,
            "Accept": ACCEPT,
            "Accept-Encoding": ACCEPT_ENCODING,
        },
        trust_env=False,  # an env proxy would bypass the address checks
    )
