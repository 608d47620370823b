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

from selectolax.lexbor import LexborHTMLParser

from newsdesk.clean.urls import is_http_url, map_srcset, strip_url

__all__ = ["identity", "prefix_proxy", "rewrite_images"]

# What rewrite_images maps: the URLs a page loads by itself (images, and media: video and
# audio sources and posters), never links (href) nor data-* attributes.
_URL_ATTRIBUTES = {
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
}
_HAS_MEDIA = re.compile(r"<(?:img|source|video|audio)\b", re.IGNORECASE)


def identity(url: str) -> str:
    """The ``image_url`` that leaves every URL as it is (no proxy)."""
    return url


def prefix_proxy(prefix: str) -> Callable[[str], str]:
    """``url -> prefix + url``, the URL appended raw (not encoded), as the seed posts do:
    ``https://cors.zfour.workers.dev/?http://zkres1.myzaker.com/….jpg``.

    An empty prefix is ``identity``. A URL that already starts with the prefix (in any
    case) is returned unchanged, so applying the proxy twice never double-prefixes.
    """
    if not prefix:
        return identity
    folded = prefix.casefold()

    def image_url(url: str) -> str:
        return url if url.casefold().startswith(folded) else prefix + url

    return image_url


def _proxied(url: str, image_url: Callable[[str], str]) -> str:
    # Only absolute http(s) URLs (any case) can be fetched by a proxy; a relative or data:
    # URL (no base was known) is left alone.
    stripped = strip_url(url)
    return image_url(stripped) if is_http_url(stripped) else url


def rewrite_images(html: str, image_url: Callable[[str], str]) -> str:
    """Map every image and media URL through ``image_url``: ``<img src/srcset>``,
    ``<source src/srcset>`` (picture, video, audio), ``<video src/poster>``, ``<audio src>``.
    Other attributes (``href``, ``data-original``, …) and the attribute order are untouched."""
    if image_url is identity or not _HAS_MEDIA.search(html):  # no parse for text-only bodies
        return html
    tree = LexborHTMLParser(html, is_fragment=True)
    changed = False

    def swap(url: str) -> str:
        return _proxied(url, image_url)

    for tag, names in _URL_ATTRIBUTES.items():
        for node in tree.tags(tag):
            attrs = node.attrs
            for name in names:
                value = attrs.get(name)
                if not value:
                    continue
                new = map_srcset(value, swap) if name == "srcset" else swap(value)
                if new != value:
                    attrs[name] = new
                    changed = True
    # Unchanged input comes back as it was given, whatever produced it.
    return (tree.html or "") if changed else html
