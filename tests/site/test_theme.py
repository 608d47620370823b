"""A user's theme folder overrides templates and static files one by one."""

from __future__ import annotations

from pathlib import Path

from .conftest import SiteBuilder


def test_user_templates_and_css_win(site: SiteBuilder, tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    (theme / "templates").mkdir(parents=True)
    (theme / "static").mkdir()
    (theme / "templates/card.html").write_text('<li class="my-card">{{ e.title }}</li>\n')
    (theme / "static/site.css").write_text("body { color: rebeccapurple; }\n")
    site.build(theme_dir=theme)
    home = (site.out / "index.html").read_text()
    assert '<li class="my-card">国产芯片产能持续提升，多家厂商扩产</li>' in home
    assert "skip" in home, "templates the user did not override still come from the bundle"
    assert (site.out / "static/site.css").read_text() == "body { color: rebeccapurple; }\n"
    assert (site.out / "static/site.js").is_file()


def test_asset_urls_change_with_their_content(site: SiteBuilder, tmp_path: Path) -> None:
    site.build()
    before = (site.out / "index.html").read_text()
    theme = tmp_path / "theme"
    (theme / "static").mkdir(parents=True)
    (theme / "static/site.css").write_text("body{}")
    site.build(theme_dir=theme)
    after = (site.out / "index.html").read_text()
    css = [line for line in after.splitlines() if "site.css" in line]
    assert css and css[0] not in before


def test_base_path_prefixes_every_link(site: SiteBuilder) -> None:
    site.build(base_path="/news/")
    home = (site.out / "index.html").read_text()
    assert 'href="/news/static/site.css' in home
    assert 'href="/news/a/2026/11/' in home
    assert 'href="/a/' not in home
