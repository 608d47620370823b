"""Progress bars on stderr for long commands; silent when stderr is not a terminal."""

from __future__ import annotations

from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from newsdesk.cli.common import err

__all__ = ["BuildProgress", "FetchProgress"]


class FetchProgress:
    """Feeds-done progress bar on stderr; silent when stderr is not a terminal."""

    def __init__(self) -> None:
        self._progress = Progress(
            TextColumn("[bold]fetching"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[last]}"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        )
        self._task: Any = None

    def __enter__(self) -> FetchProgress:
        self._progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.__exit__(None, None, None)

    def started(self, total: int) -> None:
        self._task = self._progress.add_task("feeds", total=total, last="")

    def feed_done(self, outcome: Any) -> None:
        mark = "✗" if outcome.failed else "✓"
        self._progress.update(
            self._task, advance=1, last=f"{mark} {outcome.source.source} / {outcome.source.channel}"
        )


class BuildProgress:
    """Site build progress bars on stderr (article pages, lists, search); silent off a TTY."""

    def __init__(self) -> None:
        self._labels = {
            "articles": "article pages",
            "lists": "list pages",
            "search": "search index",
        }
        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        )
        self._tasks: dict[str, Any] = {}

    def __enter__(self) -> BuildProgress:
        self._progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.__exit__(None, None, None)

    def __call__(self, stage: str, done: int, total: int) -> None:
        task = self._tasks.get(stage)
        if task is None:
            task = self._tasks[stage] = self._progress.add_task(
                self._labels.get(stage, stage), total=total
            )
        self._progress.update(task, completed=done, total=total)
