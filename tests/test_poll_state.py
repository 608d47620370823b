"""`newsdesk watch` and `newsdesk status` decide "paused" with the same rule."""

from __future__ import annotations

from newsdesk.models import FeedState
from newsdesk.schedule import SchedulePolicy
from newsdesk.watch import poll_state

POLICY = SchedulePolicy(jitter=0.0, pause_after=3)


def test_a_feed_pauses_after_pause_after_failures_or_when_disabled() -> None:
    assert not poll_state("k", None, POLICY).paused, "never fetched"
    assert not poll_state("k", FeedState("k", error_streak=2), POLICY).paused
    assert poll_state("k", FeedState("k", error_streak=3), POLICY).paused
    assert poll_state("k", FeedState("k", disabled=True), POLICY).paused
    streak = poll_state("k", FeedState("k", error_streak=2), POLICY)
    assert streak.key == "k" and streak.error_streak == 2


def test_pause_after_zero_never_pauses_a_failing_feed() -> None:
    never = SchedulePolicy(jitter=0.0, pause_after=0)
    assert not poll_state("k", FeedState("k", error_streak=99), never).paused
