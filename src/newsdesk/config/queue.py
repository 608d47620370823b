"""The ``queue:`` section, for ``newsdesk worker``: the same file on every machine."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from newsdesk.config.validate import Validator

__all__ = ["QueueSettings", "queue_settings"]


@dataclass(frozen=True)
class QueueSettings:
    """The ``queue:`` section, for ``newsdesk worker``: the same file on every machine."""

    tick: float = 10.0  # seconds between looks for due feeds and stalled jobs (1-60, whole)
    stalled_after: float = 60.0  # a worker silent this long is dead; its jobs are retried


def queue_settings(v: Validator, raw: Any, parent: Mapping) -> QueueSettings:
    if raw is None or not v.check(isinstance(raw, Mapping), parent, "queue", "must be a mapping"):
        return QueueSettings()
    v.known_keys(raw, set(QueueSettings.__dataclass_fields__), "queue")
    d = QueueSettings()
    tick = v.duration(raw, "tick", d.tick)
    # The schedule is a cron line with a seconds field: whole seconds, at most a minute.
    if not v.check(
        tick.is_integer() and 1 <= tick <= 60, raw, "tick", "must be 1s to 60s, whole seconds"
    ):
        tick = d.tick
    return QueueSettings(
        tick=tick,
        stalled_after=v.duration(raw, "stalled_after", d.stalled_after),
    )
