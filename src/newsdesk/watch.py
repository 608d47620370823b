"""``newsdesk watch``: the scheduler loop around the pipeline.

Each feed is polled on its own interval (``schedule.Scheduler``); every cycle fetches the
due feeds, stores them, publishes what changed and runs ``watch.after_publish`` when
anything did. SIGTERM/SIGINT stop the loop after the current cycle, so nothing is lost.
"""

from __future__ import annotations

import asyncio
import logging
import random
import signal
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from rich.console import Console

from newsdesk import pipeline
from newsdesk.config import Config
from newsdesk.models import FeedHints, FeedState
from newsdesk.schedule import (
    Outcome,
    PollState,
    SchedulePolicy,
    Scheduler,
    first_due,
    run_after_publish,
    should_pause,
)

__all__ = [
    "PlannedPoll",
    "after_publish",
    "due_feeds",
    "plan_polls",
    "policy_from_config",
    "poll_state",
    "watch_forever",
]

log = logging.getLogger("newsdesk.watch")


def policy_from_config(config: Config) -> SchedulePolicy:
    w = config.watch
    return SchedulePolicy(
        interval=timedelta(seconds=w.interval),
        min_interval=timedelta(seconds=min(w.min_interval, w.interval)),
        max_interval=timedelta(seconds=max(w.max_interval, w.interval)),
        pause_after=w.pause_after,
    )


def poll_state(key: str, state: FeedState | None, policy: SchedulePolicy) -> PollState:
    """A stored feed as the scheduler sees it: paused when disabled (HTTP 410) or after
    ``pause_after`` failures in a row, with the rhythm the feed asked for (``<ttl>``,
    ``skipHours``…) and the server's last Retry-After. ``newsdesk status`` shows the same."""
    if state is None:
        return PollState(key)
    paused = state.disabled or should_pause(state.error_streak, policy)
    return PollState(
        key,
        hints=state.hints or FeedHints(),
        error_streak=state.error_streak,
        retry_after=state.retry_after,
        paused=paused,
    )


@dataclass(frozen=True)
class PlannedPoll:
    poll: PollState
    due: datetime  # when the feed is next due (never, while ``poll.paused``)


def plan_polls(
    config: Config, states: Mapping[str, FeedState], *, now: datetime, policy: SchedulePolicy
) -> list[PlannedPoll]:
    """When each configured feed is next due, judged from what the store remembers.

    The one decision that ``watch`` (when it starts) and the queue's schedule share. The
    jitter is drawn from the feed and its last attempt, so every process that asks gets
    the same answer, and asking again every few seconds never pulls a poll earlier.
    """
    plans = []
    for source in config.sources:
        st = states.get(source.key)
        last = st.last_attempt if st else None
        poll = poll_state(source.key, st, policy)
        rng = random.Random(f"{source.key}\0{last.isoformat() if last else ''}")
        due = first_due(poll, last_attempt=last, now=now, policy=policy, rng=rng)
        plans.append(PlannedPoll(poll, due))
    return plans


def due_feeds(config: Config, states: Mapping[str, FeedState], *, now: datetime) -> list[str]:
    """Keys of the feeds due at ``now`` (paused ones never are), in config order."""
    plans = plan_polls(config, states, now=now, policy=policy_from_config(config))
    return [p.poll.key for p in plans if not p.poll.paused and p.due <= now]


def _scheduler(config: Config, store: Any, policy: SchedulePolicy, now: datetime) -> Scheduler:
    scheduler = Scheduler(policy, rng=random.Random())
    for planned in plan_polls(config, store.feed_states(), now=now, policy=policy):
        scheduler.add(planned.poll, due=planned.due)
    return scheduler


async def run_cycle(
    config: Config, store: Any, keys: list[str], *, console: Console | None = None
) -> Mapping[str, Outcome]:
    """Fetch and store the due feeds, publish, and run after_publish if anything changed."""
    by_key = {s.key: s for s in config.sources}
    only = [by_key[k] for k in keys if k in by_key]
    outcomes = await pipeline.fetch_and_store_async(config, store, only=only)
    summaries = await asyncio.to_thread(pipeline.publish, config, store)
    changed = sum(s.new + s.updated for s in summaries)
    failed = sum(o.failed for o in outcomes)
    log.info(
        "watch cycle done",
        extra={"feeds": len(outcomes), "failed": failed, "posts_changed": changed},
    )
    if console is not None:
        stamp = datetime.now(UTC).strftime("%H:%M:%S")
        console.print(
            f"{stamp} polled {len(outcomes)} feed(s): {failed} failed, {changed} post(s) written",
            highlight=False,
        )
    if changed and (config.watch.build or config.build_site):
        await _rebuild_site(config, store, console)
    if changed:
        await asyncio.to_thread(after_publish, config)
    return {
        o.source.key: Outcome(ok=not o.failed, retry_after=o.retry_after, hints=o.hints)
        for o in outcomes
    }


def after_publish(config: Config) -> None:
    """Run ``watch.after_publish`` (when set), after a publish that changed posts."""
    command = config.watch.after_publish
    if not command:
        return
    code, output = run_after_publish(
        command, cwd=config.base_dir, timeout=config.watch.after_publish_timeout
    )
    if code != 0:
        log.warning(
            "after_publish failed",
            extra={"command": command, "status": code, "output": output[-2000:]},
        )


async def _rebuild_site(config: Config, store: Any, console: Console | None) -> None:
    """``watch.build``: the static site follows each cycle that changed posts."""
    from newsdesk.sitebuild import build_from_store

    report = await asyncio.to_thread(build_from_store, config, store)
    log.info("site rebuilt", extra={"pages_written": report.pages_written})
    if console is not None:
        console.print(
            f"site rebuilt: {report.pages_written} page(s) written → {config.site.out_dir}",
            highlight=False,
        )


def watch_forever(
    config: Config,
    store: Any,
    *,
    once: bool = False,
    console: Console | None = None,
    clock: Callable[[], datetime] | None = None,
) -> int:
    """Run until SIGTERM/SIGINT (or one cycle with ``once``); returns an exit status."""
    now_fn = clock or (lambda: datetime.now(UTC))
    policy = policy_from_config(config)
    scheduler = _scheduler(config, store, policy, now_fn())

    async def main() -> int:
        if once:
            due = scheduler.due(now_fn())
            if not due:
                _say_stopped(console, "--once, and no feed is due yet (see `newsdesk status`)")
                return 0
            results = await run_cycle(config, store, due, console=console)
            _say_stopped(console, "--once ran one cycle of the due feeds")
            return 1 if any(not r.ok for r in results.values()) else 0
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        why: list[str] = []

        def stopping(name: str) -> None:
            why.append(f"{name} received, after finishing the cycle in progress")
            stop.set()

        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stopping, sig.name)

        async def cycle(keys: list[str]) -> Mapping[str, Outcome]:
            results = await run_cycle(config, store, keys, console=console)
            _resume_if_user_resumed(scheduler, store, now_fn())
            return results

        if console is not None:
            console.print(
                f"watching {len(config.sources)} feed(s); Ctrl-C or SIGTERM stops "
                "after the current cycle",
                highlight=False,
            )
        cycles = await scheduler.run_forever(
            cycle, clock=now_fn, sleep=asyncio.sleep, stop_event=stop
        )
        _say_stopped(console, f"{why[0] if why else 'asked to stop'} ({cycles} cycle(s) run)")
        return 0

    return asyncio.run(main())


def _say_stopped(console: Console | None, reason: str) -> None:
    log.info("watch stopped", extra={"reason": reason})
    if console is not None:
        console.print(f"watch stopped: {reason}", highlight=False)


def _resume_if_user_resumed(scheduler: Scheduler, store: Any, now: datetime) -> None:
    """`newsdesk feeds resume` resets the streak in the store; follow it here."""
    for key in scheduler.paused():
        state = store.feed_state(key)
        if state is not None and not state.disabled and state.error_streak == 0:
            scheduler.resume(key, now=now)
