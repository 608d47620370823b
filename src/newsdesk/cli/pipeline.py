"""The pipeline commands: run, fetch, publish, watch, demo."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from newsdesk.cli.common import EXIT_IO, config_option, fail, load, open_store, out, wait_option
from newsdesk.cli.logs import hide_reported_failures
from newsdesk.cli.progress import BuildProgress, FetchProgress
from newsdesk.cli.report import (
    finish,
    print_articles,
    print_build,
    print_feed_table,
    print_publish,
)
from newsdesk.errors import PublishError, StoreError

__all__ = ["demo", "fetch", "publish", "run", "watch"]


def _build_site(config: Any, store: Any) -> None:
    from newsdesk.sitebuild import build_from_store

    with BuildProgress() as progress:
        report = build_from_store(config, store, progress=progress)
    print_build(report, config.site.out_dir)


@click.command()
@config_option
@wait_option
@click.option("--full", is_flag=True, help="Re-render every post (after changing the template).")
@click.option(
    "--build/--no-build",
    default=None,
    help="Also rebuild the static site after publishing (default: when `outputs` has site).",
)
@click.pass_context
def run(ctx: click.Context, wait: float, full: bool, build: bool | None) -> None:
    """Fetch every feed, store new articles, and publish posts.

    Feeds are fetched concurrently (politely: per-host limits, conditional GET,
    retries with backoff). Each feed is stored as soon as it arrives; a broken feed
    is reported and skipped. Only new or changed posts are written, so a rerun
    with unchanged feeds touches no file.

    Example: newsdesk run -c newsdesk.yaml --build
    """
    from newsdesk import pipeline

    config = load(ctx)
    if not config.sources:
        fail(f"{config.path}: no feeds to fetch under `groups:` (add one: newsdesk feeds add)")
    hide_reported_failures()
    with open_store(config, lock=True, wait=wait) as store:
        with FetchProgress() as progress:
            outcomes = pipeline.fetch_and_store(config, store, progress=progress)
        summaries = pipeline.publish(config, store, full=full)
        print_feed_table(outcomes)
        print_articles(outcomes)
        print_publish(summaries)
        if config.build_site if build is None else build:
            _build_site(config, store)
    finish(outcomes)


@click.command()
@config_option
@wait_option
@click.pass_context
def fetch(ctx: click.Context, wait: float) -> None:
    """Fetch and store feeds, without publishing.

    Useful with `newsdesk publish` when fetching and publishing happen on
    different schedules or machines.
    """
    from newsdesk import pipeline

    config = load(ctx)
    hide_reported_failures()
    with open_store(config, lock=True, wait=wait) as store, FetchProgress() as progress:
        outcomes = pipeline.fetch_and_store(config, store, progress=progress)
    print_feed_table(outcomes)
    print_articles(outcomes)
    finish(outcomes)


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
    so a new proxy needs only a republish, never a re-fetch. With `site` among
    `outputs`, the static site is rebuilt too.
    """
    from newsdesk import pipeline

    config = load(ctx)
    with open_store(config, lock=True) as store:
        summaries = pipeline.publish(config, store, full=full)
        print_publish(summaries)
        if config.build_site:
            _build_site(config, store)


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
    resume`). With `watch.build: true` (or `site` among `outputs`) the static site
    is rebuilt after a cycle that changed anything; then `watch.after_publish`
    runs. SIGTERM or Ctrl-C stops after the current cycle, losing nothing, and
    says so.
    """
    from newsdesk.watch import watch_forever

    config = load(ctx)
    with open_store(config, lock=True) as store:
        try:
            code = watch_forever(config, store, once=once, console=out)
        except (StoreError, PublishError) as exc:
            fail(f"watch stopped: {exc}", EXIT_IO)
    sys.exit(code)
