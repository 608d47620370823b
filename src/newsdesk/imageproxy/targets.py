"""From an incoming request path to the upstream URL it names, or a Refusal.

``/<signature>/<encoded url>`` is the signed form (see ``signing.py``); ``/?<url>`` is the
seed's prefix form, accepted only for ``allow_hosts`` because an unsigned proxy for any host
is an open relay; ``upstream.py`` applies that allowlist to its redirect hops too.
``check_url`` is applied to the first URL and to every redirect hop.
"""

from __future__ import annotations

import string
import unicodedata
from urllib.parse import SplitResult, unquote, urlsplit

import httpx

from newsdesk.imageproxy.addresses import AddressPolicy, ip_from_host
from newsdesk.imageproxy.hosts import host_matches
from newsdesk.imageproxy.refusals import Refusal
from newsdesk.imageproxy.signing import Signer

__all__ = ["check_url", "is_prefix_form", "target_url"]

# Host name characters: LDH plus "_" (not LDH, but real image hosts use it); non-ASCII
# letters, marks and digits are left to httpx's IDNA encoding to accept or refuse.
_NAME_ASCII = frozenset(string.ascii_letters + string.digits + "-_")


def is_prefix_form(path: str, query: bytes) -> bool:
    """Whether the request uses the unsigned ``/?<url>`` form (restricted to allow_hosts)."""
    return path == "/" and bool(query)


def target_url(
    path: str,
    query: bytes,
    *,
    signer: Signer | None,
    allow_hosts: tuple[str, ...],
    policy: AddressPolicy,
) -> httpx.URL:
    if is_prefix_form(path, query):
        try:
            raw = query.decode("utf-8")
        except UnicodeDecodeError:
            raise Refusal(400, "bad-url", "the URL is not UTF-8") from None
        if raw[:8].lower() in ("http%3a%", "https%3a"):  # someone encoded the whole URL
            raw = unquote(raw)
        url = check_url(raw, policy)
        if not host_matches(url.host, allow_hosts):
            raise Refusal(403, "host-not-allowed", f"{url.host} is not in allow_hosts")
        return url
    parts = path.strip("/").split("/")
    if len(parts) != 2 or not all(parts):  # every other path is a signed URL gone wrong
        raise Refusal(403, "bad-signature", "expected /<signature>/<encoded url>")
    if signer is None:
        raise Refusal(403, "bad-signature", "signed URLs are not enabled")
    verified = signer.verify(parts[0], parts[1])
    if verified is None:
        raise Refusal(403, "bad-signature", "the signature does not match the URL")
    return check_url(verified, policy)


def check_url(raw: str, policy: AddressPolicy) -> httpx.URL:
    """Scheme, credentials and IP-literal checks; names still get checked at connect time."""
    try:
        parts = urlsplit(raw.strip())
        hostname = parts.hostname or ""
        has_credentials = parts.username is not None or parts.password is not None
        _ = parts.port  # raises ValueError on a bad port
    except ValueError:
        raise Refusal(400, "bad-url", "the URL cannot be parsed") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise Refusal(403, "scheme", f"scheme {parts.scheme or '(none)'!r} is not proxied")
    if has_credentials or "@" in parts.netloc:
        raise Refusal(403, "credentials", "URLs with credentials are not proxied")
    if not hostname:
        raise Refusal(400, "bad-url", "the URL has no host")
    ip = ip_from_host(hostname)
    if ip is None and not _plain_name(hostname):
        # Backslashes, "%", fullwidth dots…: parsers disagree on such hosts (a browser reads
        # "evil.com\.a.com" as evil.com; IDNA maps "127。0。0。1" to an IP), so refuse early.
        raise Refusal(400, "bad-url", "the host is not a plain DNS name or IP address")
    reason = policy.refusal(ip) if ip is not None else None
    if reason:
        raise Refusal(403, "address", f"{hostname} is a {reason} address")
    try:
        url = httpx.URL(raw.strip() if ip is None else _with_host(parts, str(ip)))
        host = url.host  # decodes IDNA lazily: "xn--" raises idna.IDNAError, a ValueError
    except (httpx.InvalidURL, ValueError):
        raise Refusal(400, "bad-url", "the URL cannot be parsed") from None
    # httpx sends the request, so its reading must agree with the checks above.
    if (
        url.scheme not in ("http", "https")
        or url.userinfo
        or not host
        or (ip is None and ip_from_host(host) is not None)
    ):
        raise Refusal(400, "bad-url", "the URL parses ambiguously")
    return url


def _plain_name(hostname: str) -> bool:
    labels = hostname.removesuffix(".").split(".")
    return all(labels) and all(
        c in _NAME_ASCII or (not c.isascii() and unicodedata.category(c)[0] in "LMN")
        for label in labels
        for c in label
    )


def _with_host(parts: SplitResult, ip: str) -> str:
    # Rewrite 0177.0.0.1-style hosts to the canonical IP they denote, so httpx and the
    # connect-time check both see one unambiguous address.
    host = f"[{ip}]" if ":" in ip else ip
    netloc = f"{host}:{parts.port}" if parts.port else host
    return parts._replace(netloc=netloc).geturl()
