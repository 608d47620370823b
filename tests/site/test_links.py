"""Every internal link and asset of the generated site resolves, and every page is reachable."""

from __future__ import annotations

from collections import deque
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lxml import html as lxml_html

from .conftest import SiteBuilder, html_files
from .samples import new_article, sample_articles

ROOT = "/blog/"


def _target(out: Path, page: Path, url: str) -> Path | None:
    """The file an internal URL points at, or None for external URLs."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith(("#", "mailto:")) or not parts.path:
        return None
    assert parts.path.startswith(ROOT), f"{page}: link {url!r} escapes the base path"
    rel = unquote(parts.path[len(ROOT) :])
    target = out / rel
    return target / "index.html" if rel == "" or rel.endswith("/") else target


def _links(page: Path) -> list[str]:
    doc = lxml_html.fromstring(page.read_bytes())
    urls = [el.get("href") for el in doc.iter("a", "link") if el.get("href")]
    urls += [el.get("src") for el in doc.iter("img", "script") if el.get("src")]
    urls += [el.get("action") for el in doc.iter("form") if el.get("action")]
    return urls


@pytest.fixture
def built(site: SiteBuilder) -> Path:
    site.build(per_page=2, base_path=ROOT, image_url=lambda u: "https://img.example.test/?u=" + u)
    site.build(
        [*sample_articles(), new_article()],
        per_page=2,
        base_path=ROOT,
        image_url=lambda u: "https://img.example.test/?u=" + u,
    )
    return site.out


def test_every_internal_link_resolves(built: Path) -> None:
    broken = [
        (page.relative_to(built).as_posix(), url)
        for page in html_files(built)
        for url in _links(page)
        if (t := _target(built, page, url)) is not None and not t.is_file()
    ]
    assert broken == []


def test_every_page_is_reachable_from_home(built: Path) -> None:
    seen, todo = set(), deque([built / "index.html"])
    while todo:
        page = todo.popleft()
        if page in seen or page.suffix != ".html":
            continue
        seen.add(page)
        todo.extend(t for url in _links(page) if (t := _target(built, page, url)) and t.is_file())
    unreachable = [
        p.relative_to(built).as_posix()
        for p in html_files(built)
        if p not in seen and p.name != "404.html"
    ]
    assert unreachable == []


def test_pages_are_index_html_folders(built: Path) -> None:
    for page in html_files(built):
        assert page.name == "index.html" or page.relative_to(built).as_posix() == "404.html"
