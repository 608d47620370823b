"""The built-in static site: build, serve."""

from __future__ import annotations

import click

from newsdesk.cli.common import config_option, listen_option, load, open_store, out, parse_listen
from newsdesk.cli.progress import BuildProgress
from newsdesk.cli.report import print_build

__all__ = ["build", "serve"]


@click.command()
@config_option
@click.option("--full", is_flag=True, help="Rebuild every page, ignoring the incremental state.")
@click.option(
    "--search/--no-search",
    default=None,
    help="Force (or skip) updating the search index this time; by default it "
    "follows site.search and site.search_interval.",
)
@click.pass_context
def build(ctx: click.Context, full: bool, search: bool | None) -> None:
    """Build the standalone static site into `site.out_dir` (default ./public).

    Incremental: only what changed in the store since the last build is read, and only
    the pages it reaches are rendered. A first build (or --full, or new settings)
    renders everything with a progress bar; if it is interrupted, the next build
    continues where it stopped. To keep the site
    fresh without running this by hand, use `newsdesk run --build`, or put `site`
    in `outputs` (run, publish and watch then rebuild it after publishing).
    """
    from newsdesk.sitebuild import build_from_store

    config = load(ctx)
    with open_store(config) as store, BuildProgress() as progress:
        report = build_from_store(config, store, full=full, search=search, progress=progress)
    print_build(report, config.site.out_dir)


@click.command()
@config_option
@listen_option("site.listen, 127.0.0.1:8080")
@click.pass_context
def serve(ctx: click.Context, listen: str | None) -> None:
    """Serve the built site and the image proxy on one port, for preview."""
    from newsdesk.sitebuild import serve_site

    config = load(ctx)
    address = listen or config.site.listen
    parse_listen(address)  # a bad HOST:PORT is a usage error before anything starts
    serve_site(config, address, console=out)
