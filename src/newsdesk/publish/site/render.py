"""Turn catalog values into page bytes with the theme's templates (compiled once)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from types import SimpleNamespace
from typing import Any

from jinja2 import Template
from markupsafe import Markup

from newsdesk.imageproxy.rewrite import rewrite_images

from .catalog import Entry
from .options import FeedHealth, SiteOptions
from .paths import href, is_http
from .search.index import FOLDER as SEARCH_FOLDER
from .search.index import MANIFEST as SEARCH_MANIFEST
from .theme import Theme

__all__ = ["ListPage", "Renderer"]


@dataclass(frozen=True)
class ListPage:
    """One page of a listing, as the list template shows it."""

    kind: str  # "home" | "group" | "source" | "channel" | "month"
    title: str
    section: str  # the top navigation tab it belongs under
    folder: str  # this page's folder
    crumbs: tuple[tuple[str, str], ...]  # (title, folder) from the top, excluding self
    children: tuple[tuple[str, str], ...]  # (title, folder) one level down
    feed: str | None  # the listing's Atom file
    newer: str | None  # folder of the page with newer entries
    older: str | None
    days: tuple[str, str]  # (oldest day, newest day) on the page


class Renderer:
    """Holds the compiled templates and the values every page shares."""

    def __init__(
        self,
        theme: Theme,
        options: SiteOptions,
        groups: Sequence[tuple[str, str]],
    ) -> None:
        self.options = options
        self.root = options.root
        self._urls: dict[str, str] = {}  # category folders repeat on every card
        self._chromes: dict[str, dict[str, Markup]] = {}
        env = self._env = theme.env
        self._placeholder = options.placeholder or ""  # "" = a text-only card
        env.globals.update(
            site=SimpleNamespace(
                **{
                    "title": options.title,
                    "description": options.description,
                    "lang": options.language,
                    "root": self.root,
                    "home": self.url(""),
                    "groups": [(name, self.url(folder)) for name, folder in groups],
                    "archive": self.url("archive/"),
                    "sources": self.url("sources/"),
                    "search": self.url("search/") if options.search_enabled else "",
                    "feed": self.url("atom.xml"),
                    "css": self.url("static/site.css") + "?v=" + theme.asset_version("site.css"),
                    "js": self.url("static/site.js") + "?v=" + theme.asset_version("site.js"),
                    "search_js": self.url("static/search.js")
                    + "?v="
                    + theme.asset_version("search.js"),
                    "search_index": self.url(f"{SEARCH_FOLDER}/{SEARCH_MANIFEST}"),
                    "favicon": self.url("static/favicon.svg"),
                    # What a body image that fails to load is replaced with (site.js).
                    "placeholder": options.placeholder or self.url("static/placeholder.svg"),
                    "timezone": options.timezone,
                }
            ),
        )

    def _template(self, name: str) -> Template:
        # Compiled on first use (once per build): a no-change rebuild compiles nothing.
        return self._env.get_template(name)

    def _chrome(self, current: str) -> dict[str, Markup]:
        """Header and footer, rendered once per section and pasted into every page."""
        chrome = self._chromes.get(current)
        if chrome is None:
            chrome = self._chromes[current] = {
                "header": Markup(self._template("_header.html").render(current=current).strip()),
                "footer": Markup(self._template("_footer.html").render(current=current).strip()),
            }
        return chrome

    def url(self, folder: str) -> str:
        link = self._urls.get(folder)
        if link is None:
            link = self._urls[folder] = href(self.root, folder)
        return link

    def thumb(self, entry: Entry) -> str:
        image = entry.article.head_image
        # Only absolute http(s) images are shown (and proxied): a javascript: or data: URL
        # from a feed must not reach <img src> or og:image.
        if not is_http(image):
            return self._placeholder
        return self.options.image_url_of(entry.article.feed_key)(image)

    def body(self, html: str, feed_key: str) -> str:
        """The article body with image URLs mapped through the configured image proxy."""
        return rewrite_images(html, self.options.image_url_of(feed_key))

    def _crumbs(self, crumbs: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(title, self.url(folder)) for title, folder in crumbs]

    def _entry(self, e: Entry) -> SimpleNamespace:
        # Attributes, not dict keys: Jinja tries getattr first, and a miss costs an exception.
        a = e.article
        return SimpleNamespace(
            href=self.url(e.folder),
            title=a.title,
            iso=e.iso,
            display=e.display,
            source=a.source,
            source_href=self.url(e.source_folder),
            channel=a.channel,
            channel_href=self.url(e.channel_folder),
            group=a.group,
            group_href=self.url(e.group_folder),
        )

    def card(self, e: Entry) -> Markup:
        return Markup(
            self._template("card.html").render(
                e=self._entry(e),
                excerpt=e.excerpt or "",
                thumb=self.thumb(e),
                has_image=is_http(e.article.head_image),
            )
        )

    def listing(self, page: ListPage, cards: Sequence[Markup]) -> bytes:
        return (
            self._template("list.html")
            .render(
                **self._chrome(page.section),
                kind=page.kind,
                title=page.title or self.options.title,
                crumbs=self._crumbs(page.crumbs),
                children=self._crumbs(page.children),
                cards=cards,
                is_first=page.newer is None,
                range=page.days,
                newer=self.url(page.newer) if page.newer is not None else None,
                older=self.url(page.older) if page.older is not None else None,
                canonical=self.url(page.folder),
                feed=self.url(page.feed) if page.feed else None,
            )
            .encode("utf-8")
        )

    def empty_home(self) -> bytes:
        return (
            self._template("list.html")
            .render(
                **self._chrome("home"),
                kind="home",
                title=self.options.title,
                crumbs=[],
                children=[],
                cards=[],
                is_first=True,
                range=("", ""),
                newer=None,
                older=None,
                canonical=self.url(""),
                feed=self.url("atom.xml"),
            )
            .encode("utf-8")
        )

    def article(self, e: Entry, body: str, older: Entry | None, newer: Entry | None) -> bytes:
        a = e.article
        link = a.link if is_http(a.link) else None
        head_image = a.head_image if is_http(a.head_image) else None
        if (link, head_image) != (a.link, a.head_image):
            # Feeds are untrusted: a javascript: link must not become "阅读原文". Dropped on
            # the object itself so that user templates reading article.* are safe too.
            a = replace(a, link=link, head_image=head_image)
        crumbs = [
            ("首页", ""),
            (a.group, e.group_folder),
            (a.source, e.source_folder),
            (a.channel, e.channel_folder),
        ]
        return (
            self._template("article.html")
            .render(
                **self._chrome("g:" + a.group),
                e=self._entry(e),
                article=a,
                body=Markup(body),
                crumbs=self._crumbs(crumbs),
                older=self._entry(older) if older else None,
                newer=self._entry(newer) if newer else None,
                image=self.thumb(e) if head_image else None,
                canonical=self.url(e.folder),
                feed=self.url(e.source_folder + "atom.xml"),
            )
            .encode("utf-8")
        )

    def archive(self, months: Sequence[tuple[str, str, int]]) -> bytes:
        """``months``: (folder, title, article count) of every month."""
        years: dict[str, list[tuple[str, str, int]]] = {}
        for folder, _title, count in sorted(months, reverse=True):
            year, month = folder.split("/")[1:3]
            years.setdefault(year, []).append((f"{int(month)} 月", self.url(folder), count))
        return (
            self._template("archive.html")
            .render(
                **self._chrome("archive"), years=list(years.items()), canonical=self.url("archive/")
            )
            .encode("utf-8")
        )

    def sources(
        self,
        feeds: Sequence[FeedHealth],
        source_links: dict[tuple[str, str], str],
        fmt: Callable[[Any], tuple[str, str]],
    ) -> bytes:
        """``fmt``: a time's (``datetime`` attribute, text), as the other pages write it."""
        times = {f.url: fmt(f.last_success) for f in feeds if f.last_success}
        rows = [
            {
                "feed": f,
                "href": source_links.get((f.group, f.source)),
                "last_success": times[f.url][1] if f.url in times else None,
                "last_success_iso": times[f.url][0] if f.url in times else None,
                "ok": f.error_streak == 0 and f.last_success is not None,
            }
            for f in sorted(feeds, key=lambda f: (f.group, f.source, f.channel, f.url))
        ]
        failing = sum(1 for f in feeds if f.error_streak)
        return (
            self._template("sources.html")
            .render(
                **self._chrome("sources"),
                rows=rows,
                failing=failing,
                canonical=self.url("sources/"),
            )
            .encode("utf-8")
        )

    def search(self) -> bytes:
        return (
            self._template("search.html")
            .render(**self._chrome("search"), canonical=self.url("search/"))
            .encode("utf-8")
        )

    def not_found(self) -> bytes:
        return (
            self._template("404.html")
            .render(**self._chrome(""), canonical=self.url("404.html"))
            .encode("utf-8")
        )
