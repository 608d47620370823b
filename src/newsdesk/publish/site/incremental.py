"""An incremental build: apply what changed to the state, then render only what it reaches.

Lists are paginated from their oldest entry, so an article entering or leaving a list at
some position changes the pages from there up to the list's first page; one edited in
place changes its own page. A new article, which is the newest, therefore changes one
page per list it is in, whatever the size of the site.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from newsdesk.models import Article

from .catalog import Entry, Listing, page_count, page_folder, page_of
from .options import FeedHealth, SiteOptions
from .pages import Pages, entry_of, entry_row
from .paths import article_id
from .source import ArticleSource, ListSource
from .state import SiteState

__all__ = ["Delta", "list_changes", "store_changes"]

Row = tuple[Any, ...]
_BODY_CACHE = 64 << 20  # bytes of changed articles kept for rendering, not read again
_PAGE_BATCH = 500  # article pages whose bodies are read in one query
# More changes than this (and than half the site) make a cold build: one pass over
# everything costs less than looking each change up.
COLD_AFTER = 200_000


def store_changes(
    source: ArticleSource, since: int, upto: int
) -> tuple[list[tuple[str, str]], Iterator[Article]]:
    """What a store says changed in (since, upto]: removed keys, changed articles."""
    return list(source.removed(since, upto)), source.changed(since, upto)


def list_changes(
    source: ArticleSource, state: SiteState, delta: Delta
) -> tuple[list[tuple[str, str]], Iterator[Article]]:
    """A list has no change feed: compare every article's meta with the state's."""
    assert isinstance(source, ListSource)
    changed: list[tuple[str, str]] = []
    seen: set[str] = set()
    batch: list[Article] = []

    def check(items: list[Article]) -> None:
        metas = [delta.meta_of(a) for a in items]
        old = state.rows([uid for uid, _ in metas])
        for a, (uid, meta) in zip(items, metas, strict=True):
            seen.add(uid)
            row = old.get(uid)
            if row is None or row[11] != meta:
                changed.append((a.feed_key, a.article_id))

    for article in source.all():
        batch.append(article)
        if len(batch) >= 500:
            check(batch)
            batch = []
    check(batch)
    gone = [
        (row[1], row[2])
        for row in state.db.execute("SELECT uid, feed_key, article_id FROM entries")
        if row[0] not in seen
    ]
    full = source.articles(changed)
    return gone, iter([full[k] for k in changed])


@dataclass
class _Events:
    """Where a list changed: the oldest position something entered or left it, and the
    positions edited in place; the count change; which neighbours to refresh."""

    shift: dict[int, str] = field(default_factory=dict)  # listing id -> oldest sort key
    inplace: dict[int, set[str]] = field(default_factory=dict)
    delta: dict[int, int] = field(default_factory=dict)
    tops: dict[int, list[str]] = field(default_factory=dict)  # keys near the top (feeds)
    around: set[tuple[int, str]] = field(default_factory=set)  # (source id, sort key)

    def moved(self, ids: Iterable[int], sk: str, step: int) -> None:
        for lid in ids:
            if sk > self.shift.get(lid, ""):
                self.shift[lid] = sk
            self.delta[lid] = self.delta.get(lid, 0) + step
            self.tops.setdefault(lid, []).append(sk)

    def edited(self, ids: Iterable[int], sk: str) -> None:
        for lid in ids:
            self.inplace.setdefault(lid, set()).add(sk)
            self.tops.setdefault(lid, []).append(sk)


class Delta:
    """Applies changes to the state and knows which pages they reach."""

    def __init__(self, state: SiteState, options: SiteOptions, zone: ZoneInfo) -> None:
        self.state, self.options, self.zone = state, options, zone
        self.events = _Events()
        self.dirty: set[str] = set()  # uids whose article page must be rendered
        self.removed: set[str] = set()
        self._full: dict[str, Article] = {}
        self._cached = 0
        self.gone_pages: set[str] = set()  # pages of removed articles, or moved ones

    def _ids(self, row: Row) -> tuple[int, ...]:
        return (self.state.home.id, *row[7:11])

    def meta_of(self, article: Article) -> tuple[str, str]:
        e = self._entry(article)[0]
        return e.uid, e.meta

    def _entry(self, article: Article) -> tuple[Entry, tuple[Listing, ...]]:
        return entry_of(self.state, article, self.zone)

    # Applying

    def apply(self, removed: Sequence[tuple[str, str]], changed: Iterable[Article]) -> None:
        st = self.state
        batch: list[Article] = []
        changed_uids: set[str] = set()
        for article in changed:
            batch.append(article)
            changed_uids.add(article_id(article.feed_key, article.article_id))
            if len(batch) >= 500:
                self._upsert(batch)
                batch = []
        self._upsert(batch)
        # A key removed and back again within the range is among the changed ones.
        uids = [u for u in (article_id(*k) for k in removed) if u not in changed_uids]
        old = st.rows(uids)
        for uid, row in old.items():
            self.events.moved(self._ids(row), row[1], -1)
            self.events.around.add((row[8], row[1]))
            self.removed.add(uid)
            self.gone_pages.add(_page_of(row))
        st.delete(list(old.values()))

    def _upsert(self, batch: list[Article]) -> None:
        if not batch:
            return
        st = self.state
        prepared = [(a, *self._entry(a)) for a in batch]
        old = st.rows([e.uid for _, e, _ in prepared])
        for article, e, listings in prepared:
            before = old.get(e.uid)
            if before is not None and before[11] == e.meta:
                continue  # nothing any page shows changed
            row = entry_row(e, listings, article.html, self.options.excerpt_chars)
            ids = self._ids(row)
            if before is not None:
                st.delete([before])
                if _page_of(before) != e.folder + "index.html":
                    self.gone_pages.add(_page_of(before))
                if before[1] == e.sk and self._ids(before) == ids:
                    self.events.edited(ids, e.sk)
                    self.events.delta.update({i: self.events.delta.get(i, 0) for i in ids})
                else:
                    self.events.moved(self._ids(before), before[1], -1)
                    self.events.moved(ids, e.sk, +1)
                    self.events.around.add((before[8], before[1]))
            else:
                self.events.moved(ids, e.sk, +1)
            st.insert([row])
            self.events.around.add((row[8], e.sk))
            self.dirty.add(e.uid)
            if self._cached < _BODY_CACHE:
                self._full[e.uid] = article
                self._cached += len(article.html)

    def search_uids(self) -> set[str]:
        return self.dirty | self.removed

    # Rendering

    def render(self, pages: Pages, feeds: Sequence[FeedHealth], progress: Any) -> None:
        st, ev = self.state, self.events
        self._articles(pages, progress)
        size = self.options.per_page
        archive = False
        # Pages of each list to render, from every reason at once: rendered once each.
        wanted: dict[int, set[int]] = {}
        for lid in set(ev.shift) | set(ev.inplace):
            listing = st.listings[lid]
            total, before = listing.count, listing.count - ev.delta.get(lid, 0)
            count, old_count = page_count(total, size), page_count(before, size)
            if listing.kind == "month" and total != before:
                archive = True
            if (total == 0) != (before == 0) and listing.parent:  # appeared or left
                parent = st.listings[listing.parent]
                every = range(1, page_count(parent.count, size) + 1)
                wanted.setdefault(parent.id, set()).update(every)
            if total == 0:
                if listing.kind != "home":  # an empty home says so, below
                    self._drop_listing(pages, listing)
                else:
                    pages.out.delete(p for p in st.pages_under("page/") if p.count("/") == 2)
                continue
            numbers = wanted.setdefault(lid, set())
            if lid in ev.shift:
                older = max(0, total - st.newer_count(listing, ev.shift[lid]) - 1)
                numbers.update(range(page_of(older, count, size), count + 1))
                numbers.update(range(old_count, count))
            for sk in ev.inplace.get(lid, ()):
                older = max(0, total - st.newer_count(listing, sk) - 1)
                numbers.add(page_of(older, count, size))
            if count < old_count:  # numbered pages that are gone (the first one moved up)
                pages.out.delete(
                    page_folder(listing, n, old_count) + "index.html"
                    for n in range(count, old_count)
                )
        for lid, numbers in wanted.items():
            listing = st.listings[lid]
            if listing.count:  # an emptied list was dropped above
                pages.list_pages(listing, numbers)
        if st.home.count == 0:
            pages.empty_home()
        for lid, keys in ev.tops.items():
            listing = st.listings[lid]
            if listing.feed is None or (listing.count == 0 and listing.kind != "home"):
                continue
            top = min(st.newer_count(listing, sk) for sk in keys)
            if top < self.options.feed_entries or listing.count == 0:
                pages.atom(listing)
        if archive:
            pages.archive()
        pages.sources(feeds)

    def _drop_listing(self, pages: Pages, listing: Listing) -> None:
        """A list that lost its last entry: its pages and feed go."""
        gone = [listing.folder + "index.html", *self.state.pages_under(listing.folder + "page/")]
        if listing.feed:
            gone.append(listing.feed)
        known = self.state.page_hashes(gone)
        pages.out.delete(p for p in gone if p in known)

    def _articles(self, pages: Pages, progress: Any) -> None:
        """Article pages of changed entries and of their neighbours (old and new)."""
        st = self.state
        uids = set(self.dirty)
        for sid, sk in self.events.around:
            listing = st.listings[sid]
            for row in st.scan(listing, after=sk, limit=1):
                uids.add(row[0])
            for row in st.scan(listing, after=sk, limit=1, newest_first=False):
                uids.add(row[0])
        pages.out.delete(sorted(self.gone_pages))
        todo = sorted(uids)
        for start in range(0, len(todo), _PAGE_BATCH):  # bodies a batch at a time
            progress("articles", start, len(todo))
            rows = st.rows(todo[start : start + _PAGE_BATCH])
            missing = [(r[2], r[3]) for r in rows.values() if r[0] not in self._full]
            loaded = pages.source.articles(missing) if missing else {}
            for row in rows.values():
                full = self._full.get(row[0]) or loaded.get((row[2], row[3]))
                if full is None:
                    continue
                e = st.entry(row)
                e.article = full
                source = st.listings[row[8]]
                older = st.scan(source, after=row[1], limit=1)
                newer = st.scan(source, after=row[1], limit=1, newest_first=False)
                pages.article(
                    e,
                    st.entry(older[0]) if older else None,
                    st.entry(newer[0]) if newer else None,
                )
        progress("articles", len(todo), len(todo))


def _page_of(row: Row) -> str:
    iso = row[4]
    return f"a/{iso[:4]}/{iso[5:7]}/{row[0]}/index.html"
