"""Dates that name their month: RFC 822/2822 and the shapes programs print instead.

Wed, 26 Oct 2016 16:53:42 +0800        RFC 822 (weekday, commas, zone all optional)
26-Oct-16 16:53 GMT                     two-digit year, hyphens
Jan 4, 2004 4:29 PM EST                 US order, 12-hour clock
Sun Jan  4 16:29:06 2004                asctime (also "… +0800 2016", Java's "… CST 2022")
Thu Aug 30 2012 17:26:16 GMT+0200 (CEST)   JavaScript's Date.toString()
Κυρ, 11 Ιούλ 2004 12:00:00 EST          Greek month and weekday names
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timezone

from newsdesk.parse.dates.zones import NO_ZONE, ZONE_PATTERN, zone

__all__ = ["build", "month_number", "parse_words", "strip_weekday"]

_ENGLISH_MONTHS = (
    ("jan", "january"),
    ("feb", "february"),
    ("mar", "march"),
    ("apr", "april"),
    ("may",),
    ("jun", "june"),
    ("jul", "july"),
    ("aug", "august"),
    ("sep", "sept", "september"),
    ("oct", "october"),
    ("nov", "november"),
    ("dec", "december"),
)
# Greek abbreviations, accents and diaeresis removed (see _fold); the odd spellings are
# ones real Greek feeds printed.
_GREEK_MONTHS = (
    ("ιαν",),
    ("φεβ",),
    ("μαρ", "μαω"),
    ("απρ",),
    ("μαι", "μαη"),
    ("ιουν", "ιον"),
    ("ιουλ", "ιολ"),
    ("αυγ",),
    ("σεπ",),
    ("οκτ",),
    ("νοε",),
    ("δεκ",),
)
# Hungarian, plus two misspellings that feeds printed.
_HUNGARIAN_MONTHS = (
    ("január",),
    ("február", "februári"),
    ("március",),
    ("április",),
    ("május", "máujus"),
    ("június",),
    ("július",),
    ("augusztus",),
    ("szeptember",),
    ("október",),
    ("november",),
    ("december",),
)
_MONTHS: dict[str, int] = {
    name: number
    for table in (_ENGLISH_MONTHS, _GREEK_MONTHS, _HUNGARIAN_MONTHS)
    for number, names in enumerate(table, start=1)
    for name in names
}
_WEEKDAYS = frozenset(
    {"mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun"}
    | {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
    | {"κυρ", "δευ", "τρι", "τετ", "πεμ", "παρ", "σαβ"}  # Greek, accents removed
)

_TIME = (
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,]\d+)?)?"
    r"(?:\s?(?P<ampm>[ap])\.?m\.?(?![a-z]))?"
)
_MONTH = r"(?P<month>[^\W\d_]{3,}\.?)"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_ZONE = rf"(?P<zone>{ZONE_PATTERN})"
_FORMS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        # 26 Oct 2016 16:53:42 +0800 / 26-Oct-16 / 26 October 2016
        rf"{_DAY}[\s-]{_MONTH}[\s-](?P<year>\d{{2,4}})(?:\s{_TIME})?(?:\s?{_ZONE})?",
        # Oct 26 2016 16:53:42 GMT+0200 / Jan 4 2004 4:29 PM
        rf"{_MONTH}\s{_DAY}\s(?P<year>\d{{4}})(?:\s(?:at\s)?{_TIME})?(?:\s?{_ZONE})?",
        # Oct 26 16:53:42 2016 / Oct 26 16:53:42 +0800 2016
        rf"{_MONTH}\s{_DAY}\s{_TIME}(?:\s{_ZONE})?\s(?P<year>\d{{4}})",
    )
)
_COMMENT = re.compile(r"\s*\([^()]*\)$")  # "(CEST)" after a JavaScript date, RFC 822 comments


def _fold(word: str) -> str:
    """Lower case without accents: ``Ιούλ`` -> ``ιουλ``, ``Μαΐ`` -> ``μαι``."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def month_number(word: str) -> int | None:
    """1–12 for an English, Greek or Hungarian month name or abbreviation, else None."""
    word = word.lower().rstrip(".")
    found = _MONTHS.get(word)
    if found is None and not word.isascii():
        folded = _fold(word)
        found = _MONTHS.get(folded) or _MONTHS.get(folded[:4]) or _MONTHS.get(folded[:3])
    return found


def strip_weekday(text: str) -> str:
    """``text`` without a leading weekday name (``Thu,`` ``Thursday`` ``Πεμ,``)."""
    head, _, rest = text.partition(" ")
    word = head.rstrip(",.").lower()
    if word in _WEEKDAYS or (not word.isascii() and _fold(word) in _WEEKDAYS):
        return rest.lstrip(" ,")
    if "," in head:  # "Thu,01 Jan 2004"
        first, _, after = head.partition(",")
        if first.rstrip(".").lower() in _WEEKDAYS:
            return (after + " " + rest).strip()
    return text


def parse_words(text: str) -> datetime | None:
    """A date written with a month name; ``text`` has its whitespace collapsed already."""
    text = _COMMENT.sub("", text).replace(",", " ")
    text = " ".join(strip_weekday(text).split())
    for form in _FORMS:
        match = form.fullmatch(text)
        if match is not None:
            month = month_number(match.group("month"))
            if month is None:
                return None
            return build(match.groupdict(), month)
    return None


def build(
    parts: dict[str, str | None], month: int, default_zone: str | None = None
) -> datetime | None:
    """A datetime from matched groups (year, day, hour, minute, second, ampm, zone)."""
    year_text = parts["year"] or ""
    year = int(year_text)
    if len(year_text) <= 3:  # RFC 2822 §4.3: 00–49 are 2000–2049, the rest 1900 + n
        year += 2000 if len(year_text) == 2 and year < 50 else 1900
    hour = int(parts.get("hour") or 0)
    ampm = (parts.get("ampm") or "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm in ("p", "pm", "오후", "下午") else 0)
    zone_text = parts.get("zone") or default_zone
    tzinfo = zone(zone_text) if zone_text else NO_ZONE
    if tzinfo is None:
        return None
    try:
        return datetime(
            year,
            month,
            int(parts["day"] or 1),
            hour,
            int(parts.get("minute") or 0),
            int(parts.get("second") or 0),
            tzinfo=tzinfo if isinstance(tzinfo, timezone) else None,
        )
    except ValueError:  # 31 February, hour 25, …
        return None
