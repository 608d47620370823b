"""The parse stage: feed bytes -> ParsedFeed.

    parse_feed(body, url, content_type=None) -> ParsedFeed   raises ParseError

Steps, one module each: ``encoding`` (bytes -> text), ``xml`` (safe, forgiving
lxml parse; the only lxml importer), then one mapper per format: ``rss``,
``atom``, ``jsonfeed``, sharing ``dates`` and ``fields``. This module only
detects the format and hands off, so a new format is a new mapper.
"""

from __future__ import annotations

import dataclasses

from newsdesk.errors import ParseError
from newsdesk.models import ParsedFeed
from newsdesk.parse.atom import map_atom
from newsdesk.parse.encoding import decode_body
from newsdesk.parse.fields import Notes
from newsdesk.parse.jsonfeed import map_json
from newsdesk.parse.rss import map_rss
from newsdesk.parse.xml import looks_like_html, parse_xml, prepare_xml

__all__ = ["parse_feed"]

_BLANK = b" \t\r\n\x00"


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
    """Read an RSS, RDF, Atom or JSON Feed document.

    ``url`` is the feed's address (relative links resolve against it);
    ``content_type`` is the HTTP header, whose charset outranks the XML
    declaration. Malformed but readable feeds are read and the repairs listed
    in ``ParsedFeed.warnings``; unreadable ones raise ParseError.
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
        if looks_like_html(data):
            raise ParseError("not a feed: looks like an HTML page")
        data, repairs = prepare_xml(data)
        root, errors = parse_xml(data, url)
        for message in (*repairs, *errors):
            notes.add(message)
        name = root.tag.rsplit("}", 1)[-1].lower() if isinstance(root.tag, str) else ""
        if name in ("rss", "rdf"):
            feed = map_rss(root, url, notes)
        elif name == "feed":
            feed = map_atom(root, url, notes)
        elif name == "html":
            raise ParseError("not a feed: looks like an HTML page")
        else:
            raise ParseError(f"not a feed: root element is <{name[:40]}>")
    return dataclasses.replace(feed, encoding=decoded.encoding, warnings=notes.result())
