"""When to poll each feed, for ``newsdesk watch``. Pure logic with an injected clock.

    interval  = the feed's own interval, else the policy's default
    interval  = max(interval, the feed's hint)         hint: <ttl>, sy:updatePeriod/Frequency
    interval  = clamp(interval, min_interval, max_interval)
    interval  = max(interval, min(interval * 2**streak, max_backoff))   failing feeds back off
    next poll = now + interval * uniform(1 - jitter, 1 + jitter),
                moved past the feed's skipHours/skipDays and any Retry-After

Hints only lengthen the interval: a feed that says "cache me for an hour" is not
polled every ten minutes, but no hint makes us poll longer than ``max_interval``.
After ``pause_after`` consecutive failures a feed is paused until resumed
(:func:`should_pause`), like Miniflux disabling a feed after its error limit.

:class:`Scheduler` holds every feed's next poll time; :meth:`Scheduler.run_forever`
is the watch loop, with ``clock``, ``sleep`` and ``stop_event`` passed in so tests
drive it with a fake clock; :func:`first_due` seeds it from the store after a restart.
:func:`run_after_publish` runs the user's shell command.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import signal
import subprocess
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsdesk.models import FeedHints

__all__ = [
    "FeedHints",
    "Outcome",
    "PollState",
    "SchedulePolicy",
    "Scheduler",
    "first_due",
    "next_poll",
    "run_after_publish",
    "should_pause",
]

log = logging.getLogger(__name__)

_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class SchedulePolicy:
    """The bounds every feed is scheduled within (from config; defaults are conservative)."""

    interval: timedelta = timedelta(minutes=30)  # default when a feed has no own interval
    min_interval: timedelta = timedelta(minutes=5)
    max_interval: timedelta = timedelta(hours=24)
    jitter: float = 0.1  # ±10%: spreads feeds so they do not all fire together
    max_backoff: timedelta = timedelta(hours=12)  # cap of interval * 2**streak
    pause_after: int = 10  # consecutive failures before pausing; 0 = never pause
    respect_hints: bool = True  # honour <ttl>, sy:update*, skipHours/skipDays
    idle_sleep: timedelta = timedelta(minutes=1)  # watch loop sleep when nothing is scheduled

    def __post_init__(self) -> None:
        if self.min_interval <= timedelta(0):
            raise ValueError("min_interval must be positive")
        if self.max_interval < self.min_interval:
            raise ValueError("max_interval must not be below min_interval")
        if not 0 <= self.jitter < 1:
            raise ValueError("jitter must be in [0, 1)")
        if self.pause_after < 0:
            raise ValueError("pause_after must be >= 0")
        if self.idle_sleep <= timedelta(0):
            raise ValueError("idle_sleep must be positive")


@dataclass(frozen=True)
class PollState:
    """One feed as the scheduler sees it."""

    key: str
    interval: timedelta | None = None  # per-feed override of the policy's default
    hints: FeedHints = field(default_factory=FeedHints)
    error_streak: int = 0
    retry_after: float | None = None  # seconds, from the last 429/503
    paused: bool = False


@dataclass(frozen=True)
class Outcome:
    """What a watch cycle reports for one feed; a plain ``bool`` means ``Outcome(ok)``."""

    ok: bool
    hints: FeedHints | None = None  # fresh hints from the parsed feed, when it was parsed
    retry_after: float | None = None


def should_pause(streak: int, policy: SchedulePolicy) -> bool:
    """Whether a feed that failed ``streak`` times in a row should stop being polled."""
    return policy.pause_after > 0 and streak >= policy.pause_after


def _base_interval(state: PollState, policy: SchedulePolicy) -> timedelta:
    interval = state.interval if state.interval is not None else policy.interval
    if policy.respect_hints:
        hint = state.hints.interval()
        if hint is not None:
            interval = max(interval, hint)
    return min(max(interval, policy.min_interval), policy.max_interval)


def _backoff(interval: timedelta, streak: int, policy: SchedulePolicy) -> timedelta:
    if streak <= 0:
        return interval
    # In float seconds: interval * 2**streak on a long-dead feed would overflow timedelta.
    grown = interval.total_seconds() * 2.0 ** min(streak, 64)
    capped = timedelta(seconds=min(grown, policy.max_backoff.total_seconds()))
    return max(interval, capped)


def _past_skips(moment: datetime, hints: FeedHints) -> datetime:
    hours = {h for h in hints.skip_hours if 0 <= h <= 23}
    days = {d.strip().lower() for d in hints.skip_days} & set(_DAYS)
    if len(hours) >= 24 or len(days) >= 7:
        return moment  # a feed that skips every hour is broken; poll anyway
    for _ in range(24 * 8):  # at most a week of skipped hours, plus one
        utc = moment.astimezone(UTC)
        if utc.hour not in hours and _DAYS[utc.weekday()] not in days:
            return moment
        top_of_next_hour = utc.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        moment = top_of_next_hour.astimezone(moment.tzinfo)
    return moment


def next_poll(
    state: PollState, *, now: datetime, policy: SchedulePolicy, rng: random.Random
) -> datetime:
    """When ``state``'s feed should next be polled, given it was just polled at ``now``."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    interval = _backoff(_base_interval(state, policy), state.error_streak, policy)
    if policy.jitter:
        interval *= rng.uniform(1 - policy.jitter, 1 + policy.jitter)
    moment = now + interval
    if state.retry_after is not None and state.retry_after > 0:
        # The server told us when to come back; never earlier, but within max_backoff.
        wait = min(timedelta(seconds=state.retry_after), max(policy.max_backoff, interval))
        moment = max(moment, now + wait)
    if policy.respect_hints:
        moment = _past_skips(moment, state.hints)
    return moment


def first_due(
    state: PollState,
    *,
    last_attempt: datetime | None,
    now: datetime,
    policy: SchedulePolicy,
    rng: random.Random,
) -> datetime:
    """When a feed is first due after (re)starting ``watch``, from the store's last attempt.

    Never polled: now. Otherwise its next poll as computed from the last attempt, but not
    in the past: a restart neither re-polls every feed at once nor forgets the backoff.
    """
    if last_attempt is None:
        return now
    if last_attempt.tzinfo is None:
        raise ValueError("last_attempt must be timezone-aware")
    return max(now, next_poll(state, now=last_attempt, policy=policy, rng=rng))


class Scheduler:
    """Every feed's next poll time. Not thread-safe: drive it from one event loop."""

    def __init__(self, policy: SchedulePolicy, *, rng: random.Random | None = None) -> None:
        self.policy = policy
        self._rng = rng or random.Random()
        self._states: dict[str, PollState] = {}
        self._due: dict[str, datetime] = {}

    # -- membership ----------------------------------------------------------------
    def add(self, state: PollState, *, due: datetime) -> None:
        """Track a feed, first due at ``due`` (pass ``now`` to poll it on the next cycle)."""
        if due.tzinfo is None:
            raise ValueError("due must be timezone-aware")
        self._states[state.key] = state
        self._due[state.key] = due

    def remove(self, key: str) -> None:
        self._states.pop(key, None)
        self._due.pop(key, None)

    def __contains__(self, key: object) -> bool:
        return key in self._states

    def __len__(self) -> int:
        return len(self._states)

    def state(self, key: str) -> PollState:
        return self._states[key]

    def due_at(self, key: str) -> datetime:
        return self._due[key]

    # -- queries ---------------------------------------------------------------------
    def due(self, now: datetime) -> list[str]:
        """Feeds due at ``now``, earliest first; paused feeds are never due."""
        ready = [
            (at, key) for key, at in self._due.items() if at <= now and not self._states[key].paused
        ]
        return [key for _, key in sorted(ready)]

    def next_due(self) -> datetime | None:
        """The earliest poll time among active feeds, or None when none is active."""
        times = [at for key, at in self._due.items() if not self._states[key].paused]
        return min(times) if times else None

    def paused(self) -> list[str]:
        return sorted(k for k, s in self._states.items() if s.paused)

    # -- updates ---------------------------------------------------------------------
    def record(
        self,
        key: str,
        ok: bool,
        now: datetime,
        *,
        hints: FeedHints | None = None,
        retry_after: float | None = None,
    ) -> datetime | None:
        """Note a poll's outcome; returns the next poll time, or None if the feed got paused."""
        state = self._states[key]
        streak = 0 if ok else state.error_streak + 1
        state = replace(
            state,
            error_streak=streak,
            hints=hints if hints is not None else state.hints,
            retry_after=retry_after,
        )
        if should_pause(streak, self.policy):
            self._states[key] = replace(state, paused=True)
            log.warning(
                "feed paused after repeated failures", extra={"feed": key, "streak": streak}
            )
            return None
        self._states[key] = state
        self._due[key] = next_poll(state, now=now, policy=self.policy, rng=self._rng)
        return self._due[key]

    def resume(self, key: str, *, now: datetime) -> None:
        """Unpause a feed (the user fixed it) and poll it on the next cycle."""
        self._states[key] = replace(self._states[key], paused=False, error_streak=0)
        self._due[key] = now

    # -- the watch loop ----------------------------------------------------------------
    async def run_forever(
        self,
        cycle: Callable[[list[str]], Awaitable[Mapping[str, bool | Outcome]]],
        *,
        clock: Callable[[], datetime],
        sleep: Callable[[float], Awaitable[object]],
        stop_event: asyncio.Event,
    ) -> int:
        """Run ``cycle(due_keys)`` whenever feeds are due, until ``stop_event`` is set.

        A stop request never interrupts a cycle: the running cycle finishes and its
        results are recorded, then the loop returns. A stop during the sleep between
        cycles wakes the loop at once. ``cycle`` returns an outcome per key; a key it
        leaves out counts as a failure. An exception from ``cycle`` is a bug and
        propagates. Returns the number of cycles run.
        """
        cycles = 0
        while not stop_event.is_set():
            now = clock()
            keys = self.due(now)
            if keys:
                results = await cycle(list(keys))
                cycles += 1
                self._record_all(keys, results, clock())
                continue
            upcoming = self.next_due()
            delay = self.policy.idle_sleep if upcoming is None else upcoming - now
            await _sleep_or_stop(sleep, max(delay.total_seconds(), 0.0), stop_event)
        return cycles

    def _record_all(
        self, keys: list[str], results: Mapping[str, bool | Outcome], now: datetime
    ) -> None:
        for key in keys:
            if key not in self._states:
                continue  # removed while the cycle ran
            outcome = results.get(key)
            if outcome is None:
                log.warning("watch cycle returned no outcome", extra={"feed": key})
                outcome = Outcome(ok=False)
            elif isinstance(outcome, bool):
                outcome = Outcome(ok=outcome)
            self.record(key, outcome.ok, now, hints=outcome.hints, retry_after=outcome.retry_after)


async def _sleep_or_stop(
    sleep: Callable[[float], Awaitable[object]], seconds: float, stop_event: asyncio.Event
) -> None:
    """Sleep, but wake as soon as ``stop_event`` is set."""
    if stop_event.is_set():
        return
    napping = asyncio.ensure_future(sleep(seconds))
    stopping = asyncio.ensure_future(stop_event.wait())
    try:
        await asyncio.wait({napping, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (napping, stopping):
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task


# Exit status reported when the command ran out of time, as coreutils' timeout(1) does.
TIMEOUT_RETURNCODE = 124
_MAX_OUTPUT = 64_000  # characters of output kept (the tail: errors come last)


def run_after_publish(
    command: str, *, cwd: str | os.PathLike[str], timeout: float
) -> tuple[int, str]:
    """Run the user's ``after_publish`` shell command; returns (returncode, output).

    stdout and stderr are merged; only the last 64,000 characters are kept. On timeout
    the whole process group is killed (a ``hexo deploy`` spawns children that would
    outlive a killed shell) and the return code is 124. Blocking: from async code use
    ``await asyncio.to_thread(run_after_publish, ...)``. Never raises for the command's
    own failure; a missing ``cwd`` raises FileNotFoundError (bad config).
    """
    workdir = Path(cwd)
    if not workdir.is_dir():
        raise FileNotFoundError(f"after_publish directory does not exist: {workdir}")
    proc = subprocess.Popen(
        command,
        shell=True,  # the user's own command line from their config, by design
        cwd=workdir,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # own process group, so a timeout can kill all of it
    )
    try:
        raw, _ = proc.communicate(timeout=timeout)
        code = proc.returncode
        note = ""
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        try:
            raw, _ = proc.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            # A grandchild that left our process group still holds the pipe open.
            raw = b""
            proc.wait()  # the shell itself was killed: reap it, leave no zombie
        code = TIMEOUT_RETURNCODE
        note = f"\n[newsdesk: after_publish killed after {timeout:g}s]"
    output = raw.decode("utf-8", "replace")[-_MAX_OUTPUT:] + note
    return code, output


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
