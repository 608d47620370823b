"""Feed dates: RFC 822, ISO 8601, ``2018-09-18 14:38:10``, epoch seconds, Chinese forms.

A date with a zone comes back aware and keeps its offset; a date without one
comes back naive, because only the source's configuration knows its zone.
Anything unreadable is ``None``: the caller records a warning, nothing raises.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache

__all__ = ["parse_date"]

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
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
        ),
        start=1,
    )
    for name in names
}

# "CST" is missing on purpose: besides US Central it is China Standard Time (+08:00), which
# is what Java's Date.toString() prints on Chinese sites. It reads as no zone (below), so
# the source's configured zone applies.
_AMBIGUOUS_ZONES = frozenset({"cst"})
# RFC 822 zone names. Military single letters are ignored (RFC 1123 says treat them as -0000).
_ZONE_NAMES = {
    "gmt": 0, "ut": 0, "utc": 0, "z": 0,
    "est": -5, "edt": -4, "cdt": -5,
    "mst": -7, "mdt": -6, "pst": -8, "pdt": -7,
}  # fmt: skip

_ZONE = r"(?P<zone>[+-]\d{1,2}(?::?\d{2})?|[A-Za-z]{1,4}(?:[+-]\d{1,2}(?::?\d{2})?)?)"
_TIME = r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d+)?)?"

# "Wed, 26 Oct 2016 16:53:42 +0800", "26 Oct 16 16:53 GMT", "Wed, 26 Oct 2016 21:53:13"
_RFC822 = re.compile(
    r"(?:[A-Za-z]+\.?,?\s*)?(?P<day>\d{1,2})[\s-]+(?P<month>[A-Za-z]+)\.?[\s-]+"
    rf"(?P<year>\d{{2,4}})(?:,?\s+{_TIME})?(?:\s*{_ZONE})?"
)
# "Wed Oct 26 16:53:42 +0800 2016" (asctime / Twitter style)
_ASCTIME = re.compile(
    rf"[A-Za-z]+,?\s+(?P<month>[A-Za-z]+)\s+(?P<day>\d{{1,2}})\s+{_TIME}"
    rf"(?:\s+{_ZONE})?\s+(?P<year>\d{{4}})"
)
# "2018-09-18 14:38", "2018/09/18 14:38:10", "2021年10月28日 14:08", "2021.10.28"
_NUMERIC = re.compile(
    r"(?P<year>\d{4})\s*[-/.年]\s*(?P<month>\d{1,2})\s*[-/.月]\s*(?P<day>\d{1,2})\s*日?"
    r"(?:[T\s]*(?P<hour>\d{1,2})\s*[:：时]\s*(?P<minute>\d{1,2})\s*分?"
    r"(?:\s*[:：]?\s*(?P<second>\d{1,2})\s*秒?)?(?:\.\d+)?)?"
    rf"(?:\s*{_ZONE})?"
)
_EPOCH = re.compile(r"\d{9,13}")


def parse_date(value: str | None) -> datetime | None:
    """The datetime ``value`` states, or None when it is empty or unreadable."""
    if not value:
        return None
    text = value.strip()
    if not text or len(text) > 80:  # no real date is longer; keeps regex time bounded
        return None
    if text[0].isdigit():
        if _EPOCH.fullmatch(text):
            return _from_epoch(int(text))
        try:
            return datetime.fromisoformat(text)  # ISO 8601 and "2018-09-18 14:38:10"
        except ValueError:
            pass
        return _from_match(_NUMERIC.fullmatch(text), numeric_month=True) or _from_match(
            _RFC822.fullmatch(text), numeric_month=False
        )
    return _from_match(_RFC822.fullmatch(text), numeric_month=False) or _from_match(
        _ASCTIME.fullmatch(text), numeric_month=False
    )


def _from_epoch(seconds: int) -> datetime | None:
    if seconds > 10**11:  # milliseconds (JavaScript timestamps)
        seconds //= 1000
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _from_match(match: re.Match[str] | None, *, numeric_month: bool) -> datetime | None:
    if match is None:
        return None
    parts = match.groupdict()
    if numeric_month:
        month = int(parts["month"])
    else:
        found = _MONTHS.get(parts["month"].lower())
        if found is None:
            return None
        month = found
    year = int(parts["year"])
    if year < 100:  # RFC 822 two-digit years
        year += 2000 if year < 70 else 1900
    zone_text = parts.get("zone")
    if zone_text and zone_text.lower() in _AMBIGUOUS_ZONES:
        zone_text = None  # naive: the source's configured zone decides
    zone = _zone(zone_text) if zone_text else None
    if zone_text and zone is None:
        return None
    try:
        return datetime(
            year,
            month,
            int(parts["day"]),
            int(parts["hour"] or 0),
            int(parts["minute"] or 0),
            int(parts["second"] or 0),
            tzinfo=zone,
        )
    except ValueError:  # 31 February, hour 25, …
        return None


_OFFSET = re.compile(r"([+-])(\d{1,2}):?(\d{2})?")


@lru_cache(maxsize=256)  # a feed repeats the same few zones on every item
def _zone(text: str) -> timezone | None:
    """``+0800``, ``+08:00``, ``+8``, ``GMT``, ``GMT+8``, ``EST``; None when unknown."""
    name = text.rstrip("0123456789:+-").lower()
    offset = text[len(name) :]
    hours = 0
    if name:
        if name not in _ZONE_NAMES:
            return None
        hours = _ZONE_NAMES[name]
    delta = timedelta(hours=hours)
    if offset:
        match = _OFFSET.fullmatch(offset)
        if match is None:
            return None
        sign = -1 if match.group(1) == "-" else 1
        delta += sign * timedelta(hours=int(match.group(2)), minutes=int(match.group(3) or 0))
    if abs(delta) >= timedelta(hours=24):
        return None
    return UTC if not delta else timezone(delta)
