"""Fetching one feed: attempts, retries, redirects, conditional GET."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace

import anyio
import httpx

from newsdesk.fetch.addresses import AddressGuard, AddressRefused, guarding
from newsdesk.fetch.decode import BodyDecodeError, BodyTooLarge, read_body
from newsdesk.fetch.failures import FetchFailure, describe_error, format_seconds, status_text
from newsdesk.fetch.options import FetchOptions
from newsdesk.fetch.retry import backoff_delay, parse_retry_after
from newsdesk.fetch.slots import HostSlots
from newsdesk.fetch.transport import LookupFailed
from newsdesk.models import FeedSource, FeedState, FetchResult
from newsdesk.netguard import check_peer

__all__ = ["DISABLED_ERROR", "fetch_one", "fetch_with_slots"]

log = logging.getLogger(__name__)

DISABLED_ERROR = "disabled after HTTP 410 Gone (re-enable the feed to fetch it again)"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_TRANSPORT_ERRORS = (httpx.TransportError, httpx.InvalidURL, LookupFailed, AddressRefused)
_BODY_ERRORS = (BodyTooLarge, BodyDecodeError)


@dataclass(frozen=True)
class _Redirect:
    location: str


async def fetch_one(
    client: httpx.AsyncClient, source: FeedSource, state: FeedState | None, options: FetchOptions
) -> FetchResult:
    """Fetch one feed. Failures come back as ``FetchResult.error``, never as exceptions."""
    return await fetch_with_slots(
        client, source, state, options, HostSlots(options.concurrency, options.per_host)
    )


async def fetch_with_slots(
    client: httpx.AsyncClient,
    source: FeedSource,
    state: FeedState | None,
    options: FetchOptions,
    slots: HostSlots,
) -> FetchResult:
    started = time.monotonic()
    if state is not None and state.disabled:
        return FetchResult(source=source, error=DISABLED_ERROR)
    budget = _Budget(options.feed_deadline)
    attempt = 0
    while True:
        attempt += 1
        try:
            result = await _attempt(client, source, state, options, slots, budget)
            return replace(result, elapsed=time.monotonic() - started)
        except FetchFailure as failure:
            delay = failure.retry_after
            if delay is None:
                delay = backoff_delay(attempt, options.backoff_base, options.max_retry_after)
            retry = failure.retryable and attempt <= options.retries
            # A retry needs the wait plus some time to run; past the budget, stop now.
            out_of_time = retry and budget.remaining() <= delay
            if not retry or out_of_time:
                error = failure.after(attempt)
                if out_of_time:
                    error += f"; gave up at fetch.feed_deadline ({format_seconds(budget.total)})"
                return FetchResult(
                    source=source,
                    status=failure.status,
                    error=error,
                    final_url=failure.url,
                    retry_after=failure.retry_after,
                    elapsed=time.monotonic() - started,
                )
            log.debug(
                "retrying feed fetch",
                extra={
                    "feed": source.url,
                    "attempt": attempt,
                    "delay": delay,
                    "error": failure.message,
                },
            )
        # Sleep holding no slot, so a feed waiting out Retry-After blocks nobody.
        await anyio.sleep(delay)


def _request_headers(source: FeedSource, state: FeedState | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if source.user_agent:
        headers["User-Agent"] = source.user_agent
    if source.referer:
        headers["Referer"] = source.referer
    # Validators come from servers; one that is not ASCII cannot be sent back in a header.
    if state is not None and state.etag and state.etag.isascii():
        headers["If-None-Match"] = state.etag
    if state is not None and state.last_modified and state.last_modified.isascii():
        headers["If-Modified-Since"] = state.last_modified
    return headers


def _host_of(url: str) -> str:
    try:
        return httpx.URL(url).host.lower()
    except httpx.InvalidURL:
        return ""


class _Budget:
    """One feed's time across attempts, counted from when its first request may go."""

    def __init__(self, total: float) -> None:
        self.total = total
        self._since: float | None = None

    def start(self) -> None:
        if self._since is None:
            self._since = time.monotonic()

    def remaining(self) -> float:
        spent = 0.0 if self._since is None else time.monotonic() - self._since
        return self.total - spent


async def _attempt(
    client: httpx.AsyncClient,
    source: FeedSource,
    state: FeedState | None,
    options: FetchOptions,
    slots: HostSlots,
    budget: _Budget,
) -> FetchResult:
    """One try: the whole redirect chain and the body, within ``total_timeout`` (or what
    is left of the feed's budget, if less)."""
    headers = _request_headers(source, state)
    url = source.url
    problem = _url_problem(url)
    if problem is not None:
        raise FetchFailure(f"invalid URL: {problem}", url=url)
    visited = {_normalized(url)}
    reached_public = options.public_only  # once true, private addresses are refused (SSRF)
    deadline: float | None = None
    limit = options.total_timeout
    for hop in range(options.max_redirects + 1):
        guard = AddressGuard(
            is_private=options.is_private, refuse_private=reached_public, redirected=hop > 0
        )
        try:
            async with slots.hold(_host_of(url)):
                # The clock starts once the first request may go: queueing is not slowness.
                if deadline is None:
                    budget.start()
                    limit = min(options.total_timeout, max(budget.remaining(), 0.0))
                    deadline = anyio.current_time() + limit
                with anyio.CancelScope(deadline=deadline) as scope:
                    step = await _hop(client, source, state, url, headers, guard, options)
                if scope.cancelled_caught:
                    if limit < options.total_timeout:
                        raise FetchFailure(
                            "ran out of time: fetch.feed_deadline "
                            f"({format_seconds(options.feed_deadline)}) reached"
                        )
                    raise FetchFailure(
                        f"took longer than {format_seconds(options.total_timeout)} in total"
                    )
        except FetchFailure as failure:
            failure.url = failure.url or url
            raise
        if guard.used is not None and not options.is_private(guard.used):
            reached_public = True
        if isinstance(step, FetchResult):
            return step
        url = _next_url(step, visited)
    raise FetchFailure(f"too many redirects (more than {options.max_redirects})", url=url)


def _next_url(redirect: _Redirect, visited: set[str]) -> str:
    target = redirect.location
    problem = _url_problem(target)
    if problem is not None:
        raise FetchFailure(f"redirect to {target!r} refused: {problem}", url=target)
    if _normalized(target) in visited:
        raise FetchFailure(f"redirect loop: {target} was already visited", url=target)
    visited.add(_normalized(target))
    return target


def _url_problem(url: str) -> str | None:
    """Why ``url`` cannot be fetched, checked before any I/O (a Location header is input)."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        return str(exc)
    if parsed.scheme not in ("http", "https"):
        return f"unsupported scheme {parsed.scheme!r}" if parsed.scheme else "no scheme"
    if not parsed.host:
        return "no host"
    if parsed.port is not None and not 0 < parsed.port < 65536:
        return f"port {parsed.port} out of range"
    return None


def _normalized(url: str) -> str:
    try:
        return str(httpx.URL(url))
    except httpx.InvalidURL:
        return url


async def _hop(
    client: httpx.AsyncClient,
    source: FeedSource,
    state: FeedState | None,
    url: str,
    headers: dict[str, str],
    guard: AddressGuard,
    options: FetchOptions,
) -> FetchResult | _Redirect:
    """One request: send it (guarded), then read or discard the response."""
    try:
        request = client.build_request("GET", url, headers=headers)
        with guarding(guard):
            response = await client.send(request, stream=True)
    except _TRANSPORT_ERRORS as exc:
        raise describe_error(exc, options, mid_body=False) from exc
    try:
        if guard.used is None:  # a client not from make_client never consulted the guard
            check_peer(response, guard)
        return await _handle(response, source, state, url, options)
    except (*_TRANSPORT_ERRORS, *_BODY_ERRORS) as exc:
        raise describe_error(exc, options, mid_body=True) from exc
    finally:
        await response.aclose()


async def _handle(
    response: httpx.Response,
    source: FeedSource,
    state: FeedState | None,
    url: str,
    options: FetchOptions,
) -> FetchResult | _Redirect:
    status = response.status_code
    if status in _REDIRECTS:
        location = response.headers.get("location")
        if not location:
            raise FetchFailure(f"{status_text(response)} without a Location header", status=status)
        return _Redirect(str(response.url.join(location)))  # Location may be relative
    if status == 304:
        # A 304 may refresh the validators; if it does not, the old ones still hold.
        return FetchResult(
            source=source,
            status=304,
            not_modified=True,
            final_url=url,
            etag=response.headers.get("etag") or (state.etag if state else None),
            last_modified=(
                response.headers.get("last-modified") or (state.last_modified if state else None)
            ),
        )
    if 200 <= status < 300:
        body = await read_body(response, options.max_bytes)
        return FetchResult(
            source=source,
            status=status,
            body=body,
            final_url=url,
            content_type=response.headers.get("content-type"),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
        )
    raise _status_failure(response, options)


def _status_failure(response: httpx.Response, options: FetchOptions) -> FetchFailure:
    status = response.status_code
    text = status_text(response)
    retry_after = None
    if status in (429, 503):
        retry_after = parse_retry_after(response.headers.get("retry-after"))
    if retry_after is not None and retry_after > options.max_retry_after:
        return FetchFailure(
            f"{text}; Retry-After {format_seconds(retry_after)} is over the "
            f"{format_seconds(options.max_retry_after)} limit",
            status=status,
            retry_after=retry_after,
        )
    # Server trouble may pass; other 4xx (404, 410, 403…) will not within this run.
    retryable = status >= 500 or status == 429
    return FetchFailure(text, status=status, retryable=retryable, retry_after=retry_after)
