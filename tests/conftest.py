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
