"""Point the images of a cleaned body at the image proxy (pure; used at publish time).

Stored articles keep the original image URLs; the proxy URL is decided when a post is
written, so a new proxy host or key means a republish, not a database rewrite.

A body in the canonical form ``clean_html`` writes (``clean.canonical``: proved by one
scan, not assumed) has its attribute values replaced in place, without a parse. Anything
else (a body stored by an older version, say) is parsed with lexbor and re-serialized.
Both lexbor and nh3's html5ever follow the HTML standard's serialization, so on
``clean_html`` output the two ways give the same bytes, and everything but the rewritten
URLs comes back byte-identical (tested invariants).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from selectolax.lexbor import LexborHTMLParser

from newsdesk.clean.canonical import escape_attribute, media_tags
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
_HAS_MEDIA = re.compile(r"<(?:img|image|source|video|audio)\b", re.IGNORECASE)


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


def _mapped(name: str, value: str, image_url: Callable[[str], str]) -> str:
    if name == "srcset":
        return map_srcset(value, lambda url: _proxied(url, image_url))
    return _proxied(value, image_url)


def _rewrite_canonical(html: str, image_url: Callable[[str], str]) -> str | None:
    """``rewrite_images`` by replacing values in place; None when ``html`` is not provably
    in canonical form (then only a parser can tell where its images are)."""
    tags = media_tags(html)
    if tags is None:
        return None
    out: list[str] = []
    pos = 0
    for tag in tags:
        names = _URL_ATTRIBUTES[tag.name]
        for name, (start, end) in tag.spans.items():  # in markup order
            if name not in names or start == end:
                continue
            value = tag.get(name) or ""
            new = _mapped(name, value, image_url)
            if new != value:
                out += (html[pos:start], escape_attribute(new))
                pos = end
    if not out:
        return html
    out.append(html[pos:])
    return "".join(out)


def _rewrite_tree(html: str, image_url: Callable[[str], str]) -> str:
    tree = LexborHTMLParser(html, is_fragment=True)
    changed = False
    for tag, names in _URL_ATTRIBUTES.items():
        for node in tree.tags(tag):
            attrs = node.attrs
            for name in names:
                value = attrs.get(name)
                if not value:
                    continue
                new = _mapped(name, value, image_url)
                if new != value:
                    attrs[name] = new
                    changed = True
    # Unchanged input comes back as it was given, whatever produced it.
    return (tree.html or "") if changed else html


def rewrite_images(html: str, image_url: Callable[[str], str]) -> str:
    """Map every image and media URL through ``image_url``: ``<img src/srcset>``,
    ``<source src/srcset>`` (picture, video, audio), ``<video src/poster>``, ``<audio src>``.
    Other attributes (``href``, ``data-original``, …) and the attribute order are untouched."""
    if image_url is identity or not _HAS_MEDIA.search(html):  # nothing to rewrite
        return html
    fast = _rewrite_canonical(html, image_url)
    return fast if fast is not None else _rewrite_tree(html, image_url)
