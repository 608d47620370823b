"""Where each page lives. Pages are ``…/index.html`` folders; links are ``root`` + folder + "/".

Names of groups, sources and channels stay readable (Chinese included) in the folder name;
characters that upset file systems or URLs become "-".
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from typing import TypeGuard
from urllib.parse import quote, urlsplit

__all__ = ["article_id", "free_slug", "href", "is_http", "slugify"]

_UNSAFE = re.compile(r"[^\w\-]+", re.UNICODE)
_PLAIN = re.compile(r"[A-Za-z0-9/_.~-]*")
# An http(s) URL whose host is plain letters, digits, dots and dashes (an optional port),
# then a path or nothing: what urlsplit would accept too, without the cost.
_PLAIN_HTTP = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:[/?#][^\s\x00-\x1f\x7f]*)?\Z")


def slugify(name: str) -> str:
    """A folder name for ``name``: NFKC, lower case, runs of unsafe characters as "-"."""
    slug = _UNSAFE.sub("-", unicodedata.normalize("NFKC", name).lower()).strip("-_")
    # Over-long names stay within file-system limits (255 bytes) with room to spare.
    return slug[:60].rstrip("-") or "x-" + _short_hash(name, 4)


def free_slug(name: str, taken: Callable[[str], bool]) -> str:
    """``slugify(name)``, or a salted variant of it when ``taken`` (or reserved).

    A suffixed slug can equal another name's own slug ("B", "b", "B-cb5332"): retry with
    a new suffix until free. The first suffix is kept as it was, so URLs stay put.
    """
    slug = base = slugify(name)
    tries = 0
    while taken(slug) or slug in _RESERVED:
        tries += 1
        salted = name if tries == 1 else f"{name}\0{tries}"
        slug = f"{base}-{_short_hash(salted, 3)}"
    return slug


# Folder names the site uses itself, next to group folders in ``g/``.
_RESERVED = frozenset({"page", "atom.xml"})


def article_id(feed_key: str, article_id: str) -> str:
    """A stable, short, URL-safe id for an article."""
    return _short_hash(f"{feed_key}\0{article_id}", 6)


def is_http(url: str | None) -> TypeGuard[str]:
    """Whether ``url`` is an absolute http(s) URL: the only links the site prints from feeds.

    Feed data may carry ``javascript:`` or ``data:`` URLs; the site never trusts them.
    """
    if not url:
        return False
    if _PLAIN_HTTP.match(url):  # the usual case, decided without parsing
        return True
    try:
        # urlsplit drops what browsers drop too (leading controls, tabs and newlines), so
        # "\tjava\nscript:" is seen as the javascript: URL a browser would run.
        parts = urlsplit(url.strip())
    except ValueError:  # e.g. a broken IPv6 host
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def href(root: str, folder: str) -> str:
    """The link to a page folder ("g/科技/" -> "/blog/g/%E7%A7%91%E6%8A%80/")."""
    path = root + folder
    if _PLAIN.fullmatch(path):  # article folders: nothing to quote, skip the slow path
        return path
    return quote(path, safe="/-_.~")


def _short_hash(text: str, size: int) -> str:
    return hashlib.blake2b(text.encode(), digest_size=size).hexdigest()
