"""Feed dates: ``parse_date(text) -> datetime | None``.

A date with a zone comes back aware and keeps its offset; a date without one comes back
naive, because only the source's configuration knows its zone. Anything that is not a
date, or names an impossible one (month 13, 30 February), is None: the caller records a
warning, nothing raises. The grammars live in ``words`` (month names: RFC 822, asctime,
JavaScript, Greek), ``numeric`` (year first: ISO 8601, W3C-DTF, CJK forms) and ``zones``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timezone

from newsdesk.parse.dates.numeric import parse_numeric
from newsdesk.parse.dates.words import parse_words, strip_weekday
from newsdesk.parse.dates.zones import zone

__all__ = ["parse_date"]

_EPOCH = re.compile(r"\d{9,13}")
# The shape nearly every RSS feed writes, read without the general grammar's detours.
_COMMON_RFC822 = re.compile(
    r"(?:[A-Z][a-z]{2}, )?(\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) (GMT|[+-]\d{4})"
)
_MONTH_ABBR = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}
_MAX_CHARS = 80  # no real date is longer; keeps regex time bounded


def parse_date(value: str | None) -> datetime | None:
    """The datetime ``value`` states, or None when it is empty or unreadable."""
    if not value:
        return None
    text = " ".join(value.split())
    if not text or len(text) > _MAX_CHARS:
        return None
    if text[0].isdigit():
        if _EPOCH.fullmatch(text):
            return _from_epoch(int(text))
        try:
            return datetime.fromisoformat(text)  # full ISO 8601, week dates, basic format
        except ValueError:
            pass
        return parse_numeric(text) or parse_words(text)
    common = _COMMON_RFC822.fullmatch(text)
    if common is not None:
        return _common(common) or parse_words(text)
    rest = strip_weekday(text)
    if rest[:4].isdigit():  # "Fri, 2006/09/15 08:19:53 EDT"
        return parse_numeric(rest)
    return parse_words(text)


def _common(match: re.Match[str]) -> datetime | None:
    day, month_name, year, hour, minute, second, zone_text = match.groups()
    month = _MONTH_ABBR.get(month_name)
    tz = zone(zone_text)
    if month is None or not isinstance(tz, timezone):
        return None
    try:
        return datetime(int(year), month, int(day), int(hour), int(minute), int(second), tzinfo=tz)
    except ValueError:
        return None


def _from_epoch(seconds: int) -> datetime | None:
    if seconds > 10**11:  # milliseconds (JavaScript timestamps)
        seconds //= 1000
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None
