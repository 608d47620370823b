"""Every ``&`` outside CDATA and comments made well-formed before lxml sees it.

libxml2's recover mode *deletes* what it cannot read: ``AT&T &copy me`` became ``AT  me``
and ``?a=1&b=2`` became ``?a=1=2``. Here each ``&`` that does not start one of XML's
five entity references is rewritten, the way an HTML reader would read it:

    bare ``&``                    -> ``&amp;`` (the text keeps its ``&``)
    ``&copy;`` ``&nbsp;`` (HTML)  -> the character
    ``&copy`` without ``;``       -> the character, for HTML's legacy names (not before ``=``)
    ``&unknown;``                 -> kept as typed (``&amp;unknown;``)
    ``&#150;`` … ``&#159;``       -> the Windows-1252 character (``&#150;`` is ``–``)
    ``&#X41;``                    -> ``A`` (XML wants a lower-case ``x``)
    ``&#0;``, ``&#xD800;`` …      -> U+FFFD (not a character XML may carry)
    entities the DOCTYPE declares -> their text (plain-text values only, bounded)

Characters are written as UTF-8 except the five that are markup (``& < > " '``) and
white space that attribute normalisation would change, which stay numeric references.
A ``<`` that cannot start markup (``1 < 2``) is escaped too, when the parser complains.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html.entities import html5

__all__ = ["escape_bare_less_than", "needs_entity_pass", "repair_references"]

# References XML reads as they are, skipped without a callback: the five named ones, and
# numeric ones for tab/LF/CR, 32–127 and 256–49999 (CJK included). The rest — C1 and
# Latin-1 codes (Windows-1252, mojibake), invalid and rarer ones — go through _Pass.
_FINE = (
    rb"&(?!(?:amp|lt|gt|quot|apos"
    rb"|#(?:9|10|13|3[2-9]|[4-9][0-9]|1[01][0-9]|12[0-7]|2[6-9][0-9]|25[6-9]|[3-9][0-9]{2}"
    rb"|[1-9][0-9]{3}|[1-4][0-9]{4})"
    rb"|#x(?:[9aAdD]|[2-7][0-9a-fA-F]|[1-9a-fA-F][0-9a-fA-F]{2}|[1-9a-cA-C][0-9a-fA-F]{3})"
    rb");)"
)
_NEEDS_PASS = re.compile(_FINE)
_REFERENCE = re.compile(
    _FINE + rb"(?:#(?:([0-9]{1,8})|([xX])([0-9a-fA-F]{1,8}));?|([A-Za-z][A-Za-z0-9]{0,31})(;?))?"
)
_BARE_LESS_THAN = re.compile(rb"<(?![A-Za-z_:/?!])")
_VERBATIM_START = re.compile(rb"<!(?:\[CDATA\[|--)")  # CDATA and comments keep their text
_KEEP_AS_REFERENCE = frozenset({0x9, 0xA, 0xD, 0x22, 0x26, 0x27, 0x3C, 0x3E})
_REPLACEMENT = "\ufffd".encode()


def _encode(text: str) -> bytes:
    return b"".join(
        b"&#%d;" % ord(ch) if ord(ch) in _KEEP_AS_REFERENCE else ch.encode("utf-8") for ch in text
    )


# name -> bytes, e.g. b"nbsp;" -> b"\xc2\xa0"; legacy names also appear without ";".
_HTML_ENTITIES: dict[bytes, bytes] = {
    name.encode("ascii"): _encode(value) for name, value in html5.items()
}


def _character(code: int) -> bytes:
    if 0x80 <= code <= 0x9F:  # what Windows-1252 puts there (HTML5 does the same)
        try:
            return _encode(bytes([code]).decode("cp1252"))
        except UnicodeDecodeError:  # 0x81, 0x8D, 0x8F, 0x90, 0x9D: undefined there
            return b"&#%d;" % code
    if code in _KEEP_AS_REFERENCE:
        return b"&#%d;" % code
    if code < 0x20 or 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF) or code > 0x10FFFF:
        return _REPLACEMENT
    return chr(code).encode("utf-8")


def needs_entity_pass(data: bytes) -> bool:
    """Cheap test: is there any ``&`` besides the five XML entity references?"""
    return _NEEDS_PASS.search(data) is not None


class _Pass:
    """One document's rewrite, remembering what it did for the feed's warnings."""

    def __init__(self, declared: dict[bytes, bytes], budget: int) -> None:
        self.declared = declared
        self.budget = budget  # bytes that declared entities may add: no quadratic blow-up
        self.known: set[str] = set()
        self.unknown: set[str] = set()
        self.bare = 0
        self.numeric = 0

    def __call__(self, match: re.Match[bytes]) -> bytes:
        decimal, x, hexadecimal, name, semicolon = match.groups()
        if decimal is not None or hexadecimal is not None:
            code = int(decimal) if decimal is not None else int(hexadecimal, 16)
            replacement = _character(code)
            odd = x == b"X" or 0x80 <= code <= 0x9F or replacement == _REPLACEMENT
            if odd or not match.group(0).endswith(b";"):
                self.numeric += 1
            return replacement
        if name is None:
            self.bare += 1
            return b"&amp;"
        return self._named(match, name, semicolon)

    def _named(self, match: re.Match[bytes], name: bytes, semicolon: bytes) -> bytes:
        text = name.decode("ascii")
        if semicolon:
            value = self.declared.get(name)
            if value is not None and self.budget >= len(value):
                self.budget -= len(value)
                self.known.add(text)
                return value
            value = _HTML_ENTITIES.get(name + b";")
            if value is not None:
                self.known.add(text)
                return value
            self.unknown.add(text)
            return b"&amp;" + name + b";"  # keep the text as written rather than lose it
        following = match.string[match.end() : match.end() + 1]
        value = _HTML_ENTITIES.get(name)  # only HTML's legacy names exist without ";"
        if value is not None and following != b"=":
            self.known.add(text)
            return value
        self.bare += 1
        return b"&amp;" + name

    def warnings(self) -> list[str]:
        out = []
        if self.known:
            out.append(f"HTML entities outside CDATA decoded: {_names(self.known)}")
        if self.unknown:
            out.append(f"undefined entities kept as text: {_names(self.unknown)}")
        if self.bare:
            out.append(f"{self.bare} bare '&' kept as text")
        if self.numeric:
            out.append(f"{self.numeric} odd character reference(s) repaired (e.g. &#150;, &#X41;)")
        return out


def repair_references(
    data: bytes, declared: dict[bytes, bytes] | None = None
) -> tuple[bytes, list[str]]:
    """``data`` with every ``&`` outside CDATA and comments well-formed; and what was done."""
    rewrite = _Pass(declared or {}, budget=max(len(data), 1 << 16))
    return _outside_verbatim(data, lambda text: _REFERENCE.sub(rewrite, text)), rewrite.warnings()


def escape_bare_less_than(data: bytes) -> tuple[bytes, int]:
    """``<`` that cannot start markup (``a < b``, ``I <3 it``) written as ``&lt;``.

    Run only when the parser complained of an invalid element name: scanning every ``<``
    of every feed would cost more than the whole mapping.
    """
    count = 0

    def escape(text: bytes) -> bytes:
        nonlocal count
        fixed, n = _BARE_LESS_THAN.subn(b"&lt;", text)
        count += n
        return fixed

    return _outside_verbatim(data, escape), count


def _outside_verbatim(data: bytes, rewrite: Callable[[bytes], bytes]) -> bytes:
    """``rewrite`` applied to everything but CDATA sections and comments."""
    parts: list[bytes] = []
    pos = 0
    # Skipping sections with find() is ~5x faster than one regex alternating them with text.
    while True:
        opener = _VERBATIM_START.search(data, pos)
        if opener is None:
            parts.append(rewrite(data[pos:]))
            break
        start = opener.start()
        closer = b"]]>" if opener.group() == b"<![CDATA[" else b"-->"
        end = data.find(closer, opener.end())
        if end < 0:
            parts.append(rewrite(data[pos:]))
            break
        parts.append(rewrite(data[pos:start]))
        parts.append(data[start : end + 3])
        pos = end + 3
    return b"".join(parts)


def _names(names: set[str]) -> str:
    shown = sorted(names)[:5]
    more = f" and {len(names) - 5} more" if len(names) > 5 else ""
    return ", ".join(f"&{n};" for n in shown) + more
