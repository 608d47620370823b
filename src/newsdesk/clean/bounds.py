"""Keep the HTML parsers' work linear in the size of what they parse.

HTML5 tree builders (lexbor here, html5ever inside nh3) look down the stack of open
elements for many tokens, and compare each attribute with the tag's earlier ones: 100,000
nested ``<div>``s took ~46 s to clean, one ``<img>`` with 50,000 attributes ~14 s.
``bound_markup`` walks the markup once, before any parser sees it, tracking a model of that
stack, and

* flattens: past ``max_depth`` open elements, further start tags are dropped (their text
  stays, in the parent) with their end tags, as Chromium does at depth 512;
* keeps the first ``max_attributes`` attributes of a tag;

so that each parser step is bounded and a whole parse linear. What it drops is reported
as notes (``clean_html(..., notes=[])`` → ``Article.extra["notes"]``).

The model must never count fewer open elements than a real parser holds, or an attacker
could nest past it. So the markup it emits is made to agree with it:

* every end tag it lets through closes the model's *current* element: one that closes
  deeper (``</div>`` over an open ``<span>``) is written out as explicit end tags for the
  elements in between (``</span></div>``), one that matches nothing it holds is dropped;
* elements are closed implicitly only where the HTML standard closes the current node
  whatever else is open (``<p>`` by a block, ``<li>`` by ``<li>``, a cell by a cell…);
* the parts a parser could read differently are taken out: ``<script>`` (its escape states;
  the sanitizer drops it anyway), ``<svg>``/``<math>`` tags (foreign content; their text
  stays), and a ``<`` that does not start a complete tag becomes ``&lt;``.

Markup of at most ``min_size`` characters is returned as it is: its worst case costs less
than the walk. Well-formed markup within the limits comes back unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsdesk.clean.openelements import CLOSED_BY, OpenElements

__all__ = ["MAX_ATTRIBUTES", "MAX_DEPTH", "Bounded", "bound_markup"]

MAX_DEPTH = 256
MAX_ATTRIBUTES = 100
_MIN_SIZE = 4096

# The tokenizer's rules for a tag (HTML standard, 13.2.5): attribute names may hold quotes
# and "<"; only a value right after "=" is quoted. Possessive, so no backtracking.
_ATTRIBUTE = (  # a name, then a value if "=" follows: a quote opened there must close
    r"[^\t\n\f\r />][^\t\n\f\r />=]*+"
    r"(?:[\t\n\f\r ]*+=[\t\n\f\r ]*+"
    r"(?:\"[^\"]*+\"|'[^']*+'|[^\t\n\f\r >\"'][^\t\n\f\r >]*+|(?=>))"
    r"|(?![\t\n\f\r ]*+=))"
)
_NAME = r"[A-Za-z][^\t\n\f\r />]*+"
_ATTRIBUTES_PART = rf"(?:[\t\n\f\r /]++|{_ATTRIBUTE})*+"
_TAG = re.compile(rf"<(/?)({_NAME})({_ATTRIBUTES_PART})>")
# The next token: a leaf element (start tag, text, its own end tag: half the work, and the
# most common shape), a tag, or any other "<".
_NEXT = re.compile(
    rf"<(?P<leaf>{_NAME})(?P<leaf_attributes>{_ATTRIBUTES_PART})>[^<]*+</(?ai:(?P=leaf))>"
    rf"|{_TAG.pattern}|<"
)
_COMMENT_END = re.compile(r"--!?>")
_ATTRIBUTES = re.compile(_ATTRIBUTE)
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    | {"track", "wbr"}
)
# Read as text up to their own end tag; emitted as they are (same end rule as a parser).
_RAW_TEXT = frozenset({"style", "xmp", "iframe", "noembed", "noframes", "textarea", "title"})
_DROPPED = frozenset({"svg", "math", "html", "head", "body"})  # tags only; content stays
_NO_LEAF = _VOID | _RAW_TEXT | _DROPPED | {"script", "plaintext"}


@dataclass(frozen=True)
class Bounded:
    html: str
    notes: tuple[str, ...] = ()


def _walk(html: str, max_depth: int, max_attributes: int) -> Bounded:
    """One pass over ``html``: the model of the parser's stack, and the edits that keep
    the markup within the limits and in agreement with the model."""
    stack = OpenElements()
    names = stack.names
    out: list[str] = []
    copied = 0  # html[:copied] is accounted for in out
    dropped: dict[str, int] = {}  # start tags dropped for depth, whose end tags go too
    flattened = trimmed = 0

    def replace(start: int, end: int, text: str) -> None:
        nonlocal copied
        out.append(html[copied:start])
        out.append(text)
        copied = end

    def trim(start: int, end: int, written: str, attributes: str) -> int:
        """Keep the tag's first attributes; 1 if some had to go."""
        kept = _ATTRIBUTES.findall(attributes)
        if len(kept) <= max_attributes:
            return 0
        replace(start, end, f"<{written} {' '.join(kept[:max_attributes])}>")
        return 1

    pos = 0
    size = len(html)
    while (found := _NEXT.search(html, pos)) is not None:
        start = found.start()
        leaf, leaf_attributes, slash, written, attributes = found.groups()
        if leaf is not None:
            name = leaf.translate(_ASCII_LOWER)
            tag_end = found.end("leaf_attributes") + 1
            if name not in _NO_LEAF:  # opened and closed: only what it closes, and limits
                closes = CLOSED_BY.get(name)
                if closes:
                    while names and names[-1] in closes:
                        stack.pop()
                pos = found.end()
                if len(names) >= max_depth:
                    flattened += 1
                    replace(start, tag_end, "")
                    replace(pos - len(leaf) - 3, pos, "")
                elif len(leaf_attributes) > max_attributes:
                    trimmed += trim(start, tag_end, leaf, leaf_attributes)
                continue
            slash, written, attributes = "", leaf, leaf_attributes  # its start tag only
            end = pos = tag_end
        elif written is None:  # not a complete tag
            after = html[start + 1 : start + 2]
            if after == "!":
                pos = _declaration_end(html, start)
            elif after == "?" or (after == "/" and _bogus_end_tag(html, start)):
                pos = _bogus_comment_end(html, start)
            else:
                # A "<" in text, or a tag that never ends: written as "&lt;", so that no
                # parser reads a tag here, even once a dropped tag brings "<" and "x" together.
                replace(start, start + 1, "&lt;")
                pos = start + 1
            continue
        else:
            end = pos = found.end()
            name = written.translate(_ASCII_LOWER)
        if slash:  # an end tag
            if name in dropped:
                dropped[name] -= 1
                if not dropped[name]:
                    del dropped[name]
                replace(start, end, "")
                continue
            if names and names[-1] == name:
                stack.pop()  # the common case: it closes the current element
                if attributes or written != name:
                    replace(start, end, f"</{name}>")
                continue
            index = stack.closable(name)
            if index is None:
                # </p> and </br> insert an element and close it at once; any other is
                # ignored by a parser, and dropped here so it never closes what the model keeps.
                keep = name in ("p", "br")
                if not keep or attributes:
                    replace(start, end, f"</{name}>" if keep else "")
                continue
            closing = []
            while len(names) > index:
                closing.append(f"</{stack.pop()}>")
            if len(closing) > 1 or attributes or written != name:
                replace(start, end, "".join(closing))
            continue
        # a start tag
        if name in _DROPPED:
            replace(start, end, "")
            continue
        if name == "script":
            pos = _raw_text_end(html, end, name)
            replace(start, pos, "")
            continue
        closes = CLOSED_BY.get(name)
        if closes:
            while names and names[-1] in closes:
                stack.pop()
        if name not in _VOID and name != "plaintext" and len(names) >= max_depth:
            dropped[name] = dropped.get(name, 0) + 1
            flattened += 1
            replace(start, end, "")
            continue
        if len(attributes) > max_attributes:  # each attribute takes a character at least
            trimmed += trim(start, end, written, attributes)
        if name == "plaintext":
            break  # the rest is text
        if name in _RAW_TEXT:  # opened and closed at once: its text holds no tags
            pos = _raw_text_end(html, end, name)
        elif name not in _VOID:
            stack.push(name)
        if pos >= size:
            break
    if not out:
        return Bounded(html)
    out.append(html[copied:])
    notes = []
    if flattened:
        notes.append(
            f"markup nested deeper than {max_depth} elements: "
            f"{flattened} tags flattened, their text kept"
        )
    if trimmed:
        notes.append(
            f"{trimmed} tags had over {max_attributes} attributes: "
            f"only the first {max_attributes} kept"
        )
    return Bounded("".join(out), tuple(notes))


def _bogus_end_tag(html: str, start: int) -> bool:
    """``</`` then no letter: ``</>`` and ``</ x>`` are comments to a parser."""
    first = html[start + 2 : start + 3]
    return bool(first) and not (first.isascii() and first.isalpha())


def _declaration_end(html: str, pos: int) -> int:
    """Past a comment (``<!--…-->``) or a ``<!…>`` declaration (DOCTYPE, CDATA, bogus)."""
    if not html.startswith("<!--", pos):
        return _bogus_comment_end(html, pos)
    body = pos + 4
    if html.startswith(">", body):  # <!-->
        return body + 1
    if html.startswith("->", body):  # <!--->
        return body + 2
    end = _COMMENT_END.search(html, body)
    return len(html) if end is None else end.end()


_RAW_TEXT_ENDS = {
    name: re.compile(rf"</{name}(?=[\t\n\f\r />])", re.IGNORECASE)
    for name in (*_RAW_TEXT, "script")
}


def _raw_text_end(html: str, pos: int, name: str) -> int:
    """Where the raw text of ``<name>`` ends: past its end tag, or the end of the markup."""
    found = _RAW_TEXT_ENDS[name].search(html, pos)
    if found is None:
        return len(html)
    tag = _TAG.match(html, found.start())
    return tag.end() if tag is not None else len(html)


def _bogus_comment_end(html: str, pos: int) -> int:
    end = html.find(">", pos)
    return len(html) if end == -1 else end + 1


def bound_markup(
    html: str,
    *,
    max_depth: int = MAX_DEPTH,
    max_attributes: int = MAX_ATTRIBUTES,
    min_size: int = _MIN_SIZE,
) -> Bounded:
    """``html`` with nesting and attributes bounded (see the module docstring)."""
    if len(html) <= min_size or "<" not in html:
        return Bounded(html)
    return _walk(html, max_depth, max_attributes)
