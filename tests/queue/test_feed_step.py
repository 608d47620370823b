"""pipeline.fetch_and_store_one: the per-feed step a queue job runs, on its own."""

from __future__ import annotations

import asyncio
from pathlib import Path

from newsdesk import pipeline
from newsdesk.config import parse_config
from newsdesk.fetch import make_client
from newsdesk.store import Store, open_store
from tests.queue.farm import ETAG, feed_body
from tests.support.httpserver import LocalServer, Reply, Request


def test_one_feed_is_fetched_stored_and_then_not_modified(
    tmp_path: Path, server: LocalServer
) -> None:
    def feed(req: Request) -> Reply:
        if req.headers.get("If-None-Match") == ETAG:
            return Reply(304, headers={"ETag": ETAG})
        return Reply(200, feed_body(7, 4), {"ETag": ETAG, "Content-Type": "application/rss+xml"})

    server.route("/feed.xml", handler=feed)
    server.route("/gone.xml", body=b"gone", status=410)
    text = f"database: ./n.db\ngroups:\n  g:\n    s:\n      ok: {server.url('/feed.xml')}\n"
    text += f"      gone: {server.url('/gone.xml')}\n"
    config = parse_config(text, path=tmp_path / "newsdesk.yaml", environ={})
    ok, gone = config.sources

    async def step(store: Store) -> list[pipeline.FeedOutcome]:
        async with make_client(pipeline.fetch_options(config)) as client:
            return [
                await pipeline.fetch_and_store_one(config, store, client, source)
                for source in (ok, ok, gone)
            ]

    with open_store(config.database) as store:
        store.sync_feeds(config.sources)
        first, second, failed = asyncio.run(step(store))
        assert (first.status, first.new) == ("ok", 4)
        assert second.status == "not modified", "the stored ETag went along"
        assert failed.failed and "410" in (failed.error or "")
        assert store.count_articles() == 4
        state = store.feed_state(gone.key)
        assert state is not None and state.disabled and state.error_streak == 1
