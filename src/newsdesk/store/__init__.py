"""The store stage: feeds, articles, tombstones and publish bookkeeping in one database.

SQLite by default (a file path), PostgreSQL with a ``postgresql+psycopg://`` URL; the same
code and the same schema serve both. All times go in and come out timezone-aware; they
are stored as UTC, and an article's own UTC offset is kept beside ``published`` so it
comes back in the zone the feed wrote it in (as a fixed-offset tz).

Opening
    ``open_store(url_or_path: str | Path) -> Store`` creates or migrates the database
    (``migrations.py``; a database newer than the code is refused with StoreError).
    ``Store.close()``; a Store is also a context manager. SQLite runs in WAL mode with
    a busy timeout and foreign keys on. ``Store.schema_version``, ``Store.dialect``,
    ``Store.display`` (the path or URL, password hidden). A PostgreSQL URL may carry
    ``?options=-csearch_path%3Dname`` to keep the store in its own schema.

Run lock
    ``Store.run_lock(owner: str, *, wait: float = 0) -> ContextManager[None]``: one
    ``newsdesk run`` at a time per store. A second holder gets LockedError naming the
    holder's pid, at once or after ``wait`` seconds. A killed holder never leaves it stale:
    SQLite uses ``fcntl.flock`` on ``<db>.lock`` (the file stays; the lock goes with the
    process), PostgreSQL a session ``pg_advisory_lock`` per database and schema.

Feeds
    ``Store.sync_feeds(sources: Iterable[tuple[key, url, group, source, channel] |
    FeedSource], *, now=None) -> list[str]`` registers/refreshes feeds, returns new keys.
    ``Store.feed_states() -> dict[str, FeedState]``; ``Store.feed_state(key) -> FeedState
    | None``.
    ``Store.record_failure(key, *, status: int | None, error: str, now) -> FeedState``
    (error_streak + 1; status 410 disables the feed).
    ``Store.record_not_modified(key, *, now) -> FeedState`` (a success: streak reset).
    ``Store.enable_feed(key) -> FeedState`` (undo a 410 disable, reset the streak).
    ``Store.save_feed(key, *, etag, last_modified, status, articles: Sequence[Article],
    now, unchanged=0) -> SaveReport``: ONE transaction that writes the validators,
    last_success, error_streak=0 and items (the item count of this fetch) and upserts the
    articles (new, updated when content_hash differs, unchanged; an unchanged article's
    new raw_hash is remembered), skipping tombstoned ids. ``unchanged`` counts items the
    caller left out because their raw_hash is stored already. The validators are never
    committed without the articles they cover. If ALL items arrive under ids never seen
    but match stored articles one to one by link (else content hash), the feed changed
    its guids: the stored articles take the new ids instead of being duplicated
    (``SaveReport.remapped``, ``remapped_ids``). An unknown feed key, or a naive
    datetime, is refused. Besides BEGIN/COMMIT that is three statements for a feed of new
    items: the feed row, one lookup (stored hashes, tombstones, history), the inserts.

Articles
    ``Store.iter_articles(*, feed_key=None, with_html=True, newest_first=True,
    batch=500) -> Iterator[Article]`` streams in pages (html is "" without with_html).
    ``Store.get_article(feed_key, article_id) -> Article | None``;
    ``Store.load_html(article: Article) -> str`` (the body of a light listing's article,
    "" once pruned); ``Store.load_articles(keys, *, with_html=True) -> {(feed_key,
    article_id): Article}`` (one query per 250 keys); ``Store.count_articles(*,
    feed_key=None) -> int``. ``iter_articles(after=(published, feed_key, article_id))``
    resumes a pass.

Change feed (``changes.py``)
    Every insert or update of an article takes the next number of one store-wide counter
    (``articles.seq``, set by triggers); deletions and re-keyed articles are logged in
    ``article_removals``. Numbers become visible in commit order.
    ``Store.change_position() -> int``; ``Store.iter_changed(since, upto, *, with_html=True,
    batch=500) -> Iterator[Article]`` (changed in (since, upto], in change order);
    ``Store.iter_removed(since, upto) -> Iterator[(feed_key, article_id)]``. A reader
    keeps the position it has handled and pays only for what changed after it.

Publishing bookkeeping (per target, e.g. "hexo")
    ``Store.pending(target, *, with_html=True, batch=500, upto=None) -> Iterator[Article]``:
    articles whose current content_hash the target has not recorded as written; once the
    target has a cursor, only those changed after it (in change order), else every
    article once (oldest first). ``Store.advance_target(target, upto)`` records a
    complete pass (``upto`` read with ``change_position`` before it).
    ``Store.mark_written(target, items: Sequence[tuple[feed_key, article_id,
    content_hash, filename]], *, now=None)``.
    ``Store.written_files(target) -> dict[tuple[feed_key, article_id], filename]``;
    ``Store.written_names(targets, keys)`` and ``Store.file_owners(targets, names)`` look
    up only the given keys or names. ``Store.targets()``.
    ``Store.reset_target(target)`` (a full republish that keeps file names);
    ``Store.forget_target(target) -> int``.

Retention
    ``Store.prune(*, keep_days: int | None, keep_per_channel: int | None, now) ->
    list[Pruned]``: deletes and tombstones in one transaction; each ``Pruned(feed_key,
    article_id, files: dict[target, filename])`` names the files the caller should
    delete. Tombstoned articles are never added again.

Errors
    SQLAlchemy and driver failures become StoreError once, here ("cannot open database
    ./x.db: unable to open database file"); LockedError is a StoreError. Programming
    errors (a naive datetime, a negative keep_days) are ValueError.
"""

from __future__ import annotations

from newsdesk.store.engine import open_store
from newsdesk.store.migrations import CURRENT_VERSION
from newsdesk.store.save import SaveReport
from newsdesk.store.store import Pruned, Store

__all__ = ["CURRENT_VERSION", "Pruned", "SaveReport", "Store", "open_store"]
