"""Retry-After parsing, backoff, and option validation."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdesk.fetch import FetchOptions
from newsdesk.fetch.retry import backoff_delay, parse_retry_after

NOW = datetime(2026, 11, 26, 6, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("0", 0.0),
        ("7", 7.0),
        (" 120 ", 120.0),
        ("Thu, 26 Nov 2026 06:00:30 GMT", 30.0),
        ("Thu, 26 Nov 2026 05:00:00 GMT", 0.0),  # in the past: retry now
        ("Thursday, 26-Nov-26 06:01:00 GMT", 60.0),  # obsolete RFC 850 form, still sent
        ("soon", None),
        ("-5", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header, NOW) == seconds


@given(
    attempt=st.integers(1, 30),
    base=st.floats(0.001, 5),
    cap=st.floats(0.01, 300),
    seed=st.integers(),
)
def test_backoff_stays_within_half_and_full_ceiling(
    attempt: int, base: float, cap: float, seed: int
) -> None:
    ceiling = min(cap, base * 2 ** (attempt - 1))
    delay = backoff_delay(attempt, base, cap, random.Random(seed))
    assert ceiling / 2 <= delay <= ceiling


def test_backoff_grows() -> None:
    rng = random.Random(1)
    delays = [backoff_delay(n, 0.5, 120, rng) for n in (1, 2, 3, 4)]
    assert delays == sorted(delays)


def test_defaults() -> None:
    options = FetchOptions()
    assert (options.concurrency, options.per_host, options.retries) == (16, 2, 3)
    assert options.max_bytes == 10 * 1024 * 1024
    assert options.user_agent.startswith("newsdesk/")


@pytest.mark.parametrize(
    "bad",
    [{"concurrency": 0}, {"per_host": 0}, {"total_timeout": 0}, {"retries": -1}, {"max_bytes": 0}],
)
def test_bad_options_are_rejected_up_front(bad: dict[str, int]) -> None:
    with pytest.raises(ValueError, match=next(iter(bad))):
        FetchOptions(**bad)  # type: ignore[arg-type]
