"""Time zones as feeds write them: ``+0800``, ``+08:00``, ``GMT+8``, ``EST``, ``Etc/GMT-2``.

``zone(text)`` gives a ``timezone``, ``NO_ZONE`` when the text names a zone we must not
guess (the date then reads as local time at the source, whose configured zone decides),
or None when the text is not a zone at all (the date is then rejected).
"""

from __future__ import annotations

import re
from datetime import UTC, timedelta, timezone
from functools import lru_cache
from typing import Final

__all__ = ["NO_ZONE", "ZONE_PATTERN", "zone"]


class _NoZone:
    """Marker: the text names a zone, but which one is ambiguous."""

    def __repr__(self) -> str:
        return "NO_ZONE"


NO_ZONE: Final = _NoZone()

# Minutes east of UTC. RFC 822 names first, then the common unambiguous abbreviations.
_NAMED: dict[str, int] = {
    "ut": 0, "utc": 0, "gmt": 0, "z": 0, "wet": 0,
    "est": -300, "edt": -240, "et": -300,
    "cdt": -300, "ct": -360,
    "mst": -420, "mdt": -360, "mt": -420,
    "pst": -480, "pdt": -420, "pt": -480,
    "ast": -240, "adt": -180, "akst": -540, "akdt": -480, "hst": -600,
    "met": 60, "mest": 120, "cet": 60, "cest": 120, "mez": 60, "mesz": 120,
    "west": 60, "bst": 60, "eet": 120, "eest": 180, "msk": 180,
    "jst": 540, "kst": 540, "hkt": 480, "sgt": 480, "awst": 480,
    "acst": 570, "acdt": 630, "aest": 600, "aedt": 660, "nzst": 720, "nzdt": 780,
}  # fmt: skip

# "CST" is US Central in RFC 822 but China Standard Time (+08:00) in what Java prints on
# Chinese sites, and "IST" is India, Ireland or Israel: such a date reads as local time at
# the source, so the feed's configured zone decides (``timezone:`` in the config).
_AMBIGUOUS = frozenset({"cst", "ist"})

# What the date grammars accept as a zone token (matched case-insensitively).
ZONE_PATTERN = (
    r"(?:[+-]\d{1,4}(?::\d{2})?"
    r"|etc/[a-z]{2,4}(?:[+-]\d{1,2})?"
    r"|[a-z]{1,5}(?:\s?[+-]\d{1,4}(?::\d{2})?)?)"
)
_OFFSET = re.compile(r"([+-])(\d{1,2}?)(?::?(\d{2}))?")
_LIMIT = timedelta(hours=18)


@lru_cache(maxsize=256)  # a feed repeats the same few zones on every item
def zone(text: str) -> timezone | _NoZone | None:
    """The zone ``text`` names; ``NO_ZONE`` for names we must not guess; None if invalid."""
    text = text.strip().lower().replace(" ", "")
    if text.startswith("etc/"):
        return _etc(text[4:])
    name = text.rstrip("0123456789:+-")
    offset = text[len(name) :]
    minutes = 0
    if name:
        if name in _AMBIGUOUS and not offset:
            return NO_ZONE
        if name in _NAMED:
            minutes = _NAMED[name]
        elif len(name) == 1:  # military letters: RFC 2822 §4.3 says read them as UTC
            minutes = 0
        elif offset:
            return None  # "XYZ+3" is no zone we know
        else:
            return NO_ZONE  # an unknown abbreviation: keep the date, let the feed's zone decide
    if offset:
        parsed = _offset_minutes(offset)
        if parsed is None:
            return None
        minutes += parsed
    delta = timedelta(minutes=minutes)
    if abs(delta) > _LIMIT:
        return None
    return UTC if not minutes else timezone(delta)


def _offset_minutes(offset: str) -> int | None:
    match = _OFFSET.fullmatch(offset)
    if match is None:
        return None
    sign, hours, minutes = match.groups()
    if not hours:
        return None
    if int(minutes or 0) >= 60:
        return None
    total = int(hours) * 60 + int(minutes or 0)
    return -total if sign == "-" else total


def _etc(rest: str) -> timezone | None:
    """``Etc/GMT-2`` is two hours *east* of Greenwich: the tz database inverts the sign."""
    name = rest.rstrip("0123456789+-")
    if name not in ("gmt", "utc", "ut", "uct"):
        return None
    offset = rest[len(name) :]
    if not offset:
        return UTC
    if offset[0] not in "+-" or not offset[1:].isdigit() or int(offset[1:]) > 14:
        return None
    hours = int(offset[1:]) * (1 if offset[0] == "-" else -1)
    return UTC if not hours else timezone(timedelta(hours=hours))
