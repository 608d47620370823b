"""RSS 0.9x / 2.0, RSS 1.0 (RDF), RSS 1.1 and CDF mapped onto Entry.

One mapper reads them all: element names are looked up case-insensitively by short key
(``fields.KeyMap``), the RSS 1.0/1.1 and the old UserLand / Harvard RSS 2 namespaces
count as "no namespace", and so does a feed's own unknown default namespace. CDF
(``<CHANNEL><ITEM HREF="…" LASTMOD="…"><TITLE>…<ABSTRACT>…``) is RSS's ancestor and maps
the same way, its link and date taken from attributes.
"""

from __future__ import annotations

from newsdesk.models import Entry, ParsedFeed
from newsdesk.parse.entry import EntryFields
from newsdesk.parse.fields import NS, RSS_KEYS, KeyMap, Notes, attr, clean, is_alternate, resolve
from newsdesk.parse.xml import Element, text_of

__all__ = ["map_rss"]

_DAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
_KNOWN_ROOT_NAMESPACES = frozenset(
    {"", NS.RDF, NS.RSS10, NS.RSS090, NS.RSS11, NS.RSS2_USERLAND, NS.RSS2_HARVARD}
)


def _format(root: Element) -> str:
    tag = root.tag
    namespace = tag[1:].split("}", 1)[0] if tag.startswith("{") else ""
    name = tag.rsplit("}", 1)[-1].lower()
    if name.endswith("rdf"):  # {rdf}RDF, or a bare RDF when the prefix was undeclared
        return "rss09x" if root.nsmap.get(None) == NS.RSS090 else "rss10"
    if name == "channel":
        return "rss11" if namespace == NS.RSS11 else "cdf"
    version = (attr(root, "version") or "2.0").strip()
    return "rss09x" if version.startswith("0.9") else "rss20"


def map_rss(root: Element, url: str, notes: Notes, *, bases: str | None = None) -> ParsedFeed:
    """Map an ``<rss>``, ``<rdf:RDF>`` or ``<channel>`` (CDF, RSS 1.1) root."""
    fmt = _format(root)
    keys = RSS_KEYS
    namespace = root.nsmap.get(None)
    if namespace and namespace not in _KNOWN_ROOT_NAMESPACES:
        keys = keys.with_core(namespace)
    if fmt in ("cdf", "rss11"):
        channel: Element | None = root
        items = []
    else:
        channel = next(
            (c for c in root if isinstance(c.tag, str) and keys(c.tag) == "channel"), None
        )
        # RSS 2.0 keeps items in <channel>; RSS 1.0 and broken feeds put them beside it.
        items = _items(root, keys)
    feed = _Channel()
    if channel is not None:
        items = _items(channel, keys) + items
        feed.read(channel, keys, url, notes)
    entries = tuple(_entry(item, url, keys, notes, bases) for item in items)
    if not entries:
        notes.lead(_why_empty(root, channel, fmt))
    return ParsedFeed(
        format=fmt,
        title=feed.title or "",
        link=feed.link,
        entries=entries,
        ttl_minutes=feed.ttl,
        skip_hours=frozenset(feed.skip_hours),
        skip_days=frozenset(feed.skip_days),
        update_period=feed.period,
        update_frequency=feed.frequency,
    )


def _items(parent: Element, keys: KeyMap) -> list[Element]:
    found = []
    for child in parent:
        if not isinstance(child.tag, str):
            continue
        key = keys(child.tag)
        if key == "item":
            found.append(child)
        elif key == "items":  # RSS 1.1: <items rdf:parseType="Collection"><item>…
            found.extend(c for c in child if isinstance(c.tag, str) and keys(c.tag) == "item")
    return found


def _why_empty(root: Element, channel: Element | None, fmt: str) -> str:
    if channel is None:
        return "no entries: the feed has no <channel> and no <item> elements"
    stray = sum(
        1 for el in root.iter() if isinstance(el.tag, str) and el.tag.lower().endswith("}item")
    )
    if stray:
        return f"no entries: {stray} <item> element(s) are in a namespace that is not RSS"
    noun = "<ITEM>" if fmt == "cdf" else "<item>"
    return f"no entries: the channel has no {noun} elements"


class _Channel:
    """The channel's own fields: title, link, and the rhythm hints for the scheduler."""

    def __init__(self) -> None:
        self.title: str | None = None
        self.link: str | None = None
        self.ttl: int | None = None
        self.period: str | None = None
        self.frequency: int | None = None
        self.skip_hours: set[int] = set()
        self.skip_days: set[str] = set()

    def read(self, channel: Element, keys: KeyMap, url: str, notes: Notes) -> None:
        href = attr(channel, "href")  # CDF
        if href:
            self.link = resolve(url, href)
        for child in channel:
            if not isinstance(child.tag, str):
                continue
            key = keys(child.tag)
            if key in ("title", "dc:title") and self.title is None:
                self.title = clean(text_of(child))
            elif key == "link" and self.link is None:
                self.link = resolve(url, text_of(child))
            elif key == "atom:link" and self.link is None and is_alternate(child):
                self.link = resolve(url, attr(child, "href"))
            elif key == "ttl":
                self.ttl = _minutes(text_of(child), notes)
            elif key == "skiphours":
                self.skip_hours = {int(h) for h in _texts(child) if _is_number(h) and int(h) < 24}
            elif key == "skipdays":
                self.skip_days = {d.capitalize() for d in _texts(child) if d.lower() in _DAYS}
            elif key == "sy:updateperiod":
                self.period = text_of(child).strip().lower() or None
            elif key == "sy:updatefrequency":
                value = text_of(child).strip()
                self.frequency = int(value) if _is_number(value) and len(value) < 6 else None


def _is_number(text: str) -> bool:
    # str.isdigit() accepts "²" and other digits int() refuses; ASCII decimals only.
    return text.isascii() and text.isdecimal()


def _texts(parent: Element) -> list[str]:
    return [text_of(c).strip() for c in parent if isinstance(c.tag, str)]


def _minutes(text: str, notes: Notes) -> int | None:
    text = text.strip()
    if _is_number(text) and len(text) < 9:
        return int(text)
    notes.add(f"ignored <ttl> {text[:20]!r}: not a number of minutes")
    return None


def _entry(item: Element, url: str, keys: KeyMap, notes: Notes, bases: str | None) -> Entry:
    fields = EntryFields(url, keys, bases)
    fields.read(item)
    if fields.guid is None:
        fields.guid = clean(item.get(f"{{{NS.RDF}}}about"))  # RSS 1.0 identity
    if item.attrib:  # CDF: <ITEM HREF="…" LASTMOD="…">
        fields.offer("link", 2, fields.absolute(item, attr(item, "href")))
        lastmod = attr(item, "lastmod")
        if lastmod:
            fields.updated.append((3, lastmod))
    return fields.build(notes)
