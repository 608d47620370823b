"""Where a build gets its articles: a store (which can say what changed since a position),
or a plain list of articles (tests, the in-memory benchmark), which is compared whole with
what the site holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, Protocol

from newsdesk.models import Article

__all__ = ["ArticleSource", "ListSource", "StoreSource"]

Key = tuple[str, str]  # (feed_key, article_id)


class ArticleSource(Protocol):
    """What ``build_site`` reads articles from."""

    identity: str  # a state built from another source is started afresh

    def position(self) -> int | None:
        """The latest change's number, or None when this source cannot list changes."""

    def changed(self, since: int, upto: int) -> Iterator[Article]:
        """Articles (with html) changed in (since, upto]."""

    def removed(self, since: int, upto: int) -> Iterator[Key]:
        """Keys removed in (since, upto]; a key may be back among ``changed``."""

    def newest_first(self, after: tuple[Any, ...] | None) -> Iterator[tuple[Any, Article]]:
        """Every article with html, newest first, each with a resume key; after ``after``."""

    def articles(self, keys: Sequence[Key]) -> dict[Key, Article]:
        """The articles (with html) among ``keys``; missing ones are left out."""

    def count(self) -> int:
        """How many articles (for a progress bar)."""

    def names(self) -> set[tuple[str, str, str]]:
        """Every (group, source, channel) the articles are in."""


class StoreSource:
    """A newsdesk Store: changes come from its change feed."""

    def __init__(self, store: Any, batch: int = 500) -> None:
        self.store = store
        self.identity = f"store:{store.display}"
        self.batch = batch

    def position(self) -> int | None:
        return int(self.store.change_position())

    def changed(self, since: int, upto: int) -> Iterator[Article]:
        return iter(self.store.iter_changed(since, upto, batch=self.batch))

    def removed(self, since: int, upto: int) -> Iterator[Key]:
        return iter(self.store.iter_removed(since, upto))

    def newest_first(self, after: tuple[Any, ...] | None) -> Iterator[tuple[Any, Article]]:
        start = None if after is None else (datetime.fromisoformat(after[0]), *after[1:])
        for article in self.store.iter_articles(with_html=True, after=start, batch=self.batch):
            key = (article.published.isoformat(), article.feed_key, article.article_id)
            yield key, article

    def articles(self, keys: Sequence[Key]) -> dict[Key, Article]:
        return dict(self.store.load_articles(keys))

    def count(self) -> int:
        return int(self.store.count_articles())

    def names(self) -> set[tuple[str, str, str]]:
        return set(self.store.names())


class ListSource:
    """A list of articles, given whole each build (the state tells what changed).

    ``load_html`` fills in bodies left empty, as a store's light listing would.
    """

    identity = "list"

    def __init__(
        self, articles: Iterable[Article], load_html: Callable[[Article], str] | None = None
    ) -> None:
        by_key: dict[Key, Article] = {}
        for a in articles:
            known = by_key.get((a.feed_key, a.article_id))
            if known is None or known.published <= a.published:  # a repeat: the newest wins
                by_key[(a.feed_key, a.article_id)] = a
        self._by_key = by_key
        self._load = load_html

    def position(self) -> int | None:
        return None

    def changed(self, since: int, upto: int) -> Iterator[Article]:
        raise NotImplementedError("a list has no change feed: compare it whole")

    def removed(self, since: int, upto: int) -> Iterator[Key]:
        raise NotImplementedError("a list has no change feed: compare it whole")

    def all(self) -> Iterator[Article]:
        """Every article, light (html as given)."""
        return iter(self._by_key.values())

    def _full(self, a: Article) -> Article:
        if a.html or self._load is None:
            return a
        from dataclasses import replace

        return replace(a, html=self._load(a))

    def newest_first(self, after: tuple[Any, ...] | None) -> Iterator[tuple[Any, Article]]:
        ordered = sorted(self._by_key, key=lambda k: (self._by_key[k].published, k), reverse=True)
        started = after is None
        for i, key in enumerate(ordered):
            if not started:
                started = (i,) == tuple(after or ())
                continue
            yield (i,), self._full(self._by_key[key])

    def articles(self, keys: Sequence[Key]) -> dict[Key, Article]:
        return {k: self._full(self._by_key[k]) for k in keys if k in self._by_key}

    def count(self) -> int:
        return len(self._by_key)

    def names(self) -> set[tuple[str, str, str]]:
        return {(a.group, a.source, a.channel) for a in self._by_key.values()}
