"""`newsdesk init`: start a new site."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from newsdesk.cli.common import fail, out

__all__ = ["init"]


@click.command()
@click.argument(
    "directory",
    metavar="[DIR]",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    required=False,
)
def init(directory: Path) -> None:
    """Write a commented starter newsdesk.yaml into DIR (default: here).

    It holds a small real feed tree and every other key at its default, commented.
    An existing newsdesk.yaml is never overwritten.
    """
    from newsdesk.config.starter import write_starter

    try:
        path = write_starter(directory)
    except FileExistsError:
        fail(f"{directory / 'newsdesk.yaml'} already exists; not overwriting it")
    except OSError as exc:
        fail(f"cannot write {directory / 'newsdesk.yaml'}: {exc}")
    config = shlex.quote(str(path))
    out.print(
        f"wrote {path}: edit its `groups:` tree (or `newsdesk feeds add`), then run:\n"
        f"  newsdesk run -c {config} --build   # fetch, store, publish posts, build the site\n"
        f"  newsdesk serve -c {config}         # preview the site at http://127.0.0.1:8080/\n"
        f"  newsdesk status -c {config}        # how every feed is doing",
        highlight=False,
        markup=False,
    )
