"""The ``watch:`` section, for ``newsdesk watch``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from newsdesk.config.validate import Validator

__all__ = ["WatchSettings", "watch_settings"]


@dataclass(frozen=True)
class WatchSettings:
    """The ``watch:`` section, for ``newsdesk watch``."""

    interval: float = 1800.0  # seconds between polls of one feed
    min_interval: float = 300.0
    max_interval: float = 86400.0
    pause_after: int = 10  # consecutive failures before a feed is paused
    after_publish: str | None = None  # shell command run when anything changed
    after_publish_timeout: float = 600.0
    build: bool = False  # rebuild the static site after a cycle that changed anything


def watch_settings(v: Validator, raw: Any, parent: Mapping) -> WatchSettings:
    if raw is None or not v.check(isinstance(raw, Mapping), parent, "watch", "must be a mapping"):
        return WatchSettings()
    v.known_keys(raw, set(WatchSettings.__dataclass_fields__), "watch")
    d = WatchSettings()
    return WatchSettings(
        interval=v.duration(raw, "interval", d.interval),
        min_interval=v.duration(raw, "min_interval", d.min_interval),
        max_interval=v.duration(raw, "max_interval", d.max_interval),
        pause_after=v.integer(raw, "pause_after", d.pause_after, minimum=1),
        after_publish=v.optional_string(raw, "after_publish"),
        after_publish_timeout=v.duration(raw, "after_publish_timeout", d.after_publish_timeout),
        build=v.boolean(raw, "build", d.build),
    )
