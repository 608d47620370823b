"""When to try again: Retry-After parsing and exponential backoff with jitter."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

__all__ = ["backoff_delay", "parse_retry_after"]


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), else None."""
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # "²".isdigit() is True, float("²") is not
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # HTTP-dates are GMT even when the zone is missing
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def backoff_delay(
    attempt: int,
    base: float,
    cap: float,
    rng: random.Random | None = None,
) -> float:
    """The wait before retry number ``attempt`` (1, 2, …): about base·2^(attempt-1).

    Half of it is random ("equal jitter"), so feeds that failed together on one host do
    not all come back at the same instant.
    """
    ceiling = min(cap, base * 2.0 ** (attempt - 1))
    uniform = rng.uniform if rng is not None else random.uniform
    return ceiling / 2 + uniform(0, ceiling / 2)
