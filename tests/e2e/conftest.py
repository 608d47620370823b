"""End-to-end helpers: write a config, run the real `newsdesk` CLI in-process."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from newsdesk.cli import main


def run_cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[..., Path]:
    """Write newsdesk.yaml into tmp_path from a `groups:` YAML fragment plus top-level extras."""

    def write(groups_yaml: str, extra: str = "") -> Path:
        path = tmp_path / "newsdesk.yaml"
        text = (
            "hexo_dir: ./blog\n"
            "database: ./newsdesk.db\n"
            "fetch:\n  connect_timeout: 2\n  read_timeout: 1\n  total_timeout: 3\n"
            "  retries: 2\n  max_bytes: 200KB\n" + extra + "groups:\n" + groups_yaml
        )
        path.write_text(text, encoding="utf-8")
        return path

    return write
