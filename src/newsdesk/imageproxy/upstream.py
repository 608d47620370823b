"""One upstream image fetch: headers out, redirects hop by hop, limits in.

``open_upstream`` yields an ``Upstream`` whose type was checked against its first bytes and
whose ``body()`` streams the rest, counting bytes against ``max_bytes``. Redirects are
followed here, not by httpx, so each hop's URL goes through ``check_url`` (and, for the
prefix form, the ``allow_hosts`` check) and each hop's host gets its own Referer rule; the
connect-time address check (``newsdesk.netguard``) covers the names. Every failure surfaces as
a ``Refusal`` with the status the client should see.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import anyio
import httpx

from newsdesk.imageproxy.addresses import AddressPolicy
from newsdesk.imageproxy.config import ProxyServerConfig
from newsdesk.imageproxy.fairness import HostBusy
from newsdesk.imageproxy.hosts import host_matches, referer_for
from newsdesk.imageproxy.refusals import Refusal
from newsdesk.imageproxy.sniff import SNIFF_BYTES, accept_type
from newsdesk.imageproxy.targets import check_url
from newsdesk.netguard import AddressRefused, LookupFailed

__all__ = ["FORWARDED_HEADERS", "Upstream", "open_upstream"]

# No Range: a 206 body cannot be type-sniffed or cached, so a partial miss fetches it all.
FORWARDED_HEADERS = ("Accept", "If-None-Match", "If-Modified-Since")
# Fixed rather than the client's: one cached copy serves every browser, so no AVIF.
IMAGE_ACCEPT = "image/webp,image/apng,image/*,*/*;q=0.8"
_REDIRECTS = {301, 302, 303, 307, 308}
_NO_AUTHORITY = re.compile(r"[\x00-\x20]*https?:(?!//)", re.IGNORECASE)


@dataclass
class Upstream:
    status: int  # 200, or 304 when the client's conditional headers were forwarded
    content_type: str
    headers: dict[str, str]  # the upstream validators and lengths worth passing on
    head: bytes
    _stream: AsyncIterator[bytes]
    _limit: int
    _deadline: float
    _seen: int = field(default=0)

    async def body(self) -> AsyncIterator[bytes]:
        """The whole body, ``head`` first; raises Refusal past the size cap or deadline."""
        self._seen = len(self.head)
        if self.head:
            yield self.head
        async for chunk in self._stream:
            self._seen += len(chunk)
            if self._seen > self._limit:
                raise Refusal(502, "too-large", f"the image is over {self._limit} bytes")
            if anyio.current_time() > self._deadline:
                raise Refusal(504, "timeout", "upstream is too slow")
            yield chunk


@asynccontextmanager
async def open_upstream(
    client: httpx.AsyncClient,
    url: httpx.URL,
    config: ProxyServerConfig,
    policy: AddressPolicy,
    forward: Mapping[str, str] | None = None,
    *,
    allow_hosts: tuple[str, ...] | None = None,
) -> AsyncIterator[Upstream]:
    """Fetch ``url``; ``forward`` holds client headers already cut to FORWARDED_HEADERS.
    ``allow_hosts`` (the prefix form's list) is required of every redirect hop's host."""
    deadline = anyio.current_time() + config.total_timeout
    response = None
    try:
        with anyio.fail_after(config.total_timeout):
            response = await _follow(client, url, config, policy, forward or {}, allow_hosts)
            upstream = await _checked(response, config, deadline)
        yield upstream
    except TimeoutError:
        raise Refusal(504, "timeout", "upstream is too slow") from None
    finally:
        if response is not None:
            await response.aclose()


async def _follow(
    client: httpx.AsyncClient,
    url: httpx.URL,
    config: ProxyServerConfig,
    policy: AddressPolicy,
    forward: Mapping[str, str],
    allow_hosts: tuple[str, ...] | None,
) -> httpx.Response:
    for _hop in range(config.max_redirects + 1):
        headers = {"User-Agent": config.user_agent, "Accept": IMAGE_ACCEPT, **forward}
        referer = referer_for(url.host, config.referers)
        if referer:
            headers["Referer"] = referer
        request = client.build_request("GET", url, headers=headers)
        response = await _guard_call(client.send(request, stream=True))
        location = response.headers.get("location")
        if response.status_code not in _REDIRECTS or not location:
            return response
        await response.aclose()
        url = _redirect_target(url, location, policy)
        # Unsigned URLs are allowed only for allow_hosts: a redirect must not widen that.
        if allow_hosts is not None and not host_matches(url.host, allow_hosts):
            raise Refusal(403, "host-not-allowed", f"{url.host} is not in allow_hosts")
    raise Refusal(502, "too-many-redirects", f"more than {config.max_redirects} redirects")


def _redirect_target(url: httpx.URL, location: str, policy: AddressPolicy) -> httpx.URL:
    """The next hop; a Location that is no usable URL is the upstream's fault: 502."""
    if _NO_AUTHORITY.match(location):  # "http:foo": browsers and URL parsers disagree
        raise _bad_redirect("an http(s) URL without //host")
    try:
        return check_url(str(url.join(location)), policy)
    except httpx.InvalidURL:
        raise _bad_redirect("it cannot be parsed") from None
    except Refusal as refusal:
        if refusal.status == 400:
            raise _bad_redirect(refusal.detail) from None
        raise  # scheme, credentials, address: refused as for any URL


def _bad_redirect(why: str) -> Refusal:
    return Refusal(502, "bad-redirect", f"upstream redirected to an unusable Location: {why}")


async def _checked(
    response: httpx.Response, config: ProxyServerConfig, deadline: float
) -> Upstream:
    status = response.status_code
    keep = {
        k: v
        for k in ("etag", "last-modified")
        if (v := response.headers.get(k)) and v.isascii() and v.isprintable()
    }
    if status == 304:
        return Upstream(304, "", keep, b"", _empty(), 0, deadline)
    if status in (404, 410):
        raise Refusal(404, "upstream-not-found", f"upstream answered {status}")
    if status != 200:  # a 206 was never asked for
        raise Refusal(502, "upstream-status", f"upstream answered {status}")
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > config.max_bytes:
        raise Refusal(502, "too-large", f"the image is over {config.max_bytes} bytes")
    stream = _guard(response.aiter_bytes())
    head = b""
    async for chunk in stream:  # gather enough bytes to sniff before answering anything
        head += chunk
        if len(head) >= SNIFF_BYTES:
            break
    if len(head) > config.max_bytes:
        raise Refusal(502, "too-large", f"the image is over {config.max_bytes} bytes")
    kind = accept_type(response.headers.get("content-type"), head[:SNIFF_BYTES], svg=config.svg)
    return Upstream(status, kind, keep, head, stream, config.max_bytes, deadline)


async def _empty() -> AsyncIterator[bytes]:
    return
    yield


async def _guard(stream: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    try:
        async for chunk in stream:
            yield chunk
    except httpx.TimeoutException:
        raise Refusal(504, "timeout", "upstream is too slow") from None
    except httpx.HTTPError as exc:
        raise Refusal(502, "upstream-error", f"upstream failed: {type(exc).__name__}") from None


async def _guard_call(call: Awaitable[httpx.Response]) -> httpx.Response:
    try:
        return await call
    except AddressRefused as exc:
        raise Refusal(403, "address", f"{exc.host} is a {exc.reason} address") from None
    except HostBusy as exc:
        raise Refusal(503, "host-busy", f"{exc}; retry later") from None
    except LookupFailed as exc:
        raise Refusal(502, "upstream-error", str(exc)) from None
    except (httpx.InvalidURL, UnicodeError):
        # httpx parses a redirect's Location before returning the response, even when it
        # does not follow it: "http:foo" is an InvalidURL, an IDNA error ("http://xn--/")
        # a ValueError. Only that Location can be at fault: the URL sent was checked.
        raise _bad_redirect("it cannot be parsed") from None
    except httpx.RemoteProtocolError as exc:
        if str(exc).startswith("Invalid URL in location header"):
            raise _bad_redirect("it cannot be parsed") from None
        raise Refusal(502, "upstream-error", f"upstream failed: {type(exc).__name__}") from None
    except httpx.TimeoutException:
        raise Refusal(504, "timeout", "upstream is too slow") from None
    except httpx.HTTPError as exc:
        raise Refusal(502, "upstream-error", f"upstream failed: {type(exc).__name__}") from None
