"""The connect-time address guard: the one place that decides which IP a socket may reach.

Feeds, full-text pages and the image proxy's upstreams all use ``guarded_transport``, an
httpx transport over an httpcore pool whose network backend

* resolves the host itself (``resolver`` is the seam a test uses to make a name resolve
  to whatever it likes) and reads IP literals in every spelling (``ip_from_host``);
* asks the transport's fixed ``rule`` and the current hop's ``AddressGuard`` about each
  address, skips the refused ones and connects to an allowed IP itself, never
  re-resolving the name: the check is on the address actually connected to, so a name
  that resolved public a moment ago and private now (DNS rebinding) is still refused;
* checks again before every write, because a pooled keep-alive connection opened for one
  request may later carry another whose ``AddressGuard`` is stricter.

TLS still verifies the certificate against the URL's hostname (httpcore passes the origin
host to ``start_tls`` for SNI) and the Host header comes from the URL: only the socket
address is pinned. (Resolving first and requesting the IP with a Host header would need
pooling, SNI and certificate checks redone by hand.)

The hop's ``AddressGuard`` travels in a context variable: the transport is shared, and
httpcore opens connections and writes requests in the calling task. ``GuardedTransport``
is the small httpx <-> httpcore bridge that lets the pool carry this backend without
touching httpx's private attributes.
"""

from __future__ import annotations

import select
import socket
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import anyio
import httpcore
import httpx

from newsdesk.netaddr import IPAddress, ip_from_host, is_private_address

__all__ = [
    "AddressGuard",
    "AddressRefused",
    "AddressRule",
    "GuardedBackend",
    "GuardedTransport",
    "LookupFailed",
    "Resolver",
    "allow_any",
    "check_peer",
    "guarded_transport",
    "guarding",
    "system_resolver",
]

Resolver = Callable[[str, int], Awaitable[list[str]]]
# Why an address is refused ("loopback", "address policy"…), or None when it is allowed.
AddressRule = Callable[[IPAddress], str | None]


class AddressRefused(httpx.ConnectError):
    """The guard refused every address of a host: nothing was sent to it."""

    def __init__(self, host: str, ip: IPAddress, reason: str, message: str = "") -> None:
        super().__init__(message or f"address {ip} refused ({reason})")
        self.host, self.ip, self.reason = host, ip, reason


class LookupFailed(httpx.ConnectError):
    """The hostname did not resolve. ``temporary`` is True for EAI_AGAIN-like failures."""

    def __init__(self, host: str, temporary: bool) -> None:
        super().__init__(f"DNS lookup failed for {host}")
        self.host = host
        self.temporary = temporary


def allow_any(ip: IPAddress) -> str | None:
    """The rule that refuses nothing (feeds may live on the LAN)."""
    return None


@dataclass
class AddressGuard:
    """The rule for one request hop, on top of the transport's fixed rule.

    ``refuse_private`` is set when this hop may not reach a private address: after the
    redirect chain has reached a public one (feeds), or from the first hop on (full text
    without ``full_text_private``). ``refuse_private_after_public`` sets it by itself once
    a public address is used, for a redirect chain that httpx follows within one guard.
    ``used`` is the address last connected to.
    """

    is_private: Callable[[IPAddress], bool] = is_private_address
    refuse_private: bool = False
    refuse_private_after_public: bool = False
    redirected: bool = True  # only for the wording of the refusal
    used: IPAddress | None = None

    def check(self, ip: IPAddress, host: str = "") -> None:
        private = self.is_private(ip)
        if private and self.refuse_private:
            what = "redirect to private address" if self.redirected else "private address"
            raise AddressRefused(host or str(ip), ip, "private", f"{what} {ip} refused")
        if not private and self.refuse_private_after_public:
            self.refuse_private = True
        self.used = ip


_current: ContextVar[AddressGuard | None] = ContextVar("newsdesk_address_guard", default=None)


@contextmanager
def guarding(guard: AddressGuard) -> Iterator[AddressGuard]:
    """Apply ``guard`` to the connections and writes made inside the block."""
    token = _current.set(guard)
    try:
        yield guard
    finally:
        _current.reset(token)


def check_peer(response: httpx.Response, guard: AddressGuard) -> None:
    """The late check, for a client whose transport is not guarded: the peer address of a
    response whose request has been sent, judged before its body is used."""
    stream = response.extensions.get("network_stream")
    peer = stream.get_extra_info("server_addr") if stream is not None else None
    ip = ip_from_host(str(peer[0])) if peer else None
    if ip is not None:
        guard.check(ip, response.url.host)


def _admit(rule: AddressRule, host: str, ip: IPAddress) -> None:
    reason = rule(ip)
    if reason is not None:
        raise AddressRefused(host, ip, reason)
    guard = _current.get()
    if guard is not None:
        guard.check(ip, host)


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


class _GuardedStream(httpcore.AsyncNetworkStream):
    def __init__(
        self, inner: httpcore.AsyncNetworkStream, host: str, ip: IPAddress, rule: AddressRule
    ) -> None:
        self._inner, self._host, self._ip, self._rule = inner, host, ip, rule
        # The pool asks every idle connection "is_readable" each time it assigns a request
        # (dozens of times per feed); anyio rebuilds all socket attributes (getpeername…)
        # for each ask. Looked up once here, the ask is one poll().
        self._socket = inner.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        _admit(self._rule, self._host, self._ip)  # a reused connection meets today's guard
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
        return _GuardedStream(inner, self._host, self._ip, self._rule)

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
    """Resolves hostnames itself and connects only to addresses the guard allows."""

    def __init__(self, rule: AddressRule = allow_any, resolver: Resolver = system_resolver) -> None:
        self._rule = rule
        self._resolve = resolver
        self._inner = httpcore.AnyIOBackend()

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
        for ip in await self._addresses(host, port, timeout):
            try:
                _admit(self._rule, host, ip)
            except AddressRefused as exc:
                refused = refused or exc
                continue
            try:  # to the checked IP itself: the name is never resolved again
                stream = await self._inner.connect_tcp(
                    str(ip), port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as exc:  # try the next address; a timeout is final
                failed = exc
                continue
            return _GuardedStream(stream, host, ip, self._rule)
        if failed is not None:
            raise failed
        assert refused is not None  # _addresses never returns an empty list
        raise refused

    async def _addresses(self, host: str, port: int, timeout: float | None) -> list[IPAddress]:
        literal = ip_from_host(host)
        if literal is not None:
            return [literal]
        try:
            with anyio.fail_after(timeout):
                found = await self._resolve(host, port)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"DNS lookup for {host} timed out") from None
        except (OSError, UnicodeError) as exc:
            temporary = isinstance(exc, socket.gaierror) and exc.errno == socket.EAI_AGAIN
            raise LookupFailed(host, temporary) from exc
        addresses = list(dict.fromkeys(ip for ip in map(ip_from_host, found) if ip is not None))
        if not addresses:
            raise LookupFailed(host, temporary=False)
        return addresses

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are never used")

    async def sleep(self, seconds: float) -> None:
        await anyio.sleep(seconds)


def _as_httpx(exc: Exception) -> Exception:
    """An httpcore exception as its httpx namesake, as httpx's own transport maps them."""
    for cls in type(exc).__mro__:
        twin = getattr(httpx, cls.__name__, None) if cls.__module__.startswith("httpcore") else None
        if isinstance(twin, type) and issubclass(twin, httpx.TransportError):
            return twin(str(exc))
    return exc


@contextmanager
def _httpx_errors() -> Iterator[None]:
    try:
        yield
    except Exception as exc:
        mapped = _as_httpx(exc)
        if mapped is exc:
            raise
        raise mapped from exc


class _ResponseStream(httpx.AsyncByteStream):
    def __init__(self, inner: Any) -> None:
        self._inner = inner

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _httpx_errors():
            async for part in self._inner:
                yield part

    async def aclose(self) -> None:
        with _httpx_errors():
            await self._inner.aclose()


class GuardedTransport(httpx.AsyncBaseTransport):
    """httpx requests over an httpcore pool (one with a ``GuardedBackend``)."""

    def __init__(self, pool: httpcore.AsyncConnectionPool) -> None:
        self._pool = pool

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        url = request.url
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _httpx_errors():
            response = await self._pool.handle_async_request(core_request)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ResponseStream(response.stream),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()


def guarded_transport(
    rule: AddressRule = allow_any,
    *,
    resolver: Resolver = system_resolver,
    ssl_context: ssl.SSLContext | None = None,
    max_connections: int = 32,
    keepalive_expiry: float = 5.0,
) -> GuardedTransport:
    """The transport every outgoing fetch uses; pass it to ``httpx.AsyncClient`` with
    ``trust_env=False`` (an environment proxy would dial on our behalf, unchecked)."""
    pool = httpcore.AsyncConnectionPool(
        ssl_context=ssl_context or httpx.create_ssl_context(trust_env=False),
        max_connections=max_connections,
        max_keepalive_connections=max_connections,
        keepalive_expiry=keepalive_expiry,
        network_backend=GuardedBackend(rule, resolver),
    )
    return GuardedTransport(pool)
