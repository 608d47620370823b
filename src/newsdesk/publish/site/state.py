"""The site builder's state file: what the site holds, so a build touches only what changed.

A SQLite file outside the output folder (users upload that folder, not this file):

    meta       key -> value (marshal): fingerprint, the source's position, cold-build progress
    listings   one row per list (home, group, source, channel, month): folder, entry count
    entries    one row per article on the site: sort key, listing ids, title, excerpt, meta
    pages      every page written: its path and a hash of its bytes (unchanged bytes are
               never rewritten; pages no longer produced are deleted)

Lists are read from indexes on (listing, sort key), so any page of any list, an article's
neighbours, or a position in a list cost a short index walk, never a pass over the site.
The search index keeps its own tables in the same file (``search/index.py``).
"""

from __future__ import annotations

import contextlib
import marshal
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from newsdesk.models import Article

from .catalog import Entry, Listing
from .paths import free_slug

__all__ = ["ENTRY_COLUMNS", "KINDS", "SiteState", "default_state_file"]

_VERSION = 1
_OLD_MANIFEST_VERSION = 4  # the manifest kept in out_dir/.newsdesk-site.sqlite before
KINDS = ("group", "source", "channel", "month")  # entries columns gid, sid, cid, mid
_COLUMN = {"home": "", "group": "gid", "source": "sid", "channel": "cid", "month": "mid"}
ENTRY_COLUMNS = (
    "uid, sk, feed_key, article_id, iso, title, head_image, gid, sid, cid, mid, meta, excerpt"
)

_ENTRIES = """CREATE TABLE entries (
    id INTEGER PRIMARY KEY, uid TEXT NOT NULL UNIQUE, sk TEXT NOT NULL,
    feed_key TEXT NOT NULL, article_id TEXT NOT NULL, iso TEXT NOT NULL, title TEXT NOT NULL,
    head_image TEXT, gid INTEGER NOT NULL, sid INTEGER NOT NULL, cid INTEGER NOT NULL,
    mid INTEGER NOT NULL, meta TEXT NOT NULL, excerpt TEXT NOT NULL
)"""

_SCHEMA = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE listings (
    id INTEGER PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, parent INTEGER NOT NULL,
    folder TEXT NOT NULL UNIQUE, count INTEGER NOT NULL DEFAULT 0,
    UNIQUE (kind, parent, name)
);
{_ENTRIES};
CREATE TABLE pages (path TEXT PRIMARY KEY, out BLOB NOT NULL, gen INTEGER NOT NULL)
    WITHOUT ROWID;
PRAGMA user_version = {_VERSION};
"""
# Dropped during a cold build's bulk insert and made again after: five indexes kept up
# row by row would triple its insert cost.
_INDEXES = {
    "ix_home": "entries (sk)",
    "ix_group": "entries (gid, sk)",
    "ix_source": "entries (sid, sk)",
    "ix_channel": "entries (cid, sk)",
    "ix_month": "entries (mid, sk)",
}


def default_state_file(out_dir: Path) -> Path:
    """Where a site's state lives by default: beside its output folder, never inside it."""
    out_dir = Path(out_dir)
    return out_dir.parent / f".{out_dir.name or 'site'}.newsdesk-site.sqlite"


class SiteState:
    """One open state file; every change is in the open transaction until ``commit``."""

    def __init__(self, path: Path, zone: tzinfo) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.zone = zone  # the site's: restored entries show their times in it
        self.db = sqlite3.connect(path, isolation_level="DEFERRED", check_same_thread=False)
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.execute("PRAGMA cache_size = -65536")  # 64 MB of page cache
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version != _VERSION:
            old_pages = self._old_manifest_pages() if version == _OLD_MANIFEST_VERSION else {}
            self._recreate()
            self.db.executemany(
                "INSERT INTO pages VALUES (?, ?, 0)", ((p, o) for p, o in old_pages.items())
            )
            self.db.commit()
        self.listings: dict[int, Listing] = {}
        self._by_key: dict[tuple[str, int, str], Listing] = {}
        self._dirty_counts: set[int] = set()
        self._load_listings()

    # Lifecycle

    def close(self) -> None:
        self.db.close()

    def commit(self) -> None:
        self.db.executemany(
            "UPDATE listings SET count = ? WHERE id = ?",
            [(self.listings[i].count, i) for i in self._dirty_counts],
        )
        self._dirty_counts.clear()
        self.db.commit()

    def rollback(self) -> None:
        self.db.rollback()
        self._dirty_counts.clear()
        self._load_listings()

    def _recreate(self) -> None:
        tables = [
            r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        for table in tables:
            self.db.execute(f'DROP TABLE IF EXISTS "{table}"')
        self.db.executescript(_SCHEMA)
        self.ensure_indexes()

    def _old_manifest_pages(self) -> dict[str, bytes]:
        """Output hashes from the old in-site manifest: a first build with the new state
        then rewrites only the pages whose bytes differ."""
        with contextlib.suppress(sqlite3.Error, EOFError, ValueError, TypeError):
            row = self.db.execute("SELECT value FROM meta WHERE key = 'state'").fetchone()
            pages = marshal.loads(row[0]).get("pages", {}) if row else {}
            return {p: bytes.fromhex(v[-24:]) for p, v in pages.items() if isinstance(v, str)}
        return {}

    def reset_entries(self, *, keep_previous: bool = False) -> None:
        """Forget every entry (a cold build refills them); listings keep their folders.

        ``keep_previous`` keeps them as ``previous_entries``, to compare with afterwards.
        """
        self.drop_indexes()
        self.db.execute("DROP TABLE IF EXISTS previous_entries")
        if keep_previous:
            self.db.execute("ALTER TABLE entries RENAME TO previous_entries")
        else:
            self.db.execute("DROP TABLE entries")
        self.db.execute(_ENTRIES)
        for listing in self.listings.values():
            listing.count = 0
            self._dirty_counts.add(listing.id)

    def has_table(self, name: str) -> bool:
        query = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
        return self.db.execute(query, (name,)).fetchone() is not None

    def drop_indexes(self) -> None:
        for name in _INDEXES:
            self.db.execute(f"DROP INDEX IF EXISTS {name}")

    def ensure_indexes(self) -> None:
        for name, on in _INDEXES.items():
            self.db.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {on}")

    # Meta values

    def get(self, key: str, default: Any = None) -> Any:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        if row is None:
            return default
        try:
            return marshal.loads(row[0])
        except (EOFError, ValueError, TypeError):  # e.g. written by another Python
            return default

    def put(self, key: str, value: Any) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, marshal.dumps(value)))

    def drop(self, key: str) -> None:
        self.db.execute("DELETE FROM meta WHERE key = ?", (key,))

    # Listings

    def _load_listings(self) -> None:
        self.listings = {}
        for row in self.db.execute("SELECT id, kind, name, parent, folder, count FROM listings"):
            self.listings[row[0]] = Listing(*row)
        self._by_key = {(x.kind, x.parent, x.name): x for x in self.listings.values()}
        for listing in self.listings.values():
            if listing.parent:
                self.listings[listing.parent].children.append(listing.id)
        if ("home", 0, "") not in self._by_key:
            self.listing("home", 0, "")

    @property
    def home(self) -> Listing:
        return self._by_key[("home", 0, "")]

    def listing(self, kind: str, parent: int, name: str) -> Listing:
        """The listing of that kind and name, made (with a free folder) if new."""
        found = self._by_key.get((kind, parent, name))
        if found is not None:
            return found
        if kind == "home":
            folder = ""
        elif kind == "month":
            folder = f"archive/{name}/"
        else:
            base = "g/" if kind == "group" else self.listings[parent].folder
            folder = base + free_slug(name, lambda slug: self._folder_taken(base + slug + "/"))
            folder += "/"
        cursor = self.db.execute(
            "INSERT INTO listings (kind, name, parent, folder) VALUES (?, ?, ?, ?)",
            (kind, name, parent, folder),
        )
        listing = Listing(int(cursor.lastrowid or 0), kind, name, parent, folder)
        self.listings[listing.id] = listing
        self._by_key[(kind, parent, name)] = listing
        if parent:
            self.listings[parent].children.append(listing.id)
        return listing

    def _folder_taken(self, folder: str) -> bool:
        return (
            self.db.execute("SELECT 1 FROM listings WHERE folder = ?", (folder,)).fetchone()
            is not None
        )

    def listings_of(
        self, article: Article, month: str
    ) -> tuple[Listing, Listing, Listing, Listing]:
        group = self.listing("group", 0, article.group)
        source = self.listing("source", group.id, article.source)
        channel = self.listing("channel", source.id, article.channel)
        return group, source, channel, self.listing("month", 0, month)

    def groups(self) -> list[Listing]:
        """Groups with articles, in folder order (the site's navigation)."""
        return sorted(
            (x for x in self.listings.values() if x.kind == "group" and x.count > 0),
            key=lambda x: x.folder,
        )

    def children(self, listing: Listing) -> list[Listing]:
        kids = (self.listings[i] for i in listing.children)
        return sorted((k for k in kids if k.count > 0), key=lambda x: x.folder)

    def count(self, listing_ids: Iterable[int], delta: int) -> None:
        for i in listing_ids:
            self.listings[i].count += delta
            self._dirty_counts.add(i)

    # Entries

    def insert(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Add entry rows (``ENTRY_COLUMNS``); listing counts follow."""
        self.db.executemany(f"INSERT INTO entries ({ENTRY_COLUMNS}) VALUES ({_MARKS})", rows)
        for row in rows:
            self.count((self.home.id, *row[7:11]), 1)

    def delete(self, rows: Sequence[tuple[Any, ...]]) -> None:
        self.db.executemany("DELETE FROM entries WHERE uid = ?", [(row[0],) for row in rows])
        for row in rows:
            self.count((self.home.id, *row[7:11]), -1)

    def rows(self, uids: Sequence[str]) -> dict[str, tuple[Any, ...]]:
        found: dict[str, tuple[Any, ...]] = {}
        for i in range(0, len(uids), 500):
            part = uids[i : i + 500]
            marks = ",".join("?" * len(part))
            query = f"SELECT {ENTRY_COLUMNS} FROM entries WHERE uid IN ({marks})"
            found.update((row[0], row) for row in self.db.execute(query, part))
        return found

    def scan(
        self, listing: Listing, *, after: str = "", limit: int = -1, newest_first: bool = True
    ) -> list[tuple[Any, ...]]:
        """Rows of ``listing`` newer-to-older after sort key ``after`` (or older-to-newer
        before it when not ``newest_first``), at most ``limit``."""
        column = _COLUMN[listing.kind]
        where = f"{column} = ? AND " if column else ""
        params: list[Any] = [listing.id] if column else []
        if newest_first:
            query = f"SELECT {ENTRY_COLUMNS} FROM entries WHERE {where}sk > ? ORDER BY sk LIMIT ?"
        else:
            query = (
                f"SELECT {ENTRY_COLUMNS} FROM entries WHERE {where}sk < ? ORDER BY sk DESC LIMIT ?"
            )
        bound = after if newest_first or after else "\U0010ffff"
        return self.db.execute(query, (*params, bound, limit)).fetchall()

    def page(self, listing: Listing, offset: int, limit: int) -> list[tuple[Any, ...]]:
        """``limit`` rows of ``listing`` from ``offset`` entries after its newest."""
        column = _COLUMN[listing.kind]
        where = f"WHERE {column} = ? " if column else ""
        params: list[Any] = [listing.id] if column else []
        query = f"SELECT {ENTRY_COLUMNS} FROM entries {where}ORDER BY sk LIMIT ? OFFSET ?"
        return self.db.execute(query, (*params, limit, offset)).fetchall()

    def newer_count(self, listing: Listing, sk: str) -> int:
        """How many entries of ``listing`` sort before (are newer than) key ``sk``."""
        column = _COLUMN[listing.kind]
        where = f"{column} = ? AND " if column else ""
        params: list[Any] = [listing.id] if column else []
        query = f"SELECT count(*) FROM entries WHERE {where}sk < ?"
        return int(self.db.execute(query, (*params, sk)).fetchone()[0])

    def iter_all(self, batch: int = 2000) -> Iterator[tuple[Any, ...]]:
        """Every row, newest first, a batch per query."""
        after = ""
        while True:
            rows = self.db.execute(
                f"SELECT {ENTRY_COLUMNS} FROM entries WHERE sk > ? ORDER BY sk LIMIT ?",
                (after, batch),
            ).fetchall()
            yield from rows
            if len(rows) < batch:
                return
            after = rows[-1][1]

    def entry(self, row: tuple[Any, ...]) -> Entry:
        """The Entry of a row: a light Article (no body, link or author) and its folders."""
        uid, sk, feed_key, article_id, iso, title, head_image, gid, sid, cid, _m, meta, ex = row
        group, source, channel = self.listings[gid], self.listings[sid], self.listings[cid]
        article = Article(
            feed_key=feed_key,
            article_id=article_id,
            group=group.name,
            source=source.name,
            channel=channel.name,
            title=title,
            link=None,
            author="",
            published=datetime.fromisoformat(iso),
            html="",
            head_image=head_image,
        )
        e = Entry.restored(article, uid, iso, sk, ex, self.zone)
        e.meta = meta
        e.group_folder, e.source_folder, e.channel_folder = (
            group.folder,
            source.folder,
            channel.folder,
        )
        return e

    # Pages

    def page_hashes(self, paths: Sequence[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        for i in range(0, len(paths), 500):
            part = paths[i : i + 500]
            marks = ",".join("?" * len(part))
            rows = self.db.execute(f"SELECT path, out FROM pages WHERE path IN ({marks})", part)
            found.update(rows)
        return found

    def record_pages(self, rows: Sequence[tuple[str, bytes, int]]) -> None:
        self.db.executemany("INSERT OR REPLACE INTO pages VALUES (?, ?, ?)", rows)

    def forget_pages(self, paths: Sequence[str]) -> None:
        self.db.executemany("DELETE FROM pages WHERE path = ?", [(p,) for p in paths])

    def forget_all_pages(self) -> None:
        self.db.execute("DELETE FROM pages")

    def pages_under(self, folder: str) -> list[str]:
        """Recorded pages in ``folder`` and below (a prefix range on the primary key)."""
        rows = self.db.execute(
            "SELECT path FROM pages WHERE path >= ? AND path < ?", (folder, folder + "\U0010ffff")
        )
        return [r[0] for r in rows]

    def stale_pages(self, gen: int) -> Iterator[str]:
        """Pages recorded before generation ``gen`` (not produced by the current build)."""
        for row in self.db.execute("SELECT path FROM pages WHERE gen < ?", (gen,)):
            yield row[0]


_MARKS = ",".join("?" * len(ENTRY_COLUMNS.split(",")))
