"""The seed post (tests/fixtures/seed_post.md) as an Article, for tests that compare to it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from newsdesk.models import Article

__all__ = ["PROXY_PREFIX", "SEED_PATH", "seed_article", "seed_body", "seed_text"]

SEED_PATH = Path(__file__).parents[1] / "fixtures" / "seed_post.md"
PROXY_PREFIX = "https://cors.zfour.workers.dev/?"
_OPEN, _CLOSE = "\n<div>   \n", "  \n</div>\n"


def seed_text() -> str:
    return SEED_PATH.read_bytes().decode("utf-8")


def seed_body() -> str:
    """The HTML between the seed's ``<div>   `` and ``</div>`` lines, as published."""
    text = seed_text()
    return text.split(_OPEN, 1)[1].rsplit(_CLOSE, 1)[0]


def seed_article(**changes: object) -> Article:
    """The stored Article behind the seed: original image URLs, proxy added at publish."""
    article = Article(
        feed_key="https://www.myzaker.com/rss/新媒体",
        article_id="63107a378e9f0902e337aad8",
        group="新媒体",
        source="ZAKER",
        channel="source",
        title="携手共促开放共享的服务经济",
        link="http://www.myzaker.com/article/63107a378e9f0902e337aad8",
        author="ZAKER",
        published=datetime(2022, 9, 1, 3, 9, 17, tzinfo=UTC),
        html=seed_body().replace(f'src="{PROXY_PREFIX}', 'src="'),
        head_image="http://zkres1.myzaker.com/202209/63107a378e9f0902e337aad8_1024.jpg",
    )
    return replace(article, **changes)
