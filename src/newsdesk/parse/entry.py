"""One ``<item>`` or ``<entry>``, read element by element, settled into an ``Entry``.

Shared by the RSS, RDF, CDF and Atom mappers, because feeds mix vocabularies freely:
an RSS item with ``atom:link`` and ``dc:date``, an Atom entry with ``media:group``.
Each element key (see ``fields.KeyMap``) has one handler; a field that several elements
can give keeps the best-ranked one (rank 0 first, the first one seen on a tie):

    title      title / atom:title > dc:title > media:title
    link       feedburner:origLink > link > atom:link (alternate) > CDF HREF > guid (permalink)
    body       the richest of every body element (content:encoded, body, xhtml:body,
               fullitem, content:items, atom:content, description, dc:description,
               itunes:summary, media:description, …), as readers show it
    summary    description / atom:summary > dc:description > itunes:summary > media:description
    published  pubDate / published / issued > dcterms:issued > dc:date > dcterms:created
    updated    updated / modified > dcterms:modified > dc:date
    author     dc:creator > dc:author > atom:author > itunes:author > author
    image      media:thumbnail > media:content (image) > itunes:image > image
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from newsdesk.models import Enclosure, Entry
from newsdesk.parse.bodies import loose_html, markup, text_construct, title_of_construct
from newsdesk.parse.fields import KeyMap, Notes, attr, clean, is_alternate, resolve
from newsdesk.parse.xml import Element, local_name, text_of, visible_text

__all__ = ["EntryFields", "absolute"]

_WEB = ("http://", "https://")


def absolute(el: Element, href: str | None, url: str) -> str | None:
    """``href`` resolved against the xml:base in scope at ``el`` (else the feed URL)."""
    href = clean(href)
    if href is None or href.startswith(_WEB):
        return href
    return resolve(el.base or url, href)


class EntryFields:
    """What one item says, gathered by ``read``; ``build`` makes the Entry."""

    def __init__(self, url: str, keys: KeyMap, bases: str | None) -> None:
        self.url = url
        self.keys = keys
        self.bases = bases  # the document URL when the document uses xml:base
        self.guid: str | None = None
        self.guid_is_link = False
        self.orig_link: str | None = None
        self.best: dict[str, tuple[int, str]] = {}  # field -> (rank, value); see offer()
        self.bodies: list[str] = []
        self.published: list[tuple[int, str]] = []
        self.updated: list[tuple[int, str]] = []
        self.categories: list[str] = []
        self.enclosures: list[Enclosure] = []

    def read(self, parent: Element) -> None:
        """Read every child element of ``parent`` that a handler knows."""
        keys = self.keys
        known = keys.cache  # hot loop: skip the method call for tags seen before
        handlers = _HANDLERS
        for child in parent:
            tag = child.tag
            if isinstance(tag, str):
                handler = handlers.get(known.get(tag) or keys(tag))
                if handler is not None:
                    handler(self, child)

    # -- helpers for the handlers ------------------------------------------------------

    def offer(self, name: str, rank: int, value: str | None) -> None:
        """Keep ``value`` for field ``name`` if it ranks better than what is there."""
        if value is not None and value.strip():
            current = self.best.get(name)
            if current is None or rank < current[0]:
                self.best[name] = (rank, value)

    def value(self, name: str) -> str | None:
        found = self.best.get(name)
        return found[1] if found is not None else None

    def absolute(self, el: Element, href: str | None) -> str | None:
        return absolute(el, href, self.url)

    def body(self, html: str | None, summary_rank: int | None = None) -> None:
        if html is None or not html.strip():
            return
        self.bodies.append(html)
        if summary_rank is not None:
            self.offer("summary", summary_rank, html)

    def date(self, published: int | None, updated: int | None, el: Element) -> None:
        text = text_of(el)
        if published is not None:
            self.published.append((published, text))
        if updated is not None:
            self.updated.append((updated, text))

    # -- the entry ---------------------------------------------------------------------

    def build(self, notes: Notes) -> Entry:
        link = self.orig_link or self.value("link")
        if link is None and self.guid_is_link and self.guid and self.guid.startswith(_WEB):
            link = self.guid
        # The richest body is what a reader shows; on a tie the first (full content) wins.
        content = max(self.bodies, key=len) if self.bodies else None
        return Entry(
            guid=self.guid,
            link=link,
            title=(self.value("title") or "").strip(),
            content_html=content,
            summary_html=self.value("summary"),
            published=_first_date(self.published, notes),
            updated=_first_date(self.updated, notes),
            author=clean(self.value("author")),
            categories=tuple(self.categories),
            enclosures=tuple(self.enclosures),
            thumbnail=self.value("image"),
        )


def _first_date(candidates: list[tuple[int, str]], notes: Notes) -> datetime | None:
    if len(candidates) > 1:
        candidates = sorted(candidates, key=lambda pair: pair[0])
    for _, text in candidates:
        parsed = notes.date(text)
        if parsed is not None:
            return parsed
    return None


# -- handlers, one per element key ----------------------------------------------------------

Handler = Callable[[EntryFields, Element], None]


def _title(rank: int) -> Handler:
    return lambda f, el: f.offer("title", rank, visible_text(el))


def _atom_title(f: EntryFields, el: Element) -> None:
    f.offer("title", 0, title_of_construct(el))


def _link(f: EntryFields, el: Element) -> None:
    href = clean(text_of(el)) or attr(el, "href")  # <link href="…"/> too
    f.offer("link", 0, f.absolute(el, href))


def _atom_link(f: EntryFields, el: Element) -> None:
    rel = (attr(el, "rel") or "alternate").strip().lower()
    if rel == "enclosure":
        href = f.absolute(el, attr(el, "href"))
        if href:
            f.enclosures.append(Enclosure(href, clean(attr(el, "type"))))
    elif is_alternate(el):
        f.offer("link", 1, f.absolute(el, attr(el, "href")))


def _guid(f: EntryFields, el: Element) -> None:
    f.guid = clean(text_of(el))
    permalink = el.get("isPermaLink") or (attr(el, "ispermalink") if el.attrib else None)
    f.guid_is_link = (permalink or "true").strip().lower() != "false"


def _atom_id(f: EntryFields, el: Element) -> None:
    f.guid = f.guid or clean(text_of(el))


def _orig_link(f: EntryFields, el: Element) -> None:
    f.orig_link = f.absolute(el, text_of(el))


def _markup(summary_rank: int | None) -> Handler:
    return lambda f, el: f.body(markup(el, bases=f.bases), summary_rank)


def _loose(summary_rank: int) -> Handler:
    return lambda f, el: f.body(loose_html(el, bases=f.bases), summary_rank)


def _atom_body(summary_rank: int | None) -> Handler:
    return lambda f, el: f.body(text_construct(el, bases=f.bases), summary_rank)


def _content_items(f: EntryFields, el: Element) -> None:
    """RSS 1.0 content:items: rdf:Bag / rdf:li / content:item / rdf:value, HTML or XHTML."""
    for node in el.iter():
        if isinstance(node.tag, str) and local_name(node) == "value":
            f.body(markup(node, bases=f.bases))


def _date(published: int | None, updated: int | None) -> Handler:
    return lambda f, el: f.date(published, updated, el)


def _author(rank: int) -> Handler:
    return lambda f, el: f.offer("author", rank, text_of(el))


def _atom_author(f: EntryFields, el: Element) -> None:
    for child in el:
        if isinstance(child.tag, str) and local_name(child) == "name":
            f.offer("author", 2, text_of(child))
            return
    f.offer("author", 2, text_of(el))


def _category(f: EntryFields, el: Element) -> None:
    term = None
    if el.attrib:  # Atom's term/label, iTunes' text
        term = clean(attr(el, "term")) or clean(attr(el, "label")) or clean(attr(el, "text"))
    term = term or clean(text_of(el))
    if term:
        f.categories.append(term)


def _enclosure(f: EntryFields, el: Element) -> None:
    href = f.absolute(el, attr(el, "url"))
    if href:
        f.enclosures.append(Enclosure(href, clean(attr(el, "type"))))


def _thumbnail(f: EntryFields, el: Element) -> None:
    f.offer("image", 0, f.absolute(el, attr(el, "url")))


def _media_content(f: EntryFields, el: Element) -> None:
    kind = (attr(el, "medium") or attr(el, "type") or "").lower()
    if kind == "image" or kind.startswith("image/"):
        f.offer("image", 1, f.absolute(el, attr(el, "url")))
    f.read(el)  # media:thumbnail, media:title … may sit inside


def _itunes_image(f: EntryFields, el: Element) -> None:
    href = attr(el, "href") or attr(el, "url") or text_of(el)
    f.offer("image", 2, f.absolute(el, href))


def _image(f: EntryFields, el: Element) -> None:
    href = attr(el, "url") or attr(el, "href") or attr(el, "src")
    for child in el:  # <image><url>…</url></image>
        if isinstance(child.tag, str) and local_name(child) == "url":
            href = text_of(child)
    f.offer("image", 3, f.absolute(el, href or text_of(el)))


_HANDLERS: dict[str, Handler] = {
    "title": _title(0),
    "atom:title": _atom_title,
    "dc:title": _title(1),
    "media:title": _title(2),
    "link": _link,
    "atom:link": _atom_link,
    "guid": _guid,
    "atom:id": _atom_id,
    "feedburner:origlink": _orig_link,
    "description": _markup(0),
    "abstract": _markup(0),  # CDF
    "atom:summary": _atom_body(0),
    "dc:description": _markup(1),
    "itunes:summary": _loose(2),
    "media:description": _loose(3),
    "itunes:subtitle": _loose(4),
    "content:encoded": _markup(None),
    "body": _markup(None),
    "xhtml:body": _markup(None),
    "fullitem": _markup(None),
    "content:items": _content_items,
    "atom:content": _atom_body(None),
    "pubdate": _date(0, None),
    "atom:published": _date(0, None),
    "atom:issued": _date(0, None),
    "dcterms:issued": _date(1, None),
    "dc:date": _date(2, 2),
    "dcterms:created": _date(3, None),
    "atom:created": _date(3, None),
    "atom:updated": _date(None, 0),
    "atom:modified": _date(None, 0),
    "dcterms:modified": _date(None, 1),
    "dc:creator": _author(0),
    "dc:author": _author(1),
    "atom:author": _atom_author,
    "itunes:author": _author(3),
    "author": _author(4),
    "category": _category,
    "atom:category": _category,
    "dc:subject": _category,
    "media:category": _category,
    "enclosure": _enclosure,
    "media:thumbnail": _thumbnail,
    "media:content": _media_content,
    "media:group": lambda f, el: f.read(el),
    "itunes:image": _itunes_image,
    "image": _image,
}
