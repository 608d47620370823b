"""`make test` off CI: what could not run is said loudly at the end, with the command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTEST = (sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider")


def test_skipped_postgres_tests_are_counted_last_with_the_command_to_run_them() -> None:
    env = {k: v for k, v in os.environ.items() if k != "NEWSDESK_TEST_PG_URL"}
    result = subprocess.run(
        [*PYTEST, "tests/store/test_content_hash.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.rstrip().splitlines()
    banner = next(i for i, line in enumerate(lines) if "2 TESTS SKIPPED" in line)
    after = "\n".join(lines[banner:])
    assert "SKIPPED [" not in after, "the banner comes after pytest's own list of skips"
    assert "2 of them need PostgreSQL. Run them with:" in after
    assert "NEWSDESK_TEST_PG_URL=$(sudo bash scripts/start-postgres.sh) make test" in after
    assert lines[-1].startswith("2 passed, 2 skipped")


def test_make_test_runs_the_suite_through_the_script_that_starts_postgres() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "scripts/test.sh" in recipe
    script = (ROOT / "scripts" / "test.sh").read_text(encoding="utf-8")
    assert "scripts/start-postgres.sh" in script and "NEWSDESK_TEST_PG_URL" in script
