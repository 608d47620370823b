"""YAML scalars that read back exactly in js-yaml (Hexo), Psych (Jekyll) and Go YAML (Hugo).

We write front matter by hand rather than through a YAML dumper because the seed's layout
is byte-exact (``categories: `` with a trailing space, `` - `` items indented one space,
single-quoted URLs) and no dumper reproduces it.

    clean_text(s)      -> one line, no characters any YAML reader refuses
    theme_text(s)      -> clean_text(s) that no theme can read as markup or code
    quote(s)           -> 'single-quoted', with ' doubled
    scalar(s)          -> plain when provably safe, else quote(s)
    rfc822_gmt(dt)     -> 'Thu, 01 Sep 2022 03:09:17 GMT' (locale independent)
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

__all__ = [
    "clean_text",
    "quote",
    "rfc822_gmt",
    "rfc3339_utc",
    "scalar",
    "theme_text",
]

# Line breaks for any YAML reader: ruamel/PyYAML also break on NEL, LS and PS.
_LINE_BREAKS = re.compile(r"[ \t]*(?:\r\n|[\r\n\x0b\x0c\x85\u2028\u2029])[\s]*")
# What js-yaml and ruamel refuse as "non-printable" (C0 except tab, DEL, C1 except NEL,
# U+FFFE/U+FFFF) plus lone surrogates, which cannot even be encoded as UTF-8.
_UNPRINTABLE = re.compile("[\x00-\x08\x0e-\x1f\x7f\x80-\x84\x86-\x9f\ufffe\uffff\ud800-\udfff]")
# Conservative plain-scalar shape: starts with a letter, then letters, digits, `._-` and
# single inner spaces. Everything else (indicators, numbers, dates, `.inf`) gets quoted.
_PLAIN = re.compile(r"[^\W\d_](?:[\w.\-]| (?! ))*", re.UNICODE)
_PLAIN_EXTRA_OK = frozenset("._- ")
# Words some YAML reader turns into a bool/null/number (YAML 1.1 included: Jekyll's Psych).
_KEYWORDS = frozenset({"null", "true", "false", "yes", "no", "on", "off", "y", "n", "nan", "inf"})
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def clean_text(text: str) -> str:
    """Collapse line breaks to one space and drop characters YAML readers refuse."""
    text = _LINE_BREAKS.sub(" ", text)
    return _UNPRINTABLE.sub("", text)


# What a theme could read as markup or code wherever it prints a string: raw in HTML text,
# in a "…" or '…' attribute, in a '…', "…" or `…` JavaScript string, in JSON-LD, or put
# back in as HTML after the browser decoded it once (volantis does that with the title).
# Each becomes a look-alike that means nothing to HTML or JavaScript (docs/security.md).
_LOOK_ALIKE = str.maketrans({"<": "＜", ">": "＞", "`": "｀", "\\": "＼"})
# A quote opens after a space or an opening bracket (or at the start), else it closes.
_OPENING_QUOTE = re.compile(r"""(?:(?<=^)|(?<=[\s(\[{＜“‘]))(["'])""")
_QUOTES = {'"': "”", "'": "’"}
_OPENING = {'"': "“", "'": "‘"}
# "&" that starts a character reference ("&lt;", "&#60", "&amp"): a browser would decode
# it. A lone "&" ("AT&T", "Q&A") decodes to itself and stays.
_REFERENCE = re.compile(r"&(?:#[xX][0-9A-Fa-f]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);?")


def _reference(match: re.Match[str]) -> str:
    found = match.group()
    return "＆" + found[1:] if html.unescape(found) != found else found


def theme_text(text: str) -> str:
    """``clean_text(text)`` written so that a theme can do anything with it and show text.

    ``< > ` \\`` become fullwidth look-alikes, ``"`` and ``'`` typographic quotes, ``&``
    only when it starts a character reference a fullwidth ``＆``, and ``${`` ``＄{``. The
    result holds no character that HTML, a JavaScript string or a template literal reads
    as syntax, so it means the same printed raw or escaped, decoded once or not at all:
    ``AT&T 发布 <5G> 报告`` becomes ``AT&T 发布 ＜5G＞ 报告``.
    """
    text = _REFERENCE.sub(_reference, clean_text(text)).translate(_LOOK_ALIKE)
    text = _OPENING_QUOTE.sub(lambda m: _OPENING[m.group(1)], text)
    return text.replace('"', _QUOTES['"']).replace("'", _QUOTES["'"]).replace("${", "＄{")


def quote(text: str) -> str:
    """A single-quoted YAML scalar holding ``clean_text(text)``."""
    return "'" + clean_text(text).replace("'", "''") + "'"


def _is_plain_safe(text: str) -> bool:
    if not text or text.lower() in _KEYWORDS or not _PLAIN.fullmatch(text):
        return False
    # \w admits Unicode marks and connector punctuation; keep only letters/digits/._-space.
    return all(ch.isalnum() or ch in _PLAIN_EXTRA_OK for ch in text) and not text.endswith(" ")


def scalar(text: str) -> str:
    """``text`` plain when every YAML reader reads it back as that string, else quoted."""
    cleaned = clean_text(text)
    return cleaned if _is_plain_safe(cleaned) else quote(cleaned)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: articles carry aware dates")
    return moment.astimezone(UTC)


def rfc822_gmt(moment: datetime) -> str:
    """The seed's date form. English names are spelled out so the locale cannot leak in."""
    u = _utc(moment)
    return (
        f"{_DAYS[u.weekday()]}, {u.day:02d} {_MONTHS[u.month - 1]} {u.year:04d} "
        f"{u.hour:02d}:{u.minute:02d}:{u.second:02d} GMT"
    )


def rfc3339_utc(moment: datetime) -> str:
    """``2022-09-01T03:09:17Z``: whole seconds, as in the Hexo date."""
    u = _utc(moment)
    return f"{u.year:04d}-{u.month:02d}-{u.day:02d}T{u.hour:02d}:{u.minute:02d}:{u.second:02d}Z"
