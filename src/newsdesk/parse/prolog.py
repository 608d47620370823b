"""What comes before a feed's root element, read by hand and then dropped.

Feeds put odd things there: the XML declaration after a comment or a DOCTYPE, a
lower-case ``<!doctype rss>``, a comment that merely mentions ``<!DOCTYPE``, a DOCTYPE
after kilobytes of licence text, stylesheet PIs. libxml2 refuses some of these and
mis-reads others, and none of them matter to a feed reader, so ``split_prolog`` scans
the prolog token by token (comments first, so a DOCTYPE inside one is never taken for
real) and returns the document from its root element on, together with the general
entities the DOCTYPE's internal subset declares (expanded later, safely, as text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Prolog", "looks_like_html", "split_prolog"]

_SPACE = b" \t\r\n"
_DOCTYPE = b"<!doctype"
_ENTITY_DECL = re.compile(rb"""<!ENTITY\s+([A-Za-z_][\w.-]{0,31})\s+(?:"([^"]*)"|'([^']*)')\s*>""")
_MAX_ENTITY_VALUE = 1024
_MAX_ENTITIES = 256
_HTML_ROOTS = (b"html", b"head", b"body")


@dataclass
class Prolog:
    """The prolog's findings: declared entities, whether it had a DOCTYPE, where the root starts."""

    start: int = 0
    doctype: bytes | None = None  # the root name the DOCTYPE gives, lower case
    entities: dict[bytes, bytes] = field(default_factory=dict)
    skipped_entities: int = 0  # declared with markup, references or parameters: not expanded


def split_prolog(data: bytes) -> Prolog:
    """Scan ``data``'s prolog; ``start`` is the offset of the root element (or of whatever
    stopped the scan: stray text is left for the parser to report)."""
    prolog = Prolog()
    pos = 0
    size = len(data)
    while True:
        while pos < size and data[pos] in _SPACE:
            pos += 1
        if data.startswith(b"<?", pos):
            end = data.find(b"?>", pos + 2)
            if end < 0:
                break
            pos = end + 2
        elif data.startswith(b"<!--", pos):
            end = data.find(b"-->", pos + 4)
            if end < 0:
                break
            pos = end + 3
        elif data[pos : pos + 9].lower() == _DOCTYPE:
            end = _doctype_end(data, pos + 9)
            if end < 0:
                break
            _read_doctype(data[pos + 9 : end], prolog)
            pos = end + 1
        else:
            break
    prolog.start = pos
    return prolog


def _doctype_end(data: bytes, pos: int) -> int:
    """Offset of the ``>`` closing a DOCTYPE, honouring quotes, comments and the subset."""
    quote = 0
    in_subset = False
    size = len(data)
    while pos < size:
        byte = data[pos]
        if quote:
            if byte == quote:
                quote = 0
        elif byte in (0x22, 0x27):  # " '
            quote = byte
        elif in_subset and data.startswith(b"<!--", pos):
            end = data.find(b"-->", pos + 4)
            if end < 0:
                return -1
            pos = end + 2
        elif byte == 0x5B:  # [
            in_subset = True
        elif byte == 0x5D:  # ]
            in_subset = False
        elif byte == 0x3E and not in_subset:  # >
            return pos
        pos += 1
    return -1


def _read_doctype(body: bytes, prolog: Prolog) -> None:
    words = body.split(None, 1)
    prolog.doctype = words[0].lower() if words else b""
    start = body.find(b"[")
    if start < 0:
        return
    for match in _ENTITY_DECL.finditer(body, start):
        value = match.group(2) if match.group(2) is not None else match.group(3)
        # Plain text only: a value holding markup or references could nest (billion laughs).
        if (
            len(value) > _MAX_ENTITY_VALUE
            or any(c in value for c in b"&%<")
            or (len(prolog.entities) >= _MAX_ENTITIES)
        ):
            prolog.skipped_entities += 1
            continue
        # Escaped, so that a reference inside an attribute value cannot end it.
        escaped = value.replace(b">", b"&gt;").replace(b'"', b"&quot;").replace(b"'", b"&apos;")
        prolog.entities.setdefault(match.group(1), escaped)


def looks_like_html(data: bytes, prolog: Prolog) -> bool:
    """True when the document is an HTML page: an html DOCTYPE or an html/head/body root."""
    if prolog.doctype == b"html":
        return True
    head = data[prolog.start + 1 : prolog.start + 6].lower()
    return data[prolog.start : prolog.start + 1] == b"<" and any(
        head.startswith(name)
        and head[len(name) : len(name) + 1] in (b" ", b">", b"\t", b"\n", b"\r", b"/", b"")
        for name in _HTML_ROOTS
    )
