"""The sample site, page by page, against committed expected output.

After a deliberate change to templates or rendering, regenerate and review the diff:

    NEWSDESK_REGEN_GOLDEN=1 .venv/bin/pytest tests/site
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from .conftest import SiteBuilder
from .samples import sample_articles

GOLDEN = Path(__file__).parent / "golden"
REGEN = os.environ.get("NEWSDESK_REGEN_GOLDEN") == "1"


# Asset URLs carry a hash of the CSS/JS; a style tweak should not rewrite every golden page.
_ASSET_VERSION = re.compile(rb"\?v=[0-9a-f]{8}")


def _outputs(root: Path) -> dict[str, bytes]:
    # Static assets are the theme's own files; pages and feeds are what rendering decides.
    return {
        p.relative_to(root).as_posix(): _ASSET_VERSION.sub(b"?v=ASSET", p.read_bytes())
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.suffix in {".html", ".xml"}
    }


def test_sample_site_matches_golden(site: SiteBuilder) -> None:
    site.build()
    got = _outputs(site.out)
    if REGEN:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel, data in got.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_bytes(data)
    want = _outputs(GOLDEN)
    assert sorted(got) == sorted(want), "pages differ from golden/ (NEWSDESK_REGEN_GOLDEN=1)"
    for rel, data in want.items():
        assert got[rel].decode() == data.decode(), f"{rel} differs from golden"


def test_build_is_deterministic(site: SiteBuilder, tmp_path: Path) -> None:
    site.build()
    other = SiteBuilder(tmp_path / "again")
    other.build(list(reversed(sample_articles())))  # input order must not matter
    assert _outputs(site.out) == _outputs(other.out)


@pytest.mark.skipif(REGEN, reason="regenerating")
def test_golden_has_every_kind_of_page() -> None:
    names = {p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*") if p.is_file()}
    assert {
        "index.html",
        "page/1/index.html",
        "archive/index.html",
        "sources/index.html",
        "search/index.html",
        "404.html",
        "atom.xml",
        "g/科技/36氪/atom.xml",
        "archive/2026/10/index.html",
        "g/开发/开源中国/资讯/index.html",
    } <= names
    assert sum(1 for n in names if n.startswith("a/")) == 8
