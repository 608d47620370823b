"""Helpers shared by the RSS, Atom and JSON Feed mappers: namespaces, URLs, notes."""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from newsdesk.parse.dates import parse_date

__all__ = ["NS", "Notes", "clean", "is_alternate", "plain_to_html", "resolve"]


class NS:
    """Namespace URIs the mappers read."""

    ATOM = "http://www.w3.org/2005/Atom"
    ATOM03 = "http://purl.org/atom/ns#"
    CONTENT = "http://purl.org/rss/1.0/modules/content/"
    DC = "http://purl.org/dc/elements/1.1/"
    DCTERMS = "http://purl.org/dc/terms/"
    FEEDBURNER = "http://rssnamespace.org/feedburner/ext/1.0"
    ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
    MEDIA = "http://search.yahoo.com/mrss/"
    RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    RSS090 = "http://my.netscape.com/rdf/simple/0.9/"
    RSS10 = "http://purl.org/rss/1.0/"
    XHTML = "http://www.w3.org/1999/xhtml"


_ABSOLUTE = ("http://", "https://")
_MAX_NOTES = 20


class Notes:
    """Collects repair warnings for one feed, keeping the list short and readable."""

    def __init__(self, initial: list[str] | tuple[str, ...] = ()) -> None:
        self._items: list[str] = []
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


def is_alternate(link: Any) -> bool:
    """A ``<link>`` whose rel is ``alternate`` (the default): the entry's own page."""
    return (link.get("rel") or "alternate").strip() == "alternate"
