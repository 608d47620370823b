"""Every page has the markup readers and assistive technology rely on."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from .conftest import SiteBuilder, html_files


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, lxml_html.HtmlElement]:
    site = SiteBuilder(tmp_path_factory.mktemp("markup") / "public")
    site.build(per_page=2)
    return {
        p.relative_to(site.out).as_posix(): lxml_html.fromstring(p.read_bytes())
        for p in html_files(site.out)
    }


def test_language_title_and_one_h1(pages: dict[str, lxml_html.HtmlElement]) -> None:
    for name, doc in pages.items():
        assert doc.get("lang") == "zh-CN", name
        assert doc.findtext(".//title").strip(), name
        assert len(doc.findall(".//h1")) == 1, name


def test_landmarks_and_skip_link(pages: dict[str, lxml_html.HtmlElement]) -> None:
    for name, doc in pages.items():
        for tag in ("header", "nav", "main", "footer"):
            assert doc.find(f".//{tag}") is not None, f"{name} lacks <{tag}>"
        skip = doc.find(".//a[@class='skip']")
        assert skip is not None and skip.get("href") == "#main", name
        assert doc.find(".//main[@id='main']") is not None, name


def test_images_have_alt_and_inputs_have_labels(pages: dict[str, lxml_html.HtmlElement]) -> None:
    for name, doc in pages.items():
        for img in doc.iter("img"):
            assert img.get("alt") is not None, f"{name}: {img.get('src')}"
        labels = {label.get("for") for label in doc.iter("label")}
        for field in doc.iter("input"):
            assert field.get("id") in labels, f"{name}: input {field.get('name')} has no label"


def test_no_external_requests(pages: dict[str, lxml_html.HtmlElement]) -> None:
    """Styles, scripts and fonts come from the site itself, never a CDN."""
    for name, doc in pages.items():
        for el in doc.iter("link", "script"):
            url = el.get("href") or el.get("src") or ""
            if el.tag == "link" and el.get("rel") in ("canonical", "alternate"):
                continue
            assert not url.startswith(("http:", "https:", "//")), f"{name}: {url}"
