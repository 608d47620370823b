"""The type hints are checked, not just written: mypy on src/newsdesk must pass.

Run as a test rather than as a Makefile step before pytest: `make test` (and so `.ci/run`)
stays the one command, a plain `pytest` checks types too, and a typing error is reported
with the other failures instead of stopping the suite before it starts. mypy and its
settings come from requirements.lock and pyproject.toml's [tool.mypy].
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_passes() -> None:
    # The cache (.mypy_cache, ignored by git) makes a rerun with no changes take well under
    # a second; a cold run takes about 15 s.
    result = subprocess.run(
        [sys.executable, "-m", "mypy"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, f"mypy failed:\n{result.stdout}{result.stderr}"
