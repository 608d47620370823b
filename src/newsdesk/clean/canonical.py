"""Reading newsdesk's own sanitized HTML without building a tree.

    media_tags(html) -> list[MediaTag] | None   (None: not provably canonical)
    escape_attribute(value) -> str              (as lexbor and html5ever write a value)

``clean_html`` ends with nh3, whose html5ever serializer writes one canonical form: tag and
attribute names in lower case, every attribute as `` name="value"`` with ``&`` ``"`` ``<``
``>`` and U+00A0 escaped, text with ``&`` ``<`` ``>`` U+00A0 escaped, no comments, and no
element outside the sanitizer's allowlist (``TAGS``). In that form every ``<`` opens a tag
and each tag ends at the first ``>``, so one regular expression can walk the markup the way
an HTML tokenizer would, and find the image and media tags that publishing rewrites.

The walk proves the form instead of assuming it: markup is canonical here only if it is
entirely text and such tags, with ``<iframe>`` (a raw-text element) only empty, no
elements that change how the tokenizer reads what follows (``<script>``, ``<style>``,
``<textarea>``, ``<svg>``…: none is in ``TAGS``), no end tag of a void element, no carriage
return or NUL (which a parser rewrites), and in media tags no character reference
other than the five the serializer writes. Anything else, such as a body stored
by an older version, gets ``None``: the caller parses it with a real HTML parser instead.

What is proved is how a tokenizer reads the markup, so a value replaced in place can
never change what any other byte means. A tree builder could still move a tag elsewhere
(a misnested table) in markup the serializer did not write; such markup means the same
to a browser either way. The cleaner's output is a serialized tree, with nothing left to
move: tests/clean/test_canonical.py compares the walk with the parser on random hostile
HTML through ``clean_html``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import groupby
from typing import NamedTuple

from newsdesk.clean.sanitize import TAGS

__all__ = ["MEDIA_TAGS", "MediaTag", "escape_attribute", "media_tags"]

MEDIA_TAGS = ("img", "source", "video", "audio")
_VOID = frozenset({"br", "col", "hr", "img", "source", "wbr"})  # the void elements in TAGS


def _alternatives(names: Iterable[str]) -> str:
    """A pattern matching exactly ``names``, as a trie (``b(?:d(?:i|o)|r)?``): Python's
    engine tries a flat list of alternatives one by one, four times slower here."""
    branches = []
    for _, grouped in groupby(sorted(names), key=lambda name: name[0]):
        group = list(grouped)
        if len(group) == 1:
            branches.append(re.escape(group[0]))
            continue
        low, high = group[0], group[-1]  # sorted: their common prefix is everyone's
        pairs = enumerate(zip(low, high, strict=False))
        size = next((i for i, (a, b) in pairs if a != b), len(low))
        prefix = low[:size]
        rests = {name[len(prefix) :] for name in group}
        optional = "?" if "" in rests else ""
        branches.append(f"{re.escape(prefix)}(?:{_alternatives(rests - {''})}){optional}")
    return "|".join(branches)


_TEXT = r"[^<>\r\x00]++"
_ATTRIBUTES = r'(?: [a-z][a-z0-9._:-]*+="[^"<>\r\x00]*+")*+'
_OTHER_START = rf"<(?:{_alternatives(TAGS - set(MEDIA_TAGS) - {'iframe'})})(?=[ >]){_ATTRIBUTES}>"
_END = rf"</(?:{_alternatives(TAGS - _VOID)})>"
_EMPTY_IFRAME = rf"<iframe{_ATTRIBUTES}></iframe>"
# Everything up to the next media tag (returned), or to the end; no match: not canonical.
_NEXT_MEDIA = re.compile(
    rf"(?:{_TEXT}|{_OTHER_START}|{_END}|{_EMPTY_IFRAME})*+"
    rf"(?:<(?P<tag>{'|'.join(MEDIA_TAGS)})(?P<attributes>{_ATTRIBUTES})>|\Z)"
)
_ATTRIBUTE = re.compile(r' ([a-z][a-z0-9._:-]*+)="([^"]*+)"')
_UNKNOWN_REFERENCE = re.compile(r"&(?!(?:amp|quot|nbsp|lt|gt);)")


class MediaTag(NamedTuple):
    markup: str  # the whole markup the tag was found in
    name: str  # one of MEDIA_TAGS
    spans: dict[str, tuple[int, int]]  # attribute name -> its escaped value's offsets

    def get(self, attribute: str) -> str | None:
        """The attribute's value as a parser reads it (references decoded), or None."""
        span = self.spans.get(attribute)
        return None if span is None else _decode(self.markup[span[0] : span[1]])


# What the serializers escape in a value, "&" first (and decoded last).
_ESCAPES = (("&", "&amp;"), ("\u00a0", "&nbsp;"), ('"', "&quot;"), ("<", "&lt;"), (">", "&gt;"))


def _decode(value: str) -> str:
    if "&" in value:
        for char, reference in reversed(_ESCAPES):
            value = value.replace(reference, char)
    return value


def _spans(html: str, start: int, end: int) -> dict[str, tuple[int, int]] | None:
    if _UNKNOWN_REFERENCE.search(html, start, end):
        return None
    spans = {m.group(1): m.span(2) for m in _ATTRIBUTE.finditer(html, start, end)}
    # Values hold no '"', so each attribute has two: fewer names than that means a
    # repeated name, of which a parser keeps only the first.
    return spans if 2 * len(spans) == html.count('"', start, end) else None


def media_tags(html: str) -> list[MediaTag] | None:
    """Every ``<img>``, ``<source>``, ``<video>`` and ``<audio>`` start tag of ``html`` in
    document order, when ``html`` is provably in canonical form; else None."""
    tags: list[MediaTag] = []
    pos = 0
    while True:
        match = _NEXT_MEDIA.match(html, pos)
        if match is None:
            return None
        name = match.group("tag")
        if name is None:
            return tags  # \Z: the whole markup was read
        spans = _spans(html, match.start("attributes"), match.end("attributes"))
        if spans is None:
            return None
        tags.append(MediaTag(html, name, spans))
        pos = match.end()


def escape_attribute(value: str) -> str:
    """``value`` as the serializers write it between double quotes."""
    for char, reference in _ESCAPES:
        value = value.replace(char, reference)
    return value
