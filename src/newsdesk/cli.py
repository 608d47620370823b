"""The command line: the only module that prints, configures logging, or exits.

Every command loads the config, opens the store, and calls one library function, so
everything works without the CLI too.

Exit status: 0 every feed succeeded; 1 some feeds failed (the rest still published);
2 a usage or config error; 3 another newsdesk process holds the store's lock; 4 the store
or an output folder failed mid-run; 70 an internal error (a bug: please report it).
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn, TypedDict

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from newsdesk import __version__
from newsdesk.config import SOURCE_OPTION_KEYS, Config, load_config
from newsdesk.errors import ConfigError, LockedError, NewsdeskError, PublishError, StoreError

__all__ = ["entry", "main"]

EXIT_OK, EXIT_FEEDS_FAILED, EXIT_USAGE, EXIT_LOCKED, EXIT_IO = 0, 1, 2, 3, 4
EXIT_BUG = 70  # EX_SOFTWARE: never let a crash look like "some feeds failed" (1)

out = Console()
err = Console(stderr=True)

_STD_ATTRS = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


class _EventFormatter(logging.Formatter):
    """One line per event: time, level, fixed message, then the context as key=value."""

    def format(self, record: logging.LogRecord) -> str:
        extras = {k: v for k, v in record.__dict__.items() if k not in _STD_ATTRS}
        ctx = " ".join(
            f"{k}={json.dumps(v, ensure_ascii=False, default=str)}" for k, v in extras.items()
        )
        when = datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        line = f"{when} {record.levelname.lower()} {record.name}: {record.getMessage()}"
        if ctx:
            line += " " + ctx
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.DEBUG if verbose else (logging.ERROR if quiet else logging.WARNING)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_EventFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request at INFO; only worth seeing with -v.
    logging.getLogger("httpx").setLevel(logging.DEBUG if verbose > 1 else logging.WARNING)


def _fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", highlight=False, markup=True)
    sys.exit(code)


def _load(ctx: click.Context) -> Config:
    try:
        return load_config(ctx.obj["config"], os.environ)
    except ConfigError as exc:
        _fail(str(exc))


@contextmanager
def _open_store(config: Config, *, lock: bool = False, wait: float = 0) -> Iterator[Any]:
    from newsdesk.store import open_store

    try:
        store = open_store(config.database)
    except StoreError as exc:
        _fail(str(exc))
    try:
        if lock:
            try:
                with store.run_lock(f"newsdesk pid {os.getpid()}", wait=wait):
                    yield store
            except LockedError as exc:
                _fail(
                    f"{exc}\nAnother newsdesk run is using {config.database}; "
                    "wait for it to finish, or pass --wait SECONDS.",
                    EXIT_LOCKED,
                )
        else:
            yield store
    finally:
        store.close()


class _RichProgress:
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

    def __enter__(self) -> _RichProgress:
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


class _BuildProgress:
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

    def __enter__(self) -> _BuildProgress:
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


# --- commands -------------------------------------------------------------------------

CONFIG_HELP = "Config file (YAML). Default: ./newsdesk.yaml"


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "-c",
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    default="newsdesk.yaml",
    show_default=True,
    help=CONFIG_HELP,
)
@click.option("-v", "--verbose", count=True, help="Log every event (repeat for HTTP detail).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors.")
@click.version_option(__version__, prog_name="newsdesk")
@click.pass_context
def main(ctx: click.Context, config_path: Path, verbose: int, quiet: bool) -> None:
    """Turn news feeds into a publishable blog.

    \b
    newsdesk reads a YAML file whose shape is your category tree
    (groups → source → channel → feed URL), fetches every feed, cleans each
    article, stores it once, and writes one Hexo post per article.

    \b
    Start here:
      newsdesk demo                      try it offline on bundled sample feeds
      newsdesk run -c newsdesk.yaml      fetch → process → store → publish
      newsdesk status -c newsdesk.yaml   how every feed is doing

    Exit status: 0 all feeds ok, 1 some feeds failed (the rest still
    published), 2 usage or config error, 3 another run holds the lock,
    4 the store or an output folder failed, 70 internal error (a bug).
    """
    ctx.ensure_object(dict)
    ctx.obj["config"] = config_path
    _setup_logging(verbose, quiet)


def _config_option(f: Any) -> Any:
    """Accept -c after the subcommand too (`newsdesk run -c x.yaml`)."""

    def store_config(ctx: click.Context, _param: Any, value: Path | None) -> None:
        if value is not None:
            ctx.ensure_object(dict)
            ctx.obj["config"] = value

    return click.option(
        "-c",
        "--config",
        type=click.Path(path_type=Path),
        expose_value=False,
        callback=store_config,
        help=CONFIG_HELP,
    )(f)


@main.command()
@_config_option
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=0,
    metavar="SECONDS",
    help="If another run holds the lock, wait up to this long instead of refusing.",
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

    config = _load(ctx)
    if not config.sources:
        _fail(f"{config.path}: no feeds configured under `groups:`")
    with _open_store(config, lock=True, wait=wait) as store, _RichProgress() as progress:
        outcomes = pipeline.fetch_and_store(config, store, progress=progress)
        summaries = pipeline.publish(config, store, full=full)
    _print_feed_table(outcomes)
    _print_publish(summaries)
    _finish(outcomes)


@main.command()
@_config_option
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

    config = _load(ctx)
    with _open_store(config, lock=True, wait=wait) as store, _RichProgress() as progress:
        outcomes = pipeline.fetch_and_store(config, store, progress=progress)
    _print_feed_table(outcomes)
    _finish(outcomes)


@main.command()
@_config_option
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

    config = _load(ctx)
    with _open_store(config, lock=True) as store:
        summaries = pipeline.publish(config, store, full=full)
    _print_publish(summaries)


@main.command()
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


class _StatusRow(TypedDict):
    """One feed in `newsdesk status` (a JSON object with --json)."""

    url: str
    key: str
    group: str
    source: str
    channel: str
    last_success: str | None
    last_attempt: str | None
    last_error: str | None
    error_streak: int
    items: int
    paused: bool
    next_poll: str | None


@main.command()
@_config_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """Show every feed's health: last success, last error, error streak, items."""
    import random

    from newsdesk.schedule import first_due
    from newsdesk.watch import policy_from_config, poll_state

    config = _load(ctx)
    with _open_store(config) as store:
        states = store.feed_states()
    from dataclasses import replace

    policy = replace(policy_from_config(config), jitter=0.0)
    now = datetime.now(UTC)
    rows: list[_StatusRow] = []
    for s in config.sources:
        st = states.get(s.key)
        poll = poll_state(s.key, st, policy)
        paused = poll.paused
        # Without jitter: the time `newsdesk watch` aims for, give or take 10%.
        next_poll = (
            None
            if paused
            else first_due(
                poll,
                last_attempt=st.last_attempt if st else None,
                now=now,
                policy=policy,
                rng=random.Random(),
            ).replace(microsecond=0)
        )
        rows.append(
            {
                "url": s.url,
                "key": s.key,
                "group": s.group,
                "source": s.source,
                "channel": s.channel,
                "last_success": st.last_success.isoformat() if st and st.last_success else None,
                "last_attempt": st.last_attempt.isoformat() if st and st.last_attempt else None,
                "last_error": st.last_error if st else None,
                "error_streak": st.error_streak if st else 0,
                "items": st.items if st else 0,
                "paused": paused,
                "next_poll": next_poll.isoformat() if next_poll else None,
            }
        )
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{len(rows)} feeds", title_justify="left")
    for col in ("feed", "last success", "last error", "streak", "items", "next poll"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(
            f"{r['group']} › {r['source']} › {r['channel']}",
            _short_time(r["last_success"]) or "never",
            r["last_error"] or "",
            str(r["error_streak"]),
            str(r["items"]),
            "paused" if r["paused"] else _short_time(r["next_poll"]),
        )
    out.print(table)


def _short_time(iso: str | None) -> str:
    """ISO timestamp → '2026-11-26 06:02 UTC' for tables (JSON keeps the full value)."""
    if not iso:
        return ""
    return datetime.fromisoformat(iso).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


@main.group()
def feeds() -> None:
    """Manage feeds' state (pause / resume)."""


@feeds.command("resume")
@_config_option
@click.argument("urls", nargs=-1)
@click.pass_context
def feeds_resume(ctx: click.Context, urls: tuple[str, ...]) -> None:
    """Resume paused feeds (after HTTP 410 or too many failures). No URL = all."""
    config = _load(ctx)
    keys = {s.key for s in config.sources} | {s.url for s in config.sources}
    for url in urls:
        if url not in keys:
            _fail(f"{url} is not a feed in {config.path}")
    with _open_store(config) as store:
        wanted = set(urls) or None
        resumed = 0
        for s in config.sources:
            if wanted is None or s.key in wanted or s.url in wanted:
                state = store.feed_state(s.key)
                if state is not None and (state.disabled or state.error_streak):
                    store.enable_feed(s.key)
                    resumed += 1
    out.print(f"resumed {resumed} feed(s)")


@main.command()
@_config_option
@click.pass_context
def prune(ctx: click.Context) -> None:
    """Remove posts older than `keep_days` or beyond `keep_per_channel`.

    Pruned articles leave a tombstone, so they are not re-added on the next fetch.
    """
    from newsdesk import pipeline

    config = _load(ctx)
    if config.keep_days is None and config.keep_per_channel is None:
        _fail("set keep_days and/or keep_per_channel in the config to prune")
    with _open_store(config, lock=True) as store:
        removed = store.prune(
            keep_days=config.keep_days,
            keep_per_channel=config.keep_per_channel,
            now=datetime.now(UTC),
        )
        files = [(t, name) for _fk, _aid, by_target in removed for t, name in by_target.items()]
        deleted = pipeline.remove_published(config, files)
    out.print(f"pruned {len(removed)} article(s), deleted {deleted} file(s)")


@main.command("import-opml")
@_config_option
@click.argument("opml_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def import_opml_cmd(ctx: click.Context, opml_file: Path) -> None:
    """Add an OPML file's feeds to the config's group/source/channel tree.

    Nested outlines map to group/source/channel; a flat list goes under one group
    named after the file. Comments and order in the YAML are kept; feeds already
    in the config are skipped.
    """
    from newsdesk.opml import import_opml

    path: Path = ctx.obj["config"]
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    try:
        new_text, report = import_opml(
            opml_file.read_bytes(),
            text,
            default_group=opml_file.stem,
            reserved_keys=tuple(SOURCE_OPTION_KEYS),
        )
    except ValueError as exc:
        _fail(f"{opml_file}: {exc}")
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(new_text, encoding="utf-8")
    try:
        load_config(tmp, os.environ)  # never leave a config newsdesk can't read
    except ConfigError as exc:
        tmp.unlink()
        _fail(f"import would make the config invalid: {exc}")
    os.replace(tmp, path)
    out.print(
        f"added {report.added} feed(s), skipped {report.skipped_duplicates} duplicate(s)"
        f" and {report.skipped_invalid} invalid outline(s) → {path}"
    )


@main.command("export-opml")
@_config_option
@click.pass_context
def export_opml_cmd(ctx: click.Context) -> None:
    """Print the config's feeds as OPML 2.0 (rsshub:// routes resolved)."""
    from newsdesk.opml import export_opml

    config = _load(ctx)
    tree: dict[str, dict[str, dict[str, str]]] = {}
    for s in config.sources:
        tree.setdefault(s.group, {}).setdefault(s.source, {})[s.channel] = s.key
    click.echo(export_opml(tree, title=f"newsdesk: {config.path.name}", rsshub_base=config.rsshub))


@main.command()
@_config_option
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

    config = _load(ctx)
    with _open_store(config, lock=True) as store:
        code = watch_forever(config, store, once=once, console=out)
    sys.exit(code)


@main.command()
@_config_option
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
    continues where it stopped.
    """
    from newsdesk.sitebuild import build_from_store

    config = _load(ctx)
    with _open_store(config) as store, _BuildProgress() as progress:
        report = build_from_store(config, store, full=full, search=search, progress=progress)
    out.print(
        f"site: {report.pages_written} page(s) written, {report.pages_unchanged} unchanged, "
        f"{report.pages_deleted} deleted, {report.articles} articles in "
        f"{report.seconds:.2f}s → {config.site.out_dir}",
        highlight=False,
    )
    if report.search_indexed:
        out.print(f"search index updated in {report.search_seconds:.2f}s", highlight=False)


@main.command()
@_config_option
@click.option("--listen", default=None, help="host:port (default: site.listen, 127.0.0.1:8080).")
@click.pass_context
def serve(ctx: click.Context, listen: str | None) -> None:
    """Serve the built site and the image proxy on one port, for preview."""
    from newsdesk.sitebuild import serve_site

    config = _load(ctx)
    serve_site(config, listen or config.site.listen, console=out)


@main.group()
def proxy() -> None:
    """The image proxy that makes hotlink-protected images load (see `proxy_server:`)."""


@proxy.command("serve")
@_config_option
@click.pass_context
def proxy_serve(ctx: click.Context) -> None:
    """Serve the image proxy on `proxy_server.listen`."""
    from newsdesk.imageproxy import serve as serve_proxy

    config = _load(ctx)
    if config.proxy_server is None:
        _fail(f"{config.path}: add a `proxy_server:` section to serve the image proxy")
    serve_proxy(config.proxy_server)


@proxy.command("sign")
@_config_option
@click.argument("url")
@click.pass_context
def proxy_sign(ctx: click.Context, url: str) -> None:
    """Print the proxied URL for an image URL."""
    from newsdesk.imageproxy import sign_url

    config = _load(ctx)
    if config.proxy_server is None:
        _fail(f"{config.path}: add a `proxy_server:` section to sign URLs")
    try:
        click.echo(sign_url(config.proxy_server, url))
    except ValueError as exc:
        _fail(str(exc))


def entry() -> None:
    try:
        main(standalone_mode=True)
    except (StoreError, PublishError) as exc:
        _fail(str(exc), EXIT_IO)
    except NewsdeskError as exc:
        _fail(str(exc))
    except Exception:
        import traceback

        traceback.print_exc()
        _fail(
            "internal error (a bug in newsdesk): please report it with the traceback above",
            EXIT_BUG,
        )


if __name__ == "__main__":
    entry()
