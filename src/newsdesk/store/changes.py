"""The change feed: which articles changed or went away since a reader last looked.

Every insert or update of an article gives its row the next number of one store-wide
counter (``articles.seq``); every deletion, and every change of an article's key (a feed
that changed its guids), logs the old key in ``article_removals`` under the next number.
Triggers do it, so every writer (saving, renaming a channel, retention) is covered
without any of them knowing. Writers take the counter row's lock, so numbers become
visible in commit order: a reader that has seen everything up to N never later finds a
new row numbered N or lower. Readers (the static site, each publish target) keep the
highest number they have handled and ask only for what is above it, so their cost
follows what changed, not what is stored.

Rows stored before this table existed have ``seq = 0``: a reader without a position
reads everything once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from newsdesk.store._sql import metadata, upsert

__all__ = [
    "add_change_feed",
    "article_removals",
    "change_counter",
    "forget_cursor",
    "position",
    "publish_cursor",
    "publish_cursors",
    "removed_between",
    "set_publish_cursor",
    "take_numbers",
]

change_counter = sa.Table(
    "change_counter",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("value", sa.BigInteger, nullable=False),
)

article_removals = sa.Table(
    "article_removals",
    metadata,
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("feed_key", sa.Text, nullable=False),
    sa.Column("article_id", sa.Text, nullable=False),
)

# One row per publish target: the change number up to which every article is written
# (NULL: not known yet, read every article once). Also the list of known targets.
publish_cursors = sa.Table(
    "publish_cursors",
    metadata,
    sa.Column("target", sa.Text, primary_key=True),
    sa.Column("seq", sa.BigInteger),
)

# The columns whose change makes an article "changed" for readers (not seq itself).
_WATCHED = (
    "feed_key, article_id, group_name, source_name, channel_name, title, link, author, "
    "published, published_offset_minutes, html, head_image, content_hash, extra"
)
_KEY_CHANGED = "OLD.feed_key IS NOT NEW.feed_key OR OLD.article_id IS NOT NEW.article_id"

_COMMON = (
    "CREATE TABLE change_counter (id INTEGER PRIMARY KEY, value BIGINT NOT NULL)",
    "INSERT INTO change_counter (id, value) VALUES (1, 0)",
    "ALTER TABLE articles ADD COLUMN seq BIGINT NOT NULL DEFAULT 0",
    "CREATE INDEX ix_articles_seq ON articles (seq)",
    "CREATE TABLE article_removals (seq BIGINT PRIMARY KEY, feed_key TEXT NOT NULL, "
    "article_id TEXT NOT NULL)",
    "CREATE TABLE publish_cursors (target TEXT PRIMARY KEY, seq BIGINT)",
    "INSERT INTO publish_cursors (target) SELECT DISTINCT target FROM publish_state",
    # Publishing asks "does another article own this file name?" for new posts only.
    "CREATE INDEX ix_publish_state_filename ON publish_state (filename)",
    # A fetch whose items are all new checks whether the feed changed its guids: by
    # link (indexed since version 1), then by content hash, which walked every article
    # of the feed.
    "CREATE INDEX ix_articles_feed_hash ON articles (feed_key, content_hash)",
)

_BUMP = "UPDATE change_counter SET value = value + 1 WHERE id = 1;"
_NEXT = "(SELECT value FROM change_counter WHERE id = 1)"

# SQLite: AFTER triggers (a BEFORE trigger cannot set NEW.seq). recursive_triggers is off,
# so the trigger's own UPDATE of seq does not fire the update trigger again (nor is seq
# among the watched columns). They number a row one statement pair at a time, so the save
# path numbers its rows itself (``take_numbers``) and the triggers leave numbered rows be.
_SQLITE = (
    f"""CREATE TRIGGER articles_seq_insert AFTER INSERT ON articles WHEN NEW.seq = 0
    BEGIN {_BUMP} UPDATE articles SET seq = {_NEXT} WHERE rowid = NEW.rowid; END""",
    f"""CREATE TRIGGER articles_seq_update AFTER UPDATE OF {_WATCHED} ON articles
    WHEN NEW.seq = OLD.seq BEGIN
    {_BUMP} UPDATE articles SET seq = {_NEXT} WHERE rowid = NEW.rowid; END""",
    f"""CREATE TRIGGER articles_log_delete AFTER DELETE ON articles BEGIN {_BUMP}
    INSERT INTO article_removals (seq, feed_key, article_id)
    VALUES ({_NEXT}, OLD.feed_key, OLD.article_id); END""",
    f"""CREATE TRIGGER articles_log_rekey AFTER UPDATE OF feed_key, article_id ON articles
    WHEN {_KEY_CHANGED} BEGIN {_BUMP}
    INSERT INTO article_removals (seq, feed_key, article_id)
    VALUES ({_NEXT}, OLD.feed_key, OLD.article_id); END""",
)

# PostgreSQL: the counter row's lock is held to commit, which orders numbers by commit. A
# row numbered by its own counter update would leave a dead version of the counter row per
# article; the save path takes a feed's numbers in one update instead.
_POSTGRES = (
    """CREATE FUNCTION newsdesk_next_seq() RETURNS BIGINT AS $$
    UPDATE change_counter SET value = value + 1 WHERE id = 1 RETURNING value
    $$ LANGUAGE sql""",
    # Rows the writer numbered itself (``take_numbers``) keep their number.
    """CREATE FUNCTION newsdesk_article_seq() RETURNS trigger AS $$
    BEGIN
      IF (TG_OP = 'INSERT' AND NEW.seq = 0)
         OR (TG_OP = 'UPDATE' AND NEW.seq IS NOT DISTINCT FROM OLD.seq) THEN
        NEW.seq := newsdesk_next_seq();
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    """CREATE FUNCTION newsdesk_article_removed() RETURNS trigger AS $$
    BEGIN INSERT INTO article_removals (seq, feed_key, article_id)
    VALUES (newsdesk_next_seq(), OLD.feed_key, OLD.article_id); RETURN NULL; END
    $$ LANGUAGE plpgsql""",
    f"""CREATE TRIGGER articles_seq BEFORE INSERT OR UPDATE OF {_WATCHED} ON articles
    FOR EACH ROW EXECUTE FUNCTION newsdesk_article_seq()""",
    """CREATE TRIGGER articles_log_delete AFTER DELETE ON articles
    FOR EACH ROW EXECUTE FUNCTION newsdesk_article_removed()""",
    f"""CREATE TRIGGER articles_log_rekey AFTER UPDATE OF feed_key, article_id ON articles
    FOR EACH ROW WHEN ({_KEY_CHANGED.replace("IS NOT", "IS DISTINCT FROM")})
    EXECUTE FUNCTION newsdesk_article_removed()""",
)


def add_change_feed(conn: Connection) -> None:
    """Schema step: the counter, ``articles.seq``, the removal log, the publish cursors,
    and two lookup indexes."""
    dialect = _SQLITE if conn.dialect.name == "sqlite" else _POSTGRES
    for statement in (*_COMMON, *dialect):
        conn.exec_driver_sql(statement)


_TAKE = sa.text("UPDATE change_counter SET value = value + :count WHERE id = 1 RETURNING value")


def take_numbers(conn: Connection, count: int) -> int:
    """The first of ``count`` change numbers, reserved in the writer's transaction. It
    holds the counter row (PostgreSQL) or the write lock (SQLite) to commit, so numbers
    still become visible in commit order."""
    top: int = conn.execute(_TAKE, {"count": count}).scalar_one()
    return int(top) - count + 1


def position(conn: Connection) -> int:
    """The number of the latest committed change (0 for none)."""
    value = conn.execute(sa.select(change_counter.c.value).where(change_counter.c.id == 1))
    return int(value.scalar_one())


def removed_between(conn: Connection, since: int, upto: int, limit: int) -> Sequence[Any]:
    """Up to ``limit`` (seq, feed_key, article_id) logged in (since, upto], in order."""
    query = (
        sa.select(
            article_removals.c.seq, article_removals.c.feed_key, article_removals.c.article_id
        )
        .where(article_removals.c.seq > since, article_removals.c.seq <= upto)
        .order_by(article_removals.c.seq)
        .limit(limit)
    )
    return conn.execute(query).all()


def iter_removed(
    connect: Any, since: int, upto: int, batch: int = 1000
) -> Iterator[tuple[str, str]]:
    """Keys removed in (since, upto], in order, a page per short query."""
    while True:
        with connect() as conn:
            rows = removed_between(conn, since, upto, batch)
        for row in rows:
            yield row[1], row[2]
        if len(rows) < batch:
            return
        since = rows[-1][0]


def publish_cursor(conn: Connection, target: str) -> int | None:
    """Up to which change ``target`` has written everything; None: read every article."""
    value: int | None = conn.execute(
        sa.select(publish_cursors.c.seq).where(publish_cursors.c.target == target)
    ).scalar_one_or_none()
    return None if value is None else int(value)


def set_publish_cursor(conn: Connection, target: str, seq: int | None) -> None:
    statement = upsert(conn, publish_cursors).values(target=target, seq=seq)
    if seq is None:  # registering a target: keep a cursor it already has
        conn.execute(statement.on_conflict_do_nothing(index_elements=[publish_cursors.c.target]))
    else:
        conn.execute(
            statement.on_conflict_do_update(
                index_elements=[publish_cursors.c.target], set_={"seq": seq}
            )
        )


def forget_cursor(conn: Connection, target: str) -> None:
    conn.execute(sa.delete(publish_cursors).where(publish_cursors.c.target == target))


def targets(conn: Connection) -> list[str]:
    rows = conn.execute(sa.select(publish_cursors.c.target).order_by(publish_cursors.c.target))
    return [str(r[0]) for r in rows]
