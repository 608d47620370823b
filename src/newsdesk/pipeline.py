"""The only module that chains the stages: fetch → parse → process → store → publish.

Each feed is stored as soon as its fetch completes, in one transaction with its caching
headers, so a crash loses at most the feeds still in flight and a re-run picks up where
it stopped. Publishing reads what the store says is pending for each output target and
marks files written only after they are on disk.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import signal
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from newsdesk.config import USE_PROXY_SERVER, Config
from newsdesk.errors import ParseError, PublishError, StoreError
from newsdesk.models import Article, FeedHints, FeedSource, FetchResult

if TYPE_CHECKING:
    from newsdesk.process import KeyedEntry

__all__ = [
    "FeedOutcome",
    "ProgressHook",
    "PublishSummary",
    "RunReport",
    "fetch_and_store",
    "fetch_and_store_async",
    "fetch_and_store_one",
    "image_url_for",
    "publish",
    "run",
]

log = logging.getLogger("newsdesk.pipeline")

_CRASH_AT = os.environ.get("NEWSDESK_CRASH_AT", "")  # test seam, e.g. "written:3"
_checkpoint_hits: dict[str, int] = {}


def _checkpoint(name: str) -> None:
    """Die here (SIGKILL) when NEWSDESK_CRASH_AT names this point: the crash-safety tests."""
    if not _CRASH_AT:
        return
    _checkpoint_hits[name] = _checkpoint_hits.get(name, 0) + 1
    point, _, nth = _CRASH_AT.partition(":")
    if point == name and _checkpoint_hits[name] == int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)


# Bumped when the rendered output changes shape, so every post is re-rendered once.
RENDER_VERSION = "1"
_MARK_BATCH = 200  # files marked written per transaction while publishing
_PUBLISHING = ".newsdesk-publishing"  # present while a publish runs: a crash left it


@dataclass
class FeedOutcome:
    """What happened to one feed in a run; the CLI prints one row per outcome."""

    source: FeedSource
    status: str  # "ok", "not modified", "failed", "disabled"
    error: str | None = None
    entries: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    filtered: int = 0
    warnings: tuple[str, ...] = ()
    remapped: int = 0
    hints: FeedHints | None = None  # from the parsed feed, for `watch`
    retry_after: float | None = None

    @property
    def failed(self) -> bool:
        return self.status in ("failed", "disabled")


@dataclass
class PublishSummary:
    target: str
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    out_dir: Path | None = None


@dataclass
class RunReport:
    feeds: list[FeedOutcome] = field(default_factory=list)
    published: list[PublishSummary] = field(default_factory=list)

    @property
    def failed(self) -> list[FeedOutcome]:
        return [f for f in self.feeds if f.failed]

    @property
    def exit_code(self) -> int:
        """0 when every feed succeeded, 1 when some failed (the rest still published)."""
        return 1 if self.failed else 0


class ProgressHook(Protocol):
    def started(self, total: int) -> None: ...

    def feed_done(self, outcome: FeedOutcome) -> None: ...


class _NoProgress:
    def started(self, total: int) -> None:
        pass

    def feed_done(self, outcome: FeedOutcome) -> None:
        pass


# --- run ------------------------------------------------------------------------------


def run(
    config: Config,
    store: Any,
    *,
    now: datetime | None = None,
    progress: ProgressHook | None = None,
    only: Sequence[FeedSource] | None = None,
) -> RunReport:
    """Fetch every feed, store new articles, then publish to each configured target."""
    outcomes = fetch_and_store(config, store, now=now, progress=progress, only=only)
    return RunReport(feeds=outcomes, published=publish(config, store))


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
    hook = progress or _NoProgress()
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
    _checkpoint("fetched")
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
    asked = {i for k in keyed for i in _stored_forms(k)}
    known = store.get_articles(source.key, list(asked))
    fresh = [k for k in keyed if not _unchanged(k, known)]
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
        articles = await _with_full_text(store, client, config, source, parsed, articles, when)
    kept, filtered = _filter(config, source, articles)
    kept = _reconcile(store, source, kept, known, asked)
    report = store.save_feed(
        source.key,
        etag=result.etag,
        last_modified=result.last_modified,
        status=result.status,
        articles=kept,
        now=when,
        unchanged=len(keyed) - len(fresh),
        hints=_hints(parsed),
        note=_note(parsed),
    )
    _checkpoint("stored")
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
        hints=_hints(parsed),
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


def _stored_forms(keyed: KeyedEntry) -> tuple[str, ...]:
    """The ids an entry's article may be stored under: its own, and the other form of a
    shared guid (``guid`` / ``guid|link``) that _reconcile may keep it under."""
    guid = (keyed.entry.guid or "").strip()
    link = (keyed.entry.link or "").strip()
    if not guid or not link:
        return (keyed.article_id,)
    split = f"{guid}|{link}"
    return (keyed.article_id, guid if keyed.article_id == split else split)


def _unchanged(keyed: KeyedEntry, known: dict[str, Article]) -> bool:
    """The feed sent this entry exactly as when its stored article was made."""
    return any(
        (stored := known.get(i)) is not None and stored.raw_hash == keyed.raw_hash
        for i in _stored_forms(keyed)
    )


def _reconcile(
    store: Any,
    source: FeedSource,
    articles: list[Article],
    known: dict[str, Article] | None = None,
    asked: set[str] | frozenset[str] = frozenset(),
) -> list[Article]:
    """Ids and dates that stay put across runs, judged against what is already stored.

    The processor splits a guid that repeats within one fetch into ``guid|link``; which
    form an article gets must not depend on what else the feed lists today, or posts would
    churn and one article could take over another's. An undated article keeps the date it
    was first seen with.
    """
    from newsdesk.process import UNDATED

    def split_form(article: Article) -> tuple[str | None, str | None]:
        """(bare guid, None) for a ``guid|link`` id; (None, ``guid|link``) for a bare guid."""
        aid, link = article.article_id, article.link
        if not link or aid == link:
            return None, None
        if aid.endswith("|" + link):
            return aid[: -len(link) - 1], None
        return None, f"{aid}|{link}"

    forms = [split_form(a) for a in articles]
    wanted = [a.article_id for a in articles] + [f for pair in forms for f in pair if f]
    # ``known``: what the store said about the ``asked`` ids; ask only for the rest.
    missing = [i for i in wanted if i not in asked]
    stored = dict(known or {})
    if missing:
        stored.update(store.get_articles(source.key, missing))  # one query for the feed
    out: list[Article] = []
    for article, (bare, split) in zip(articles, forms, strict=True):
        if bare is not None and bare in stored and stored[bare].link == article.link:
            article = replace(article, article_id=bare)  # the same article as before
        elif split is not None and split in stored:
            article = replace(article, article_id=split)  # it was split before: stay so
        if article.extra.get(UNDATED) and article.article_id in stored:
            article = replace(article, published=stored[article.article_id].published)
        out.append(article)
    return out


def _note(parsed: Any) -> str | None:
    """What `newsdesk status` shows of a parse: its warnings; why, when it had no entries."""
    if not parsed.entries and not parsed.warnings:
        return "no entries"
    return "; ".join(parsed.warnings) or None


def _hints(parsed: Any) -> FeedHints:
    return FeedHints(
        ttl_minutes=parsed.ttl_minutes,
        update_period=parsed.update_period,
        update_frequency=parsed.update_frequency,
        skip_hours=parsed.skip_hours,
        skip_days=parsed.skip_days,
    )


def _filter(
    config: Config, source: FeedSource, articles: list[Article]
) -> tuple[list[Article], int]:
    options = config.options_for(source)
    if not (options.include or options.exclude):
        return articles, 0
    from newsdesk.filters import compile_rules

    rules = compile_rules(options.include, options.exclude)
    from newsdesk.clean.text import html_text

    kept = [a for a in articles if rules.keep(a.title, html_text(a.html))]
    return kept, len(articles) - len(kept)


_FULL_TEXT_PARALLEL = 2  # article pages of one feed fetched at once (usually one host)


async def _with_full_text(
    store: Any,
    client: Any,
    config: Config,
    source: FeedSource,
    parsed: Any,
    articles: list[Article],
    now: datetime,
) -> list[Article]:
    """Replace summaries with the article page's main content, for articles not yet stored.

    Pages go through the feed fetcher (caps, timeouts, redirect checks, the connect-time
    address guard). No page is fetched from a private address unless the source sets
    ``full_text_private``: a feed must not be able to point newsdesk at the user's network.
    """
    from newsdesk.fetch import fetch_one
    from newsdesk.fulltext import extract_page
    from newsdesk.process import process_entry

    base = fetch_options(config)
    options = config.options_for(source)
    by_link = {e.link: e for e in parsed.entries if e.link}
    gate = asyncio.Semaphore(_FULL_TEXT_PARALLEL)
    stored = store.get_articles(source.key, [a.article_id for a in articles])

    async def upgrade(article: Article) -> Article:
        entry = by_link.get(article.link or "")
        if entry is None or article.article_id in stored:
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


# --- publish --------------------------------------------------------------------------


def image_url_for(config: Config, source: FeedSource | None) -> Callable[[str], str]:
    """The function that maps an original image URL to what a post shows, for one feed."""
    from newsdesk.imageproxy.rewrite import prefix_proxy

    if source is not None:
        prefix = source.image_proxy
    else:  # an article whose feed was removed from the config: the global default
        prefix = config.image_proxy or (USE_PROXY_SERVER if config.proxy_server else None)
    if prefix is None:
        return prefix_proxy("")
    if prefix == USE_PROXY_SERVER or (
        config.proxy_server is not None and prefix == config.image_proxy
    ):
        from newsdesk.imageproxy import url_builder

        return url_builder(config.proxy_server)
    return prefix_proxy(prefix)


def _fingerprint(config: Config, target: str) -> str:
    """Changes whenever rendered output would change for every post (proxy, profile, …)."""
    parts = [
        RENDER_VERSION,
        target,
        config.front_matter,
        config.placeholder,
        config.image_proxy,
        repr(config.raw_proxy_server),
    ]
    # Only feeds with their own image proxy: adding an ordinary feed re-renders no post.
    default = config.image_proxy or (USE_PROXY_SERVER if config.proxy_server else "")
    parts += [
        f"{s.key}={s.image_proxy}" for s in config.sources if s.image_proxy != (default or None)
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]


def publish(config: Config, store: Any, *, full: bool = False) -> list[PublishSummary]:
    """Write the posts of every configured output target that are new or changed."""
    return [_publish_target(config, store, target, full=full) for target in config.outputs]


def _publish_target(config: Config, store: Any, target: str, *, full: bool) -> PublishSummary:
    from newsdesk.publish.writer import flush_to_disk, write_if_changed

    renderer, out_dir = _renderer(config, target)
    state_name = f"{target}:{_fingerprint(config, target)}"
    marker = out_dir / _PUBLISHING
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        if marker.exists():  # a killed run may have left temp files; we hold the run lock
            for stale in out_dir.glob(".*.tmp"):
                stale.unlink(missing_ok=True)
        marker.touch()
    except OSError as exc:
        raise PublishError(f"cannot create the {target} output folder {out_dir}: {exc}") from exc
    # A post keeps the file it was first written to, even when the store later renamed its
    # article (a feed that changed every guid) or the settings changed the target's name.
    # Names are looked up for the pending articles only, in every record this target
    # ever kept, so that no crash or --full can lose them.
    old_targets = [t for t in store.targets() if t.split(":", 1)[0] == target]
    if full:
        store.reset_target(state_name)
    # Only what changed after the last complete pass is looked at (the store's cursor).
    upto = store.change_position()
    summary = PublishSummary(target=target, out_dir=out_dir)
    written: list[tuple[str, str, str, str]] = []
    dirty: list[Path] = []  # files changed in this batch
    names_seen: set[str] = set()
    pending = iter(store.pending(state_name, upto=upto))
    while batch := list(islice(pending, _MARK_BATCH)):
        keys = [(a.feed_key, a.article_id) for a in batch]
        known_files = store.written_names(old_targets, keys) if old_targets else {}
        rendered = [(a, *renderer(a)) for a in batch]
        fresh = [name for a, name, _ in rendered if (a.feed_key, a.article_id) not in known_files]
        owners = store.file_owners(old_targets, fresh) if old_targets and fresh else {}
        for article, default_name, text in rendered:
            key = (article.feed_key, article.article_id)
            name = known_files.get(key) or _unclaimed(default_name, key, owners)
            if name in names_seen:  # two articles, one file: a bug, never silently overwrite
                raise RuntimeError(f"two articles map to the same file {name}")
            names_seen.add(name)
            outcome = write_if_changed(out_dir / name, text, fsync=False)
            _checkpoint("written")
            setattr(summary, outcome, getattr(summary, outcome) + 1)
            written.append((article.feed_key, article.article_id, article.content_hash, name))
            if outcome != "unchanged":
                dirty.append(out_dir / name)
        if dirty:  # files are durable before the store says they were written
            flush_to_disk(dirty)
        store.mark_written(state_name, written)
        written, dirty = [], []
    store.advance_target(state_name, upto)
    for old in old_targets:  # settings changed: the old records are dead weight now
        if old != state_name:
            store.forget_target(old)
    marker.unlink(missing_ok=True)
    return summary


def _unclaimed(name: str, key: tuple[str, str], owners: dict[str, tuple[str, str]]) -> str:
    """``name``, unless another article already owns that file (an id a feed reused after
    a migration): then a name salted with this article's key."""
    if owners.get(name, key) == key:
        return name
    stem, dot, suffix = name.rpartition(".")
    salt = hashlib.sha256("\0".join(key).encode()).hexdigest()[:8]
    return f"{stem}-{salt}{dot}{suffix}" if dot else f"{name}-{salt}"


def _post_dir(config: Config, target: str) -> Path | None:
    """The folder a target's posts go in (None for an unknown target): the one place
    publishing and ``remove_published`` both take it from."""
    if target == "hexo":
        return config.posts_dir
    if target == "hugo":
        from newsdesk.publish.hugo import CONTENT_DIR

        return config.hugo_dir / CONTENT_DIR
    if target == "jekyll":
        from newsdesk.publish.jekyll import POSTS_DIR

        return config.jekyll_dir / POSTS_DIR
    return None


def _renderer(config: Config, target: str) -> tuple[Callable[[Article], tuple[str, str]], Path]:
    out_dir = _post_dir(config, target)
    if out_dir is None:
        raise ValueError(f"unknown output target {target!r}")
    sources = {s.key: s for s in config.sources}
    cache: dict[str, Callable[[str], str]] = {}

    def image_url(article: Article) -> Callable[[str], str]:
        if article.feed_key not in cache:
            cache[article.feed_key] = image_url_for(config, sources.get(article.feed_key))
        return cache[article.feed_key]

    if target == "hexo":
        from newsdesk.publish.hexo import post_filename, render_post

        def render(article: Article) -> tuple[str, str]:
            return post_filename(article), render_post(
                article,
                image_url=image_url(article),
                placeholder=config.placeholder,
                profile=config.front_matter,
            )

        return render, out_dir
    if target == "hugo":
        from newsdesk.publish import hugo

        def render_hugo(article: Article) -> tuple[str, str]:
            return hugo.post_filename(article), hugo.render_post(
                article, image_url=image_url(article), placeholder=config.placeholder
            )

        return render_hugo, out_dir
    if target == "jekyll":
        from newsdesk.publish import jekyll

        def render_jekyll(article: Article) -> tuple[str, str]:
            return jekyll.post_filename(article), jekyll.render_post(
                article, image_url=image_url(article), placeholder=config.placeholder
            )

        return render_jekyll, out_dir
    raise AssertionError(target)  # _post_dir knows no other target


def remove_published(config: Config, filenames: Iterable[tuple[str, str]]) -> int:
    """Delete post files by (target, filename), e.g. after ``prune``."""
    from newsdesk.publish.writer import remove_posts

    by_dir: dict[Path, set[str]] = {}
    for target, name in filenames:
        base = _post_dir(config, target.split(":", 1)[0])
        if base is not None:
            by_dir.setdefault(base, set()).add(name)
    return sum(len(remove_posts(base, sorted(names))) for base, names in by_dir.items())
