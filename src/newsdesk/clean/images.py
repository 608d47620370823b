"""Lazy-loaded images: find the real URL of an ``<img>`` and put it in ``src``.

Feeds copy article HTML written for a browser with a lazy-load script: the image sits in
``data-original`` (ZAKER), ``data-src`` (WeChat), ``data-actualsrc`` (Zhihu) or
``data-lazy-src`` (WordPress plugins), and ``src`` is empty, a data: URI or a tiny gif.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborAttributes, LexborNode

from newsdesk.clean.urls import absolutize, is_http_url, srcset_urls, strip_url, url_scheme

__all__ = ["LAZY_SRCSET_ATTRIBUTES", "LAZY_SRC_ATTRIBUTES", "is_placeholder", "repair_image"]

LAZY_SRC_ATTRIBUTES = ("data-original", "data-src", "data-actualsrc", "data-lazy-src")
LAZY_SRCSET_ATTRIBUTES = ("data-srcset", "data-lazy-srcset")

# A file name that says "I am not the picture": blank.gif, loading.png, lazy_1x1.gif, …
_PLACEHOLDER_NAME = re.compile(
    r"(?:blank|spacer|pixel|loading|lazy|placeholder|transparent|1x1|grey|gray)"
    r"[^/]*\.(?:gif|png|svg|webp)$",
    re.IGNORECASE,
)


def _unusable(src: str) -> bool:
    """Empty, ``#``, or any scheme but http(s) with a host (data:, about:blank,
    javascript:, https:javascript:…): nothing a post can show or the proxy can fetch."""
    if not src or src == "#":
        return True
    return url_scheme(src) is not None and not is_http_url(src)


def is_placeholder(src: str) -> bool:
    """True when ``src`` is clearly not the article's picture (see ``_PLACEHOLDER_NAME``)."""
    src = strip_url(src)
    if _unusable(src):
        return True
    path = src.split("?", 1)[0].split("#", 1)[0]
    return _PLACEHOLDER_NAME.search(path.rsplit("/", 1)[-1]) is not None


def _first_real(attrs: LexborAttributes, names: tuple[str, ...]) -> str | None:
    for name in names:
        value = strip_url(attrs.get(name) or "")
        if value and not is_placeholder(value):
            return value
    return None


def repair_image(node: LexborNode, base: str | None) -> bool:
    """Give ``node`` a usable, absolute ``src``. Returns False when it has none to give.

    Existing attributes keep their place (``data-original`` included); a new ``src`` or
    ``srcset`` is appended. A named placeholder (``loading.gif``) is only replaced when a
    lazy attribute offers something better: without one it may be a real picture.
    """
    attrs = node.attrs
    src = strip_url(attrs.get("src") or "")
    if not src or is_placeholder(src):
        lazy = _first_real(attrs, LAZY_SRC_ATTRIBUTES)
        if lazy is None:
            srcset = strip_url(attrs.get("srcset") or "")
            candidates = [u for u in srcset_urls(srcset) if not _unusable(u)]
            lazy = candidates[0] if candidates else None
        if lazy is not None:
            attrs["src"] = absolutize(lazy, base)
            if not strip_url(attrs.get("srcset") or ""):
                lazy_srcset = _first_real(attrs, LAZY_SRCSET_ATTRIBUTES)
                if lazy_srcset is not None:
                    attrs["srcset"] = lazy_srcset
            return True
        return not _unusable(src)
    absolute = absolutize(src, base)
    if absolute != attrs.get("src"):
        attrs["src"] = absolute
    return True
