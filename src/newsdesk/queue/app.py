"""The Procrastinate app: its connection to the store's database and newsdesk's tasks.

Made per process from the config (``make_app``); tasks are registered under fixed names,
so any version of a worker understands the jobs another machine deferred.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from newsdesk.config import Config
from newsdesk.queue.connection import conninfo

if TYPE_CHECKING:
    from procrastinate import App

__all__ = [
    "FETCH_QUEUE",
    "FETCH_TASK",
    "PUBLISH_QUEUE",
    "PUBLISH_TASK",
    "RECOVER_TASK",
    "SCHEDULE_QUEUE",
    "SCHEDULE_TASK",
    "make_app",
]

FETCH_QUEUE, PUBLISH_QUEUE, SCHEDULE_QUEUE = "fetch", "publish", "schedule"
FETCH_TASK = "newsdesk.fetch_feed"
PUBLISH_TASK = "newsdesk.publish"
SCHEDULE_TASK = "newsdesk.schedule"
RECOVER_TASK = "newsdesk.recover"
PUBLISH_LOCK = "newsdesk:publish"
# Housekeeping runs before fetches waiting for the same worker slot.
_HOUSEKEEPING_PRIORITY = 10


def cron_every(seconds: float) -> str:
    """A cron line (with Procrastinate's sixth field, seconds) firing every ``seconds``."""
    whole = int(seconds)
    if not 1 <= whole <= 60 or whole != seconds:
        raise ValueError(f"a tick must be 1 to 60 whole seconds, got {seconds}")
    return "* * * * *" if whole == 60 else f"* * * * * */{whole}"


def make_app(config: Config, *, max_connections: int = 4) -> App:
    """The app for ``config``'s database; open it with ``async with app.open_async()``."""
    from procrastinate import App, PsycopgConnector, RetryStrategy

    from newsdesk.queue import tasks

    connector = PsycopgConnector(
        conninfo=conninfo(config.database), min_size=1, max_size=max_connections
    )
    app = App(connector=connector)
    # A failed job (the store unreachable, a worker stopping past its grace time) goes back
    # to the queue after 2, 4, 8… seconds; per-feed trouble is no failure (see tasks.py).
    app.task(
        name=FETCH_TASK,
        queue=FETCH_QUEUE,
        pass_context=True,
        retry=RetryStrategy(max_attempts=5, exponential_wait=2),
    )(tasks.fetch_feed)
    app.task(
        name=PUBLISH_TASK,
        queue=PUBLISH_QUEUE,
        pass_context=True,
        lock=PUBLISH_LOCK,
        queueing_lock=PUBLISH_LOCK,
        retry=RetryStrategy(max_attempts=8, exponential_wait=2),
    )(tasks.publish_posts)
    for name, func in ((SCHEDULE_TASK, tasks.schedule), (RECOVER_TASK, tasks.recover)):
        # One at a time and at most one waiting: a slow tick is never run twice over.
        task = app.task(
            name=name,
            queue=SCHEDULE_QUEUE,
            pass_context=True,
            lock=name,
            queueing_lock=name,
            priority=_HOUSEKEEPING_PRIORITY,
        )(func)
        # Any: mypy 1.13 crashes solving the decorator's Concatenate[int, ...] signature.
        periodic: Any = app.periodic(cron=cron_every(config.queue.tick), periodic_id=name)
        periodic(task)
    return app
