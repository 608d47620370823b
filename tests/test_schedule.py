from __future__ import annotations

import asyncio
import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from newsdesk.schedule import (
    FeedHints,
    Outcome,
    PollState,
    SchedulePolicy,
    Scheduler,
    first_due,
    next_poll,
    run_after_publish,
    should_pause,
)

T0 = datetime(2026, 11, 26, 1, 30, tzinfo=UTC)  # a Thursday
STEADY = SchedulePolicy(jitter=0.0)  # no jitter: exact arithmetic
MIN = timedelta(minutes=1)


def wait_of(state: PollState, policy: SchedulePolicy = STEADY, now: datetime = T0) -> timedelta:
    return next_poll(state, now=now, policy=policy, rng=random.Random(1)) - now


# -- intervals and hints -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (PollState("a"), 30 * MIN),  # the policy default
        (PollState("a", interval=10 * MIN), 10 * MIN),  # per-feed override
        (PollState("a", interval=1 * MIN), 5 * MIN),  # raised to min_interval
        (PollState("a", interval=timedelta(days=3)), timedelta(hours=24)),  # cut to max
        (PollState("a", hints=FeedHints(ttl_minutes=60)), 60 * MIN),  # ttl lengthens
        (PollState("a", hints=FeedHints(ttl_minutes=5)), 30 * MIN),  # never shortens
        (PollState("a", hints=FeedHints(ttl_minutes=0)), 30 * MIN),  # nonsense ignored
        (PollState("a", hints=FeedHints(ttl_minutes=100_000)), timedelta(hours=24)),  # bounded
        (
            PollState("a", hints=FeedHints(update_period="daily", update_frequency=2)),
            timedelta(hours=12),
        ),
        (PollState("a", hints=FeedHints(update_period="Hourly")), 60 * MIN),
        (PollState("a", hints=FeedHints(update_period="weekly")), timedelta(hours=24)),
        (PollState("a", hints=FeedHints(update_period="fortnightly")), 30 * MIN),
        (PollState("a", hints=FeedHints(update_period="hourly", update_frequency=4)), 30 * MIN),
        # both hints: the longer one wins
        (PollState("a", hints=FeedHints(ttl_minutes=90, update_period="hourly")), 90 * MIN),
    ],
)
def test_interval_table(state, expected):
    assert wait_of(state) == expected


def test_hints_ignored_when_policy_says_so():
    policy = SchedulePolicy(jitter=0.0, respect_hints=False)
    state = PollState("a", hints=FeedHints(ttl_minutes=600, skip_hours=frozenset({2})))
    assert wait_of(state, policy) == 30 * MIN


def test_jitter_stays_within_ten_percent():
    policy = SchedulePolicy(jitter=0.1)
    rng = random.Random(42)
    waits = [next_poll(PollState("a"), now=T0, policy=policy, rng=rng) - T0 for _ in range(2000)]
    assert min(waits) >= 27 * MIN
    assert max(waits) <= 33 * MIN
    # and it does spread: not all the same value
    assert max(waits) - min(waits) > 5 * MIN


def test_jitter_is_deterministic_for_a_seeded_rng():
    policy = SchedulePolicy()
    a = next_poll(PollState("a"), now=T0, policy=policy, rng=random.Random(7))
    b = next_poll(PollState("a"), now=T0, policy=policy, rng=random.Random(7))
    assert a == b


# -- backoff and pause -------------------------------------------------------------------


def test_backoff_doubles_per_failure_then_caps():
    policy = SchedulePolicy(jitter=0.0, max_backoff=timedelta(hours=4))
    waits = [wait_of(PollState("a", error_streak=n), policy) for n in range(7)]
    assert waits == [30 * MIN, 60 * MIN, 120 * MIN, 240 * MIN, 240 * MIN, 240 * MIN, 240 * MIN]


def test_backoff_of_a_long_dead_feed_does_not_overflow():
    assert wait_of(PollState("a", error_streak=10_000)) == timedelta(hours=12)


def test_backoff_never_shortens_a_long_interval():
    policy = SchedulePolicy(jitter=0.0, max_backoff=timedelta(hours=1))
    state = PollState("a", interval=timedelta(hours=6), error_streak=3)
    assert wait_of(state, policy) == timedelta(hours=6)


@pytest.mark.parametrize(
    ("streak", "pause_after", "paused"),
    [(0, 3, False), (2, 3, False), (3, 3, True), (9, 3, True), (100, 0, False)],
)
def test_should_pause(streak, pause_after, paused):
    assert should_pause(streak, SchedulePolicy(pause_after=pause_after)) is paused


def test_retry_after_delays_the_next_poll():
    state = PollState("a", retry_after=3600)
    assert wait_of(state) == 60 * MIN
    assert wait_of(PollState("a", retry_after=60)) == 30 * MIN  # shorter than the interval
    # an absurd Retry-After is bounded by max_backoff
    assert wait_of(PollState("a", retry_after=10**9)) == timedelta(hours=12)


# -- skipHours / skipDays ----------------------------------------------------------------


def test_skip_hours_push_past_the_skipped_utc_hours():
    # 01:30 + 30 min = 02:00 UTC, skipped; 03:xx skipped too; first free hour is 04:00.
    state = PollState("a", hints=FeedHints(skip_hours=frozenset({2, 3})))
    assert T0 + wait_of(state) == datetime(2026, 11, 26, 4, 0, tzinfo=UTC)


def test_skip_hours_are_utc_whatever_the_clock_zone():
    shanghai = T0.astimezone(ZoneInfo("Asia/Shanghai"))  # 09:30 local
    state = PollState("a", hints=FeedHints(skip_hours=frozenset({2})))
    moment = next_poll(state, now=shanghai, policy=STEADY, rng=random.Random())
    assert moment == datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
    assert moment.tzinfo == shanghai.tzinfo  # the caller's zone is kept


def test_skip_days_push_to_the_next_free_day():
    state = PollState("a", hints=FeedHints(skip_days=frozenset({"Thursday", "friday"})))
    assert T0 + wait_of(state) == datetime(2026, 11, 28, 0, 0, tzinfo=UTC)


def test_a_feed_skipping_every_hour_is_polled_anyway():
    state = PollState("a", hints=FeedHints(skip_hours=frozenset(range(24))))
    assert wait_of(state) == 30 * MIN


def test_naive_now_refused():
    with pytest.raises(ValueError, match="aware"):
        next_poll(PollState("a"), now=datetime(2026, 1, 1), policy=STEADY, rng=random.Random())


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"min_interval": timedelta(0)}, r"^min_interval must be positive"),
        ({"jitter": 1.5}, r"^jitter must be in"),
        ({"pause_after": -1}, r"^pause_after must be"),
        (
            {"min_interval": timedelta(hours=2), "max_interval": timedelta(hours=1)},
            r"^max_interval must not be below min_interval",
        ),
    ],
)
def test_bad_policy_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SchedulePolicy(**kwargs)


@pytest.mark.parametrize(
    ("last_attempt", "streak", "expected"),
    [
        (None, 0, T0),  # never polled: due at once
        (T0 - 10 * MIN, 0, T0 + 20 * MIN),  # polled 10 min ago: the rest of its interval
        (T0 - 5 * 60 * MIN, 0, T0),  # long overdue: now, not in the past
        (T0 - 10 * MIN, 2, T0 + 110 * MIN),  # a failing feed keeps its backoff over a restart
    ],
)
def test_first_due_after_restart(last_attempt, streak, expected):
    state = PollState("a", error_streak=streak)
    assert (
        first_due(state, last_attempt=last_attempt, now=T0, policy=STEADY, rng=random.Random())
        == expected
    )


# -- Scheduler ---------------------------------------------------------------------------


def make_scheduler(**policy) -> Scheduler:
    sched = Scheduler(SchedulePolicy(jitter=0.0, **policy), rng=random.Random(0))
    sched.add(PollState("fast", interval=10 * MIN), due=T0)
    sched.add(PollState("slow", interval=25 * MIN), due=T0 + 5 * MIN)
    return sched


def test_due_lists_feeds_whose_time_has_come_earliest_first():
    sched = make_scheduler()
    assert sched.due(T0 - MIN) == []
    assert sched.due(T0) == ["fast"]
    assert sched.due(T0 + 5 * MIN) == ["fast", "slow"]
    assert sched.next_due() == T0


def test_record_success_schedules_next_interval():
    sched = make_scheduler()
    assert sched.record("fast", True, T0) == T0 + 10 * MIN
    assert sched.due(T0 + 9 * MIN) == ["slow"]
    assert sched.due(T0 + 10 * MIN) == ["slow", "fast"]  # slow has waited longer


def test_record_failures_back_off_then_success_resets():
    sched = make_scheduler()
    assert sched.record("fast", False, T0) == T0 + 20 * MIN
    assert sched.record("fast", False, T0) == T0 + 40 * MIN
    assert sched.state("fast").error_streak == 2
    assert sched.record("fast", True, T0) == T0 + 10 * MIN
    assert sched.state("fast").error_streak == 0


def test_feed_paused_after_n_failures_and_resumed():
    sched = make_scheduler(pause_after=3)
    for _ in range(2):
        assert sched.record("fast", False, T0) is not None
    assert sched.record("fast", False, T0) is None
    assert sched.paused() == ["fast"]
    far = T0 + timedelta(days=30)
    assert sched.due(far) == ["slow"]
    sched.resume("fast", now=far)
    assert sched.due(far) == ["slow", "fast"]
    assert sched.state("fast").error_streak == 0


def test_record_updates_hints():
    sched = make_scheduler()
    assert sched.record("fast", True, T0, hints=FeedHints(ttl_minutes=45)) == T0 + 45 * MIN
    assert sched.state("fast").hints.ttl_minutes == 45
    # no hints given: the known ones are kept
    assert sched.record("fast", True, T0) == T0 + 45 * MIN


def test_remove_and_membership():
    sched = make_scheduler()
    sched.remove("slow")
    assert "slow" not in sched
    assert len(sched) == 1


# -- the watch loop, on a fake clock -----------------------------------------------------


class FakeClock:
    """A clock that only moves when the loop sleeps; no real waiting."""

    def __init__(self, start: datetime) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> datetime:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += timedelta(seconds=seconds)
        await asyncio.sleep(0)


def test_run_forever_polls_each_feed_on_its_own_interval():
    sched = make_scheduler()
    clock = FakeClock(T0)
    stop = asyncio.Event()
    polls: dict[str, list[int]] = {"fast": [], "slow": []}

    async def cycle(keys: list[str]) -> dict[str, bool]:
        minute = int((clock.now - T0).total_seconds() // 60)
        for key in keys:
            polls[key].append(minute)
        if clock.now >= T0 + 60 * MIN:
            stop.set()
        return dict.fromkeys(keys, True)

    cycles = asyncio.run(sched.run_forever(cycle, clock=clock, sleep=clock.sleep, stop_event=stop))
    assert polls["fast"] == [0, 10, 20, 30, 40, 50, 60]
    assert polls["slow"] == [5, 30, 55]
    assert cycles == 9  # 30 is shared by both feeds
    assert all(s > 0 for s in clock.sleeps)  # never a busy loop


def test_stop_requested_mid_cycle_finishes_and_records_the_cycle():
    sched = make_scheduler()
    clock = FakeClock(T0)
    stop = asyncio.Event()
    seen: list[list[str]] = []

    async def cycle(keys: list[str]) -> dict[str, bool]:
        seen.append(keys)
        stop.set()  # e.g. SIGTERM arrives while feeds are being fetched
        await asyncio.sleep(0)  # the cycle goes on after the request
        return dict.fromkeys(keys, True)

    cycles = asyncio.run(sched.run_forever(cycle, clock=clock, sleep=clock.sleep, stop_event=stop))
    assert cycles == 1
    assert seen == [["fast"]]
    assert sched.due_at("fast") == T0 + 10 * MIN  # the finished work was recorded


def test_stop_during_sleep_wakes_the_loop_at_once():
    sched = Scheduler(STEADY)
    sched.add(PollState("a"), due=T0 + timedelta(days=1))
    stop = asyncio.Event()

    async def never(_seconds: float) -> None:
        await asyncio.Event().wait()  # a sleep that would last forever

    async def cycle(keys: list[str]) -> dict[str, bool]:
        raise AssertionError("nothing is due")

    async def main() -> int:
        loop_task = asyncio.create_task(
            sched.run_forever(cycle, clock=lambda: T0, sleep=never, stop_event=stop)
        )
        await asyncio.sleep(0.01)
        stop.set()
        return await asyncio.wait_for(loop_task, timeout=2)

    assert asyncio.run(main()) == 0


def test_missing_outcome_counts_as_failure_and_outcomes_carry_hints():
    sched = make_scheduler()
    clock = FakeClock(T0 + 5 * MIN)
    stop = asyncio.Event()

    async def cycle(keys: list[str]) -> dict[str, bool | Outcome]:
        stop.set()
        return {"slow": Outcome(ok=True, hints=FeedHints(ttl_minutes=120))}

    asyncio.run(sched.run_forever(cycle, clock=clock, sleep=clock.sleep, stop_event=stop))
    assert sched.state("fast").error_streak == 1
    assert sched.state("slow").hints.ttl_minutes == 120
    assert sched.due_at("slow") == clock.now + 120 * MIN


def test_exception_in_cycle_propagates():
    sched = make_scheduler()

    async def cycle(keys: list[str]) -> dict[str, bool]:
        raise RuntimeError("bug")

    with pytest.raises(RuntimeError, match="bug"):
        asyncio.run(
            sched.run_forever(
                cycle, clock=lambda: T0, sleep=asyncio.sleep, stop_event=asyncio.Event()
            )
        )


def test_idle_scheduler_sleeps_idle_interval():
    sched = Scheduler(SchedulePolicy(idle_sleep=timedelta(seconds=42)))
    clock = FakeClock(T0)
    stop = asyncio.Event()

    async def sleep(seconds: float) -> None:
        await clock.sleep(seconds)
        stop.set()

    async def cycle(keys: list[str]) -> dict[str, bool]:
        return {}

    asyncio.run(sched.run_forever(cycle, clock=clock, sleep=sleep, stop_event=stop))
    assert clock.sleeps == [42.0]


# -- after_publish -----------------------------------------------------------------------


def test_after_publish_returns_code_and_output(tmp_path: Path):
    code, output = run_after_publish("pwd; echo oops >&2; exit 3", cwd=tmp_path, timeout=10)
    assert code == 3
    assert output.splitlines() == [str(tmp_path.resolve()), "oops"]


def test_after_publish_timeout_kills_the_whole_group(tmp_path: Path):
    start = time.monotonic()
    code, output = run_after_publish(
        "sh -c 'echo $$ > child.pid; exec sleep 30' & echo started; wait",
        cwd=tmp_path,
        timeout=1,
    )
    assert time.monotonic() - start < 10
    assert code == 124
    assert "started" in output and "killed after 1s" in output
    child = int((tmp_path / "child.pid").read_text())
    status = Path(f"/proc/{child}/status")
    deadline = time.monotonic() + 5
    while status.exists() and "State:\tZ" not in status.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not status.exists() or "State:\tZ" in status.read_text()


def test_after_publish_missing_directory_is_an_error(tmp_path: Path):
    with pytest.raises(FileNotFoundError):
        run_after_publish("true", cwd=tmp_path / "nope", timeout=5)
