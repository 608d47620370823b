"""Fetch → parse → process → store, one feed at a time as each fetch completes.

Each feed is stored as soon as its fetch completes, in one transaction with its caching
headers, so a crash loses at most the feeds still in flight and a re-run picks up where
it stopped.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from newsdesk.config import Config
from newsdesk.errors import ParseError, StoreError
from newsdesk.models import Article, FeedSource, FetchResult

# Module, not names: benchmarks/stages.py times the steps by wrapping them there.
from . import items
from .crash import checkpoint
from .full_text import with_full_text
from .outcomes import FeedOutcome, NoProgress, ProgressHook

if TYPE_CHECKING:
    from newsdesk.process import KeyedEntry

__all__ = ["fetch_and_store", "fetch_and_store_async", "fetch_and_store_one", "fetch_options"]

log = logging.getLogger("newsdesk.pipeline")


def fetch_and_store(
    config: Config,
    store: Any,
    *,
    now: datetime | None = None,
    progress: ProgressHook | None = None,
    only: Sequence[FeedSource] | None = None,
) -> list[FeedOutcome]:
    """Fetch the configured feeds concurrently; store each one as it arrives."""
    return asyncio.run(fetch_and_store_async(config, store, now=now, progress=progress, only=only))


async def fetch_and_store_async(
    config: Config,
    store: Any,
    *,
    now: datetime | None = None,
    progress: ProgressHook | None = None,
    only: Sequence[FeedSource] | None = None,
) -> list[FeedOutcome]:
    """``fetch_and_store`` for callers that already run an event loop (``watch``)."""
    from newsdesk.fetch import fetch_all, make_client

    sources = list(only if only is not None else config.sources)
    store.sync_feeds(config.sources)
    hook = progress or NoProgress()
    hook.started(len(sources))

    options = fetch_options(config)
    states = store.feed_states()
    queue: asyncio.Queue[FetchResult | None] = asyncio.Queue()
    outcomes: dict[str, FeedOutcome] = {}

    async with make_client(options) as client:

        async def consume() -> None:
            while (result := await queue.get()) is not None:
                outcome = await _ingest_guarded(config, store, client, result, now)
                outcomes[result.source.key] = outcome
                hook.feed_done(outcome)

        consumer = asyncio.create_task(consume())
        try:
            await fetch_all(
                client, sources, states, options, on_result=queue.put_nowait, keep_results=False
            )
        finally:
            queue.put_nowait(None)
            await consumer
    return [outcomes[s.key] for s in sources if s.key in outcomes]


async def fetch_and_store_one(
    config: Config,
    store: Any,
    client: Any,
    source: FeedSource,
    *,
    now: datetime | None = None,
    ingest_gate: asyncio.Lock | None = None,
) -> FeedOutcome:
    """One feed start to end: fetch, parse, process, store (the unit of a queue job).

    ``client`` comes from ``fetch.make_client(fetch_options(config))``, one per process.
    The caller has registered the feed (``store.sync_feeds``) and bounds concurrency.
    ``ingest_gate``, shared by a process's concurrent calls, lets one feed at a time be
    parsed and stored while the others fetch, as ``fetch_and_store``'s one consumer does:
    parsing threads running beside the store's queries make each query wait for the GIL.
    """
    from newsdesk.fetch import fetch_one

    state = store.feed_state(source.key)
    result = await fetch_one(client, source, state, fetch_options(config))
    if ingest_gate is None:
        return await _ingest_guarded(config, store, client, result, now)
    async with ingest_gate:
        return await _ingest_guarded(config, store, client, result, now)


def fetch_options(config: Config) -> Any:
    from newsdesk.fetch import FetchOptions

    s = config.fetch
    kwargs: dict[str, Any] = {
        "concurrency": s.concurrency,
        "per_host": s.per_host,
        "connect_timeout": s.connect_timeout,
        "read_timeout": s.read_timeout,
        "total_timeout": s.total_timeout,
        "max_bytes": s.max_bytes,
        "retries": s.retries,
        "max_redirects": s.max_redirects,
        "feed_deadline": s.feed_deadline,
    }
    if s.user_agent:
        kwargs["user_agent"] = s.user_agent
    return FetchOptions(**kwargs)


async def _ingest_guarded(
    config: Config, store: Any, client: Any, result: FetchResult, now: datetime | None
) -> FeedOutcome:
    """``_ingest``, with any unexpected error confined to its feed (the store's own errors
    still stop the run: without a working store nothing else can be saved either)."""
    try:
        return await _ingest(config, store, client, result, now)
    except StoreError:
        raise
    except Exception as exc:
        source = result.source
        log.exception("feed processing failed", extra={"feed": source.url})
        error = f"internal error while processing the feed: {type(exc).__name__}: {exc}"
        store.record_failure(
            source.key, status=result.status, error=error[:500], now=now or datetime.now(UTC)
        )
        return FeedOutcome(source, "failed", error=error)


async def _ingest(
    config: Config, store: Any, client: Any, result: FetchResult, now: datetime | None
) -> FeedOutcome:
    """One fetched feed into the store. Per-feed problems become outcomes, never exceptions."""
    source = result.source
    when = now or datetime.now(UTC)
    checkpoint("fetched")
    if result.error is not None:
        state = store.feed_state(source.key)
        if state is not None and state.disabled and result.status is None:
            return FeedOutcome(source, "disabled", error=result.error)
        store.record_failure(
            source.key,
            status=result.status,
            error=result.error,
            now=when,
            retry_after=result.retry_after,
        )
        log.warning("feed fetch failed", extra={"feed": source.url, "error": result.error})
        return FeedOutcome(source, "failed", error=result.error, retry_after=result.retry_after)
    if result.not_modified:
        state = store.record_not_modified(
            source.key, now=when, etag=result.etag, last_modified=result.last_modified
        )
        # Its articles are all still there and unchanged: count them, so a rerun says so.
        return FeedOutcome(source, "not modified", unchanged=state.items)

    from newsdesk.process import process_feed

    options = config.options_for(source)
    try:
        # Parsing and cleaning are CPU-bound: off the event loop, so that the fetches still
        # in flight keep reading (and do not run into their deadlines meanwhile).
        parsed, keyed = await asyncio.to_thread(
            _read_feed,
            result.body or b"",
            result.final_url or source.url,
            result.content_type,
            _processing_settings(source, options),
        )
    except ParseError as exc:
        error = f"unreadable feed: {exc}"
        store.record_failure(source.key, status=result.status, error=error, now=when)
        log.warning("feed parse failed", extra={"feed": source.url, "error": str(exc)})
        return FeedOutcome(source, "failed", error=error)

    if not parsed.entries:  # the parser's first warning says why (the run table shows it)
        reason = parsed.warnings[0] if parsed.warnings else "no entries"
        log.warning("feed has no entries", extra={"feed": source.url, "reason": reason})
    # One query for what is stored under every id an entry may be stored under: it tells
    # which items the feed sent unchanged (not processed again) and serves _reconcile.
    asked = {i for k in keyed for i in items.stored_forms(k)}
    known = store.get_articles(source.key, list(asked))
    fresh = [k for k in keyed if not items.unchanged(k, known)]
    if options.keep or options.drop:
        from newsdesk.fulltext import apply_selectors

        fresh = [
            replace(
                k,
                entry=replace(
                    k.entry,
                    content_html=apply_selectors(k.entry.content_html, options.keep, options.drop),
                ),
            )
            if k.entry.content_html
            else k
            for k in fresh
        ]
    articles = (
        await asyncio.to_thread(process_feed, parsed, source, now=when, keyed=fresh)
        if fresh
        else []
    )
    if options.full_text:
        articles = await with_full_text(
            store, known, client, config, source, parsed, articles, when
        )
    kept, filtered = items.by_rules(config, source, articles)
    kept = items.reconcile(store, source, kept, known, asked)
    report = store.save_feed(
        source.key,
        etag=result.etag,
        last_modified=result.last_modified,
        status=result.status,
        articles=kept,
        now=when,
        unchanged=len(keyed) - len(fresh),
        hints=items.hints(parsed),
        note=items.note(parsed),
    )
    checkpoint("stored")
    return FeedOutcome(
        source,
        "ok",
        entries=len(parsed.entries),
        new=report.new,
        updated=report.updated,
        unchanged=report.unchanged,
        filtered=filtered,
        warnings=(*parsed.warnings, *_content_notes(articles)),
        remapped=report.remapped,
        hints=items.hints(parsed),
    )


def _content_notes(articles: list[Article]) -> tuple[str, ...]:
    """What cleaning gave up in some article (flattened nesting…), once per article."""
    from newsdesk.process import NOTES

    return tuple(f"{a.link or a.title}: {a.extra[NOTES]}" for a in articles if NOTES in a.extra)


def _read_feed(
    body: bytes, url: str, content_type: str | None, settings: str
) -> tuple[Any, list[KeyedEntry]]:
    """Parse a feed and key its entries (ids, raw hashes): one hand-off to a worker thread."""
    from newsdesk.parse import parse_feed
    from newsdesk.process import drop_empty_entries, keyed_entries

    # Items with neither title nor body are skipped with a note, never published "(untitled)".
    parsed = drop_empty_entries(parse_feed(body, url, content_type))
    return parsed, keyed_entries(parsed, settings=f"{settings}\x1f{parsed.link or ''}")


def _processing_settings(source: FeedSource, options: Any) -> str:
    """What besides an entry's own fields decides its article (for its raw hash)."""
    return repr((source.url, source.timezone, options))
