"""The built-in static site: build, serve."""

from __future__ import annotations

import click

from newsdesk.cli.common import config_option, load, open_store, out
from newsdesk.cli.progress import BuildProgress

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

    Incremental: only pages whose content changed are rewritten.
    """
    from newsdesk.sitebuild import build_from_store

    config = load(ctx)
    with open_store(config) as store, BuildProgress() as progress:
        report = build_from_store(config, store, full=full, search=search, progress=progress)
    out.print(
        f"site: {report.pages_written} page(s) written, {report.pages_unchanged} unchanged, "
        f"{report.pages_deleted} deleted, {report.articles} articles in "
        f"{report.seconds:.2f}s → {config.site.out_dir}",
        highlight=False,
    )
    if report.search_indexed:
        out.print(f"search index updated in {report.search_seconds:.2f}s", highlight=False)


@click.command()
@config_option
@click.option("--listen", default=None, help="host:port (default: site.listen, 127.0.0.1:8080).")
@click.pass_context
def serve(ctx: click.Context, listen: str | None) -> None:
    """Serve the built site and the image proxy on one port, for preview."""
    from newsdesk.sitebuild import serve_site

    config = load(ctx)
    serve_site(config, listen or config.site.listen, console=out)
