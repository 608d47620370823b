"""The Store's change feed and each publish target's bookkeeping (what was written where)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

from newsdesk.models import Article
from newsdesk.store import articles, changes, publish_state
from newsdesk.store._sql import to_utc, translate_errors
from newsdesk.store.base import StoreBase

__all__ = ["PublishBookkeeping"]


class PublishBookkeeping(StoreBase):
    """What changed since a reader's position, and what each target has written."""

    # -- the change feed (changes.py) ---------------------------------------------------

    def change_position(self) -> int:
        """The number of the latest committed article change; grows with every change."""
        with self._read("read the change position") as conn:
            return changes.position(conn)

    def iter_changed(
        self, since: int, upto: int, *, with_html: bool = True, batch: int = 500
    ) -> Iterator[Article]:
        """Articles inserted or changed in (since, upto], in the order they changed."""
        return self._stream(
            "read changed articles",
            articles.iter_changed,
            since=since,
            upto=upto,
            with_html=with_html,
            batch=batch,
        )

    def iter_removed(self, since: int, upto: int) -> Iterator[tuple[str, str]]:
        """(feed_key, article_id) of articles deleted or re-keyed in (since, upto].

        A key may have come back since (a re-keyed feed changed back): readers apply
        removals first, then ``iter_changed`` over the same range.
        """
        with translate_errors(f"cannot read removed articles in {self.display}"):
            yield from changes.iter_removed(self._engine.connect, since, upto)

    # -- publishing bookkeeping ----------------------------------------------------------

    def pending(
        self, target: str, *, with_html: bool = True, batch: int = 500, upto: int | None = None
    ) -> Iterator[Article]:
        """Articles whose current content_hash ``target`` has not recorded as written.

        Once the target has a cursor (``advance_target``), only articles changed after it
        are looked at, in the order they changed, up to ``upto`` (default: the current
        position); before that, every article, oldest first. Safe to interleave with
        ``mark_written``: pages are keyed on position, so marking what was yielded
        neither skips nor repeats an article.
        """
        joined, stale = publish_state.pending_join(target)
        with self._read(f"read the cursor of {target}") as conn:
            since = changes.publish_cursor(conn, target)
            if since is not None and upto is None:
                upto = changes.position(conn)
        action = f"list pending articles for {target}"
        options = {"where": [stale], "from_": joined, "with_html": with_html, "batch": batch}
        if since is None:
            return self._stream(action, articles.iter_pages, newest_first=False, **options)
        assert upto is not None
        return self._stream(action, articles.iter_changed, since=since, upto=upto, **options)

    def advance_target(self, target: str, upto: int) -> None:
        """Record that ``target`` has written every article changed up to ``upto``.

        Call it after a complete ``pending`` pass read with the same ``upto`` (taken from
        ``change_position`` before the pass); the next ``pending`` starts after it.
        """
        with self._write(f"record the position of {target}") as conn:
            changes.set_publish_cursor(conn, target, upto)

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

    def written_names(
        self, targets: Sequence[str], keys: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], str]:
        """The file each of ``keys`` was written to by any of ``targets`` (the last target
        listed wins when several wrote one)."""
        with self._read("read written file names") as conn:
            return publish_state.names_of(conn, targets, keys)

    def file_owners(
        self, targets: Sequence[str], names: Sequence[str]
    ) -> dict[str, tuple[str, str]]:
        """Which article (feed_key, article_id) each of ``names`` was written for."""
        with self._read("read written file owners") as conn:
            return publish_state.owners_of(conn, targets, names)

    def targets(self) -> list[str]:
        """Names of every target that has recorded written posts."""
        with self._read("list publish targets") as conn:
            return changes.targets(conn)

    def reset_target(self, target: str) -> None:
        """Make every post of ``target`` pending again (a full republish), keeping the
        names of the files they were written to."""
        with self._write(f"reset target {target}") as conn:
            changes.forget_cursor(conn, target)
            publish_state.mark_stale(conn, target=target)

    def forget_target(self, target: str) -> int:
        """Forget everything ``target`` wrote (a full republish); returns rows removed."""
        with self._write(f"forget target {target}") as conn:
            changes.forget_cursor(conn, target)
            return publish_state.forget_target(conn, target)


def _now(now: datetime | None) -> datetime:
    return datetime.now(UTC) if now is None else to_utc(now, "now")
