"""Point the images of a cleaned body at the image proxy (pure; used at publish time).

Stored articles keep the original image URLs; the proxy URL is decided when a post is
written, so a new proxy host or key means a republish, not a database rewrite.

The body is re-parsed with lexbor and re-serialized. Both lexbor and nh3's html5ever
follow the HTML standard's serialization, so on ``clean_html`` output everything but the
rewritten URLs comes back byte-identical (a tested invariant).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from selectolax.lexbor import LexborAttributes, LexborHTMLParser

from newsdesk.clean.urls import map_srcset

__all__ = ["identity", "prefix_proxy", "rewrite_images"]

# The elements rewrite_images touches: <img src/srcset>, <source srcset>, <video poster>.
_HAS_IMAGES = re.compile(r"<(?:img|source|video)\b", re.IGNORECASE)


def identity(url: str) -> str:
    """The ``image_url`` that leaves every URL as it is (no proxy)."""
    return url


def prefix_proxy(prefix: str) -> Callable[[str], str]:
    """``url -> prefix + url``, the URL appended raw (not encoded), as the seed posts do:
    ``https://cors.zfour.workers.dev/?http://zkres1.myzaker.com/….jpg``.

    An empty prefix is ``identity``. A URL that already starts with the prefix is returned
    unchanged, so applying the proxy twice never double-prefixes.
    """
    if not prefix:
        return identity

    def image_url(url: str) -> str:
        return url if url.startswith(prefix) else prefix + url

    return image_url


def _proxied(url: str, image_url: Callable[[str], str]) -> str:
    # Only absolute http(s) images can be fetched by a proxy; a relative or data: URL
    # (no base was known) is left alone.
    return image_url(url) if url.startswith(("http://", "https://")) else url


def rewrite_images(html: str, image_url: Callable[[str], str]) -> str:
    """Map every ``<img src>``, every ``srcset`` URL (img, picture source) and every
    ``<video poster>`` through ``image_url``. Other attributes (``data-original``, …) and
    the attribute order are untouched."""
    if image_url is identity or not _HAS_IMAGES.search(html):  # no parse for text-only bodies
        return html
    tree = LexborHTMLParser(html, is_fragment=True)
    changed = False

    def swap(url: str) -> str:
        return _proxied(url, image_url)

    for node in tree.tags("img"):
        attrs = node.attrs
        src = attrs.get("src")
        if src:
            new = swap(src)
            if new != src:
                attrs["src"] = new
                changed = True
        changed |= _rewrite_srcset(node.attrs, swap)
    for node in tree.tags("source"):
        changed |= _rewrite_srcset(node.attrs, swap)
    for node in tree.tags("video"):
        poster = node.attrs.get("poster")
        if poster:
            new = swap(poster)
            if new != poster:
                node.attrs["poster"] = new
                changed = True
    # Unchanged input comes back as it was given, whatever produced it.
    return (tree.html or "") if changed else html


def _rewrite_srcset(attrs: LexborAttributes, swap: Callable[[str], str]) -> bool:
    srcset = attrs.get("srcset")
    if not srcset:
        return False
    new = map_srcset(srcset, swap)
    if new == srcset:
        return False
    attrs["srcset"] = new
    return True
