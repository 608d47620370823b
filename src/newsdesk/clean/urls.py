"""URL helpers shared by the cleaner and the image rewriter.

Pure functions on strings: no parsing of HTML here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

__all__ = [
    "absolutize",
    "allowed_url",
    "has_unsafe_scheme",
    "is_http_url",
    "is_safe_srcset",
    "is_script_url",
    "map_srcset",
    "srcset_urls",
    "strip_url",
    "url_scheme",
]

# Browsers drop tab/CR/LF anywhere in a URL and trim C0 controls and spaces at both ends,
# so "java\nscript:" is still javascript:. Scheme checks must see what the browser sees.
_URL_NOISE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")
_SCRIPT_SCHEMES = frozenset({"javascript", "vbscript", "livescript", "mocha"})
_UNSAFE_SCHEMES = _SCRIPT_SCHEMES | {"data"}
_C0_AND_SPACE = "".join(chr(i) for i in range(0x21))
# http(s) with an authority: "https:javascript:alert(1)" or "http:foo" has the scheme but
# no "//host", and browsers, urllib and the proxy each read such a thing differently.
_HTTP_URL = re.compile(r"https?://[^/\\?#\s]", re.IGNORECASE)
_HTTP_SCHEMES = frozenset({"http", "https"})


def strip_url(url: str) -> str:
    """Trim what a browser trims around a URL: C0 controls and spaces, nothing else
    (``str.strip`` would also eat a no-break space that belongs to the URL)."""
    return url.strip(_C0_AND_SPACE)


def url_scheme(url: str) -> str | None:
    """The lowercased scheme of ``url`` as a browser would read it, or None when relative."""
    m = _SCHEME.match(_URL_NOISE.sub("", url).strip(_C0_AND_SPACE))
    return m.group(1).lower() if m else None


def has_unsafe_scheme(url: str) -> bool:
    """True for javascript:, vbscript:, data: and friends (whatever the case or noise)."""
    if ":" not in url or url.startswith(("http://", "https://")):  # the usual values
        return False
    return url_scheme(url) in _UNSAFE_SCHEMES


def is_script_url(url: str) -> bool:
    """True for javascript:/vbscript: URLs (data: is not script by itself)."""
    if ":" not in url or url.startswith(("http://", "https://")):
        return False
    return url_scheme(url) in _SCRIPT_SCHEMES


def is_http_url(url: str) -> bool:
    """An absolute http(s) URL with a host, whatever the case (``HTTPS://A.EXAMPLE/``)."""
    return _HTTP_URL.match(_URL_NOISE.sub("", url).strip(_C0_AND_SPACE)) is not None


def allowed_url(url: str, schemes: frozenset[str] = _HTTP_SCHEMES) -> bool:
    """Relative, or absolute with one of ``schemes`` (http(s) only with a host): an allowlist,
    so ``data:``, ``intent:``, ``view-source:``, ``blob:``… never pass."""
    scheme = url_scheme(url)
    if scheme is None:
        return True
    return scheme in schemes and (scheme not in _HTTP_SCHEMES or is_http_url(url))


def is_safe_srcset(srcset: str) -> bool:
    """Every candidate of a ``srcset`` is relative or http(s)."""
    return all(allowed_url(url) for url in srcset_urls(srcset))


def absolutize(url: str, base: str | None) -> str:
    """Make ``url`` absolute against ``base``; ``//host/x`` becomes ``https://host/x``.

    URLs that already carry a scheme (``https:``, ``mailto:``, even ``javascript:``) are
    returned unchanged: judging them is the sanitizer's job, not this one's.
    Fragment-only links (``#note1``) stay relative, so they keep pointing into the post.
    """
    stripped = strip_url(url)
    if stripped.startswith(("http://", "https://")):  # the common case, no urljoin cost
        return url
    if stripped.startswith("//"):
        return "https:" + stripped
    if not stripped or stripped.startswith("#") or url_scheme(stripped) is not None:
        return url
    if base is None or not is_http_url(base):
        return url
    joined = urljoin(base, stripped)
    # A base with an empty host (``https:///x``) would give a nonsense URL; keep the original.
    return joined if urlsplit(joined).netloc else url


# One srcset candidate: the URL is a run of non-space characters; its descriptors run to the
# next comma. (The HTML standard's parser, minus the parenthesis case nobody uses in srcset.)
# Read with a loop of anchored, possessive matches (each step only moves forward): the
# former single regex retried from every position of a separator run, quadratic on
# ``'a' + ', ' * 40000`` and on a long run of commas inside a URL.
_SEPARATORS = re.compile(r"[\s,]*+")
_NON_SPACE_RUN = re.compile(r"\S++")
_DESCRIPTORS = re.compile(r"[^,]*+")


def _skip(pattern: re.Pattern[str], text: str, pos: int) -> int:
    match = pattern.match(text, pos)
    return match.end() if match else pos


def _candidate_spans(srcset: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    pos = _skip(_SEPARATORS, srcset, 0)
    while pos < len(srcset):
        run_end = _skip(_NON_SPACE_RUN, srcset, pos)  # pos holds a non-space: run_end > pos
        # The URL is the run without its trailing commas; its descriptors run to a comma.
        spans.append((pos, pos + len(srcset[pos:run_end].rstrip(","))))
        pos = _skip(_SEPARATORS, srcset, _skip(_DESCRIPTORS, srcset, run_end))
    return spans


def srcset_urls(srcset: str) -> list[str]:
    """The candidate URLs of a ``srcset`` value, in order."""
    return [srcset[a:b] for a, b in _candidate_spans(srcset)]


def map_srcset(srcset: str, fn: Callable[[str], str]) -> str:
    """Replace each candidate URL with ``fn(url)``, keeping descriptors and spacing byte-exact."""
    out: list[str] = []
    pos = 0
    for a, b in _candidate_spans(srcset):
        out.append(srcset[pos:a])
        out.append(fn(srcset[a:b]))
        pos = b
    out.append(srcset[pos:])
    return "".join(out)
