"""How commands report what happened: the feed table, publish and build summaries.

Text that came from the network (error messages quoting a server, feed titles) is made
safe to print first: control and invisible formatting characters are shown escaped and
long text is cut, so a hostile response can neither drive the terminal nor flood a log.
"""

from __future__ import annotations

import sys
import unicodedata
from typing import Any

from rich.markup import escape
from rich.table import Table

from newsdesk.cli.common import EXIT_FEEDS_FAILED, err, out

__all__ = [
    "finish",
    "print_articles",
    "print_build",
    "print_feed_table",
    "print_publish",
    "safe_text",
]

_NOTE_CHARS = 300


def safe_text(text: str, limit: int = _NOTE_CHARS) -> str:
    """One printable line: control, format (bidi) and unassigned characters escaped."""
    shown = "".join(map(_shown, text))
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _shown(ch: str) -> str:
    kind = unicodedata.category(ch)
    if kind[0] == "C" or kind in ("Zl", "Zp"):  # \x1b, U+202E, U+2028 …
        return ch.encode("unicode_escape").decode("ascii")
    return ch


def print_feed_table(outcomes: list[Any]) -> None:
    table = Table(title="feeds", title_justify="left", show_lines=False)
    for col in ("feed", "status", "new", "updated", "unchanged", "note"):
        table.add_column(
            col,
            justify="right" if col in ("new", "updated", "unchanged") else "left",
            overflow="fold",
        )
    for o in outcomes:
        style = "red" if o.failed else ("dim" if o.status == "not modified" else "green")
        note = o.error or "; ".join(o.warnings[:2])
        if o.filtered:
            note = (note + "; " if note else "") + f"{o.filtered} filtered out"
        if o.remapped:
            note = (note + "; " if note else "") + f"{o.remapped} ids changed (site migration?)"
        table.add_row(
            escape(f"{o.source.group} › {o.source.source} › {o.source.channel}"),
            f"[{style}]{o.status}[/]",
            str(o.new),
            str(o.updated),
            str(o.unchanged),
            escape(safe_text(note or "")),
        )
    out.print(table)


def print_articles(outcomes: list[Any]) -> None:
    """The run's totals, so a rerun says plainly that nothing changed."""
    new = sum(o.new for o in outcomes)
    updated = sum(o.updated for o in outcomes)
    unchanged = sum(o.unchanged for o in outcomes)
    out.print(
        f"[bold]articles[/]: {new} new, {updated} updated, {unchanged} unchanged",
        highlight=False,
    )


def print_publish(summaries: list[Any]) -> None:
    for s in summaries:
        written = s.new + s.updated
        detail = f"{s.new} new, {s.updated} updated" if written else "nothing new to write"
        if s.unchanged:
            detail += f", {s.unchanged} re-rendered unchanged"
        out.print(f"[bold]{s.target}[/]: {detail} → {escape(str(s.out_dir))}", highlight=False)


def print_build(report: Any, out_dir: Any) -> None:
    out.print(
        f"[bold]site[/]: {report.pages_written} page(s) written, {report.pages_unchanged} "
        f"unchanged, {report.pages_deleted} deleted, {report.articles} articles in "
        f"{report.seconds:.2f}s → {escape(str(out_dir))}",
        highlight=False,
    )
    if report.search_indexed:
        out.print(f"search index updated in {report.search_seconds:.2f}s", highlight=False)


def finish(outcomes: list[Any]) -> None:
    failed = [o for o in outcomes if o.failed]
    if failed:
        err.print(
            f"[yellow]{len(failed)} of {len(outcomes)} feeds failed[/] "
            "(the others were stored and published)."
        )
        sys.exit(EXIT_FEEDS_FAILED)
