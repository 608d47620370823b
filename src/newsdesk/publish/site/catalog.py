"""Light metadata for every article, and the lists the site shows them in.

Only this metadata stays in memory for the whole build; article bodies are loaded one at
a time when a page must be rendered.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from newsdesk.models import Article

from .paths import article_id, unique_slugs
from .times import display_time

__all__ = ["Catalog", "Entry", "Listing", "Page", "make_catalog", "paginate"]


class Entry:
    """One article's metadata plus what the site derives from it (folder, dates, excerpt)."""

    __slots__ = (
        "article",
        "channel_folder",
        "day",
        "display",
        "excerpt",
        "folder",
        "group_folder",
        "iso",
        "meta",
        "month",
        "newer",
        "older",
        "source_folder",
        "uid",
    )

    def __init__(self, article: Article, zone: tzinfo) -> None:
        self.article = article
        self.uid = article_id(article.feed_key, article.article_id)
        iso, self.display = display_time(article.published, zone)
        self.iso = iso
        self.day = iso[:10]
        self.month = f"{iso[:4]}/{iso[5:7]}"
        self.folder = f"a/{self.month}/{self.uid}/"
        self.group_folder = self.source_folder = self.channel_folder = ""
        self.excerpt: str | None = None
        self.meta = ""  # hash of everything about the article a page can show
        self.older: Entry | None = None  # neighbours within the same source
        self.newer: Entry | None = None


@dataclass
class Page:
    """One page of a listing: its folder, its entries (newest first) and its neighbours."""

    folder: str
    entries: list[Entry]
    number: int  # counted from the oldest page, so a page keeps its number as lists grow
    newer: str | None  # folder of the page with newer entries
    older: str | None


@dataclass
class Listing:
    """A paginated list of entries: home, a group, a source, a channel or a month."""

    kind: str  # "home" | "group" | "source" | "channel" | "month"
    folder: str
    title: str
    entries: list[Entry]
    crumbs: tuple[tuple[str, str], ...] = ()  # (title, folder) from the top, excluding self
    children: tuple[tuple[str, str], ...] = ()  # (title, folder) one level down
    feed: str | None = None  # the Atom file for this listing, if it has one


@dataclass
class Catalog:
    entries: list[Entry]  # newest first
    by_uid: dict[str, Entry] = field(default_factory=dict)
    listings: list[Listing] = field(default_factory=list)
    groups: list[tuple[str, str]] = field(default_factory=list)  # (name, folder) for the nav
    sources: list[Listing] = field(default_factory=list)
    months: list[Listing] = field(default_factory=list)


def make_catalog(articles: Iterable[Article], zone: tzinfo) -> Catalog:
    """Index articles (any order) into entries, neighbours and listings."""
    by_uid: dict[str, Entry] = {}
    for article in articles:
        entry = Entry(article, zone)
        known = by_uid.get(entry.uid)
        if known is None or known.article.published <= article.published:  # a repeat
            by_uid[entry.uid] = entry
    # Newest first, ties by id: two stable C-level sorts instead of a Python key tuple.
    entries = sorted(by_uid.values(), key=_uid)
    entries.sort(key=_published, reverse=True)

    tree: dict[str, dict[str, dict[str, list[Entry]]]] = {}
    for e in entries:
        a = e.article
        tree.setdefault(a.group, {}).setdefault(a.source, {}).setdefault(a.channel, []).append(e)

    catalog = Catalog(entries, by_uid)
    home = Listing("home", "", "", entries, feed="atom.xml")
    catalog.listings.append(home)
    group_slugs = unique_slugs(set(tree))
    for group in sorted(tree, key=group_slugs.__getitem__):
        sources = tree[group]
        gfolder = f"g/{group_slugs[group]}/"
        source_slugs = unique_slugs(set(sources))
        glist = Listing("group", gfolder, group, [], crumbs=(("首页", ""),))
        catalog.groups.append((group, gfolder))
        catalog.listings.append(glist)
        children = []
        for source in sorted(sources, key=source_slugs.__getitem__):
            channels = sources[source]
            sfolder = f"{gfolder}{source_slugs[source]}/"
            children.append((source, sfolder))
            channel_slugs = unique_slugs(set(channels))
            slist = Listing(
                "source",
                sfolder,
                source,
                [],
                crumbs=(*glist.crumbs, (group, gfolder)),
                feed=sfolder + "atom.xml",
            )
            catalog.listings.append(slist)
            catalog.sources.append(slist)
            grandchildren = []
            for channel in sorted(channels, key=channel_slugs.__getitem__):
                cfolder = f"{sfolder}{channel_slugs[channel]}/"
                grandchildren.append((channel, cfolder))
                clist = Listing(
                    "channel",
                    cfolder,
                    channel,
                    channels[channel],
                    crumbs=(*slist.crumbs, (source, sfolder)),
                )
                catalog.listings.append(clist)
                for e in clist.entries:
                    e.group_folder, e.source_folder, e.channel_folder = gfolder, sfolder, cfolder
            slist.children = tuple(grandchildren)
        glist.children = tuple(children)

    # Group and source lists, newest first, filled in one pass over the sorted entries.
    by_folder = {lst.folder: lst for lst in catalog.listings}
    months: dict[str, list[Entry]] = {}
    for e in entries:
        by_folder[e.group_folder].entries.append(e)
        by_folder[e.source_folder].entries.append(e)
        months.setdefault(e.month, []).append(e)
    for slist in catalog.sources:
        for newer, older in zip(slist.entries, slist.entries[1:], strict=False):
            newer.older, older.newer = older, newer
    for month, items in months.items():
        year, mm = month.split("/")
        lst = Listing(
            "month",
            f"archive/{month}/",
            f"{year} 年 {int(mm)} 月",
            items,
            crumbs=(("首页", ""), ("归档", "archive/")),
        )
        catalog.months.append(lst)
        catalog.listings.append(lst)
    return catalog


def _uid(e: Entry) -> str:
    return e.uid


def _published(e: Entry) -> datetime:
    return e.article.published


def paginate(listing: Listing, per_page: int) -> list[Page]:
    """Split a listing into pages anchored at the oldest entry.

    Page 1 holds the oldest ``per_page`` entries, page 2 the next, and the first page
    (the listing's own folder) holds the newest ``per_page`` to ``2 * per_page - 1``.
    A new article therefore changes only the first page, not every page of the list.
    """
    items, size = listing.entries, max(1, per_page)
    total = len(items)
    count = max(1, total // size)

    def folder(number: int) -> str:
        return listing.folder if number == count else f"{listing.folder}page/{number}/"

    pages = []
    for number in range(count, 0, -1):
        start = 0 if number == count else total - number * size
        end = total - (number - 1) * size
        pages.append(
            Page(
                folder=folder(number),
                entries=items[start:end],
                number=number,
                newer=folder(number + 1) if number < count else None,
                older=folder(number - 1) if number > 1 else None,
            )
        )
    return pages
