"""The Store: opens the database and gives each stage its transactions.

Every public method is one transaction, and every SQLAlchemy or driver failure leaves
this class as a StoreError that names the database and what was being done.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError

from newsdesk.errors import StoreError
from newsdesk.models import Article, FeedHints, FeedSource, FeedState
from newsdesk.store import articles, feeds, lock, migrations, publish_state, tombstones
from newsdesk.store._sql import to_utc, translate_errors
from newsdesk.store.save import SaveReport, save_articles

# SQLite waits this long for another writer before "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 10_000


class Pruned(NamedTuple):
    """An article removed by retention, and the file each publish target wrote for it."""

    feed_key: str
    article_id: str
    files: dict[str, str]  # target -> filename


class Store:
    """A newsdesk database. Make one with ``open_store``; see the package docstring."""

    def __init__(self, engine: Engine, *, display: str, lock_path: Path | None) -> None:
        self._engine = engine
        # Writers on SQLite take the write lock at BEGIN (see _sqlite_engine), not on
        # their first write, so two writers queue on busy_timeout instead of failing.
        self._writer = engine.execution_options(newsdesk_write=True)
        self.display = display
        self._lock_path = lock_path
        self.schema_version = 0

    # -- lifecycle ---------------------------------------------------------------

    @property
    def dialect(self) -> str:
        """The backend: ``sqlite`` or ``postgresql``."""
        return self._engine.dialect.name

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Store {self.display} schema v{self.schema_version}>"

    @contextmanager
    def _write(self, action: str) -> Iterator[Connection]:
        with translate_errors(f"cannot {action} in {self.display}"), self._writer.begin() as conn:
            yield conn

    @contextmanager
    def _read(self, action: str) -> Iterator[Connection]:
        with translate_errors(f"cannot {action} in {self.display}"), self._engine.connect() as conn:
            yield conn

    def _migrate(self) -> None:
        with translate_errors(f"cannot open database {self.display}"), self._writer.begin() as conn:
            self.schema_version = migrations.migrate(conn, self.display)

    # -- run lock ------------------------------------------------------------------

    def run_lock(self, owner: str, *, wait: float = 0) -> AbstractContextManager[None]:
        """Hold the store's run lock for the ``with`` block; LockedError if another has it.

        ``wait``: seconds to keep trying before giving up (0 = fail at once).
        """
        if self._lock_path is not None:
            return self._translated(
                lock.file_lock(self._lock_path, owner, wait=wait, display=self.display)
            )
        return self._translated(lock.pg_lock(self._engine, owner, wait=wait, display=self.display))

    @contextmanager
    def _translated(self, held: AbstractContextManager[None]) -> Iterator[None]:
        # Only acquiring and releasing are translated: errors from the caller's block pass.
        with translate_errors(f"cannot take the run lock of {self.display}"):
            held.__enter__()
        try:
            yield
        except BaseException as exc:
            with translate_errors(f"cannot release the run lock of {self.display}"):
                held.__exit__(type(exc), exc, exc.__traceback__)
            raise
        else:
            with translate_errors(f"cannot release the run lock of {self.display}"):
                held.__exit__(None, None, None)

    # -- feeds -----------------------------------------------------------------------

    def feed_states(self) -> dict[str, FeedState]:
        with self._read("read feed states") as conn:
            return feeds.all_states(conn)

    def feed_state(self, key: str) -> FeedState | None:
        with self._read(f"read feed {key}") as conn:
            return feeds.get_state(conn, key)

    def sync_feeds(
        self,
        sources: Iterable[feeds.SourceTuple | FeedSource],
        *,
        now: datetime | None = None,
    ) -> list[str]:
        """Register new feeds and refresh url/names of known ones; returns the added keys.

        When a feed's group/source/channel names change, its articles take the new
        names and become pending again for every publish target (their posts move).
        """
        when = _now(now)
        tuples = [
            (s.key, s.url, s.group, s.source, s.channel) if isinstance(s, FeedSource) else s
            for s in sources
        ]
        with self._write("register feeds") as conn:
            if self.dialect == "postgresql":  # queue workers start at once: one sync at a time
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(current_schema()))"))
            added, renamed = feeds.sync(conn, tuples, when)
            for key in renamed:
                articles.set_names(conn, key, *feeds.names(conn, key))
                publish_state.forget_feed(conn, key)
        return added

    def record_failure(
        self,
        key: str,
        *,
        status: int | None,
        error: str,
        now: datetime,
        retry_after: float | None = None,
    ) -> FeedState:
        """A failed fetch: error_streak + 1; HTTP 410 also disables the feed. The server's
        ``retry_after`` (seconds) is kept for the next poll's planning."""
        when = to_utc(now, "now")
        with self._write(f"record a failure of feed {key}") as conn:
            return feeds.record_failure(
                conn, key, status=status, error=error, now=when, retry_after=retry_after
            )

    def record_not_modified(
        self, key: str, *, now: datetime, etag: str | None = None, last_modified: str | None = None
    ) -> FeedState:
        """A 304: a success; the error streak resets. A 304 may refresh the validators
        (RFC 9110): those given replace the stored ones, None keeps them."""
        when = to_utc(now, "now")
        validators = {
            k: v for k, v in (("etag", etag), ("last_modified", last_modified)) if v is not None
        }
        with self._write(f"record feed {key} as not modified") as conn:
            return feeds.record_not_modified(conn, key, now=when, validators=validators)

    def enable_feed(self, key: str) -> FeedState:
        """Undo a 410 disable and reset the error streak (``newsdesk feeds resume``)."""
        with self._write(f"enable feed {key}") as conn:
            return feeds.enable(conn, key)

    def save_feed(
        self,
        key: str,
        *,
        etag: str | None,
        last_modified: str | None,
        status: int,
        articles: Sequence[Article],
        now: datetime,
        unchanged: int = 0,
        hints: FeedHints | None = None,
        note: str | None = None,
    ) -> SaveReport:
        """Store a fetched feed's articles and its new validators in ONE transaction.

        Invariant (``test_validators_not_committed_without_articles``): the etag and
        Last-Modified are written in the same transaction as the articles, so a crash can
        never leave validators that would make the next run skip unsaved items.
        ``unchanged``: items of the feed the caller left out because it knows they are
        stored unchanged (counted in the report, and no guid migration is looked for).
        ``hints`` (the feed's own rhythm) and ``note`` (the parse's warnings) replace the
        stored ones.
        """
        when = to_utc(now, "now")
        for item in articles:
            to_utc(item.published, f"published of article {item.article_id!r}")
        with self._write(f"save feed {key}") as conn:
            # First: it also refuses an unknown feed before any article is looked at.
            feeds.record_success(
                conn,
                key,
                etag=etag,
                last_modified=last_modified,
                status=status,
                items=len(articles) + unchanged,
                now=when,
                hints=hints,
                note=note,
            )
            report = save_articles(conn, key, articles, when, unchanged=unchanged)
        return report

    # -- articles ----------------------------------------------------------------------

    def iter_articles(
        self,
        *,
        feed_key: str | None = None,
        with_html: bool = True,
        newest_first: bool = True,
        batch: int = 500,
    ) -> Iterator[Article]:
        """Stream stored articles, ``batch`` rows per query; html is "" when not with_html."""
        where = [articles.articles.c.feed_key == feed_key] if feed_key is not None else []
        return self._stream(
            "read articles",
            where=where,
            with_html=with_html,
            newest_first=newest_first,
            batch=batch,
        )

    def get_article(self, feed_key: str, article_id: str) -> Article | None:
        with self._read(f"read article {article_id} of feed {feed_key}") as conn:
            return articles.get(conn, feed_key, article_id)

    def get_articles(self, feed_key: str, article_ids: Sequence[str]) -> dict[str, Article]:
        """The stored articles among ``article_ids``, by id, html left "" (one query)."""
        with self._read(f"read articles of feed {feed_key}") as conn:
            return articles.get_light(conn, feed_key, list(dict.fromkeys(article_ids)))

    def load_html(self, article: Article) -> str:
        """The stored html of an article listed with ``with_html=False``; "" once it is gone."""
        key = f"{article.article_id} of feed {article.feed_key}"
        with self._read(f"read the html of article {key}") as conn:
            return articles.html_of(conn, article.feed_key, article.article_id) or ""

    def count_articles(self, *, feed_key: str | None = None) -> int:
        with self._read("count articles") as conn:
            return articles.count(conn, feed_key)

    def _stream(self, action: str, **options: Any) -> Iterator[Article]:
        with translate_errors(f"cannot {action} in {self.display}"):
            yield from articles.iter_pages(self._engine.connect, **options)

    # -- publishing bookkeeping ----------------------------------------------------------

    def pending(
        self, target: str, *, with_html: bool = True, batch: int = 500
    ) -> Iterator[Article]:
        """Articles whose current content_hash ``target`` has not recorded as written.

        Oldest first. Safe to interleave with ``mark_written``: pages are keyed on
        position, so marking what was yielded neither skips nor repeats an article.
        """
        joined, stale = publish_state.pending_join(target)
        return self._stream(
            f"list pending articles for {target}",
            where=[stale],
            from_=joined,
            with_html=with_html,
            newest_first=False,
            batch=batch,
        )

    def mark_written(
        self,
        target: str,
        items: Sequence[publish_state.Written],
        *,
        now: datetime | None = None,
    ) -> None:
        """Record (feed_key, article_id, content_hash, filename) as written by ``target``."""
        when = _now(now)
        with self._write(f"record posts written by {target}") as conn:
            publish_state.mark(conn, target, items, when)

    def written_files(self, target: str) -> dict[tuple[str, str], str]:
        """{(feed_key, article_id): filename} of everything ``target`` has written."""
        with self._read(f"read files written by {target}") as conn:
            return publish_state.written_files(conn, target)

    def targets(self) -> list[str]:
        """Names of every target that has recorded written posts."""
        with self._read("list publish targets") as conn:
            return publish_state.targets(conn)

    def forget_target(self, target: str) -> int:
        """Forget everything ``target`` wrote (a full republish); returns rows removed."""
        with self._write(f"forget target {target}") as conn:
            return publish_state.forget_target(conn, target)

    # -- retention ---------------------------------------------------------------------------

    def prune(
        self,
        *,
        keep_days: int | None,
        keep_per_channel: int | None,
        now: datetime,
        dry_run: bool = False,
    ) -> list[Pruned]:
        """Delete articles older than keep_days or beyond the newest keep_per_channel.

        A channel is a (group, source, channel) name triple. None turns a rule off. In one
        transaction the articles are deleted and tombstoned (so no feed can bring them
        back) and their publish rows are dropped; the returned files are for the caller
        to delete. ``dry_run`` only says what would go.
        """
        when = to_utc(now, "now")
        if keep_days is not None and keep_days < 0:
            raise ValueError(f"keep_days must be >= 0, got {keep_days}")
        if keep_per_channel is not None and keep_per_channel < 0:
            raise ValueError(f"keep_per_channel must be >= 0, got {keep_per_channel}")
        older_than = when - timedelta(days=keep_days) if keep_days is not None else None
        with self._write("prune articles") as conn:
            doomed = articles.prune_candidates(
                conn, older_than=older_than, keep_per_channel=keep_per_channel
            )
            keys = [(fk, aid) for fk, aid, _ in doomed]
            files = publish_state.files_of(conn, keys)
            if not dry_run:
                tombstones.bury(conn, doomed, when)
                articles.delete_many(conn, keys)  # publish_state rows: ON DELETE CASCADE
        return [Pruned(fk, aid, files.get((fk, aid), {})) for fk, aid in keys]


def _now(now: datetime | None) -> datetime:
    return datetime.now(UTC) if now is None else to_utc(now, "now")


def open_store(url_or_path: str | Path) -> Store:
    """Open (creating or migrating as needed) the store at a SQLite path or a database URL.

    ``url_or_path``: a file path (SQLite), ``sqlite:///path``, or
    ``postgresql+psycopg://user:pass@host/db`` (``postgresql://`` means the same). Add
    ``?options=-csearch_path%3Dname`` to a PostgreSQL URL to keep the store in a schema.
    """
    url, display = _parse(url_or_path)
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database in ("", ":memory:") or database.startswith("file:"):
            raise StoreError(f"cannot open database {display}: give a file path, not {database!r}")
        engine = _sqlite_engine(url)
        store = Store(engine, display=display, lock_path=Path(database + ".lock"))
    else:
        engine = sa.create_engine(url, pool_pre_ping=True)
        store = Store(engine, display=display, lock_path=None)
    try:
        store._migrate()
    except BaseException:
        engine.dispose()
        raise
    return store


def _parse(url_or_path: str | Path) -> tuple[URL, str]:
    if isinstance(url_or_path, Path) or "://" not in url_or_path:
        path = str(url_or_path)
        return URL.create("sqlite+pysqlite", database=path), path
    try:
        url = make_url(url_or_path)
    except ArgumentError as exc:
        raise StoreError(f"cannot open database: {exc}") from exc
    display = url.render_as_string(hide_password=True)
    backend = url.get_backend_name()
    if backend == "postgresql" and url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")  # the one PostgreSQL driver we ship
    elif backend == "sqlite":
        url = url.set(drivername="sqlite+pysqlite")
    elif backend != "postgresql":
        raise StoreError(
            f"cannot open database {display}: only SQLite and PostgreSQL are supported"
        )
    return url, display


def _sqlite_engine(url: URL) -> Engine:
    engine = sa.create_engine(url)

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            # WAL: readers never block the writer, nor the writer readers.
            cursor.execute("PRAGMA journal_mode = WAL")
            # NORMAL is crash-safe under WAL (a power cut may lose the last commit, never
            # half of one), and saves an fsync per transaction.
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("newsdesk_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
