"""The one content-hash formula: it tells an updated article from a repeat.

The process stage computes it for every article it makes; the store computes it only
for an Article built elsewhere with ``content_hash`` left empty. Both call this module,
so the same article always gets the same hash. (Not to be confused with a hash of the
raw feed entry, used to skip unchanged items before processing: another concept.)
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from newsdesk.models import Article

__all__ = ["UNDATED", "article_content_hash", "content_hash", "sha256_fields"]

# Article.extra key set when the feed gave no usable date (published = first-seen time).
UNDATED = "undated"
_FIELD_SEP = "\x1f"  # between hashed fields, so ("ab", "c") and ("a", "bc") differ


def sha256_fields(*parts: str) -> str:
    return hashlib.sha256(_FIELD_SEP.join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def content_hash(
    title: str,
    link: str | None,
    html: str,
    head_image: str | None,
    published: datetime | None,
) -> str:
    """Any visible change changes it. ``published`` is None for an undated article: it
    gets "now" on every poll, which must not count as an update."""
    when = published.isoformat() if published is not None else ""
    return sha256_fields(title, link or "", html, head_image or "", when)


def article_content_hash(article: Article) -> str:
    """``content_hash`` of an Article: its own when set, else computed as process does."""
    if article.content_hash:
        return article.content_hash
    dated = not article.extra.get(UNDATED)
    return content_hash(
        article.title,
        article.link,
        article.html,
        article.head_image,
        article.published if dated else None,
    )
