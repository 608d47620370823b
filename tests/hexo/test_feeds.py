"""Every fixture feed, through the real parse and process stages, into real Hexo."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsdesk.errors import ParseError
from newsdesk.imageproxy.rewrite import prefix_proxy
from newsdesk.models import Article, FeedSource
from newsdesk.publish.hexo import post_filename, render_post
from tests.hexo.conftest import RunHexo
from tests.hexo.expect import PLACEHOLDER, mismatches

pytestmark = pytest.mark.hexo

parse = pytest.importorskip("newsdesk.parse", reason="parse stage not built yet")
process = pytest.importorskip("newsdesk.process", reason="process stage not built yet")

FEEDS = Path(__file__).parents[1] / "fixtures" / "feeds"
PROXY = prefix_proxy("https://cors.zfour.workers.dev/?")
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _articles() -> tuple[list[Article], list[str]]:
    articles: list[Article] = []
    unreadable = []
    for path in sorted(FEEDS.iterdir()):
        if path.suffix not in (".xml", ".json"):
            continue
        url = f"https://feeds.example/{path.name}"
        source = FeedSource(key=url, url=url, group="新媒体", source=path.stem, channel="source")
        try:
            parsed = parse.parse_feed(path.read_bytes(), url)
        except ParseError:
            unreadable.append(path.name)  # the malformed-* fixtures may be refused
            continue
        articles.extend(process.process_feed(parsed, source, now=NOW))
    return articles, unreadable


def test_every_fixture_feed_reads_back_from_hexo(hexo: RunHexo) -> None:
    articles, unreadable = _articles()
    assert len(articles) > 300, (len(articles), unreadable)
    assert all(name.startswith("malformed-") for name in unreadable), unreadable
    rendered = {
        post_filename(a): (a, render_post(a, image_url=PROXY, placeholder=PLACEHOLDER))
        for a in articles
    }
    assert len(rendered) == len(articles)  # file names never collide
    run = hexo({name: text for name, (_, text) in rendered.items()}, tz="Asia/Shanghai")
    failures = {
        name: problems
        for name, (article, text) in rendered.items()
        if (
            problems := mismatches(
                article, text, run.posts.get(name), run.pages.get(name), image_url=PROXY
            )
        )
    }
    assert not failures, list(failures.items())[:3]
