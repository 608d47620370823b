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
