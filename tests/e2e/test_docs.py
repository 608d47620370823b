"""Every command teaches: --help works and says something for each one."""

from __future__ import annotations

import click
import pytest

from newsdesk.cli import main
from tests.e2e.conftest import run_cli


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, cmd in group.commands.items():
        found.append((*prefix, name))
        if isinstance(cmd, click.Group):
            found += _commands(cmd, (*prefix, name))
    return found


@pytest.mark.parametrize("path", _commands(main), ids=" ".join)
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    result = run_cli(*path, "--help")
    assert result.exit_code == 0
    summary = result.output.split("\n\n", 2)[1].strip()
    assert len(summary) > 20, f"`newsdesk {' '.join(path)}` needs a real help text"


@pytest.mark.parametrize(
    "name",
    [
        "run",
        "fetch",
        "publish",
        "demo",
        "build",
        "serve",
        "status",
        "watch",
        "prune",
        "import-opml",
        "export-opml",
    ],
)
def test_issue_commands_exist(name: str) -> None:
    assert name in main.commands


def test_readme_documents_every_command() -> None:
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    for path in _commands(main):
        if path[0] in ("feeds", "proxy") and len(path) == 1:
            continue
        assert f"newsdesk {' '.join(path)}" in readme, f"README lacks `newsdesk {' '.join(path)}`"
