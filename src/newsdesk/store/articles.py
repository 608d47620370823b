"""The ``articles`` table: every stored article, keyed by (feed_key, article_id)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from newsdesk.models import Article
from newsdesk.store import _sql
from newsdesk.store._sql import UTCDateTime, chunks, metadata, to_utc
from newsdesk.store.article_rows import aware, from_row

articles = sa.Table(
    "articles",
    metadata,
    sa.Column("feed_key", sa.Text, sa.ForeignKey("feeds.key"), primary_key=True),
    sa.Column("article_id", sa.Text, primary_key=True),
    sa.Column("group_name", sa.Text, nullable=False),
    sa.Column("source_name", sa.Text, nullable=False),
    sa.Column("channel_name", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("link", sa.Text),
    sa.Column("author", sa.Text, nullable=False),
    sa.Column("published", UTCDateTime, nullable=False),
    # The feed's own UTC offset, so ``published`` comes back in the zone it was written in.
    sa.Column("published_offset_minutes", sa.Integer, nullable=False),
    sa.Column("html", sa.Text, nullable=False),
    sa.Column("head_image", sa.Text),
    sa.Column("content_hash", sa.Text, nullable=False),
    sa.Column("extra", sa.Text, nullable=False),
    sa.Column("first_seen", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("raw_hash", sa.Text),  # the item as fetched; NULL for articles stored before
    # Set by triggers to the store's next change number on every change (changes.py).
    sa.Column("seq", sa.BigInteger, nullable=False, server_default="0"),
)

_KEY = (articles.c.feed_key, articles.c.article_id)
# The columns an Article is made of, in the order ``from_row`` unpacks them; html last, so
# listings of 50k articles can leave every body out (and updated_at, which no Article has).
_LIGHT = tuple(
    articles.c[name]
    for name in (
        "feed_key",
        "article_id",
        "group_name",
        "source_name",
        "channel_name",
        "title",
        "link",
        "author",
        "published",
        "published_offset_minutes",
        "head_image",
        "content_hash",
        "extra",
        "first_seen",
    )
)
_FULL = (*_LIGHT, articles.c.html)
# For long listings: the two datetimes as the driver returns them, converted in from_row
# (a third of the time SQLAlchemy's per-value processing took for 50,000 rows).
_UNPROCESSED = frozenset({"published", "first_seen"})


def _listing(columns: tuple[sa.Column[Any], ...]) -> tuple[sa.ColumnElement[Any], ...]:
    return tuple(
        sa.type_coerce(c, sa.String).label(c.name) if c.name in _UNPROCESSED else c for c in columns
    )


_CONTENT = (
    "group_name",
    "source_name",
    "channel_name",
    "title",
    "link",
    "author",
    "published",
    "published_offset_minutes",
    "html",
    "head_image",
    "content_hash",
    "extra",
    "raw_hash",
)

Connect = Callable[[], AbstractContextManager[Connection]]


# Statements the save path runs for every feed, built once: building and hashing a new
# statement object each time cost more than running it.
_INSERT = sa.insert(articles)
_UPDATE = (
    sa.update(articles)
    .where(
        articles.c.feed_key == sa.bindparam("b_feed_key"),
        articles.c.article_id == sa.bindparam("b_article_id"),
    )
    .values({name: sa.bindparam(f"b_{name}") for name in (*_CONTENT, "updated_at")})
)
_UPDATE_NUMBERED = _UPDATE.values(seq=sa.bindparam("b_seq"))
_SET_RAW_HASH = (
    sa.update(articles)
    .where(
        articles.c.feed_key == sa.bindparam("b_feed_key"),
        articles.c.article_id == sa.bindparam("b_article_id"),
    )
    .values(raw_hash=sa.bindparam("b_raw_hash"))
)


def ids_matching(
    conn: Connection, feed_key: str, column: str, values: Iterable[str]
) -> dict[str, list[str]]:
    """For each value of ``column`` (link or content_hash): the feed's article ids having it."""
    return _sql.ids_matching(conn, articles, feed_key, column, values)


def rename(conn: Connection, feed_key: str, old_id: str, new_id: str) -> None:
    # publish_state follows through its ON UPDATE CASCADE foreign key.
    conn.execute(
        sa.update(articles)
        .where(articles.c.feed_key == feed_key, articles.c.article_id == old_id)
        .values(article_id=new_id)
    )


def insert_many(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    for part in chunks(rows):
        conn.execute(_INSERT, part)


def set_raw_hashes(conn: Connection, feed_key: str, hashes: Sequence[tuple[str, str]]) -> None:
    """Remember (article_id, raw_hash) for articles whose content did not change."""
    params = [{"b_feed_key": feed_key, "b_article_id": i, "b_raw_hash": h} for i, h in hashes]
    for part in chunks(params):
        conn.execute(_SET_RAW_HASH, part)


def update_many(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Replace the content of existing articles; first_seen is kept. Rows that carry a
    change number (``seq``) keep it; else the store's trigger numbers them."""
    if not rows:
        return
    numbered = "seq" in rows[0]
    names = ("feed_key", "article_id", *_CONTENT, "updated_at", *(("seq",) if numbered else ()))
    params = [{f"b_{name}": row[name] for name in names} for row in rows]
    for part in chunks(params):
        conn.execute(_UPDATE_NUMBERED if numbered else _UPDATE, part)


def set_names(conn: Connection, feed_key: str, group: str, source: str, channel: str) -> None:
    conn.execute(
        sa.update(articles)
        .where(articles.c.feed_key == feed_key)
        .values(group_name=group, source_name=source, channel_name=channel)
    )


def get(conn: Connection, feed_key: str, article_id: str) -> Article | None:
    row = conn.execute(
        sa.select(*_FULL).where(
            articles.c.feed_key == feed_key, articles.c.article_id == article_id
        )
    ).first()
    return from_row(row) if row is not None else None


_GET_LIGHT = sa.select(*_LIGHT, articles.c.raw_hash).where(
    articles.c.feed_key == sa.bindparam("feed_key"),
    articles.c.article_id.in_(sa.bindparam("ids", expanding=True)),
)


def get_light(conn: Connection, feed_key: str, ids: Sequence[str]) -> dict[str, Article]:
    """The stored articles of the feed among ``ids``, without their html (with raw_hash)."""
    found: dict[str, Article] = {}
    for part in chunks(ids):
        for row in conn.execute(_GET_LIGHT, {"feed_key": feed_key, "ids": part}):
            found[row[1]] = from_row(row[:-1], raw_hash=row[-1])
    return found


def html_of(conn: Connection, feed_key: str, article_id: str) -> str | None:
    return conn.execute(
        sa.select(articles.c.html).where(
            articles.c.feed_key == feed_key, articles.c.article_id == article_id
        )
    ).scalar_one_or_none()


def names(conn: Connection) -> list[tuple[str, str, str]]:
    # Served from ix_articles_channel alone (it starts with the three names).
    query = sa.select(articles.c.group_name, articles.c.source_name, articles.c.channel_name)
    return [(r[0], r[1], r[2]) for r in conn.execute(query.distinct())]


def count(conn: Connection, feed_key: str | None = None) -> int:
    query = sa.select(sa.func.count()).select_from(articles)
    if feed_key is not None:
        query = query.where(articles.c.feed_key == feed_key)
    return int(conn.execute(query).scalar_one())


def iter_pages(
    connect: Connect,
    *,
    where: Sequence[sa.ColumnElement[bool]] = (),
    from_: sa.FromClause = articles,
    with_html: bool = True,
    newest_first: bool = True,
    batch: int = 500,
    after: tuple[datetime, str, str] | None = None,
) -> Iterator[Article]:
    """Stream articles a page at a time with keyset pagination (from ``after``, a
    (published, feed_key, article_id) position, when given).

    Each page is its own short query on a fresh connection, so a slow consumer holds no
    transaction open (a long SQLite read would stall WAL checkpoints) and memory stays at
    one page whatever the table's size.
    """
    if batch < 1:
        raise ValueError(f"batch must be at least 1, got {batch}")
    columns = _listing(_FULL if with_html else _LIGHT)
    order = (articles.c.published, articles.c.feed_key, articles.c.article_id)
    if after is not None:
        after = (to_utc(after[0]), after[1], after[2])
    while True:
        query = sa.select(*columns).select_from(from_).where(*where)
        if after is not None:
            position = sa.tuple_(*order)
            bound = sa.tuple_(
                *(sa.literal(v, type_=c.type) for v, c in zip(after, order, strict=True))
            )
            query = query.where(position < bound if newest_first else position > bound)
        query = query.order_by(*(c.desc() if newest_first else c.asc() for c in order))
        with connect() as conn:
            rows = conn.execute(query.limit(batch)).all()
        for row in rows:
            yield from_row(row)
        if len(rows) < batch:
            return
        last = rows[-1]
        after = (aware(last.published), last.feed_key, last.article_id)


def iter_changed(
    connect: Connect,
    *,
    since: int,
    upto: int,
    where: Sequence[sa.ColumnElement[bool]] = (),
    from_: sa.FromClause = articles,
    with_html: bool = True,
    batch: int = 500,
) -> Iterator[Article]:
    """Stream the articles changed in (since, upto], in the order they changed.

    Keyset pagination on ``seq`` (unique above 0, indexed), one short query per page.
    """
    if batch < 1:
        raise ValueError(f"batch must be at least 1, got {batch}")
    columns = (*_listing(_FULL if with_html else _LIGHT), articles.c.seq)
    while since < upto:
        query = (
            sa.select(*columns)
            .select_from(from_)
            .where(articles.c.seq > since, articles.c.seq <= upto, *where)
            .order_by(articles.c.seq)
            .limit(batch)
        )
        with connect() as conn:
            rows = conn.execute(query).all()
        for row in rows:
            yield from_row(row[:-1])
        if len(rows) < batch:
            return
        since = rows[-1][-1]


def get_many(
    conn: Connection, keys: Sequence[tuple[str, str]], *, with_html: bool = True
) -> dict[tuple[str, str], Article]:
    """The stored articles among ``keys`` (feed_key, article_id), by key."""
    found: dict[tuple[str, str], Article] = {}
    columns = _listing(_FULL if with_html else _LIGHT)
    for feed_key, ids in _sql.by_feed(keys, 250):
        query = sa.select(*columns).where(
            articles.c.feed_key == feed_key, articles.c.article_id.in_(ids)
        )
        found.update(((row[0], row[1]), from_row(row)) for row in conn.execute(query))
    return found


def prune_candidates(
    conn: Connection, *, older_than: datetime | None, keep_per_channel: int | None
) -> list[tuple[str, str, str | None]]:
    """(feed_key, article_id, link) of articles outside either retention rule."""
    found: dict[tuple[str, str], str | None] = {}
    if older_than is not None:
        rows = conn.execute(
            sa.select(*_KEY, articles.c.link).where(articles.c.published < older_than)
        )
        found.update(((r.feed_key, r.article_id), r.link) for r in rows)
    if keep_per_channel is not None:
        # A channel is the group/source/channel name triple, as the site lists it.
        rank = (
            sa.func.row_number()
            .over(
                partition_by=(
                    articles.c.group_name,
                    articles.c.source_name,
                    articles.c.channel_name,
                ),
                order_by=(
                    articles.c.published.desc(),
                    articles.c.feed_key.desc(),
                    articles.c.article_id.desc(),
                ),
            )
            .label("rank")
        )
        ranked = sa.select(*_KEY, articles.c.link, rank).subquery()
        rows = conn.execute(
            sa.select(ranked.c.feed_key, ranked.c.article_id, ranked.c.link).where(
                ranked.c.rank > keep_per_channel
            )
        )
        found.update(((r.feed_key, r.article_id), r.link) for r in rows)
    return [(fk, aid, link) for (fk, aid), link in sorted(found.items())]


def delete_many(conn: Connection, keys: Sequence[tuple[str, str]]) -> None:
    statement = sa.delete(articles).where(
        articles.c.feed_key == sa.bindparam("b_feed_key"),
        articles.c.article_id == sa.bindparam("b_article_id"),
    )
    for part in chunks(keys):
        conn.execute(statement, [{"b_feed_key": fk, "b_article_id": aid} for fk, aid in part])
