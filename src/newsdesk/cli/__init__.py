"""The command line: the only package that prints, configures logging, or exits.

Every command loads the config, opens the store, and calls one library function, so
everything works without the CLI too. One module per command group:

    common.py    consoles, exit codes, config loading, the store (shared by all)
    logs.py      logging setup          report.py   tables and summaries, safe text
    progress.py  progress bars          starter.py  init
    pipeline.py  run, fetch, publish, watch, demo
    feeds.py     feeds list/add/remove/pause/resume
    site.py      build, serve
    proxy.py     proxy serve, proxy sign
    store.py     status, prune
    queue.py     queue init, queue status, worker, enqueue (docs/distributed.md)
    opml.py      import-opml, export-opml

A new group is a new module whose commands are added to `main` below.

Exit status: 0 every feed succeeded; 1 some feeds failed (the rest still published);
2 a usage or config error; 3 another newsdesk process holds the store's lock; 4 the store
or an output folder failed mid-run; 70 an internal error (a bug: please report it).
"""

from __future__ import annotations

from pathlib import Path

import click

from newsdesk import __version__
from newsdesk.cli import feeds, opml, pipeline, proxy, queue, site, starter, store
from newsdesk.cli.common import CONFIG_HELP, EXIT_BUG, EXIT_IO, fail
from newsdesk.cli.logs import setup_logging
from newsdesk.errors import NewsdeskError, PublishError, StoreError

__all__ = ["entry", "main"]


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
      newsdesk init mysite               write a commented starter config
      newsdesk run -c newsdesk.yaml      fetch → process → store → publish
      newsdesk feeds list                every feed and its health

    Exit status: 0 all feeds ok, 1 some feeds failed (the rest still
    published), 2 usage or config error, 3 another run holds the lock,
    4 the store or an output folder failed, 70 internal error (a bug).
    """
    ctx.ensure_object(dict)
    ctx.obj["config"] = config_path
    setup_logging(verbose, quiet)


for _command in (
    starter.init,
    pipeline.run,
    pipeline.fetch,
    pipeline.publish,
    pipeline.demo,
    store.status,
    feeds.feeds,
    store.prune,
    opml.import_opml_cmd,
    opml.export_opml_cmd,
    pipeline.watch,
    site.build,
    site.serve,
    proxy.proxy,
    queue.queue,
    queue.worker,
    queue.enqueue,
):
    main.add_command(_command)


def entry() -> None:
    try:
        main(standalone_mode=True)
    except (StoreError, PublishError) as exc:
        fail(str(exc), EXIT_IO)
    except NewsdeskError as exc:
        fail(str(exc))
    except Exception:
        import traceback

        traceback.print_exc()
        fail(
            "internal error (a bug in newsdesk): please report it with the traceback above",
            EXIT_BUG,
        )
