"""A cold build: every page from one pass over the articles, resumable if interrupted.

Pass 1 streams every article (with its body, read once) newest first: it fills the state,
renders each article page as soon as its older neighbour in the same source arrives, and
feeds the search index, which writes a segment whenever one fills up. Every few thousand
articles a checkpoint commits the state with the stream position, so a killed build
continues where it stopped. Pass 2 walks the state once, newest first, and cuts every
list (home, groups, sources, channels, months) into pages as their entries go by, each
card rendered once. Memory holds one pending article per source and one page per list.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from newsdesk.models import Article

from .catalog import Entry, Listing, page_count, page_span
from .output import Output
from .pages import Pages, entry_row
from .search import SearchIndex, worker

if TYPE_CHECKING:
    from .build import _Build

__all__ = ["cold_build"]

_CHECKPOINT_ARTICLES = 4096


def cold_build(b: _Build, base: str, *, resume: bool) -> Output:
    st = b.state
    if not resume:
        _start(b, base)
    cold = st.get("cold")
    out = Output(b.out_dir, st, cold["gen"])
    out.fresh_state = st.db.execute("SELECT 1 FROM pages LIMIT 1").fetchone() is None
    groups = [(st.listings[i].name, st.listings[i].folder) for i in cold["groups"]]
    from .render import Renderer

    pages = b.pages(out, Renderer(b.theme, b.options, groups))
    if cold["phase"] == "articles":
        _articles(b, pages, cold)
    _lists(b, pages)
    pages.atom(st.home)
    for listing in st.listings.values():
        if listing.kind == "source" and listing.count:
            pages.atom(listing)
    if st.home.count == 0:
        pages.empty_home()
    pages.archive()
    pages.sources(b.feeds)
    pages.fixed(b.theme.static)
    out.flush()
    out.delete(list(st.stale_pages(cold["gen"])))
    if st.has_table("previous_entries"):
        if b.options.search_enabled:  # what differs from before is indexed again
            index = b.search_index()
            index.queue_rows(
                "SELECT e.uid FROM entries e LEFT JOIN previous_entries p ON p.uid = e.uid"
                " WHERE p.meta IS NOT e.meta"
            )
            index.queue_rows(
                "SELECT p.uid FROM previous_entries p"
                " WHERE NOT EXISTS (SELECT 1 FROM entries e WHERE e.uid = p.uid)"
            )
        st.db.execute("DROP TABLE previous_entries")
    st.put("base", base)
    st.put("gen", cold["gen"])
    st.put("position", cold["upto"] if cold["upto"] is not None else 0)
    st.put("groups", repr([(g.name, g.folder) for g in st.groups()]))
    st.drop("cold")
    st.commit()
    b.cold_searched = bool(cold["search"])
    return out


def _start(b: _Build, base: str) -> None:
    """Begin a cold build: forget the entries, keep the folders of known lists."""
    st, source = b.state, b.source
    upto = source.position()
    index = b.search_index() if b.options.search_enabled else None
    # The search index is written during the pass when it must be made anew; a valid one
    # is only told afterwards which articles differ from before.
    stream = index is not None and b.options.search and (index.reset or not index.segments())
    st.reset_entries(keep_previous=index is not None and not stream)
    # Lists made in name order, so a cold build gives colliding names the same folders.
    for group, src, channel in sorted(source.names()):
        g = st.listing("group", 0, group)
        s = st.listing("source", g.id, src)
        st.listing("channel", s.id, channel)
    names = {group for group, _, _ in source.names()}
    groups = sorted(
        (x for x in st.listings.values() if x.kind == "group" and x.name in names),
        key=lambda x: x.folder,
    )
    if stream:
        assert index is not None
        index.start_cold()
    st.put(
        "cold",
        {
            "base": base,
            "gen": st.get("gen", 0) + 1,
            "upto": upto,
            "after": None,
            "done": 0,
            "indexed": 0,
            "pending": [],
            "phase": "articles",
            "groups": [g.id for g in groups],
            "search": stream,
        },
    )
    st.commit()


def _tie_groups(items: Iterator[tuple[Any, Article]]) -> Iterator[list[tuple[Any, Article]]]:
    """Runs of articles published at the same instant: the site orders those by uid."""
    run: list[tuple[Any, Article]] = []
    for item in items:
        if run and item[1].published != run[0][1].published:
            yield run
            run = []
        run.append(item)
    if run:
        yield run


class _Pending:
    """Per source, the newest article whose page waits for its older neighbour."""

    def __init__(self, pages: Pages) -> None:
        self.pages = pages
        self.waiting: dict[int, tuple[Entry, Entry | None]] = {}

    def arrive(self, sid: int, e: Entry) -> None:
        before = self.waiting.get(sid)
        if before is not None:
            waiting, newer = before
            self.pages.article(waiting, e, newer)
        self.waiting[sid] = (e, before[0] if before else None)

    def finish(self) -> None:
        for waiting, newer in self.waiting.values():
            self.pages.article(waiting, None, newer)
        self.waiting.clear()


def _articles(b: _Build, pages: Pages, cold: dict[str, Any]) -> None:
    total, done = b.source.count(), cold["done"]
    index = b.search_index() if cold["search"] else None
    pending = _Pending(pages)
    _restore(b, pending, cold, index)
    indexer = None
    if index is not None:
        big = total - done >= worker.WORKER_MIN_DOCS
        indexer = index.cold_indexer(
            workers=worker.WORKERS if big else 0, expected=max(0, total - done)
        )
    try:
        _stream(b, pages, cold, pending, index, indexer)
    finally:
        if indexer is not None:
            indexer.close()


def _stream(
    b: _Build,
    pages: Pages,
    cold: dict[str, Any],
    pending: _Pending,
    index: SearchIndex | None,
    indexer: worker.ColdIndexer | None,
) -> None:
    source, o = b.source, b.options
    total, done = source.count(), cold["done"]

    first = done  # documents before this pass: indexed, or queued by _restore

    def record(written: list[worker.Written]) -> bool:
        assert index is not None and indexer is not None
        for info, uids in written:
            index.record(info, uids)
        cold["indexed"] = first + indexer.indexed
        return bool(written)

    rows: list[tuple[Any, ...]] = []
    last = done
    for run in _tie_groups(source.newest_first(cold["after"])):
        for _, article in sorted(run, key=lambda item: _uid(item[1])):
            e, listings = pages.entry(article)
            rows.append(entry_row(e, listings, article.html, o.excerpt_chars))
            pending.arrive(listings[1].id, e)
            if indexer is not None:
                indexer.add(e.uid, pages.search_doc(e, extract=not indexer.lanes_remote))
            done += 1
            if done % 512 == 0:
                b.progress("articles", done, max(total, done))
        flushed = indexer is not None and record(indexer.written())
        if done - last >= _CHECKPOINT_ARTICLES or flushed:
            cold.update(after=run[-1][0], done=done)
            _checkpoint(b, pages, cold, rows, pending)
            rows, last = [], done
    pending.finish()
    if indexer is not None and index is not None:
        record(indexer.finish())
        index.finish()
    cold.update(done=done, phase="lists", pending=[])
    _checkpoint(b, pages, cold, rows, None)
    b.progress("articles", done, done)


def _uid(article: Article) -> str:
    from .paths import article_id

    return article_id(article.feed_key, article.article_id)


def _checkpoint(
    b: _Build,
    pages: Pages,
    cold: dict[str, Any],
    rows: list[tuple[Any, ...]],
    pending: _Pending | None,
) -> None:
    st = b.state
    st.insert(rows)
    pages.out.flush()
    if pending is not None:
        cold["pending"] = [
            (e.uid, newer.uid if newer else None) for e, newer in pending.waiting.values()
        ]
    st.put("cold", cold)
    st.commit()


def _restore(b: _Build, pending: _Pending, cold: dict[str, Any], index: Any) -> None:
    """After an interruption: the articles whose pages were still waiting, and the
    documents that were in the search segment being filled, are picked up again."""
    st = b.state
    if index is not None and cold["done"] > cold["indexed"]:
        # What the lost open segments held: indexed by this build's update at the end.
        index.queue_rows(
            "SELECT uid FROM entries ORDER BY id LIMIT -1 OFFSET ?", (cold["indexed"],)
        )
        cold["indexed"] = cold["done"]
    if not cold["pending"]:
        return
    uids = [u for pair in cold["pending"] for u in pair if u]
    rows = st.rows(uids)
    full = b.source.articles([(rows[u][2], rows[u][3]) for u, _ in cold["pending"] if u in rows])
    for uid, newer in cold["pending"]:
        row = rows.get(uid)
        if row is None or (row[2], row[3]) not in full:
            continue
        e = st.entry(row)
        e.article = full[(row[2], row[3])]
        pending.waiting[row[8]] = (e, st.entry(rows[newer]) if newer in rows else None)


class _Paginator:
    """Cuts one list into pages as its entries go by, newest first."""

    def __init__(self, pages: Pages, listing: Listing, per_page: int) -> None:
        self.pages, self.listing, self.per_page = pages, listing, per_page
        self.count = page_count(listing.count, per_page)
        self.number = self.count
        self.need = page_span(self.count, self.count, listing.count, per_page)[1]
        self.entries: list[Entry] = []
        self.cards: list[Markup] = []

    def add(self, e: Entry, card: Markup) -> None:
        self.entries.append(e)
        self.cards.append(card)
        if len(self.entries) == self.need:
            self.pages.list_page(self.listing, self.number, self.count, self.entries, self.cards)
            self.entries, self.cards = [], []
            self.number -= 1
            self.need = self.per_page


def _lists(b: _Build, pages: Pages) -> None:
    """Pass 2: every page of every list, from one walk over the state."""
    st = b.state
    st.ensure_indexes()
    st.commit()
    size = b.options.per_page
    paginators = {lid: _Paginator(pages, x, size) for lid, x in st.listings.items() if x.count > 0}
    home, total = st.home.id, st.home.count
    for done, row in enumerate(st.iter_all()):
        e = st.entry(row)
        card = pages.card(e)
        for lid in (home, *row[7:11]):
            paginators[lid].add(e, card)
        if done % 2048 == 0:
            b.progress("lists", done, total)
    b.progress("lists", total, total)
    pages.out.flush()
