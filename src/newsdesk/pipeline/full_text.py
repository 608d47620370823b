"""Articles whose feed sends summaries get the article page's main content instead."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from newsdesk.config import Config
from newsdesk.hashing import article_content_hash
from newsdesk.models import Article, FeedSource

__all__ = ["with_full_text"]

log = logging.getLogger("newsdesk.pipeline")

_FULL_TEXT_PARALLEL = 2  # article pages of one feed fetched at once (usually one host)


async def with_full_text(
    store: Any,
    stored: Mapping[str, Article],
    client: Any,
    config: Config,
    source: FeedSource,
    parsed: Any,
    articles: list[Article],
    now: datetime,
) -> list[Article]:
    """Replace summaries with the article page's main content, for articles not yet stored;
    stored ones keep the body they have (``stored``: the feed's stored articles, light, as
    the caller already read them).

        Pages go through the feed fetcher (caps, timeouts, redirect checks, the connect-time
        address guard). No page is fetched from a private address unless the source sets
        ``full_text_private``: a feed must not be able to point newsdesk at the user's network.
    """
    from newsdesk.fetch import fetch_one
    from newsdesk.fulltext import extract_page
    from newsdesk.pipeline.ingest import fetch_options
    from newsdesk.process import process_entry

    base = fetch_options(config)
    options = config.options_for(source)
    by_link = {e.link: e for e in parsed.entries if e.link}
    gate = asyncio.Semaphore(_FULL_TEXT_PARALLEL)

    async def upgrade(article: Article) -> Article:
        kept = stored.get(article.article_id)
        if kept is not None:
            # The feed edited an item whose page was read before: the page's text stays
            # (never the feed's teaser again), the feed's other fields update.
            body = replace(
                article, html=store.load_html(kept), head_image=kept.head_image, content_hash=""
            )
            return replace(body, content_hash=article_content_hash(body))
        entry = by_link.get(article.link or "")
        if entry is None:
            return article
        link = article.link or ""
        page_options = replace(base, retries=1, public_only=not options.full_text_private)
        page = replace(source, key=link, url=link)
        async with gate:
            result = await fetch_one(client, page, None, page_options)
        html = None
        if result.error is None and result.body:
            try:
                html = await asyncio.to_thread(
                    extract_page,
                    result.body,
                    result.content_type,
                    result.final_url or link,
                    keep=options.keep,
                    drop=options.drop,
                )
            except ValueError as exc:
                result = replace(result, error=str(exc))
        if not html:
            log.warning(
                "full text not used",
                extra={"feed": source.url, "url": link, "reason": result.error or "no content"},
            )
            return article
        # Keep the feed's identity for the article so reruns don't churn.
        return process_entry(
            replace(entry, content_html=html),
            source,
            feed_link=parsed.link,
            now=now,
            article_id=article.article_id,
        )

    return list(await asyncio.gather(*(upgrade(a) for a in articles)))
