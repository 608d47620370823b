"""The one way durations are written in newsdesk's config: ``20``, ``20s``, ``30m``, ``1h``.

A bare number is seconds. Used by every section (``fetch``, ``site``, ``watch``,
``proxy_server``), so a value that works in one place works in all of them.
"""

from __future__ import annotations

import math
import re

__all__ = ["DURATION_EXAMPLES", "parse_duration"]

DURATION_EXAMPLES = "20, 20s, 30m or 1h"
_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?|\.\d+)\s*(s|m|h|d)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: object, *, allow_zero: bool = False) -> float:
    """Seconds from a number or ``<number><s|m|h|d>``; ValueError names the accepted forms."""
    seconds: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    elif isinstance(value, str) and (match := _DURATION_RE.match(value)):
        seconds = float(match.group(1)) * _UNITS[(match.group(2) or "").lower()]
    ok = seconds is not None and math.isfinite(seconds) and (seconds > 0 or allow_zero)
    if not ok or seconds is None or seconds < 0:
        lead = "a duration (0 or more)" if allow_zero else "a positive duration"
        raise ValueError(f"must be {lead} such as {DURATION_EXAMPLES}, got {value!r}")
    return seconds
