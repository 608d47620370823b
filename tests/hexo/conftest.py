from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pytest

from tests.hexo.harness import HexoRun, install_site, run_hexo

RunHexo = Callable[..., HexoRun]


@pytest.fixture(scope="session")
def hexo_install() -> Path:
    """The test site's node_modules, installed with ``npm ci`` once per lock hash."""
    missing = [tool for tool in ("node", "npm", "npx") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"real-Hexo tests need Node.js: {', '.join(missing)} not on PATH")
    cache = Path(os.environ.get("NEWSDESK_TEST_CACHE", Path.home() / ".cache" / "newsdesk-tests"))
    return install_site(cache)


@pytest.fixture
def hexo(hexo_install: Path, tmp_path: Path) -> RunHexo:
    """``hexo(posts, configs=…, tz=…)`` generates a fresh site holding ``posts``."""
    counter = iter(range(1_000_000))

    def run(
        posts: Mapping[str, str], *, configs: Sequence[str] = ("_config.yml",), tz: str = "UTC"
    ) -> HexoRun:
        return run_hexo(
            hexo_install, tmp_path / f"site{next(counter)}", posts, configs=configs, tz=tz
        )

    return run
