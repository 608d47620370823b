"""What the site knows about each article and list, and how lists are cut into pages.

An ``Entry`` is one article's light metadata plus what the site derives from it (folder,
dates, excerpt, sort key); the build keeps entries in its state file, never all of them
in memory. A ``Listing`` is a paginated list: home, a group, a source, a channel or a
month. Pages are anchored at the oldest entry, so a new article changes only the first
page of each list it is in (``page_span``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from newsdesk.models import Article

from .paths import article_id
from .times import display_text

__all__ = ["Entry", "Listing", "page_count", "page_folder", "page_span", "sort_key"]

# Sort keys: newest first, ties by uid, as one text column the state can index.
_LATEST = 1 << 62


def sort_key(published: datetime, uid: str) -> str:
    micros = round(published.timestamp() * 1_000_000)
    return f"{_LATEST - micros:016x}{uid}"


class Entry:
    """One article's metadata plus what the site derives from it (folder, dates, excerpt)."""

    __slots__ = (
        "article",
        "channel_folder",
        "display",
        "excerpt",
        "folder",
        "group_folder",
        "iso",
        "meta",
        "month",
        "sk",
        "source_folder",
        "uid",
    )

    def __init__(self, article: Article, zone: tzinfo) -> None:
        self.article = article
        self.uid = article_id(article.feed_key, article.article_id)
        # Slices of one isoformat() call: strftime costs several times more.
        self.iso = article.published.astimezone(zone).isoformat()
        self.sk = sort_key(article.published, self.uid)
        self._derive(zone)
        self.group_folder = self.source_folder = self.channel_folder = ""
        self.excerpt = ""
        self.meta = ""  # hash of everything about the article a page can show

    def _derive(self, zone: tzinfo) -> None:
        iso = self.iso
        self.display = display_text(iso, zone)
        self.month = f"{iso[:4]}/{iso[5:7]}"
        self.folder = f"a/{self.month}/{self.uid}/"

    @property
    def day(self) -> str:
        return self.iso[:10]

    @classmethod
    def restored(
        cls, article: Article, uid: str, iso: str, sk: str, excerpt: str, zone: tzinfo
    ) -> Entry:
        """An entry as the state file keeps it (``iso`` is already in ``zone``)."""
        e = cls.__new__(cls)
        e.article, e.uid, e.iso, e.sk, e.excerpt, e.meta = article, uid, iso, sk, excerpt, ""
        e._derive(zone)
        e.group_folder = e.source_folder = e.channel_folder = ""
        return e


@dataclass
class Listing:
    """A paginated list of entries: home, a group, a source, a channel or a month."""

    id: int
    kind: str  # "home" | "group" | "source" | "channel" | "month"
    name: str  # a group/source/channel name, "YYYY/MM", or "" for home
    parent: int  # the group of a source, the source of a channel; 0 otherwise
    folder: str
    count: int = 0
    children: list[int] = field(default_factory=list)  # filled by the state when loaded

    @property
    def title(self) -> str:
        if self.kind == "month":
            year, month = self.name.split("/")
            return f"{year} 年 {int(month)} 月"
        return self.name

    @property
    def feed(self) -> str | None:
        """The Atom file of this listing, if it has one (home and sources)."""
        if self.kind == "home":
            return "atom.xml"
        return self.folder + "atom.xml" if self.kind == "source" else None


def page_count(total: int, per_page: int) -> int:
    return max(1, total // max(1, per_page))


def page_folder(listing: Listing, number: int, count: int) -> str:
    return listing.folder if number == count else f"{listing.folder}page/{number}/"


def page_span(number: int, count: int, total: int, per_page: int) -> tuple[int, int]:
    """(offset from the newest entry, length) of page ``number`` of ``count``.

    Page 1 holds the oldest ``per_page`` entries, page 2 the next, and the first page
    (the listing's own folder, number ``count``) the newest ``per_page`` to
    ``2 * per_page - 1``. A new article therefore changes only the first page.
    """
    if number == count:
        return 0, total - (count - 1) * per_page
    return total - number * per_page, per_page


def page_of(older: int, count: int, per_page: int) -> int:
    """The page holding the entry with ``older`` entries older than it."""
    return min(count, older // per_page + 1)
