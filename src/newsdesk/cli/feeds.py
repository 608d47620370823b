"""The `feeds` group: manage the feeds in the config and their state."""

from __future__ import annotations

import click

from newsdesk.cli.common import config_option, fail, load, open_store, out

__all__ = ["feeds"]


@click.group()
def feeds() -> None:
    """Manage feeds' state (pause / resume)."""


@feeds.command("resume")
@config_option
@click.argument("urls", nargs=-1)
@click.pass_context
def feeds_resume(ctx: click.Context, urls: tuple[str, ...]) -> None:
    """Resume paused feeds (after HTTP 410 or too many failures). No URL = all."""
    config = load(ctx)
    keys = {s.key for s in config.sources} | {s.url for s in config.sources}
    for url in urls:
        if url not in keys:
            fail(f"{url} is not a feed in {config.path}")
    with open_store(config) as store:
        wanted = set(urls) or None
        resumed = 0
        for s in config.sources:
            if wanted is None or s.key in wanted or s.url in wanted:
                state = store.feed_state(s.key)
                if state is not None and (state.disabled or state.error_streak):
                    store.enable_feed(s.key)
                    resumed += 1
    out.print(f"resumed {resumed} feed(s)")
