"""Per-feed failures, and the one place third-party exceptions become error text.

A ``FetchFailure`` never leaves the fetch package: ``fetch_one`` turns it into
``FetchResult.error``. Messages name the cause for a human reading the feed list.
"""

from __future__ import annotations

import errno
import ssl
from collections.abc import Iterator
from http import HTTPStatus

import httpx

from newsdesk.fetch.addresses import AddressRefused
from newsdesk.fetch.decode import BodyDecodeError, BodyTooLarge
from newsdesk.fetch.options import FetchOptions
from newsdesk.fetch.transport import LookupFailed

__all__ = ["FetchFailure", "describe_error", "format_bytes", "format_seconds", "status_text"]

_ERRNO_TEXT = {
    errno.ECONNREFUSED: "connection refused",
    errno.ECONNRESET: "connection reset",
    errno.ENETUNREACH: "network unreachable",
    errno.EHOSTUNREACH: "host unreachable",
    errno.ETIMEDOUT: "connection timed out",
}
_BAD_LOCATION = "Invalid URL in location header"


class FetchFailure(Exception):
    """Why an attempt failed, and whether another attempt might succeed."""

    def __init__(
        self,
        message: str,
        *,
        retryable: bool = False,
        status: int | None = None,
        retry_after: float | None = None,
        url: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.status = status
        self.retry_after = retry_after
        self.url = url

    def after(self, attempts: int) -> str:
        """The message, saying how many attempts it took when there were several."""
        if attempts < 2:
            return self.message
        if self.status is not None:
            return f"{self.message} after {attempts} attempts"
        return f"{self.message} ({attempts} attempts)"


def format_seconds(seconds: float) -> str:
    return f"{seconds:g} s"


def format_bytes(size: int) -> str:
    for unit, scale in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if size >= scale and size % scale == 0:
            return f"{size // scale} {unit}"
    return f"{size} bytes"


def status_text(response: httpx.Response) -> str:
    """'HTTP 404 Not Found': the standard phrase, else whatever the server said."""
    try:
        phrase = HTTPStatus(response.status_code).phrase
    except ValueError:
        phrase = response.reason_phrase
    return f"HTTP {response.status_code} {phrase}".rstrip()


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _tls_text(error: ssl.SSLError) -> str:
    if isinstance(error, ssl.SSLCertVerificationError):
        detail = error.verify_message
        return f"certificate verify failed ({detail})" if detail else "certificate verify failed"
    reason = getattr(error, "reason", None)
    return reason.lower().replace("_", " ") if reason else str(error)


def _errno_text(exc: BaseException) -> str | None:
    for cause in _causes(exc):
        if isinstance(cause, OSError) and cause.errno in _ERRNO_TEXT:
            return _ERRNO_TEXT[cause.errno]
    return None


def _connect_failure(exc: httpx.ConnectError) -> FetchFailure:
    for cause in _causes(exc):
        if isinstance(cause, ssl.SSLError):
            # A bad certificate will not fix itself within a run; other TLS hiccups might.
            retry = not isinstance(cause, ssl.SSLCertVerificationError)
            return FetchFailure(f"TLS handshake failed: {_tls_text(cause)}", retryable=retry)
    return FetchFailure(_errno_text(exc) or f"could not connect: {exc}", retryable=True)


def describe_error(exc: Exception, options: FetchOptions, *, mid_body: bool) -> FetchFailure:
    """The failure for an exception raised while sending or reading one request."""
    match exc:
        case BodyTooLarge():
            return FetchFailure(f"body over the {format_bytes(options.max_bytes)} cap")
        case BodyDecodeError():
            return FetchFailure(str(exc))
        case AddressRefused():
            return FetchFailure(str(exc))
        case LookupFailed():
            return FetchFailure(str(exc), retryable=exc.temporary)
        case httpx.ConnectTimeout():
            return FetchFailure(
                f"timed out (connect) after {format_seconds(options.connect_timeout)}",
                retryable=True,
            )
        case httpx.ReadTimeout():
            return FetchFailure(
                f"timed out (read) after {format_seconds(options.read_timeout)}", retryable=True
            )
        case httpx.WriteTimeout():
            return FetchFailure(
                f"timed out (write) after {format_seconds(options.read_timeout)}", retryable=True
            )
        case httpx.PoolTimeout():
            return FetchFailure("timed out waiting for a free connection", retryable=True)
        case httpx.ConnectError():
            return _connect_failure(exc)
        case httpx.RemoteProtocolError() | httpx.ReadError() if mid_body:
            return FetchFailure("closed the connection mid-body", retryable=True)
        case httpx.RemoteProtocolError() if str(exc).startswith(_BAD_LOCATION):
            # httpx parses Location even with follow_redirects=False, and says so only in
            # the message. A bad Location will be just as bad next time: no retry.
            detail = str(exc).removeprefix(_BAD_LOCATION).strip(" :.")
            return FetchFailure(f"redirect refused: invalid URL in Location ({detail})")
        case httpx.RemoteProtocolError() if "without sending" in str(exc):
            return FetchFailure("closed the connection without a response", retryable=True)
        case httpx.RemoteProtocolError():
            return FetchFailure(f"invalid HTTP response: {exc}", retryable=True)
        case httpx.ReadError() | httpx.WriteError():
            return FetchFailure(_errno_text(exc) or "connection lost", retryable=True)
        case httpx.UnsupportedProtocol() | httpx.InvalidURL():
            return FetchFailure(f"invalid URL: {exc}")
        case httpx.TransportError():
            return FetchFailure(f"network error: {exc}", retryable=True)
    raise exc  # anything else is a bug in fetch, not a feed problem
