"""Atom feeds parse as XML and carry what RFC 4287 requires, escaped properly."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from .conftest import SiteBuilder
from .samples import sample_articles

A = "{http://www.w3.org/2005/Atom}"


def _feeds(root: Path) -> list[Path]:
    return sorted(root.rglob("atom.xml"))


def test_feeds_are_valid_shaped_atom(site: SiteBuilder) -> None:
    site.build(feed_entries=3)
    feeds = _feeds(site.out)
    assert len(feeds) == 4  # the site and each of the three sources
    for path in feeds:
        feed = etree.parse(str(path)).getroot()
        assert feed.tag == f"{A}feed"
        for name in ("id", "title", "updated"):
            assert feed.findtext(f"{A}{name}"), f"{path}: feed lacks {name}"
        assert feed.find(f"{A}link[@rel='self']").get("href").startswith("https://")
        entries = feed.findall(f"{A}entry")
        assert 1 <= len(entries) <= 3
        ids = [e.findtext(f"{A}id") for e in entries]
        assert len(set(ids)) == len(ids)
        for e in entries:
            for name in ("id", "title", "updated"):
                assert e.findtext(f"{A}{name}"), f"{path}: entry lacks {name}"
            assert e.find(f"{A}author/{A}name").text
            assert (
                e.find(f"{A}link[@rel='alternate']")
                .get("href")
                .startswith("https://news.example.test/a/")
            )
            assert e.find(f"{A}content").get("type") == "html"
        dates = [e.findtext(f"{A}updated") for e in entries]
        assert feed.findtext(f"{A}updated") == dates[0]


def test_titles_and_bodies_round_trip(site: SiteBuilder) -> None:
    site.build()
    feed = etree.parse(str(site.out / "g/科技/cnbeta/atom.xml")).getroot()
    titles = [e.findtext(f"{A}title") for e in feed.iter(f"{A}entry")]
    assert "显卡价格回落 <RTX> & “甜品卡”再受关注" in titles
    content = next(e.findtext(f"{A}content") for e in feed.iter(f"{A}entry"))
    assert "<p>显卡价格近期回落，&lt;甜品卡&gt; 再次受到玩家关注。</p>" in content


def test_control_characters_do_not_break_the_feed(site: SiteBuilder) -> None:
    articles = sample_articles()
    articles[0] = replace(articles[0], title="坏字符\x0b标题\x00", content_hash="ctl")
    site.build(articles)
    feed = etree.parse(str(site.out / "atom.xml")).getroot()
    assert feed.find(f"{A}entry/{A}title").text == "坏字符标题"


def test_body_images_go_through_the_proxy(site: SiteBuilder) -> None:
    site.build()
    feed = etree.parse(str(site.out / "atom.xml")).getroot()
    body = feed.find(f"{A}entry/{A}content").text
    assert "/img/?u=https%3A%2F%2Fimg.36kr.example" in body
    assert 'src="https://img.36kr.example' not in body


@pytest.mark.parametrize(
    ("base_url", "base_path", "want"),
    [
        ("https://news.example.test/", "", "https://news.example.test/"),
        ("https://news.example.test/blog/", "", "https://news.example.test/blog/"),
        # base_path differs from base_url's path: the origin is still scheme://host.
        ("https://news.example.test/blog/", "/newsroom/", "https://news.example.test/newsroom/"),
        ("https://news.example.test", "/news/", "https://news.example.test/news/"),
        ("https://news.example.test:8443/x/", "/", "https://news.example.test:8443/"),
    ],
)
def test_links_use_the_origin_of_base_url(
    site: SiteBuilder, base_url: str, base_path: str, want: str
) -> None:
    site.build(base_url=base_url, base_path=base_path)
    feed = etree.parse(str(site.out / "atom.xml")).getroot()
    assert feed.find(f"{A}link[@rel='self']").get("href") == want + "atom.xml"
    assert feed.find(f"{A}link[@rel='alternate']").get("href") == want
    entry = feed.find(f"{A}entry/{A}link[@rel='alternate']").get("href")
    assert entry.startswith(want + "a/2026/")
