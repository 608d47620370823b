"""ruff's lint rules and its formatter hold over the whole tree, enforced by `make test`.

Like mypy (tests/test_typing.py), run as a test so that CI's one command checks it and a
lint failure is listed with the other failures. Settings are in pyproject.toml [tool.ruff].
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TREES = ["src", "tests", "benchmarks", "scripts"]


def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, *TREES],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_ruff_check_passes() -> None:
    result = _ruff("check")
    assert result.returncode == 0, f"ruff check failed:\n{result.stdout}{result.stderr}"


def test_ruff_format_is_applied() -> None:
    result = _ruff("format", "--check")
    assert result.returncode == 0, (
        f"files need `ruff format` (run: make fmt):\n{result.stdout}{result.stderr}"
    )
