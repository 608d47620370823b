"""Feed URLs as OPML and the config write them: rsshub:// routes, and one canonical form.

URLs are compared after resolving ``rsshub://route`` against the RSSHub base, ignoring
case of scheme and host, default ports, fragments and a trailing slash.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

__all__ = ["DEFAULT_RSSHUB", "canonical", "compact", "feed_url", "resolve_rsshub"]

DEFAULT_RSSHUB = "https://rsshub.app"
_RSSHUB = "rsshub://"


def resolve_rsshub(url: str, rsshub_base: str) -> str:
    """``rsshub://zaker/source/1`` → ``<base>/zaker/source/1``; other URLs unchanged."""
    if url[: len(_RSSHUB)].lower() == _RSSHUB:
        return f"{rsshub_base.rstrip('/')}/{url[len(_RSSHUB) :].lstrip('/')}"
    return url


def _split(url: str) -> tuple[str, str, str, str] | None:
    """(scheme, host[:port], path, query) of an http(s) URL, normalised; None if not one."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if port is not None and port != {"http": 80, "https": 443}[scheme]:
        host = f"{host}:{port}"
    return scheme, host, parts.path, parts.query


def canonical(url: str, rsshub_base: str) -> str | None:
    """The form two spellings of one feed URL share; None for anything but http(s)."""
    parts = _split(resolve_rsshub(url, rsshub_base))
    if parts is None:
        return None
    scheme, host, path, query = parts
    return urlunsplit((scheme, host, path.rstrip("/") or "/", query, ""))


def compact(url: str, rsshub_base: str) -> str:
    """Write a URL under the RSSHub base as ``rsshub://route``."""
    parts, base = _split(url), _split(rsshub_base)
    if parts is None or base is None:
        return url
    prefix = base[2].rstrip("/") + "/"
    if parts[:2] != base[:2] or not parts[2].startswith(prefix) or len(parts[2]) == len(prefix):
        return url
    route = parts[2][len(prefix) :]
    return f"{_RSSHUB}{route}" + (f"?{parts[3]}" if parts[3] else "")


def feed_url(raw: str) -> str:
    """A feed link as browsers and exporters write it, as an http(s) URL where possible."""
    url = raw.strip()
    # feed://host/x and feed:https://host/x are old browser spellings of a feed link.
    if url[:7].lower() == "feed://":
        return "http://" + url[7:]
    if url[:5].lower() == "feed:" and url[5:9].lower() == "http":
        return url[5:]
    return url
