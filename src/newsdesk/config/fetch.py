"""The ``fetch:`` section: HTTP limits and timeouts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from newsdesk.config.validate import Validator

__all__ = ["FetchSettings", "fetch_settings"]


@dataclass(frozen=True)
class FetchSettings:
    """The ``fetch:`` section; turned into ``fetch.FetchOptions`` by the pipeline."""

    concurrency: int = 16
    per_host: int = 2
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_bytes: int = 10 * 1024 * 1024
    retries: int = 3
    max_redirects: int = 5
    user_agent: str | None = None
    feed_deadline: float = 180.0  # one feed's budget across retries (Retry-After waits too)
    # Timeouts are seconds; the config takes any duration (20, 20s, 30m, 1h).


def fetch_settings(v: Validator, raw: Any, parent: Mapping) -> FetchSettings:
    if raw is None:
        return FetchSettings()
    if not v.check(isinstance(raw, Mapping), parent, "fetch", "must be a mapping"):
        return FetchSettings()
    v.known_keys(raw, set(FetchSettings.__dataclass_fields__), "fetch")
    d = FetchSettings()
    return FetchSettings(
        concurrency=v.integer(raw, "concurrency", d.concurrency, minimum=1),
        per_host=v.integer(raw, "per_host", d.per_host, minimum=1),
        connect_timeout=v.duration(raw, "connect_timeout", d.connect_timeout),
        read_timeout=v.duration(raw, "read_timeout", d.read_timeout),
        total_timeout=v.duration(raw, "total_timeout", d.total_timeout),
        max_bytes=v.size(raw, "max_bytes", d.max_bytes),
        retries=v.integer(raw, "retries", d.retries, minimum=0),
        max_redirects=v.integer(raw, "max_redirects", d.max_redirects, minimum=0),
        user_agent=v.header(raw, "user_agent"),
        feed_deadline=v.duration(raw, "feed_deadline", d.feed_deadline),
    )
