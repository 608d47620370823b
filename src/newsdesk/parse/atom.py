"""Atom 1.0 and Atom 0.3 mapped onto Entry.

Text constructs follow RFC 4287 §3.1: ``type="html"`` is escaped HTML (taken
as is), ``type="xhtml"`` is markup inside a wrapper div (its children are
serialised as HTML, so escaped text in ``<pre>`` stays escaped), and
``type="text"`` is plain text (escaped to become HTML).
"""

from __future__ import annotations

from newsdesk.models import Enclosure, Entry, ParsedFeed
from newsdesk.parse.fields import NS, Notes, clean, is_alternate, plain_to_html, resolve
from newsdesk.parse.xml import Element, inner_markup, text_of, xhtml_children_html

__all__ = ["map_atom"]

_MEDIA = (NS.MEDIA, "http://search.yahoo.com/mrss")


def map_atom(root: Element, url: str, notes: Notes) -> ParsedFeed:
    """Map a ``<feed>`` root (Atom 1.0 or 0.3)."""
    ns = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    fmt = "atom03" if ns == NS.ATOM03 else "atom10"
    if ns not in (NS.ATOM, NS.ATOM03):
        notes.add(f"Atom feed in unexpected namespace {ns!r}")
    title: str | None = None
    link: str | None = None
    entries: list[Entry] = []
    for child in root:
        if not isinstance(child.tag, str):
            continue
        local = _local(child.tag, ns)
        if local == "entry":
            entries.append(_entry(child, ns, url, notes))
        elif local == "title" and title is None:
            title = clean(text_of(child))
        elif local == "link" and link is None and is_alternate(child):
            link = _href(child, url)
    return ParsedFeed(format=fmt, title=title or "", link=link, entries=tuple(entries))


def _local(tag: str, ns: str) -> str | None:
    """The local name for elements in the feed's own namespace, else None."""
    if ns:
        prefix = f"{{{ns}}}"
        return tag[len(prefix) :] if tag.startswith(prefix) else None
    return None if tag.startswith("{") else tag


def _href(link: Element, url: str) -> str | None:
    href = clean(link.get("href"))
    if href is None or href.startswith(("http://", "https://")):
        return href
    return resolve(link.base or url, href)  # .base applies xml:base chains


def _entry(entry: Element, ns: str, url: str, notes: Notes) -> Entry:
    guid = link = title = content = summary = None
    published = updated = author = thumbnail = orig_link = None
    categories: list[str] = []
    enclosures: list[Enclosure] = []
    for child in entry:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        local = _local(tag, ns)
        if local == "id":
            guid = clean(text_of(child))
        elif local == "title":
            title = text_of(child) if child.get("type") != "xhtml" else _text_construct(child)
        elif local == "link":
            rel = (child.get("rel") or "alternate").strip()
            if rel == "alternate" and link is None:
                link = _href(child, url)
            elif rel == "enclosure":
                href = _href(child, url)
                if href:
                    enclosures.append(Enclosure(href, clean(child.get("type"))))
        elif local == "content":
            content = _text_construct(child)
        elif local == "summary":
            summary = _text_construct(child)
        elif local in ("published", "issued", "created"):
            published = published or notes.date(text_of(child))
        elif local in ("updated", "modified"):
            updated = notes.date(text_of(child))
        elif local == "author" and author is None:
            author = _person(child, ns)
        elif local == "category":
            term = clean(child.get("term")) or clean(child.get("label")) or clean(text_of(child))
            if term:
                categories.append(term)
        elif tag == f"{{{NS.FEEDBURNER}}}origLink":
            orig_link = resolve(url, text_of(child))
        elif thumbnail is None and tag.startswith("{") and tag[1:].split("}")[0] in _MEDIA:
            thumbnail = _media_image(child)
    return Entry(
        guid=guid,
        link=orig_link or link,
        title=(title or "").strip(),
        content_html=content,
        summary_html=summary,
        published=published,
        updated=updated,
        author=author,
        categories=tuple(categories),
        enclosures=tuple(enclosures),
        thumbnail=resolve(url, thumbnail),
    )


def _text_construct(el: Element) -> str | None:
    kind = (el.get("type") or "text").strip().lower()
    mode = el.get("mode")  # Atom 0.3: escaped / xml / base64
    if kind == "xhtml" or mode == "xml" or kind == "application/xhtml+xml":
        return xhtml_children_html(el) or None
    if kind in ("html", "text/html") or mode == "escaped":
        return inner_markup(el) or None
    if len(el):  # "text" with child markup is a broken feed: keep the markup
        return inner_markup(el)
    return plain_to_html(el.text)


def _person(el: Element, ns: str) -> str | None:
    for child in el:
        if isinstance(child.tag, str) and _local(child.tag, ns) == "name":
            return clean(text_of(child))
    return clean(text_of(el))


def _media_image(el: Element) -> str | None:
    local = el.tag.split("}", 1)[1]
    if local == "thumbnail":
        return el.get("url")
    if local == "content":
        kind = el.get("medium") or el.get("type") or ""
        return el.get("url") if kind == "image" or kind.startswith("image/") else None
    if local == "group":
        for child in el:
            if isinstance(child.tag, str) and child.tag.startswith("{"):
                found = _media_image(child)
                if found:
                    return found
    return None
