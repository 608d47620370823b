"""Helpers shared by the mappers: namespaces and element keys, attributes, URLs, notes."""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from newsdesk.parse.dates import parse_date

__all__ = [
    "ATOM_KEYS",
    "NS",
    "RSS_KEYS",
    "KeyMap",
    "Notes",
    "attr",
    "clean",
    "is_alternate",
    "plain_to_html",
    "resolve",
]


class NS:
    """Namespace URIs the mappers read."""

    ATOM = "http://www.w3.org/2005/Atom"
    ATOM03 = "http://purl.org/atom/ns#"
    CONTENT = "http://purl.org/rss/1.0/modules/content/"
    DC = "http://purl.org/dc/elements/1.1/"
    DC10 = "http://purl.org/dc/elements/1.0/"
    DCTERMS = "http://purl.org/dc/terms/"
    FEEDBURNER = "http://rssnamespace.org/feedburner/ext/1.0"
    ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
    ITUNES_CAPS = (
        "http://www.itunes.com/DTDs/Podcast-1.0.dtd"  # as Apple's own docs once spelled it
    )
    MEDIA = "http://search.yahoo.com/mrss/"
    MEDIA_NO_SLASH = "http://search.yahoo.com/mrss"  # common typo
    RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    RSS090 = "http://my.netscape.com/rdf/simple/0.9/"
    RSS10 = "http://purl.org/rss/1.0/"
    RSS11 = "http://purl.org/net/rss1.1#"
    RSS2_USERLAND = "http://backend.userland.com/rss2"
    RSS2_HARVARD = "http://blogs.law.harvard.edu/tech/rss"
    SYNDICATION = "http://purl.org/rss/1.0/modules/syndication/"
    XHTML = "http://www.w3.org/1999/xhtml"


_PREFIXES = {
    NS.CONTENT: "content",
    NS.DC: "dc",
    NS.DC10: "dc",
    NS.DCTERMS: "dcterms",
    NS.MEDIA: "media",
    NS.MEDIA_NO_SLASH: "media",
    NS.ITUNES: "itunes",
    NS.ITUNES_CAPS: "itunes",
    NS.FEEDBURNER: "feedburner",
    NS.RDF: "rdf",
    NS.SYNDICATION: "sy",
    NS.XHTML: "xhtml",
    NS.ATOM: "atom",
    NS.ATOM03: "atom",
}
_RSS_CORE = (NS.RSS10, NS.RSS090, NS.RSS11, NS.RSS2_USERLAND, NS.RSS2_HARVARD)
_KEY_CACHE_LIMIT = 4096  # tags come from untrusted input: bound each cache


class KeyMap:
    """Element tag -> short lower-case key: ``"pubdate"``, ``"dc:creator"``, ``"atom:link"``.

    ``core`` namespaces give bare names (``"item"``); known extension namespaces give
    ``prefix:name`` whatever prefix the feed used; an undeclared prefix survives lxml's
    recovery as a tag named ``itunes:x`` and so maps the same way; unknown namespaces
    give ``"?:name"``. Names are lower-cased: feeds write ``<PubDate>`` and ``<ITEM>``.
    """

    def __init__(self, core: tuple[str, ...], *, bare_prefix: str = "") -> None:
        self._prefixes = dict(_PREFIXES)
        for uri in core:
            self._prefixes[uri] = bare_prefix
        self._bare = bare_prefix
        self.cache: dict[str, str] = {}

    def with_core(self, uri: str) -> KeyMap:
        """A map that also reads ``uri`` as core (a feed's own unknown default namespace)."""
        if self._prefixes.get(uri) == self._bare:
            return self
        extra = tuple(u for u, p in self._prefixes.items() if p == self._bare)
        return KeyMap((*extra, uri), bare_prefix=self._bare)

    def __call__(self, tag: str) -> str:
        key = self.cache.get(tag)
        if key is None:
            if tag.startswith("{"):
                uri, local = tag[1:].split("}", 1)
                prefix = self._prefixes.get(uri, "?")
            elif ":" in tag:  # an undeclared prefix, kept as written
                prefix, local = tag.split(":", 1)
                prefix = prefix.lower()
            else:
                prefix, local = self._bare, tag
            local = local.lower()
            key = f"{prefix}:{local}" if prefix else local
            if len(self.cache) < _KEY_CACHE_LIMIT:
                self.cache[tag] = key
        return key


RSS_KEYS = KeyMap(("", *_RSS_CORE))
ATOM_KEYS = KeyMap((NS.ATOM, NS.ATOM03, ""), bare_prefix="atom")


_ABSOLUTE = ("http://", "https://")
_MAX_NOTES = 20


class Notes:
    """Collects repair warnings for one feed, keeping the list short and readable."""

    def __init__(self, initial: list[str] | tuple[str, ...] = ()) -> None:
        self._items: list[str] = []
        self._lead: str | None = None  # shown first: why a feed has no entries
        self._dropped = 0  # a hostile feed can produce one warning per item
        self._bad_dates: list[str] = []
        self._bad_date_count = 0
        for message in initial:
            self.add(message)

    def add(self, message: str) -> None:
        if message in self._items:
            return
        if len(self._items) < _MAX_NOTES:
            self._items.append(message)
        else:
            self._dropped += 1

    def lead(self, message: str) -> None:
        """The one note that must be seen first (the run table shows only two)."""
        if self._lead is None:
            self._lead = message

    @property
    def has_lead(self) -> bool:
        return self._lead is not None

    def date(self, value: str | None) -> datetime | None:
        """``parse_date``, remembering values it could not read."""
        parsed = parse_date(value)
        if parsed is None and value and value.strip():
            self._bad_date_count += 1
            if not self._bad_dates:
                self._bad_dates.append(value.strip()[:60])
        return parsed

    def result(self) -> tuple[str, ...]:
        items = list(self._items)
        if self._bad_date_count:
            example = self._bad_dates[0]
            items.insert(0, f"{self._bad_date_count} unparseable date(s), e.g. {example!r}")
        if self._lead is not None:
            items.insert(0, self._lead)
        if len(items) > _MAX_NOTES or self._dropped:
            more = len(items) - (_MAX_NOTES - 1) + self._dropped
            items = [*items[: _MAX_NOTES - 1], f"… and {more} more"]
        return tuple(items)


def clean(value: str | None) -> str | None:
    """Stripped text, or None when nothing is left."""
    if value is None:
        return None
    value = value.strip()
    return value or None


def resolve(base: str, href: str | None) -> str | None:
    """``href`` made absolute against ``base``; None for empty or unusable values."""
    href = clean(href)
    if href is None:
        return None
    if href.startswith(_ABSOLUTE):
        return href
    try:
        return urljoin(base, href)
    except ValueError:  # e.g. an invalid IPv6 literal
        return href


def plain_to_html(text: str | None) -> str | None:
    """Plain text (Atom type="text", JSON content_text) escaped for use as HTML."""
    if text is None or not text.strip():
        return None
    return html.escape(text, quote=False).replace("\n", "<br>\n")


def attr(el: Any, name: str) -> str | None:
    """Attribute ``name`` (lower case), however the feed capitalised it (CDF: ``HREF``)."""
    value = el.get(name)
    if value is not None or not len(el.attrib):
        return value
    for key, found in el.attrib.items():
        if key.lower() == name:
            return str(found)
    return None


def is_alternate(link: Any) -> bool:
    """A ``<link>`` whose rel is ``alternate`` (the default): the entry's own page."""
    return (attr(link, "rel") or "alternate").strip().lower() == "alternate"
