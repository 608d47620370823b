"""RSS 0.9x / 2.0 and RSS 1.0 (RDF) mapped onto Entry.

Each child element is looked up once by a short key (``"pubDate"``,
``"dc:creator"``); RSS 1.0's namespace counts as "no namespace" so one mapper
reads both. An undeclared prefix (``itunes:x`` without xmlns) survives lxml's
recovery as a plain tag named ``itunes:x`` and so maps the same way.
"""

from __future__ import annotations

from newsdesk.models import Enclosure, Entry, ParsedFeed
from newsdesk.parse.fields import NS, Notes, clean, is_alternate, resolve
from newsdesk.parse.xml import Element, inner_markup, text_of

__all__ = ["map_rss"]

_CORE = {"", NS.RSS10, NS.RSS090}
_PREFIXES = {
    NS.CONTENT: "content",
    NS.DC: "dc",
    NS.DCTERMS: "dcterms",
    NS.MEDIA: "media",
    "http://search.yahoo.com/mrss": "media",  # common typo, no trailing slash
    NS.ATOM: "atom",
    NS.ITUNES: "itunes",
    NS.FEEDBURNER: "feedburner",
    NS.RDF: "rdf",
    "http://purl.org/rss/1.0/modules/syndication/": "sy",
}
_DAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
_KEYS: dict[str, str] = {}  # Clark tag -> key; tags repeat, so lookups are cached


def _key(tag: str) -> str:
    key = _KEYS.get(tag)
    if key is None:
        if tag.startswith("{"):
            uri, local = tag[1:].split("}", 1)
            key = local if uri in _CORE else f"{_PREFIXES.get(uri, '?')}:{local}"
        else:
            key = tag
        if len(_KEYS) < 4096:  # tags come from untrusted input: bound the cache
            _KEYS[tag] = key
    return key


def map_rss(root: Element, url: str, notes: Notes) -> ParsedFeed:
    """Map an ``<rss>`` or ``<rdf:RDF>`` root."""
    if root.tag.endswith("RDF"):  # {rdf}RDF, or a bare RDF when the prefix was undeclared
        fmt = "rss09x" if root.nsmap.get(None) == NS.RSS090 else "rss10"
    else:
        version = (root.get("version") or "2.0").strip()
        fmt = "rss09x" if version.startswith("0.9") else "rss20"

    channel = next((c for c in root if isinstance(c.tag, str) and _key(c.tag) == "channel"), None)
    # RSS 2.0 keeps items in <channel>; RSS 1.0 and broken feeds put them beside it.
    items = [c for c in root if isinstance(c.tag, str) and _key(c.tag) == "item"]
    title = link = None
    ttl = period = frequency = None
    skip_hours: set[int] = set()
    skip_days: set[str] = set()
    if channel is not None:
        items = [c for c in channel if isinstance(c.tag, str) and _key(c.tag) == "item"] + items
        for child in channel:
            if not isinstance(child.tag, str):
                continue
            key = _key(child.tag)
            if key == "title" and title is None:
                title = clean(text_of(child))
            elif key == "link" and link is None:
                link = resolve(url, text_of(child))
            elif key == "atom:link" and link is None and is_alternate(child):
                link = resolve(url, child.get("href"))
            elif key == "ttl":
                ttl = _minutes(text_of(child), notes)
            elif key == "skipHours":
                skip_hours = {int(h) for h in _texts(child) if _is_number(h) and int(h) < 24}
            elif key == "skipDays":
                skip_days = {d.capitalize() for d in _texts(child) if d.lower() in _DAYS}
            elif key == "sy:updatePeriod":
                period = text_of(child).strip().lower() or None
            elif key == "sy:updateFrequency":
                value = text_of(child).strip()
                frequency = int(value) if _is_number(value) and len(value) < 6 else None
    entries = tuple(_entry(item, url, notes) for item in items)
    return ParsedFeed(
        format=fmt,
        title=title or "",
        link=link,
        entries=entries,
        ttl_minutes=ttl,
        skip_hours=frozenset(skip_hours),
        skip_days=frozenset(skip_days),
        update_period=period,
        update_frequency=frequency,
    )


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


def _entry(item: Element, url: str, notes: Notes) -> Entry:
    guid = link = orig_link = title = content = summary = None
    pub = dc_date = updated = author = thumbnail = None
    guid_is_link = True
    categories: list[str] = []
    enclosures: list[Enclosure] = []
    for child in item:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        key = _key(tag)
        if key == "title":
            title = text_of(child)
        elif key == "link":
            link = link or clean(text_of(child))
        elif key == "guid":
            guid = clean(text_of(child))
            guid_is_link = (child.get("isPermaLink") or "true").strip().lower() != "false"
        elif key == "description":
            summary = inner_markup(child)
        elif key == "content:encoded":
            content = inner_markup(child)
        elif key == "pubDate":
            pub = pub or text_of(child)
        elif key in ("dc:date", "dcterms:modified"):
            dc_date = dc_date or text_of(child)
        elif key == "atom:updated":
            updated = updated or text_of(child)
        elif key in ("dc:creator", "author", "itunes:author"):
            # dc:creator is a name; RSS <author> is usually an e-mail address.
            if author is None or key == "dc:creator":
                author = clean(text_of(child)) or author
        elif key in ("category", "dc:subject"):
            category = clean(text_of(child))
            if category:
                categories.append(category)
        elif key == "enclosure":
            href = resolve(url, child.get("url"))
            if href:
                enclosures.append(Enclosure(href, clean(child.get("type"))))
        elif key == "feedburner:origLink":
            orig_link = clean(text_of(child))
        elif key == "atom:link" and link is None and is_alternate(child):
            link = clean(child.get("href"))
        elif thumbnail is None and key.startswith(("media:", "itunes:image")):
            thumbnail = _thumbnail(child, key)
    if guid is None:
        guid = clean(item.get(f"{{{NS.RDF}}}about"))  # RSS 1.0 identity
    if link is None and guid and guid_is_link and guid.startswith(("http://", "https://")):
        link = guid
    relative = link is not None and not link.startswith(("http://", "https://"))
    base = (item.base or url) if relative else url  # .base honours xml:base; only when needed
    pub_date, dc_parsed = notes.date(pub), notes.date(dc_date)
    return Entry(
        guid=guid,
        link=resolve(base, orig_link or link),
        title=(title or "").strip(),
        content_html=content,
        summary_html=summary,
        published=pub_date or dc_parsed,
        updated=notes.date(updated) or dc_parsed,
        author=author,
        categories=tuple(categories),
        enclosures=tuple(enclosures),
        thumbnail=resolve(url, thumbnail),
    )


def _thumbnail(el: Element, key: str) -> str | None:
    if key == "media:thumbnail":
        return el.get("url")
    if key == "itunes:image":
        return el.get("href")
    if key == "media:content":
        kind = el.get("medium") or el.get("type") or ""
        return el.get("url") if kind == "image" or kind.startswith("image/") else None
    if key == "media:group":
        for child in el:
            if isinstance(child.tag, str):
                found = _thumbnail(child, _key(child.tag))
                if found:
                    return found
    return None
