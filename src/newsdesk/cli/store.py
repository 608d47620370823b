"""Commands about what the store holds: status, prune."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from rich.markup import escape
from rich.table import Table

from newsdesk.cli.common import config_option, fail, feed_health_rows, load, open_store, out
from newsdesk.cli.report import safe_text

__all__ = ["prune", "status"]


@click.command()
@config_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """Show every feed's health: last success, last error, error streak, items."""
    from newsdesk.health import short_time

    found = feed_health_rows(ctx, as_json=as_json)
    if found is None:
        return
    config, rows = found
    table = Table(title=f"{len(rows)} feeds", title_justify="left")
    for col in ("feed", "last success", "last error / note", "streak", "items", "next poll"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(
            escape(f"{r['group']} › {r['source']} › {r['channel']}"),
            short_time(r["last_success"]) or "never",
            escape(safe_text(r["last_error"] or r["note"] or "")),
            str(r["error_streak"]),
            str(r["items"]),
            f"paused ({r['paused_by']})" if r["paused"] else short_time(r["next_poll"]),
        )
    out.print(table)
    from newsdesk.cli.queue_view import show_queue

    show_queue(config)


@click.command()
@config_option
@click.option("--dry-run", is_flag=True, help="List what would be removed; change nothing.")
@click.pass_context
def prune(ctx: click.Context, dry_run: bool) -> None:
    """Remove posts older than `keep_days` or beyond `keep_per_channel`.

    Pruned articles leave a tombstone, so they are not re-added on the next fetch.
    With --dry-run, lists each article and post file that would go.
    """
    from newsdesk import pipeline

    config = load(ctx)
    if config.keep_days is None and config.keep_per_channel is None:
        fail("set keep_days and/or keep_per_channel in the config to prune")
    with open_store(config, lock=True) as store:
        removed = store.prune(
            keep_days=config.keep_days,
            keep_per_channel=config.keep_per_channel,
            now=datetime.now(UTC),
            dry_run=dry_run,
        )
        if dry_run:
            _list_doomed(store, removed)
            out.print(
                f"would prune {len(removed)} article(s) and delete "
                f"{sum(len(p.files) for p in removed)} file(s); nothing was changed",
                highlight=False,
            )
            return
        files = [(t, name) for _fk, _aid, by_target in removed for t, name in by_target.items()]
        deleted = pipeline.remove_published(config, files)
    out.print(f"pruned {len(removed)} article(s), deleted {deleted} file(s)")


def _list_doomed(store: object, removed: list) -> None:
    by_feed: dict[str, list[str]] = {}
    for p in removed:
        by_feed.setdefault(p.feed_key, []).append(p.article_id)
    for feed_key, ids in by_feed.items():
        found = store.get_articles(feed_key, ids)  # type: ignore[attr-defined]
        for p in (p for p in removed if p.feed_key == feed_key):
            article = found.get(p.article_id)
            when = article.published.strftime("%Y-%m-%d") if article else "?"
            title = article.title if article else p.article_id
            where = f"{article.group} › {article.source} › {article.channel}" if article else ""
            out.print(f"  {when}  {where}  {title}", highlight=False, markup=False)
            for target, name in sorted(p.files.items()):
                out.print(f"      {target.split(':', 1)[0]}: {name}", highlight=False, markup=False)
