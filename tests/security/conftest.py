from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from tests.hexo.conftest import hexo_install  # noqa: F401 - the session fixture, shared
from tests.support.httpserver import LocalServer

from .pipeline import Published, publish_hostile

pytest.importorskip("websockets.sync.client", reason="browser tests drive Chromium over websockets")

from .browser import HostileBrowser

# Per output: what the last run measured, for the summary at the end of the session.
REPORTS: dict[str, str] = {}


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory) -> Published:
    """The hostile feeds and OPML file, through import-opml, run, publish and build."""
    with LocalServer() as server:
        return publish_hostile(tmp_path_factory.mktemp("hostile"), server)


@pytest.fixture(scope="session")
def hostile_browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileBrowser]:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("chromium not on PATH (scripts/install-test-tools.sh installs it)")
    with HostileBrowser.launch(chromium, tmp_path_factory.mktemp("profile")) as browser:
        yield browser


class _Quiet(SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".json": "application/json",
        ".svg": "image/svg+xml",
    }

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1; yields the base URL (ending in /)."""
    handler = functools.partial(_Quiet, directory=str(folder))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if REPORTS:
        terminalreporter.section("hostile feeds in real themes (tests/security)")
        for line in REPORTS.values():
            terminalreporter.write_line(line)
