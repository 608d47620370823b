"""The data that flows between pipeline stages.

Every model is a frozen dataclass: a stage returns a new value with
``dataclasses.replace`` and never mutates its input.

    config  -> FeedSource            (one channel of the group/source/channel tree)
    fetch   -> FetchResult           (bytes + caching headers, or an error value)
    parse   -> ParsedFeed[Entry]     (what the feed said, decoded, not yet cleaned)
    process -> Article               (cleaned, identified, dated; original image URLs)
    store   -> FeedState, StoredArticle
    publish -> files on disk
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(frozen=True)
class FeedSource:
    """One feed as configured: a channel in the group -> source -> channel tree."""

    key: str  # the URL exactly as written in config (``rsshub://…`` kept); identity in the store
    url: str  # what is fetched: ``rsshub://`` resolved against the configured instance
    group: str
    source: str
    channel: str
    image_proxy: str | None = None  # prefix put before image URLs at publish time; None = off
    user_agent: str | None = None
    referer: str | None = None
    timezone: str = "Asia/Shanghai"  # zone given to feed dates that carry none


# sy:updatePeriod values (RSS 1.0 syndication module); a month/year taken as 30/365 days.
_PERIODS = {
    "hourly": timedelta(hours=1),
    "daily": timedelta(days=1),
    "weekly": timedelta(weeks=1),
    "monthly": timedelta(days=30),
    "yearly": timedelta(days=365),
}


@dataclass(frozen=True)
class FeedHints:
    """What a feed says about its own update rhythm (all optional)."""

    ttl_minutes: int | None = None  # RSS <ttl>
    update_period: str | None = None  # sy:updatePeriod: hourly, daily, weekly, monthly, yearly
    update_frequency: int | None = None  # sy:updateFrequency: updates per period (default 1)
    skip_hours: frozenset[int] = frozenset()  # RSS <skipHours>: hours 0-23, in UTC (GMT)
    skip_days: frozenset[str] = frozenset()  # RSS <skipDays>: "Monday" … "Sunday"

    def interval(self) -> timedelta | None:
        """The interval the feed asks for (the longer, if it gives both), else None."""
        found: list[timedelta] = []
        if self.ttl_minutes is not None and self.ttl_minutes > 0:
            found.append(timedelta(minutes=self.ttl_minutes))
        period = _PERIODS.get((self.update_period or "").strip().lower())
        if period is not None:
            frequency = self.update_frequency if self.update_frequency else 1
            if frequency > 0:
                found.append(period / frequency)
        return max(found) if found else None


@dataclass(frozen=True)
class FeedState:
    """What the store remembers about a feed between runs."""

    key: str
    etag: str | None = None
    last_modified: str | None = None
    last_success: datetime | None = None
    last_attempt: datetime | None = None
    last_status: int | None = None
    last_error: str | None = None
    error_streak: int = 0
    disabled: bool = False  # set on HTTP 410 until the user re-enables the feed
    items: int = 0
    # What the feed said of its own rhythm when last parsed (<ttl>, sy:update*, skip*):
    # `watch` and the queue's workers plan from the store, so both honour it.
    hints: FeedHints | None = None
    retry_after: float | None = None  # seconds, from the last failed fetch's Retry-After
    note: str | None = None  # the last parse's warnings, e.g. why a feed had no entries


@dataclass(frozen=True)
class FetchResult:
    """The outcome of fetching one feed. A failure is a value (``error``), not an exception."""

    source: FeedSource
    status: int | None = None
    body: bytes | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    final_url: str | None = None
    error: str | None = None  # human-readable cause, e.g. "HTTP 503 after 3 attempts"
    not_modified: bool = False  # 304: nothing to do
    retry_after: float | None = None  # seconds, from a 429/503 Retry-After
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class Enclosure:
    url: str
    type: str | None = None


@dataclass(frozen=True)
class Entry:
    """One item as the feed states it (text decoded, HTML not yet cleaned)."""

    guid: str | None
    link: str | None
    title: str  # plain text as found; may still hold HTML entities from double-escaping
    content_html: str | None  # richest body: content:encoded / atom content / content_html
    summary_html: str | None  # description / summary
    published: datetime | None = None  # aware when the feed gave a zone, naive otherwise
    updated: datetime | None = None
    author: str | None = None
    categories: tuple[str, ...] = ()
    enclosures: tuple[Enclosure, ...] = ()
    thumbnail: str | None = None  # media:thumbnail / media:content image / JSON Feed image


@dataclass(frozen=True)
class ParsedFeed:
    """A decoded feed. ``warnings`` says what was repaired; an unreadable feed raises ParseError."""

    format: str  # "rss20", "rss10", "atom10", "json1", …
    title: str = ""
    link: str | None = None
    encoding: str = "utf-8"
    entries: tuple[Entry, ...] = ()
    warnings: tuple[str, ...] = ()
    # What the feed says about its own rhythm, for the scheduler (RSS ttl, skipHours/Days,
    # the syndication module's sy:updatePeriod / sy:updateFrequency).
    ttl_minutes: int | None = None
    skip_hours: frozenset[int] = frozenset()
    skip_days: frozenset[str] = frozenset()
    update_period: str | None = None
    update_frequency: int | None = None


@dataclass(frozen=True)
class Article:
    """A processed article, as stored. Image URLs are originals: proxies are added at publish."""

    feed_key: str
    article_id: str  # stable within the feed: guid, else link, else content hash
    group: str
    source: str
    channel: str
    title: str  # plain text, entities decoded, whitespace collapsed
    link: str | None
    author: str
    published: datetime  # always aware
    html: str  # sanitized body, absolute URLs, lazy images repaired, original image URLs
    head_image: str | None = None  # original URL of the first image, else enclosure/thumbnail
    content_hash: str = ""  # hash of title + html + link, to tell updates from repeats
    first_seen: datetime | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    # Hash of the entry as the feed sent it, plus what processed it (process.raw_hash): an
    # item whose raw_hash is stored already is not cleaned again. Not the content_hash.
    raw_hash: str = field(default="", compare=False)
