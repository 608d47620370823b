"""The values ``build_site`` takes and returns: options, feed health, the build report."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from newsdesk.imageproxy.rewrite import identity

__all__ = ["BuildReport", "FeedHealth", "SiteOptions"]


@dataclass(frozen=True)
class FeedHealth:
    """One configured feed as the sources page shows it."""

    url: str
    group: str
    source: str
    channel: str
    last_success: datetime | None = None
    last_error: str | None = None
    error_streak: int = 0
    items: int = 0


@dataclass(frozen=True)
class SiteOptions:
    """How the site looks and where it lives. Everything here is part of every page's hash."""

    title: str = "newsdesk"
    description: str = ""
    # Absolute site URL used in Atom feeds ("https://news.example.com/blog/"); may be empty.
    base_url: str = ""
    # URL path the site is served under. Empty means: the path of base_url, else "/".
    base_path: str = ""
    per_page: int = 30
    image_url: Callable[[str], str] = identity  # no proxy
    # Per-feed mappings (feed_key -> image_url), for feeds with their own image proxy;
    # other feeds use image_url.
    feed_image_urls: Mapping[str, Callable[[str], str]] = field(default_factory=dict)
    # Shown on cards of articles without an image (None: a text-only card), and in place
    # of a body image that fails to load (None: the bundled static/placeholder.svg).
    placeholder: str | None = None
    theme_dir: Path | None = None  # templates/ and static/ found there win over the bundled ones
    language: str = "zh-CN"
    timezone: str = "Asia/Shanghai"  # zone dates are displayed in
    excerpt_chars: int = 110
    feed_entries: int = 20  # entries per Atom feed
    search: bool = True  # update the search index (search-index/) with what changed
    # False removes the search index (and its state); True keeps one (updated when
    # ``search``, else later: ``site.search_interval``).
    search_enabled: bool = True
    force: bool = False  # ignore the manifest and re-render every page

    def image_url_of(self, feed_key: str) -> Callable[[str], str]:
        return self.feed_image_urls.get(feed_key, self.image_url)

    @property
    def root(self) -> str:
        """The path prefix of every link, always starting and ending with "/"."""
        path = self.base_path or (urlsplit(self.base_url).path if self.base_url else "/")
        return "/" + path.strip("/") + "/" if path.strip("/") else "/"


@dataclass(frozen=True)
class BuildReport:
    pages_written: int = 0
    pages_unchanged: int = 0
    pages_deleted: int = 0
    articles: int = 0
    seconds: float = 0.0
    search_seconds: float = 0.0  # the search index's share of ``seconds``
    search_indexed: bool = False  # the index on disk changed
    written: tuple[str, ...] = field(default=(), repr=False)  # relative paths, for tests
    deleted: tuple[str, ...] = field(default=(), repr=False)
