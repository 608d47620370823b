"""Dates that start with the year: ISO 8601 / W3C-DTF reduced forms and CJK CMS forms.

``datetime.fromisoformat`` (Python 3.11) already reads full dates, week dates, basic
format and fractions; this module reads what it refuses:

    2003 · 2003-12 · 2003-335 (ordinal) · 03-12-31 · 031231 · 2003-12-31T10:14:55 Z
    2018/09/18 14:38 · 2021.10.28 · 2021年10月28日 14时08分 · 2022年9月1日 下午3:09
    2004년 05월 28일 01:31:15 · 2004-05-25 오후 11:23:17     (Korean: +09:00)
    2004-július-13T9:15-05:00                               (Hungarian month names)
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from newsdesk.parse.dates.words import build, month_number
from newsdesk.parse.dates.zones import ZONE_PATTERN

__all__ = ["parse_numeric"]

_ZONE = rf"(?P<zone>z|{ZONE_PATTERN})"
_CLOCK = r"(?P<hour>\d{2}):?(?P<minute>\d{2})(?::?(?P<second>\d{2})(?:[.,]\d+)?)?"
_ISO = re.compile(
    r"(?P<year>\d{4}|\d{2})"
    r"(?:-?(?P<ordinal>\d{3})|-(?P<month>\d{2})(?:-(?P<day>\d{2}))?|(?P<bmonth>\d{2})(?P<bday>\d{2}))?"
    rf"(?:[t\s]{_CLOCK})?(?:\s?{_ZONE})?",
    re.IGNORECASE,
)
_AMPM = r"(?P<ampm>오전|오후|上午|下午|am|pm)"
_CJK = re.compile(
    r"(?P<year>\d{4})\s*[-/.年년]\s*(?P<month>\d{1,2})\s*[-/.月월]\s*(?P<day>\d{1,2})\s*[日일]?\.?"
    r"(?:(?:\s*|t)(?:[(（]?[^\W\d_]{1,3}[)）]?\s*)??"  # weekday: 星期四, (목)
    rf"{_AMPM}?\s*(?P<hour>\d{{1,2}})\s*[:：时時시]\s*(?P<minute>\d{{1,2}})\s*[分분]?"
    r"(?:\s*[:：]?\s*(?P<second>\d{1,2})\s*[秒초]?)?(?:[.,]\d+)?"
    r"(?:\s?(?P<ampm2>am|pm))?)?"
    rf"(?:\s*{_ZONE})?",
    re.IGNORECASE,
)
_NAMED_MONTH = re.compile(
    r"(?P<year>\d{4})-(?P<month>[^\W\d_]{3,})\.?-(?P<day>\d{1,2})"
    r"(?:t(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?"
    rf"(?:\s?{_ZONE})?",
    re.IGNORECASE,
)
_KOREAN = re.compile("[년월일오전후]")
_KST = "+09:00"


def parse_numeric(text: str) -> datetime | None:
    """A date that starts with its year, or None."""
    match = _ISO.fullmatch(text)
    if match is not None:
        return _iso(match.groupdict())
    match = _CJK.fullmatch(text)
    if match is not None:
        parts = match.groupdict()
        parts["ampm"] = parts["ampm"] or parts["ampm2"]
        korean = _KOREAN.search(text) is not None
        return build(parts, int(parts["month"]), _KST if korean else None)
    match = _NAMED_MONTH.fullmatch(text)
    if match is not None:
        month = month_number(match.group("month"))
        return None if month is None else build(match.groupdict(), month)
    return None


def _iso(parts: dict[str, str | None]) -> datetime | None:
    if parts["zone"] and not parts["hour"]:
        return None  # "2003Z" is no date
    if len(parts["year"] or "") == 2 and not (
        parts["month"] or parts["bmonth"] or parts["ordinal"]
    ):
        return None  # "16" alone is a number, not a year
    ordinal = parts["ordinal"]
    month = parts["month"] or parts["bmonth"] or "1"
    parts["day"] = parts["day"] or parts["bday"]
    if ordinal is None:
        return build(parts, int(month))
    day = int(ordinal)
    parts["day"] = "1"
    start = build(parts, 1)
    if start is None or not 1 <= day <= 366:
        return None
    moment = start + timedelta(days=day - 1)
    return moment if moment.year == start.year else None  # day 366 of a common year
