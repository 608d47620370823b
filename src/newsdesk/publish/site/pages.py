"""Every kind of page, rendered from the state and the source and handed to the Output.

Cold and incremental builds differ only in which pages they ask for; what a page holds
is decided here, once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from markupsafe import Markup

from newsdesk.hashing import article_content_hash
from newsdesk.models import Article

from .atom import render_atom
from .catalog import Entry, Listing, page_count, page_folder, page_span
from .options import FeedHealth, SiteOptions
from .output import Output, digest
from .render import ListPage, Renderer
from .search import Doc
from .source import ArticleSource
from .state import SiteState
from .text import excerpt, plain_text
from .times import display_time

__all__ = ["Pages", "content_of", "entry_meta", "entry_of", "entry_row"]


def entry_meta(e: Entry, content: str) -> str:
    """A hash of everything about an article that any page shows (its card, its page,
    its neighbours' links): when it is unchanged, no page needs the article again."""
    a = e.article
    return digest(
        e.uid,
        content,
        a.title,
        a.link or "",
        a.author,
        e.iso,
        a.group,
        a.source,
        a.channel,
        e.folder,
        e.source_folder,
        e.channel_folder,
        a.head_image or "",
    )


def content_of(article: Article) -> str:
    """The article's content hash, or a hash of its body when the source gave none."""
    if article.content_hash:
        return article.content_hash
    return "body:" + article_content_hash(article)


def entry_of(
    state: SiteState, article: Article, zone: ZoneInfo
) -> tuple[Entry, tuple[Listing, ...]]:
    """The entry of an article (folders and meta set) and its four listings."""
    e = Entry(article, zone)
    listings = state.listings_of(article, e.month)
    e.group_folder, e.source_folder, e.channel_folder = (x.folder for x in listings[:3])
    e.meta = entry_meta(e, content_of(article))
    return e, listings


def entry_row(e: Entry, listings: Sequence[Listing], html: str, chars: int) -> tuple[Any, ...]:
    """The state row of an entry (``state.ENTRY_COLUMNS``); its excerpt comes from ``html``."""
    e.excerpt = excerpt(html, chars)
    a = e.article
    return (
        e.uid,
        e.sk,
        a.feed_key,
        a.article_id,
        e.iso,
        a.title,
        a.head_image,
        *(x.id for x in listings),
        e.meta,
        e.excerpt,
    )


class Pages:
    """Renders pages of one build."""

    def __init__(
        self,
        state: SiteState,
        out: Output,
        renderer: Renderer,
        options: SiteOptions,
        source: ArticleSource,
        zone: ZoneInfo,
    ) -> None:
        self.state, self.out, self.r, self.options = state, out, renderer, options
        self.source, self.zone = source, zone

    # Entries

    def entry(self, article: Article) -> tuple[Entry, tuple[Listing, ...]]:
        return entry_of(self.state, article, self.zone)

    # Pages

    def article(self, e: Entry, older: Entry | None, newer: Entry | None) -> None:
        """``e.article`` must be the full article (html, link, author)."""
        a = e.article
        body = self.r.body(a.html, a.feed_key)
        self.out.write(e.folder + "index.html", self.r.article(e, body, older, newer))

    def search_doc(self, e: Entry, *, extract: bool = True) -> Doc:
        """What the search index takes of a full entry: its title, its body's text (or,
        without ``extract``, its HTML, for the worker indexing it to extract), its
        author and categories, and the result it shows."""
        a = e.article
        names = " ".join((a.author, a.source, a.channel, a.group))
        result = self.result(e)
        when = a.published.timestamp()
        if not extract:
            return Doc(a.title, names, result, when, html=a.html)
        return Doc(a.title, f"{plain_text(a.html)} {names}", result, when)

    def result(self, e: Entry) -> tuple[str, str, str, str, str, str]:
        """url, title, date, source, excerpt, iso (the ``datetime`` of the date)."""
        a = e.article
        place = f"{a.source} · {a.channel}"
        return (self.r.url(e.folder), a.title, e.display, place, e.excerpt, e.iso)

    def view(self, listing: Listing, number: int, count: int, days: tuple[str, str]) -> ListPage:
        st = self.state
        crumbs: tuple[tuple[str, str], ...] = ()
        children: tuple[tuple[str, str], ...] = ()
        section = "home"
        if listing.kind == "month":
            crumbs, section = (("首页", ""), ("归档", "archive/")), "archive"
        elif listing.kind != "home":
            chain = [listing]
            while chain[0].parent:
                chain.insert(0, st.listings[chain[0].parent])
            crumbs = (("首页", ""), *((x.name, x.folder) for x in chain[:-1]))
            section = "g:" + chain[0].name
            if listing.kind in ("group", "source"):
                children = tuple((k.name, k.folder) for k in st.children(listing))
        return ListPage(
            kind=listing.kind,
            title=listing.title,
            section=section,
            folder=page_folder(listing, number, count),
            crumbs=crumbs,
            children=children,
            feed=listing.feed,
            newer=page_folder(listing, number + 1, count) if number < count else None,
            older=page_folder(listing, number - 1, count) if number > 1 else None,
            days=days,
        )

    def list_page(
        self,
        listing: Listing,
        number: int,
        count: int,
        entries: Sequence[Entry],
        cards: Sequence[Markup] | None = None,
    ) -> None:
        """Page ``number`` of ``count`` of a listing, holding ``entries`` (newest first)."""
        view = self.view(listing, number, count, (entries[-1].day, entries[0].day))
        rendered = cards if cards is not None else [self.card(e) for e in entries]
        self.out.write(view.folder + "index.html", self.r.listing(view, rendered))

    def card(self, e: Entry) -> Markup:
        return self.r.card(e)

    def list_pages(self, listing: Listing, numbers: Iterable[int]) -> None:
        """Render the given pages of a listing, reading its entries from the state once
        (newest first, as far as the oldest page asked for)."""
        wanted = sorted(set(numbers), reverse=True)
        if not wanted or listing.count == 0:
            return
        size, total = self.options.per_page, listing.count
        count = page_count(total, size)
        oldest = wanted[-1]
        start, length = page_span(oldest, count, total, size)
        rows = self.state.page(listing, 0, start + length)
        entries = [self.state.entry(row) for row in rows]
        for number in wanted:
            offset, length = page_span(number, count, total, size)
            self.list_page(listing, number, count, entries[offset : offset + length])

    def empty_home(self) -> None:
        self.out.write("index.html", self.r.empty_home())

    def atom(self, listing: Listing) -> None:
        """The Atom feed of home or a source: its newest entries with their bodies."""
        rows = self.state.page(listing, 0, self.options.feed_entries)
        entries = [self.state.entry(row) for row in rows]
        keys = [(e.article.feed_key, e.article.article_id) for e in entries]
        full = self.source.articles(keys)
        base = urlsplit(self.options.base_url)
        # Links already carry the root path: prefix only scheme://host.
        origin = f"{base.scheme}://{base.netloc}" if base.scheme and base.netloc else ""
        items = []
        for e in entries:
            a = full.get((e.article.feed_key, e.article.article_id))
            body = ""
            if a is not None:
                e.article, body = a, self.r.body(a.html, a.feed_key)
            items.append((e, origin + self.r.url(e.folder), body))
        home = listing.kind == "home"
        path = listing.feed or "atom.xml"
        data = render_atom(
            title=self.options.title if home else f"{listing.title} · {self.options.title}",
            feed_id=f"urn:newsdesk:feed:{listing.folder or 'home'}",
            self_href=origin + self.r.url(path),
            site_href=origin + self.r.url(listing.folder),
            language=self.options.language,
            items=items,
        )
        self.out.write(path, data)

    def archive(self) -> None:
        months = [
            (x.folder, x.title, x.count)
            for x in self.state.listings.values()
            if x.kind == "month" and x.count > 0
        ]
        self.out.write("archive/index.html", self.r.archive(months))

    def sources(self, feeds: Sequence[FeedHealth]) -> None:
        links = {}
        for x in self.state.listings.values():
            if x.kind == "source" and x.count > 0:
                links[(self.state.listings[x.parent].name, x.name)] = self.r.url(x.folder)

        def fmt(when: datetime) -> tuple[str, str]:
            return display_time(when, self.zone)

        self.out.write("sources/index.html", self.r.sources(feeds, links, fmt))

    def fixed(self, static: dict[str, bytes]) -> None:
        """Pages that depend on the theme and options only."""
        if self.options.search_enabled:
            self.out.write("search/index.html", self.r.search())
        self.out.write("404.html", self.r.not_found())
        for name, data in sorted(static.items()):
            self.out.write(f"static/{name}", data)
