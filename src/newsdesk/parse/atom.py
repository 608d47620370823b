"""Atom 1.0 and Atom 0.3 mapped onto Entry.

Entries are read by ``entry.EntryFields`` like RSS items; Atom's own elements get keys
``atom:title``, ``atom:content`` …, whose handlers follow the text-construct rules
(``bodies.text_construct``). An Atom feed in another namespace, or in none, is read the
same way, with a warning.
"""

from __future__ import annotations

from newsdesk.models import ParsedFeed
from newsdesk.parse.bodies import title_of_construct
from newsdesk.parse.entry import EntryFields, absolute
from newsdesk.parse.fields import ATOM_KEYS, NS, Notes, attr, clean, is_alternate
from newsdesk.parse.xml import Element

__all__ = ["map_atom"]


def map_atom(root: Element, url: str, notes: Notes, *, bases: str | None = None) -> ParsedFeed:
    """Map a ``<feed>`` root (Atom 1.0 or 0.3)."""
    ns = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    fmt = "atom03" if ns == NS.ATOM03 else "atom10"
    keys = ATOM_KEYS
    if ns not in (NS.ATOM, NS.ATOM03):
        notes.add(f"Atom feed in unexpected namespace {ns!r}")
        keys = keys.with_core(ns)
    title: str | None = None
    link: str | None = None
    entries = []
    for child in root:
        if not isinstance(child.tag, str):
            continue
        key = keys(child.tag)
        if key == "atom:entry":
            fields = EntryFields(url, keys, bases)
            fields.read(child)
            entries.append(fields.build(notes))
        elif key == "atom:title" and title is None:
            title = clean(title_of_construct(child))
        elif key == "atom:link" and link is None and is_alternate(child):
            link = absolute(child, attr(child, "href"), url)
    if not entries:
        notes.lead("no entries: the feed has no <entry> elements")
    return ParsedFeed(format=fmt, title=title or "", link=link, entries=tuple(entries))
