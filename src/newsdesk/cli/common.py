"""What every command module shares: the consoles, exit codes, config loading, the store.

Command modules (`cli/<group>.py`) import from here, never from each other, so a new
group is one new module plus one `main.add_command` line in `cli/__init__.py`.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click
from rich.console import Console

from newsdesk.config import Config, load_config
from newsdesk.errors import ConfigError, LockedError, StoreError

__all__ = [
    "CONFIG_HELP",
    "EXIT_BUG",
    "EXIT_FEEDS_FAILED",
    "EXIT_IO",
    "EXIT_LOCKED",
    "EXIT_OK",
    "EXIT_USAGE",
    "config_option",
    "err",
    "fail",
    "feed_health_rows",
    "listen_option",
    "load",
    "open_store",
    "out",
    "parse_listen",
    "wait_option",
]

EXIT_OK, EXIT_FEEDS_FAILED, EXIT_USAGE, EXIT_LOCKED, EXIT_IO = 0, 1, 2, 3, 4
EXIT_BUG = 70  # EX_SOFTWARE: never let a crash look like "some feeds failed" (1)

# Width of a line when output goes to a file, a pipe or CI logs: long enough that no
# message is hard-wrapped (rich would wrap at 80 columns), short enough for a table.
_UNWRAPPED = 4096


def _console(*, stderr: bool) -> Console:
    console = Console(stderr=stderr)
    if console.is_terminal or os.environ.get("COLUMNS"):
        return console
    return Console(stderr=stderr, width=_UNWRAPPED, soft_wrap=True)


out = _console(stderr=False)
err = _console(stderr=True)

CONFIG_HELP = "Config file (YAML). Default: ./newsdesk.yaml"


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", highlight=False, markup=True)
    sys.exit(code)


def load(ctx: click.Context) -> Config:
    try:
        return load_config(ctx.obj["config"], os.environ)
    except ConfigError as exc:
        fail(str(exc))


@contextmanager
def open_store(config: Config, *, lock: bool = False, wait: float = 0) -> Iterator[Any]:
    from newsdesk.store import open_store as open_database

    try:
        store = open_database(config.database)
    except StoreError as exc:
        fail(str(exc))
    try:
        if lock:
            try:
                with store.run_lock(f"newsdesk pid {os.getpid()}", wait=wait):
                    yield store
            except LockedError as exc:
                fail(
                    f"{exc}\nAnother newsdesk run is using {config.database}; "
                    "wait for it to finish, or pass --wait SECONDS.",
                    EXIT_LOCKED,
                )
        else:
            yield store
    finally:
        store.close()


def config_option(f: Any) -> Any:
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


def listen_option(default: str) -> Any:
    """``--listen HOST:PORT`` for the commands that serve something."""
    return click.option(
        "--listen", metavar="HOST:PORT", default=None, help=f"Where to listen (default: {default})."
    )


def wait_option(f: Any) -> Any:
    """``--wait SECONDS`` for the commands that take the store's run lock."""
    return click.option(
        "--wait",
        type=click.FloatRange(min=0),
        default=0,
        metavar="SECONDS",
        help="If another run holds the lock, wait up to this long instead of refusing.",
    )(f)


def feed_health_rows(ctx: click.Context, *, as_json: bool) -> tuple[Config, list[Any]] | None:
    """Every feed's health (``status``, ``feeds list``); printed as JSON, and None
    returned, with ``--json``."""
    from newsdesk.health import feed_health

    config = load(ctx)
    if _no_store_yet(config):  # a status look creates no database: nothing has run yet
        rows = feed_health(config, {})
    else:
        with open_store(config) as store:
            rows = feed_health(config, store.feed_states())
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return None
    return config, list(rows)


def _no_store_yet(config: Config) -> bool:
    """The config's SQLite file does not exist (a server database always might)."""
    return "://" not in config.database and not Path(config.database).exists()


def parse_listen(value: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:8080`` for IPv6) → (host, port); a usage error otherwise."""
    host, sep, port = value.rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise click.BadParameter(f"expected HOST:PORT such as 127.0.0.1:8081, got {value!r}")
    return host, int(port)
