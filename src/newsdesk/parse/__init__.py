"""The parse stage: feed bytes -> ParsedFeed.

    parse_feed(body, url, content_type=None) -> ParsedFeed   raises ParseError

Steps: ``encoding`` (bytes -> UTF-8), ``document`` (prolog, entity and mojibake repairs,
then ``xml``: the one module that imports lxml), then one mapper per format: ``rss``
(RSS 0.9x/1.0/1.1/2.0 and CDF), ``atom`` (1.0 and 0.3), ``jsonfeed``. The XML mappers
read items with ``entry`` (every element a handler), bodies and titles with ``bodies``,
dates with ``dates``. This module only detects the format and hands off.
"""

from __future__ import annotations

import dataclasses

from newsdesk.errors import ParseError
from newsdesk.models import ParsedFeed
from newsdesk.parse.atom import map_atom
from newsdesk.parse.document import read_document
from newsdesk.parse.encoding import decode_body
from newsdesk.parse.fields import Notes
from newsdesk.parse.jsonfeed import map_json
from newsdesk.parse.rss import map_rss
from newsdesk.parse.xml import local_name

__all__ = ["parse_feed"]

_BLANK = b" \t\r\n\x00"


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
    """Read an RSS, RDF, Atom, CDF or JSON Feed document.

    ``url`` is the feed's address (relative links resolve against it);
    ``content_type`` is the HTTP header, whose charset outranks the XML
    declaration. Malformed but readable feeds are read and the repairs listed
    in ``ParsedFeed.warnings``; a feed without entries says why in its first
    warning; unreadable documents raise ParseError naming the cause.
    """
    if not body.strip(_BLANK):
        raise ParseError("empty document")
    decoded = decode_body(body, content_type)
    notes = Notes(list(decoded.warnings))
    data = decoded.utf8
    start = data.lstrip(_BLANK)[:1]
    if not start:
        raise ParseError("empty document")

    if start in (b"{", b"["):
        feed = map_json(data, url, notes)
    else:
        root, uses_base = read_document(data, url, notes)
        bases = url if uses_base else None
        name = local_name(root)
        if name in ("rss", "rdf", "channel"):
            feed = map_rss(root, url, notes, bases=bases)
        elif name == "feed":
            feed = map_atom(root, url, notes, bases=bases)
        elif name == "html":
            raise ParseError("not a feed: looks like an HTML page")
        else:
            raise ParseError(f"not a feed: root element is <{name[:40]}>")
    if not feed.entries and not notes.has_lead:
        notes.lead("no entries: the document lists no items")
    return dataclasses.replace(feed, encoding=decoded.encoding, warnings=notes.result())
