"""`export-opml --flat` in the shape Miniflux and FreshRSS import, and `import-opml`
naming channels from outline titles."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from newsdesk.config import load_config
from tests.support.cli import run_cli

CONFIG = """\
groups:
  科技:                # tech
    36氪:
      快讯: https://36kr.example/newsflash
      深度: https://36kr.example/deep
    少数派:
      最新: https://sspai.example/feed
  Tech:
    LWN:
      headlines: rsshub://lwn/headlines
"""

# What Miniflux exports: categories, each holding feed outlines (two levels).
MINIFLUX = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>Miniflux</title></head><body>
  <outline text="Linux">
    <outline title="LWN.net" text="LWN.net" xmlUrl="https://lwn.example/rss" type="rss"/>
    <outline title="Phoronix" text="Phoronix" xmlUrl="https://phoronix.example/rss" type="rss"/>
  </outline>
</body></opml>"""


def _tree(path: Path) -> list[tuple[str, str, str, str]]:
    return [(s.group, s.source, s.channel, s.url) for s in load_config(path).all_feeds]


def test_flat_export_has_two_levels_titled_source_and_channel(tmp_path: Path) -> None:
    cfg = tmp_path / "newsdesk.yaml"
    cfg.write_text(CONFIG, encoding="utf-8")
    result = run_cli("export-opml", "--flat", "-c", str(cfg))
    assert result.exit_code == 0, result.output
    body = etree.fromstring(result.output.encode()).find("body")
    categories = list(body)
    assert [c.get("text") for c in categories] == ["科技", "Tech"]
    feeds = [(f.get("title"), f.get("xmlUrl")) for f in categories[0]]
    assert feeds == [
        ("36氪 · 快讯", "https://36kr.example/newsflash"),
        ("36氪 · 深度", "https://36kr.example/deep"),
        ("少数派 · 最新", "https://sspai.example/feed"),
    ]
    assert all(len(f) == 0 and f.get("type") == "rss" for c in categories for f in c)
    assert categories[1][0].get("xmlUrl") == "https://rsshub.app/lwn/headlines"


def test_flat_export_imports_back_into_the_same_tree(tmp_path: Path) -> None:
    cfg = tmp_path / "newsdesk.yaml"
    cfg.write_text(CONFIG, encoding="utf-8")
    opml = tmp_path / "flat.opml"
    opml.write_text(run_cli("export-opml", "--flat", "-c", str(cfg)).output, encoding="utf-8")
    fresh = tmp_path / "fresh" / "newsdesk.yaml"
    fresh.parent.mkdir()
    result = run_cli("import-opml", str(opml), "-c", str(fresh))
    assert result.exit_code == 0, result.output
    assert _tree(fresh) == _tree(cfg)


def test_import_names_a_channel_from_the_outline_title(tmp_path: Path) -> None:
    cfg = tmp_path / "newsdesk.yaml"
    opml = tmp_path / "miniflux.opml"
    opml.write_bytes(MINIFLUX)
    result = run_cli("import-opml", str(opml), "-c", str(cfg))
    assert result.exit_code == 0, result.output
    assert _tree(cfg) == [
        ("Linux", "LWN.net", "LWN.net", "https://lwn.example/rss"),
        ("Linux", "Phoronix", "Phoronix", "https://phoronix.example/rss"),
    ]
    assert "default" not in cfg.read_text(encoding="utf-8")
