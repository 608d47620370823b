"""The process stage: one feed entry in, one stored-ready ``Article`` out (pure).

    process_feed(parsed, source, *, now, keyed=None) -> list[Article]
    process_entry(entry, source, *, feed_link, now, article_id=None, raw_hash="") -> Article
    keyed_entries(parsed, *, settings="") -> list[KeyedEntry]   (ids and raw hashes)

Identity (``article_id``): the guid, else the link, else a hash of the raw title and body.
Within one feed, a guid shared by items with different links becomes ``guid|link`` (some
CMSs give every item the same guid); items that still share an id appear once, the first
one in feed order winning.

``raw_hash`` hashes what the feed sent for an entry (and what else decides its article):
an entry whose raw hash is already stored needs no processing at all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from newsdesk.clean import clean_html, clean_title, first_image, html_text
from newsdesk.clean.urls import absolutize, is_http_url, strip_url
from newsdesk.hashing import UNDATED, content_hash
from newsdesk.hashing import sha256_fields as _sha256
from newsdesk.models import Article, Entry, FeedSource, ParsedFeed

__all__ = [
    "NOTES",
    "PROCESS_VERSION",
    "UNDATED",
    "KeyedEntry",
    "content_hash",
    "drop_empty_entries",
    "entry_id",
    "keyed_entries",
    "process_entry",
    "process_feed",
    "raw_hash",
]

# Part of every raw hash: bump it when processing (cleaning rules, ids, dates, head image)
# makes something else of the same entry, so stored articles are processed once more
# instead of being skipped as unchanged.
PROCESS_VERSION = "1"

# Article.extra key: what cleaning gave up to keep its cost linear (clean/bounds.py).
NOTES = "notes"

UNTITLED = "(untitled)"  # only for an item whose body is an image and nothing else
_TITLE_FROM_BODY_CHARS = 60
_TITLE_FROM_BODY_SCAN = 2000  # body text looked at for those 60 (tags dropped first)
_ID_HASH_CHARS = 16  # 64 bits: ids only need to be unique within one feed
_IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".bmp", ".svg")
# Where a title taken from the body ends: the first sentence's closing mark.
_SENTENCE_END = re.compile(r"[。！？!?；;]|\.(?=\s|$)")


def _raw_body(entry: Entry) -> str:
    if entry.content_html and entry.content_html.strip():
        return entry.content_html
    return entry.summary_html or ""


def entry_id(entry: Entry) -> str:
    """guid, else link, else a short hash of what the feed said (raw title and body), so
    that the id survives changes to our own cleaning code."""
    guid = (entry.guid or "").strip()
    if guid:
        return guid
    link = (entry.link or "").strip()
    if link:
        return link
    return _sha256(entry.title, _raw_body(entry))[:_ID_HASH_CHARS]


def raw_hash(entry: Entry, *, settings: str = "") -> str:
    """Every field of the entry the process stage reads, as fetched, plus ``settings`` (what
    else decides the article: base URL, the source's options) and PROCESS_VERSION."""
    enclosures = "\x1e".join(f"{e.url}\x1d{e.type or ''}" for e in entry.enclosures)
    return _sha256(
        PROCESS_VERSION,
        settings,
        entry.guid or "",
        entry.link or "",
        entry.title,
        entry.content_html or "",
        entry.summary_html or "",
        entry.published.isoformat() if entry.published is not None else "",
        entry.updated.isoformat() if entry.updated is not None else "",
        entry.author or "",
        "\x1e".join(entry.categories),
        enclosures,
        entry.thumbnail or "",
    )


def _aware(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


# Dates past this far ahead, or before 1971 (epoch-zero defaults), are feed bugs.
_FUTURE_SLACK = timedelta(days=1)
_EARLIEST = datetime(1971, 1, 1, tzinfo=UTC)


def _plausible(moment: datetime, now: datetime) -> bool:
    try:
        return _EARLIEST <= moment <= now + _FUTURE_SLACK
    except OverflowError:  # year 9999 with a -14:00 offset and such
        return False


def _published(entry: Entry, source: FeedSource, now: datetime) -> tuple[datetime, bool]:
    """The article's date, and whether the feed gave it (False: first-seen time).

    A feed date without a zone is local time at the source (Asia/Shanghai by default).
    ``now`` comes from our own clock: naive means UTC. An implausible date (far future,
    epoch zero) falls back to the next candidate, then to first-seen time.
    """
    now = now if now.tzinfo is not None else now.replace(tzinfo=UTC)
    for moment in (entry.published, entry.updated):
        if moment is not None:
            aware = _aware(moment, ZoneInfo(source.timezone))
            if _plausible(aware, now):
                return aware, True
    return now, False


def _looks_like_image(url: str) -> bool:
    try:
        path = urlsplit(url).path.lower()
    except ValueError:
        return False
    return path.endswith(_IMAGE_EXTENSIONS)


def _head_image(html: str, entry: Entry, base: str | None) -> str | None:
    found = first_image(html)
    if found:
        return found
    for enclosure in entry.enclosures:
        kind = (enclosure.type or "").lower()
        if enclosure.url and (kind.startswith("image/") or _looks_like_image(enclosure.url)):
            return absolutize(strip_url(enclosure.url), base)
    if entry.thumbnail and strip_url(entry.thumbnail):
        return absolutize(strip_url(entry.thumbnail), base)
    return None


# Tag-shaped text ("<details open …>") in a body's visible text: fine as body text, not
# as the start of a title made from it.
_TAG_SHAPED = re.compile(r"</?[A-Za-z!?][^<>]*>?")


def _title(entry: Entry, html: str) -> str:
    title = clean_title(entry.title or "")
    if title:
        return title
    # The body's text is decoded: its escaped markup is markup again. Clean it like a
    # title (references too), then drop what still looks like a tag.
    text = _TAG_SHAPED.sub(" ", clean_title(html_text(html)[:_TITLE_FROM_BODY_SCAN]))
    return first_sentence(text) or UNTITLED


def first_sentence(text: str) -> str:
    """The first sentence of a text, as a title: cut at 60 characters (then "…")."""
    text = " ".join(text.split())
    end = _SENTENCE_END.search(text)
    sentence = text[: end.end()] if end else text
    sentence = sentence.rstrip("。.；; ")  # a title does not end with a full stop
    if len(sentence) <= _TITLE_FROM_BODY_CHARS:
        return sentence
    cut = sentence[: _TITLE_FROM_BODY_CHARS - 1]
    if " " in cut[_TITLE_FROM_BODY_CHARS // 2 :]:  # words: do not cut one in half
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"


def _is_empty(entry: Entry) -> bool:
    """Neither a title nor a body (text or an image): nothing to publish."""
    if clean_title(entry.title or ""):
        return False
    body = _raw_body(entry)
    return not html_text(body).strip() and first_image(body) is None


def drop_empty_entries(parsed: ParsedFeed) -> ParsedFeed:
    """The feed without items that have neither title nor body, plus a warning that says
    how many were skipped (instead of publishing them as "(untitled)")."""
    kept = tuple(e for e in parsed.entries if not _is_empty(e))
    skipped = len(parsed.entries) - len(kept)
    if not skipped:
        return parsed
    note = f"{skipped} item(s) with neither title nor body skipped"
    return replace(parsed, entries=kept, warnings=(*parsed.warnings, note))


def process_entry(
    entry: Entry,
    source: FeedSource,
    *,
    feed_link: str | None,
    now: datetime,
    article_id: str | None = None,
    raw_hash: str = "",
) -> Article:
    """Clean, identify and date one entry. ``feed_link`` (else the feed URL) is the base for
    relative URLs when the entry has no link of its own. ``article_id`` is an id the caller
    already settled on (the feed-wide one); default ``entry_id(entry)``. ``raw_hash`` is
    carried into the article as given."""
    fallback_base = feed_link or source.url
    link = strip_url(entry.link or "") or None
    if link is not None:
        link = absolutize(link, fallback_base)
        if not is_http_url(link):  # javascript:, data:… would end up in an href
            link = None
    base = link or fallback_base
    notes: list[str] = []
    html = clean_html(_raw_body(entry), base, notes=notes)
    title = _title(entry, html)
    published, dated = _published(entry, source, now)
    head_image = _head_image(html, entry, base)
    if head_image is not None and not is_http_url(head_image):
        head_image = None
    return Article(
        feed_key=source.key,
        article_id=entry_id(entry) if article_id is None else article_id,
        group=source.group,
        source=source.source,
        channel=source.channel,
        title=title,
        link=link,
        author=source.source,  # the seed posts credit the source ("ZAKER"), not the writer
        published=published,
        html=html,
        head_image=head_image,
        # An undated entry gets "now" on every poll: leave that out of the hash, or each
        # run would count as an update (the pipeline keeps the first-seen date instead).
        content_hash=content_hash(title, link, html, head_image, published if dated else None),
        extra=({} if dated else {UNDATED: "1"}) | ({NOTES: "; ".join(notes)} if notes else {}),
        raw_hash=raw_hash,
    )


def _feed_ids(entries: tuple[Entry, ...]) -> list[str]:
    ids = [entry_id(e) for e in entries]
    links_per_guid: dict[str, set[str]] = {}
    for entry in entries:
        guid = (entry.guid or "").strip()
        if guid:
            links_per_guid.setdefault(guid, set()).add((entry.link or "").strip())
    shared = {guid for guid, links in links_per_guid.items() if len(links) > 1}
    if not shared:
        return ids
    for i, entry in enumerate(entries):
        guid = (entry.guid or "").strip()
        link = (entry.link or "").strip()
        if guid in shared and link:
            ids[i] = f"{guid}|{link}"
    return ids


@dataclass(frozen=True)
class KeyedEntry:
    """An entry with the id it is stored under and its raw hash."""

    entry: Entry
    article_id: str
    raw_hash: str


def keyed_entries(parsed: ParsedFeed, *, settings: str = "") -> list[KeyedEntry]:
    """The entries ``process_feed`` processes (the first of each id, in feed order), keyed."""
    keyed: list[KeyedEntry] = []
    seen: set[str] = set()
    for entry, article_id in zip(parsed.entries, _feed_ids(parsed.entries), strict=True):
        if article_id not in seen:
            seen.add(article_id)
            keyed.append(KeyedEntry(entry, article_id, raw_hash(entry, settings=settings)))
    return keyed


def process_feed(
    parsed: ParsedFeed,
    source: FeedSource,
    *,
    now: datetime,
    keyed: Sequence[KeyedEntry] | None = None,
) -> list[Article]:
    """Process every entry of a parsed feed, in feed order, without duplicate ids; or only
    ``keyed``, a selection from ``keyed_entries(parsed)``."""
    return [
        process_entry(
            k.entry,
            source,
            feed_link=parsed.link,
            now=now,
            article_id=k.article_id,
            raw_hash=k.raw_hash,
        )
        for k in (keyed_entries(parsed) if keyed is None else keyed)
    ]
