"""The `feeds` group: list, add, remove, pause and resume the feeds of the config.

A feed is named by its path GROUP/SOURCE/CHANNEL or by its URL. Edits go into the YAML
file with its comments and layout kept; the file is replaced only if the result loads.
"""

from __future__ import annotations

import os
from typing import Any

import click
from rich.markup import escape
from rich.tree import Tree

from newsdesk.cli.common import (
    EXIT_FEEDS_FAILED,
    config_option,
    fail,
    feed_health_rows,
    load,
    open_store,
    out,
)
from newsdesk.cli.report import safe_text
from newsdesk.config import Config
from newsdesk.errors import ConfigError
from newsdesk.models import FeedSource

__all__ = ["feeds"]

_REF = "PATH"  # GROUP/SOURCE/CHANNEL or URL


@click.group()
def feeds() -> None:
    """List, add, remove, pause and resume feeds (edits keep the YAML's comments)."""


def _find(config: Config, ref: str) -> FeedSource:
    from newsdesk.subscriptions import find_feed

    try:
        return find_feed(config, ref)
    except LookupError as exc:
        fail(str(exc))


def _path(source: FeedSource) -> str:
    from newsdesk.subscriptions import feed_path

    return feed_path(source)


@feeds.command("list")
@config_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a tree.")
@click.pass_context
def feeds_list(ctx: click.Context, as_json: bool) -> None:
    """Show the group › source › channel tree with each feed's health."""
    from newsdesk.health import short_time

    found = feed_health_rows(ctx, as_json=as_json)
    if found is None:
        return
    config, rows = found
    if not rows:
        out.print(
            f"no feeds in {config.path}; add one with: newsdesk feeds add GROUP/SOURCE/CHANNEL URL"
        )
        return
    root = Tree(f"{len(rows)} feeds in {escape(str(config.path))}")
    branches: dict[tuple[str, ...], Any] = {}
    for r in rows:
        group = branches.get((r["group"],))
        if group is None:
            group = branches[(r["group"],)] = root.add(f"[bold]{escape(r['group'])}[/]")
        source = branches.get((r["group"], r["source"]))
        if source is None:
            source = branches[(r["group"], r["source"])] = group.add(escape(r["source"]))
        if r["paused"]:
            health = f"[yellow]paused ({r['paused_by']})[/]"
        elif r["error_streak"]:
            error = escape(safe_text(r["last_error"] or ""))
            health = f"[red]failing ×{r['error_streak']}[/]: {error}"
        elif r["last_success"]:
            health = f"[green]ok[/], {r['items']} items, last {short_time(r['last_success'])}"
        else:
            health = "[dim]not fetched yet[/]"
        source.add(f"{escape(r['channel'])}  {health}  [dim]{escape(r['key'])}[/]")
    out.print(root, highlight=False)


@feeds.command("add")
@config_option
@click.argument("path", metavar="GROUP/SOURCE/CHANNEL")
@click.argument("url")
@click.option("--check", is_flag=True, help="Fetch the feed once first; add it only if it reads.")
@click.pass_context
def feeds_add(ctx: click.Context, path: str, url: str, check: bool) -> None:
    """Add a feed to the config at GROUP/SOURCE/CHANNEL, creating the levels it needs.

    URL is http(s):// or rsshub://. Example:
    newsdesk feeds add tech/lwn/headlines https://lwn.net/headlines/rss --check
    """
    from newsdesk.subscriptions import add_feed, check_feed, parse_path, validate_url

    config = load(ctx)
    try:
        names = parse_path(path)
        url = validate_url(url)
    except ValueError as exc:
        fail(str(exc))
    if check:
        try:
            found = check_feed(config, url)
        except ValueError as exc:
            fail(f"check failed, nothing added: {safe_text(str(exc))}", EXIT_FEEDS_FAILED)
        title = f"“{safe_text(found.title, 120)}”" if found.title else "untitled feed"
        out.print(f"checked: {title}, {found.items} item(s)", highlight=False, markup=False)
    try:
        placed = add_feed(config, names, url, os.environ)
    except (ValueError, ConfigError) as exc:
        fail(str(exc))
    out.print(
        f"added {'/'.join(placed)} → {config.path}\nnext: newsdesk run -c {config.path}",
        highlight=False,
        markup=False,
    )


@feeds.command("remove")
@config_option
@click.argument("ref", metavar=_REF)
@click.pass_context
def feeds_remove(ctx: click.Context, ref: str) -> None:
    """Remove a feed from the config (by GROUP/SOURCE/CHANNEL or URL).

    Its stored articles and published posts stay until `newsdesk prune`.
    """
    from newsdesk.subscriptions import remove_feed

    config = load(ctx)
    source = _find(config, ref)
    try:
        remove_feed(config, source, os.environ)
    except (LookupError, ConfigError) as exc:
        fail(str(exc))
    out.print(f"removed {_path(source)} ({source.key}) from {config.path}", markup=False)


@feeds.command("pause")
@config_option
@click.argument("ref", metavar=_REF)
@click.pass_context
def feeds_pause(ctx: click.Context, ref: str) -> None:
    """Stop fetching a feed: writes `paused: true` on it in the config.

    It stays listed (and exported); `newsdesk feeds resume` undoes it.
    """
    from newsdesk.subscriptions import set_paused

    config = load(ctx)
    source = _find(config, ref)
    try:
        changed = set_paused(config, source, True, os.environ)
    except ConfigError as exc:
        fail(str(exc))
    verb = "paused" if changed else "was already paused:"
    out.print(f"{verb} {_path(source)}", markup=False)


@feeds.command("resume")
@config_option
@click.argument("refs", nargs=-1, metavar=f"[{_REF}]...")
@click.pass_context
def feeds_resume(ctx: click.Context, refs: tuple[str, ...]) -> None:
    """Resume paused feeds: paused in the config, gone (HTTP 410) or failing too often.

    No PATH resumes every paused feed. A feed that was not paused is left as it is.
    """
    from newsdesk.health import feed_health
    from newsdesk.subscriptions import set_paused

    config = load(ctx)
    wanted = [_find(config, ref) for ref in refs]
    with open_store(config) as store:
        rows = {r["key"]: r for r in feed_health(config, store.feed_states())}
        targets = wanted or [s for s in config.all_feeds if rows[s.key]["paused"]]
        if not targets:
            out.print("no feed is paused")
            return
        for source in targets:
            paused_by = rows[source.key]["paused_by"]
            if paused_by is None:
                out.print(f"{_path(source)} was not paused", markup=False)
                continue
            if paused_by == "config":
                try:
                    set_paused(load(ctx), source, False, os.environ)
                except ConfigError as exc:
                    fail(str(exc))
            if store.feed_state(source.key) is not None:
                store.enable_feed(source.key)  # a 410 or a failure streak is forgotten too
            out.print(f"resumed {_path(source)} (was paused: {paused_by})", markup=False)
