"""Feed bytes (UTF-8) -> an lxml root, after the repairs that keep every character.

prolog   -> the XML declaration, DOCTYPE, comments and PIs before the root dropped
entities -> every ``&`` outside CDATA well-formed (bare ``&``, HTML entities, …)
mojibake -> double-encoded UTF-8 repaired where unambiguous
xml      -> lxml in recover mode, for unclosed documents
"""

from __future__ import annotations

from newsdesk.errors import ParseError
from newsdesk.parse.entities import escape_bare_less_than, needs_entity_pass, repair_references
from newsdesk.parse.fields import Notes
from newsdesk.parse.mojibake import repair_double_utf8
from newsdesk.parse.prolog import looks_like_html, split_prolog
from newsdesk.parse.xml import Element, parse_xml, uses_xml_base

__all__ = ["read_document"]


def read_document(data: bytes, url: str, notes: Notes) -> tuple[Element, bool]:
    """The document's root element, and whether the document uses xml:base.

    Raises ParseError when the bytes hold no XML element (empty, HTML, plain text).
    """
    prolog = split_prolog(data)
    if looks_like_html(data, prolog):
        raise ParseError("not a feed: looks like an HTML page")
    if prolog.start >= len(data):
        raise ParseError("empty document: no root element")
    if prolog.skipped_entities:
        notes.add(f"{prolog.skipped_entities} DOCTYPE entity declaration(s) not expanded")
    # Newlines stand in for the prolog, so the parser's line numbers stay true.
    body = b"\n" * data.count(b"\n", 0, prolog.start) + data[prolog.start :]
    if prolog.entities or needs_entity_pass(body):
        body, repairs = repair_references(body, prolog.entities)
        for message in repairs:
            notes.add(message)
    body, repaired = repair_double_utf8(body)
    if repaired:
        notes.add(repaired)
    result = parse_xml(body, url)
    if result.bare_less_than:  # rare: pay for a second parse only then
        escaped, count = escape_bare_less_than(body)
        if count:
            notes.add(f"{count} bare '<' kept as text")
            body, result = escaped, parse_xml(escaped, url)
    for message in result.repairs:
        notes.add(message)
    return result.root, uses_xml_base(result.root)
