"""The quirk corpus: one small feed per quirk, its expected fields in a TOML file beside it.

    tests/parse/quirks/<area>/<quirk-name>.xml    the feed (bytes exactly as a server sends)
    tests/parse/quirks/<area>/<quirk-name>.toml   what a reader must get from it

Expectation keys, all optional (strings compare with whitespace runs collapsed):

    why          one line: the quirk, and where the rule comes from
    content_type the HTTP Content-Type the feed is served with
    error        the ParseError message contains this (the document is not a feed)
    format       newsdesk's format name ("rss20", "atom10", "cdf", …)
    entries      how many entries
    warning      some warning contains this
    feed_title   the feed's title, as plain text
    [entry]      the first entry: title (plain text a reader sees), link, guid, author,
                 body (the visible text of the richest body), body_has (substrings of its
                 HTML), date (published, else updated; ISO 8601, "" = no date; without an
                 offset the feed's zone applies), updated, categories, image, enclosures

``extract_newsdesk`` and ``extract_feedparser`` read the same fields from each parser, so
``tests/parse/test_quirks.py`` and ``benchmarks/quirks.py`` judge both by one rulebook.
"""

from __future__ import annotations

import calendar
import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from newsdesk.clean.text import clean_title
from newsdesk.errors import ParseError
from newsdesk.parse import parse_feed

QUIRKS = Path(__file__).parent / "quirks"
URL = "http://example.org/feed.xml"
ENTRY_FIELDS = (
    "title",
    "link",
    "guid",
    "author",
    "body",
    "body_has",
    "date",
    "updated",
    "categories",
    "image",
    "enclosures",
)
FEED_FIELDS = ("error", "entries", "feed_title")
_SPACES = re.compile(r"\s+")
Value = str | int | list[str] | datetime | None


@dataclass(frozen=True)
class Quirk:
    area: str
    name: str
    path: Path
    expected: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.area}/{self.name}"

    @property
    def entry(self) -> dict[str, Any]:
        return dict(self.expected.get("entry", {}))


def load_quirks(root: Path = QUIRKS) -> list[Quirk]:
    """Every fixture with its sidecar, sorted by area and name."""
    quirks = []
    for sidecar in sorted(root.glob("*/*.toml")):
        feeds = [p for p in sidecar.parent.glob(sidecar.stem + ".*") if p.suffix != ".toml"]
        if len(feeds) != 1:
            raise ValueError(f"{sidecar}: expected one feed file beside it, found {feeds}")
        expected = tomllib.loads(sidecar.read_text(encoding="utf-8"))
        quirks.append(Quirk(sidecar.parent.name, sidecar.stem, feeds[0], expected))
    return quirks


def orphans(root: Path = QUIRKS) -> list[Path]:
    """Feed files without a sidecar."""
    return sorted(
        p for p in root.glob("*/*") if p.suffix != ".toml" and not p.with_suffix(".toml").exists()
    )


# -- what each parser says, in one shape --------------------------------------------------


@dataclass
class Reading:
    """The fields one parser read from one fixture (None: the parser refused it)."""

    error: str | None = None
    entries: int = 0
    feed_title: str | None = None
    entry: dict[str, Value] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    format: str | None = None


def visible_text(html: str) -> str:
    """What a browser shows of an HTML fragment (inline elements add no spaces)."""
    if "<" not in html and "&" not in html:
        return html
    return LexborHTMLParser(html, is_fragment=True).text(separator="")


def _text(value: str | None) -> str | None:
    if value is None:
        return None
    return _SPACES.sub(" ", value).strip()


def extract_newsdesk(quirk: Quirk) -> Reading:
    data = quirk.path.read_bytes()
    try:
        feed = parse_feed(data, URL, quirk.expected.get("content_type"))
    except ParseError as exc:
        return Reading(error=str(exc))
    reading = Reading(
        entries=len(feed.entries),
        feed_title=_text(clean_title(feed.title)),
        warnings=feed.warnings,
        format=feed.format,
    )
    if feed.entries:
        e = feed.entries[0]
        body = e.content_html or e.summary_html or ""
        reading.entry = {
            "title": _text(clean_title(e.title)),
            "link": e.link,
            "guid": e.guid,
            "author": _text(e.author),
            "body": _text(visible_text(body)),
            "body_has": body,
            "date": e.published or e.updated,
            "updated": e.updated,
            "categories": list(e.categories),
            "image": e.thumbnail,
            "enclosures": [x.url for x in e.enclosures],
        }
    return reading


def extract_feedparser(quirk: Quirk) -> Reading:
    import feedparser

    # application/xml without a charset: "the document says" (as when newsdesk gets None)
    headers = {
        "content-location": URL,
        "content-type": quirk.expected.get("content_type", "application/xml"),
    }
    try:
        result = feedparser.parse(quirk.path.read_bytes(), response_headers=headers)
    except Exception as exc:  # a crash is a wrong reading, not a failure of the harness
        return Reading(error=f"feedparser crashed: {exc!r}")
    if not result.entries and not result.get("version"):  # feedparser's "not a feed"
        return Reading(error=str(result.get("bozo_exception", "not a feed")))
    title = result.feed.get("title")
    reading = Reading(entries=len(result.entries), feed_title=_text(title))
    if result.entries:
        e = result.entries[0]
        content = e.get("content") or []
        body = content[0].get("value", "") if content else e.get("summary", "")
        title_type = (e.get("title_detail") or {}).get("type")
        title_html = title_type in ("text/html", "application/xhtml+xml")
        raw_title = e.get("title")
        reading.entry = {
            "title": _text(visible_text(raw_title) if title_html and raw_title else raw_title),
            "link": e.get("link") or None,
            "guid": e.get("id"),
            "author": _text(e.get("author")),
            "body": _text(visible_text(body)),
            "body_has": body,
            "date": _struct(
                e.get("published_parsed") or e.get("updated_parsed") or e.get("created_parsed")
            ),
            "updated": _struct(e.get("updated_parsed")),
            "categories": [t.get("term") for t in e.get("tags", []) if t.get("term")],
            "image": _feedparser_image(e),
            "enclosures": [x.get("href") for x in e.get("enclosures", []) if x.get("href")],
        }
    return reading


def _struct(value: Any) -> datetime | None:
    if value is None:
        return None
    return datetime.fromtimestamp(calendar.timegm(value), UTC)


def _feedparser_image(e: Any) -> str | None:
    for thumb in e.get("media_thumbnail", []):
        if thumb.get("url"):
            return str(thumb["url"])
    for media in e.get("media_content", []):
        kind = media.get("medium") or media.get("type") or ""
        if (kind == "image" or kind.startswith("image/")) and media.get("url"):
            return str(media["url"])
    image = e.get("image")
    if isinstance(image, dict) and image.get("href"):
        return str(image["href"])
    return None


# -- judging --------------------------------------------------------------------------------


def expected_date(text: str) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _same_date(got: Any, want: datetime | None, *, baseline: bool) -> bool:
    if want is None or got is None:
        return want is None and got is None
    if baseline:  # feedparser reads a date without a zone as UTC, to the second
        want = want if want.tzinfo is not None else want.replace(tzinfo=UTC)
        return bool(got == want.replace(microsecond=0))
    if (got.tzinfo is None) != (want.tzinfo is None):
        return False  # naive means "the feed's zone": it must stay naive, and only then
    return bool(got == want)


def judge(field_name: str, want: Any, reading: Reading, *, baseline: bool = False) -> bool:
    """Did ``reading`` get the expected value for ``field_name``?

    ``baseline``: judging feedparser, whose messages differ and which reads dates without
    a zone as UTC, to the second.
    """
    if field_name == "error":
        return reading.error is not None and (baseline or want in reading.error)
    if reading.error is not None:
        return False
    if field_name == "entries":
        return reading.entries == want
    if field_name == "feed_title":
        return reading.feed_title == _text(want)
    got = reading.entry.get(field_name)
    if field_name in ("date", "updated"):
        return _same_date(got, expected_date(want), baseline=baseline)
    if field_name == "body_has":
        return all(part in str(got or "") for part in want)
    if isinstance(want, list):
        return got == want
    if isinstance(want, str):
        return (_text(got) if isinstance(got, str) else got) == (_text(want) or None)
    return bool(got == want)


def expectations(quirk: Quirk) -> Iterator[tuple[str, Any]]:
    """(field, expected value) pairs, feed fields first."""
    for name in FEED_FIELDS:
        if name in quirk.expected:
            yield name, quirk.expected[name]
    for name, value in quirk.entry.items():
        yield name, value


Extractor = Callable[[Quirk], Reading]
