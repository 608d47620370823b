"""What a run reports: one outcome per feed, one summary per publish target."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from newsdesk.models import FeedHints, FeedSource

__all__ = ["FeedOutcome", "NoProgress", "ProgressHook", "PublishSummary", "RunReport"]


@dataclass
class FeedOutcome:
    """What happened to one feed in a run; the CLI prints one row per outcome."""

    source: FeedSource
    status: str  # "ok", "not modified", "failed", "disabled"
    error: str | None = None
    entries: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    filtered: int = 0
    warnings: tuple[str, ...] = ()
    remapped: int = 0
    hints: FeedHints | None = None  # from the parsed feed, for `watch`
    retry_after: float | None = None

    @property
    def failed(self) -> bool:
        return self.status in ("failed", "disabled")


@dataclass
class PublishSummary:
    target: str
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    out_dir: Path | None = None


@dataclass
class RunReport:
    feeds: list[FeedOutcome] = field(default_factory=list)
    published: list[PublishSummary] = field(default_factory=list)

    @property
    def failed(self) -> list[FeedOutcome]:
        return [f for f in self.feeds if f.failed]

    @property
    def exit_code(self) -> int:
        """0 when every feed succeeded, 1 when some failed (the rest still published)."""
        return 1 if self.failed else 0


class ProgressHook(Protocol):
    def started(self, total: int) -> None: ...

    def feed_done(self, outcome: FeedOutcome) -> None: ...


class NoProgress:
    def started(self, total: int) -> None:
        pass

    def feed_done(self, outcome: FeedOutcome) -> None:
        pass
