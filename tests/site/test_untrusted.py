"""Feed data is untrusted: only http(s) links and images from articles reach the pages."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html

from newsdesk.publish.site.paths import free_slug

from .conftest import SiteBuilder
from .samples import new_article, sample_articles

A = "{http://www.w3.org/2005/Atom}"


def _article_page(site: SiteBuilder) -> lxml_html.HtmlElement:
    """The page of new_article(), found by its heading."""
    for path in site.out.glob("a/*/*/*/index.html"):
        doc = lxml_html.fromstring(path.read_bytes())
        if "量子计算公司" in doc.findtext(".//h1"):
            return doc
    raise AssertionError("no page for new_article()")


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://a.example/x.png", True),
        ("HTTP://A.example/x", True),
        ("  https://a.example/ ", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        ("\tjava\nscript:alert(1)", False),
        ("data:image/png;base64,AAAA", False),
        ("http:no-slashes", False),
        ("/relative.png", False),
        ("//a.example/x.png", False),
        ("", False),
        (None, False),
    ],
)
def test_is_http(url: str | None, ok: bool) -> None:
    from newsdesk.publish.site.paths import is_http  # new: imported here to fail, not error

    assert is_http(url) is ok


def test_javascript_link_and_head_image_are_not_rendered(site: SiteBuilder) -> None:
    evil = replace(new_article(), link="JavaScript:alert(1)", head_image="javascript:alert(2)")
    report = site.build([*sample_articles(), evil])
    assert report.pages_written > 0
    for path in [*site.out.rglob("*.html"), site.out / "atom.xml"]:
        text = path.read_text().lower()
        assert "alert(" not in text, path

    doc = _article_page(site)
    assert doc.xpath("//p[@class='original']") == [], "no 阅读原文 without an http link"
    assert doc.xpath("//meta[@property='og:image']") == []
    home = lxml_html.fromstring((site.out / "index.html").read_bytes())
    (card,) = [
        c
        for c in home.xpath("//li[contains(@class, 'card')]")
        if "量子计算公司" in c.text_content()
    ]
    assert card.xpath(".//img") == [], "no <img>: the card falls back to the placeholder"
    feed = etree.parse(str(site.out / "atom.xml")).getroot()
    entry = next(e for e in feed.iter(f"{A}entry") if "量子" in e.findtext(f"{A}title"))
    assert entry.find(f"{A}link[@rel='via']") is None


def test_http_link_and_image_still_render(site: SiteBuilder) -> None:
    good = replace(new_article(), head_image="HTTPS://img.example/q.png")
    site.build([*sample_articles(), good])
    doc = _article_page(site)
    assert doc.xpath("//p[@class='original']/a/@href") == [good.link]
    (og,) = doc.xpath("//meta[@property='og:image']/@content")
    assert og.startswith("/img/?u="), "upper-case schemes go through the proxy too"


def test_suffixed_slug_never_equals_another_names_slug() -> None:
    names = ["B", "b", "B-cb5332"]
    slugs = _slugs(names)
    assert len(set(slugs.values())) == 3, slugs
    assert _slugs(names) == slugs, "deterministic"


def test_groups_whose_slugs_collide_build(site: SiteBuilder) -> None:
    articles = [
        replace(a, group=g)
        for a, g in zip(sample_articles(), ["B", "b", "B-cb5332"] * 3, strict=False)
    ]
    site.build(articles)  # used to fail: "page written twice in one build"
    assert len(list((site.out / "g").glob("*/index.html"))) == 3


@given(st.text(alphabet=st.sampled_from("ab.-:/?#[]@ \t\n\x00\x7f1例"), max_size=20))
def test_the_fast_path_of_is_http_agrees_with_parsing(rest: str) -> None:
    from urllib.parse import urlsplit

    from newsdesk.publish.site import paths

    for url in (f"http://{rest}", f"https://{rest}"):
        try:
            parts = urlsplit(url.strip())
            want = parts.scheme.lower() in ("http", "https") and bool(parts.netloc)
        except ValueError:
            want = False
        assert paths.is_http(url) == want, url


def _slugs(names: list[str]) -> dict[str, str]:
    """Slugs as the site state hands them out: each name in turn, against those taken."""
    taken: set[str] = set()
    out = {}
    for name in names:
        slug = out[name] = free_slug(name, taken.__contains__)
        taken.add(slug)
    return out
