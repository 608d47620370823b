"""Turn feed bytes into UTF-8: BOM, HTTP charset, XML declaration, then sniffing.

Order of trust: a byte-order mark, then the NUL pattern of UTF-32 / UTF-16 without
one, then the HTTP ``charset``, then the XML declaration, then UTF-8. Each candidate
must decode strictly; the first that does wins. When none does, the bytes are sniffed
with charset-normalizer.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import charset_normalizer

__all__ = ["Decoded", "decode_body"]

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
_XML_DECL_ENCODING = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']([\w.:-]+)["']""")

# GB2312 and GBK are subsets of GB18030; servers mislabel GBK pages as GB2312 all the time.
# ISO-8859-1 is read as windows-1252 (as browsers do) so smart quotes survive.
_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "big5": "big5hkscs",
    "latin-1": "cp1252",
    "iso8859-1": "cp1252",
    "ascii": "utf-8",  # ASCII is a subset; a mislabel must not fail the decode
}

# Sniffed codecs for Latin-script text: these are better read as UTF-8 with a
# windows-1252 fallback per bad byte, which also copes with mixed files.
_LATIN_GUESSES = frozenset(
    {"utf_8", "ascii", "cp1250", "cp1252", "cp1254", "cp1257", "latin_1", "mac_roman"}
    | {f"iso8859_{n}" for n in (2, 3, 4, 9, 10, 13, 14, 15, 16)}
    | {"cp437", "cp850", "cp858"}
)
_ASCII = bytes(range(128))


_C1_UTF8 = re.compile(b"\xc2[\x80-\x9f]")  # U+0080..U+009F encoded as UTF-8
# The five codes cp1252 leaves undefined stay as they are.
_C1_TO_CP1252 = {
    bytes([0xC2, code]): bytes([code]).decode("cp1252", errors="ignore").encode("utf-8")
    or bytes([0xC2, code])
    for code in range(0x80, 0xA0)
}


@dataclass(frozen=True)
class Decoded:
    utf8: bytes  # the text, as UTF-8 without a BOM (what lxml and json read fastest)
    encoding: str  # the Python codec name the body was decoded with
    warnings: tuple[str, ...] = ()


# Text codecs that do not read a charset but interpret the text (escape sequences) or
# are Python internals: a feed declaring one must not have its content rewritten.
# UTF-7 is refused too: ``+ADw-script+AD4-`` spells markup that no filter upstream saw.
_NOT_CHARSETS = frozenset(
    {"unicode-escape", "raw-unicode-escape", "undefined", "idna", "punycode", "utf-7"}
)


def _canonical(name: str) -> str | None:
    """A normalised codec name for a declared charset, or None when Python has no codec.

    Only text encodings count: ``base64``, ``zlib``, ``rot13`` … are bytes-to-bytes or
    str-to-str transforms (decoding with them raises LookupError), and the escape codecs
    would rewrite the content.
    """
    key = name.strip().lower()
    try:
        info = codecs.lookup(_ALIASES.get(key, key))
    except LookupError:
        return None
    codec = info.name
    if not getattr(info, "_is_text_encoding", True) or codec in _NOT_CHARSETS:
        return None
    return _ALIASES.get(codec, codec)


def _cp1252_fallback(err: UnicodeError) -> tuple[str, int]:
    """Decode a byte that is not UTF-8 as windows-1252 (e.g. 0x92 -> ’)."""
    if not isinstance(err, UnicodeDecodeError):
        raise err
    bad = err.object[err.start : err.end]
    return bad.decode("cp1252", errors="replace"), err.end


codecs.register_error("newsdesk-cp1252", _cp1252_fallback)


def _wide_without_bom(head: bytes) -> str | None:
    """UTF-32 or UTF-16 told apart by where the NUL bytes of the first characters fall."""
    if len(head) < 4 or head[0] == head[1] == head[2] == head[3] == 0:
        return None
    a, b, c, d = head[:4]
    if b == c == d == 0:
        return "utf-32-le"
    if a == b == c == 0:
        return "utf-32-be"
    if b == d == 0:
        return "utf-16-le"
    if a == c == 0:
        return "utf-16-be"
    return None


def _declared_in_xml(body: bytes) -> str | None:
    match = _XML_DECL_ENCODING.search(body[:1024])
    return match.group(1).decode("ascii") if match else None


def _from_content_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = _CHARSET_PARAM.search(content_type)
    return match.group(1) if match else None


def _strict(body: bytes, codec: str) -> bytes | None:
    """``body`` re-encoded as UTF-8 if it decodes strictly as ``codec``, else None."""
    try:
        text = body.decode(codec)
    except (UnicodeError, LookupError):  # any codec failure means "not this encoding"
        return None
    return body if codec == "utf-8" else text.encode("utf-8")


def _mostly_utf8(body: bytes) -> bool:
    """True when most non-ASCII bytes form valid UTF-8: a UTF-8 file with a few stray bytes."""
    bad = body.decode("utf-8", errors="replace").count("\ufffd")
    non_ascii = len(body.translate(None, _ASCII))  # delete the ASCII bytes, count the rest
    return bad * 5 <= non_ascii


def _sniff(body: bytes) -> str:
    if _mostly_utf8(body):  # charset-normalizer guesses wildly (mac-iceland) on such files
        return "utf-8"
    best = charset_normalizer.from_bytes(body[:65536]).best()
    guess = best.encoding if best is not None else "utf_8"
    if guess in _LATIN_GUESSES or guess.startswith("mac_"):
        return "utf-8"
    return _canonical(guess) or "utf-8"


def decode_body(body: bytes, content_type: str | None = None) -> Decoded:
    """Decode ``body`` to UTF-8; never fails, and says in ``warnings`` when it had to guess."""
    decoded = _decode(body, content_type)
    if _C1_UTF8.search(decoded.utf8) is None:
        return decoded
    # U+0080..U+009F are control codes no feed means: they are windows-1252 text
    # that went through a latin-1 decode (feedparser's "demoronize"; HTML5 does the same).
    utf8 = _C1_UTF8.sub(lambda m: _C1_TO_CP1252[m.group()], decoded.utf8)
    warning = "C1 control characters read as windows-1252 (e.g. U+0092 -> ’)"
    return Decoded(utf8, decoded.encoding, (*decoded.warnings, warning))


def _decode(body: bytes, content_type: str | None) -> Decoded:
    for bom, bom_codec in _BOMS:
        if body.startswith(bom):
            rest = body[len(bom) :]
            utf8 = _strict(rest, bom_codec)
            if utf8 is not None:
                return Decoded(utf8, bom_codec)
            handler = "newsdesk-cp1252" if bom_codec == "utf-8" else "replace"
            warning = f"bytes after the {bom_codec} byte-order mark are not valid {bom_codec}"
            return Decoded(_lenient(rest, bom_codec, handler), bom_codec, (warning,))

    wide = _wide_without_bom(body)
    if wide is not None:  # before any declaration: NUL-laden bytes are also "valid UTF-8"
        utf8 = _strict(body, wide)
        if utf8 is not None:
            return Decoded(utf8, wide)

    declared: list[tuple[str, str]] = []  # (where, raw name)
    http = _from_content_type(content_type)
    if http:
        declared.append(("HTTP charset", http))
    xml = _declared_in_xml(body)
    if xml:
        declared.append(("XML declaration", xml))

    warnings: list[str] = []
    usable = False
    for where, name in declared:
        codec = _canonical(name)
        if codec is None:
            warnings.append(f"unknown encoding {name!r} in {where}")
            continue
        if codec.startswith(("utf-16", "utf-32")) and b"\x00" not in body[:4]:
            # "UTF-16" declared in a file that is plainly 8-bit: the declaration is wrong.
            warnings.append(f"{where} says {name} but the bytes are 8-bit")
            continue
        usable = True
        # Servers default to latin-1; valid multibyte UTF-8 is never an accident.
        if where == "HTTP charset" and codec in ("cp1252", "iso8859-15") and not body.isascii():
            utf8 = _strict(body, "utf-8")
            if utf8 is not None:
                warnings.append(f"{where} says {name} but the bytes are UTF-8")
                return Decoded(utf8, "utf-8", tuple(warnings))
        utf8 = _strict(body, codec)
        if utf8 is not None:
            return Decoded(utf8, codec, tuple(warnings))
        warnings.append(f"{where} says {name} but the bytes do not decode as {codec}")

    if not usable:
        utf8 = _strict(body, "utf-8")
        if utf8 is not None:
            return Decoded(utf8, "utf-8", tuple(warnings))

    codec = _sniff(body)
    if codec == "utf-8":
        warnings.append("bytes are not valid UTF-8; stray bytes read as windows-1252")
        return Decoded(_lenient(body, "utf-8", "newsdesk-cp1252"), "utf-8", tuple(warnings))
    warnings.append(f"no usable declared encoding; detected {codec}")
    return Decoded(_lenient(body, codec, "replace"), codec, tuple(warnings))


def _lenient(body: bytes, codec: str, handler: str) -> bytes:
    return body.decode(codec, errors=handler).encode("utf-8")
