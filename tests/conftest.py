from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.httpserver import LocalServer

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def server() -> Iterator[LocalServer]:
    """A real HTTP server on 127.0.0.1 that the test programs route by route."""
    with LocalServer() as srv:
        yield srv


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


def _hypothesis_profiles() -> None:
    import os

    from hypothesis import HealthCheck, settings

    # No per-example deadline: these machines are shared and noisy. In CI, derandomize so a
    # red build is reproducible; locally, explore new examples every run.
    settings.register_profile("dev", deadline=None)
    settings.register_profile(
        "ci", deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
    )
    settings.load_profile("ci" if os.environ.get("CI") else "dev")


_hypothesis_profiles()


# How to run the PostgreSQL tests that were skipped: one command, printed at the end.
PG_COMMAND = "NEWSDESK_TEST_PG_URL=$(sudo bash scripts/start-postgres.sh) make test"


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    return str(longrepr[2]) if isinstance(longrepr, tuple) else str(longrepr)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> Iterator[None]:
    """Say loudly what did not run, last: a green run with skips is not the CI run."""
    try:
        return (yield)
    finally:
        _skipped_banner(terminalreporter)


def _skipped_banner(terminalreporter: pytest.TerminalReporter) -> None:
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if r.when != "teardown"]
    if not skipped:
        return
    postgres = [
        r for r in skipped if "postgres" in r.keywords or "NEWSDESK_TEST_PG_URL" in _skip_reason(r)
    ]
    tr = terminalreporter
    tr.write_sep("!", f"{len(skipped)} TESTS SKIPPED: they did not run", red=True, bold=True)
    reasons: dict[str, int] = {}
    for report in skipped:
        reason = _skip_reason(report).removeprefix("Skipped: ")
        reasons[reason] = reasons.get(reason, 0) + 1
    for reason, count in sorted(reasons.items(), key=lambda kv: -kv[1]):
        tr.write_line(f"  {count:4d} × {reason}", yellow=True)
    if postgres:
        tr.write_line("")
        tr.write_line(
            f"  {len(postgres)} of them need PostgreSQL. Run them with:", red=True, bold=True
        )
        tr.write_line(f"      {PG_COMMAND}", bold=True)
    tr.write_sep("!", red=True, bold=True)
