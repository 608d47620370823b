"""The pipeline commands: run, fetch, publish, watch, demo."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from newsdesk.cli.common import EXIT_FEEDS_FAILED, config_option, err, fail, load, open_store, out
from newsdesk.cli.progress import FetchProgress

__all__ = ["demo", "fetch", "publish", "run", "watch"]

_WAIT_HELP = "If another run holds the lock, wait up to this long instead of refusing."


def _print_feed_table(outcomes: list[Any]) -> None:
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
            f"{o.source.group} › {o.source.source} › {o.source.channel}",
            f"[{style}]{o.status}[/]",
            str(o.new),
            str(o.updated),
            str(o.unchanged),
            note or "",
        )
    out.print(table)


def _print_publish(summaries: list[Any]) -> None:
    for s in summaries:
        out.print(
            f"[bold]{s.target}[/]: {s.new} new, {s.updated} updated, "
            f"{s.unchanged} unchanged → {s.out_dir}",
            highlight=False,
        )


def _finish(outcomes: list[Any]) -> None:
    failed = [o for o in outcomes if o.failed]
    if failed:
        err.print(
            f"[yellow]{len(failed)} of {len(outcomes)} feeds failed[/] "
            "(the others were stored and published)."
        )
        sys.exit(EXIT_FEEDS_FAILED)


@click.command()
@config_option
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=0,
    metavar="SECONDS",
    help=_WAIT_HELP,
)
@click.option("--full", is_flag=True, help="Re-render every post (after changing the template).")
@click.pass_context
def run(ctx: click.Context, wait: float, full: bool) -> None:
    """Fetch every feed, store new articles, and publish posts.

    Feeds are fetched concurrently (politely: per-host limits, conditional GET,
    retries with backoff). Each feed is stored as soon as it arrives; a broken feed
    is reported and skipped. Only new or changed posts are written, so a rerun
    with unchanged feeds touches no file.

    Example: newsdesk run -c newsdesk.yaml
    """
    from newsdesk import pipeline

    config = load(ctx)
    if not config.sources:
        fail(f"{config.path}: no feeds configured under `groups:`")
    with open_store(config, lock=True, wait=wait) as store, FetchProgress() as progress:
        outcomes = pipeline.fetch_and_store(config, store, progress=progress)
        summaries = pipeline.publish(config, store, full=full)
    _print_feed_table(outcomes)
    _print_publish(summaries)
    _finish(outcomes)


@click.command()
@config_option
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=0,
    metavar="SECONDS",
    help="Wait up to this long for another run's lock.",
)
@click.pass_context
def fetch(ctx: click.Context, wait: float) -> None:
    """Fetch and store feeds, without publishing.

    Useful with `newsdesk publish` when fetching and publishing happen on
    different schedules or machines.
    """
    from newsdesk import pipeline

    config = load(ctx)
    with open_store(config, lock=True, wait=wait) as store, FetchProgress() as progress:
        outcomes = pipeline.fetch_and_store(config, store, progress=progress)
    _print_feed_table(outcomes)
    _finish(outcomes)


@click.command()
@config_option
@click.option(
    "--full",
    is_flag=True,
    help="Re-render every stored article (files whose bytes are unchanged stay untouched).",
)
@click.pass_context
def publish(ctx: click.Context, full: bool) -> None:
    """Write posts for stored articles that are new or changed.

    Changing `image_proxy`, `placeholder` or `front_matter` in the config makes
    the next publish re-render every post: the store keeps original image URLs,
    so a new proxy needs only a republish, never a re-fetch.
    """
    from newsdesk import pipeline

    config = load(ctx)
    with open_store(config, lock=True) as store:
        summaries = pipeline.publish(config, store, full=full)
    _print_publish(summaries)


@click.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default="demo-output",
    show_default=True,
    help="Where the demo writes its config, database, posts and site.",
)
@click.option(
    "--serve/--no-serve",
    default=False,
    help="Keep serving the site and the image proxy until Ctrl-C.",
)
@click.option(
    "--port", type=int, default=8080, show_default=True, help="Port for --serve (on 127.0.0.1)."
)
def demo(out_dir: Path, serve: bool, port: int) -> None:
    """Run the whole pipeline offline on bundled sample feeds.

    Serves generated sample feeds and images on 127.0.0.1 (with hotlink
    protection, like the real sites), runs the image proxy, fetches, stores,
    publishes Hexo posts and builds the static site, then prints where
    everything is. No internet needed.
    """
    from newsdesk.demo import run_demo

    result = run_demo(out_dir.resolve(), console=out, serve=serve, port=port)
    sys.exit(result)


@click.command()
@config_option
@click.option("--once", is_flag=True, help="Run one cycle of due feeds, then exit.")
@click.pass_context
def watch(ctx: click.Context, once: bool) -> None:
    """Keep running: poll each feed on its own interval and publish after each cycle.

    Failing feeds back off exponentially and pause after `watch.pause_after`
    consecutive failures (see `newsdesk status`, resume with `newsdesk feeds
    resume`). `watch.after_publish` runs a shell command when anything changed.
    SIGTERM or Ctrl-C stops after the current cycle, losing nothing.
    """
    from newsdesk.watch import watch_forever

    config = load(ctx)
    with open_store(config, lock=True) as store:
        code = watch_forever(config, store, once=once, console=out)
    sys.exit(code)
