"""The Store: opens the database and gives each stage its transactions.

Every public method is one transaction, and every SQLAlchemy or driver failure leaves
this class as a StoreError that names the database and what was being done.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import sqlalchemy as sa

from newsdesk.models import Article, FeedHints, FeedSource, FeedState
from newsdesk.store import articles, feeds, lock, publish_state, tombstones
from newsdesk.store._sql import to_utc, translate_errors
from newsdesk.store.bookkeeping import PublishBookkeeping
from newsdesk.store.save import SaveReport, save_articles


class Pruned(NamedTuple):
    """An article removed by retention, and the file each publish target wrote for it."""

    feed_key: str
    article_id: str
    files: dict[str, str]  # target -> filename


class Store(PublishBookkeeping):
    """A newsdesk database. Make one with ``open_store``; see the package docstring."""

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
        names (a change each, for the change feed) and become pending again for every
        publish target, which keeps their file names (their posts move).
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
                publish_state.mark_stale(conn, feed_key=key)
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
        after: tuple[datetime, str, str] | None = None,
    ) -> Iterator[Article]:
        """Stream stored articles, ``batch`` rows per query; html is "" when not with_html.

        ``after``: start past this (published, feed_key, article_id) position, as a
        reader resuming an interrupted pass does.
        """
        where = [articles.articles.c.feed_key == feed_key] if feed_key is not None else []
        return self._stream(
            "read articles",
            articles.iter_pages,
            where=where,
            with_html=with_html,
            newest_first=newest_first,
            batch=batch,
            after=after,
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

    def names(self) -> list[tuple[str, str, str]]:
        """Every distinct (group, source, channel) of the stored articles."""
        with self._read("list article categories") as conn:
            return articles.names(conn)

    def count_articles(self, *, feed_key: str | None = None) -> int:
        with self._read("count articles") as conn:
            return articles.count(conn, feed_key)

    def load_articles(
        self, keys: Sequence[tuple[str, str]], *, with_html: bool = True
    ) -> dict[tuple[str, str], Article]:
        """{(feed_key, article_id): Article} of the stored articles among ``keys``
        (one query per 250 keys)."""
        with self._read("read articles") as conn:
            return articles.get_many(conn, list(dict.fromkeys(keys)), with_html=with_html)

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
