"""OPML import and export of the config's feed tree."""

from __future__ import annotations

import os
from pathlib import Path

import click

from newsdesk.cli.common import config_option, fail, load, out
from newsdesk.config import SOURCE_OPTION_KEYS
from newsdesk.errors import ConfigError

__all__ = ["export_opml_cmd", "import_opml_cmd"]


@click.command("import-opml")
@config_option
@click.argument("opml_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def import_opml_cmd(ctx: click.Context, opml_file: Path) -> None:
    """Add an OPML file's feeds to the config's group/source/channel tree.

    Nested outlines map to group/source/channel; a channel is named after its
    outline's title ("source · channel" titles, as `export-opml --flat` writes them,
    are split). A flat list goes under one group named after the file. Comments and
    order in the YAML are kept; feeds already in the config are skipped.
    """
    from newsdesk.config.edit import write_config
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
        fail(f"{opml_file}: {exc}")
    try:
        write_config(path, new_text, os.environ)
    except ConfigError as exc:
        fail(f"import would make the config invalid: {exc}")
    out.print(
        f"added {report.added} feed(s), skipped {report.skipped_duplicates} duplicate(s)"
        f" and {report.skipped_invalid} invalid outline(s) → {path}",
        highlight=False,
    )


@click.command("export-opml")
@config_option
@click.option(
    "--flat",
    is_flag=True,
    help='Two levels (category → feeds titled "source · channel"), the shape Miniflux '
    "and FreshRSS import without losing feeds.",
)
@click.pass_context
def export_opml_cmd(ctx: click.Context, flat: bool) -> None:
    """Print the config's feeds as OPML 2.0 (rsshub:// routes resolved).

    Three levels (group → source → channel) by default; paused feeds are included.
    Example: newsdesk export-opml --flat > feeds.opml
    """
    from newsdesk.opml import export_opml

    config = load(ctx)
    tree: dict[str, dict[str, dict[str, str]]] = {}
    for s in config.all_feeds:
        tree.setdefault(s.group, {}).setdefault(s.source, {})[s.channel] = s.key
    title = f"newsdesk: {config.path.name}"
    click.echo(export_opml(tree, title=title, rsshub_base=config.rsshub, flat=flat))
