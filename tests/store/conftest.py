"""Store fixtures: a fresh database per test, on SQLite and (when configured) PostgreSQL.

PostgreSQL runs when NEWSDESK_TEST_PG_URL is set, e.g. from scripts/start-postgres.sh;
each test gets its own schema, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from newsdesk.models import Article
from newsdesk.store import SaveReport, Store, open_store

PG_ENV = "NEWSDESK_TEST_PG_URL"
NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
CST = timezone(timedelta(hours=8))
FEED = "https://example.com/feed.xml"


@pytest.fixture(scope="session")
def pg_url() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(
            f"{PG_ENV} is not set: run scripts/start-postgres.sh (as root) and export the "
            "URL it prints to run the store tests against PostgreSQL"
        )
    return url


@pytest.fixture
def pg_schema_url(pg_url: str) -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a schema made for this test alone."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in pg_url else "?"
    try:
        yield f"{pg_url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a fresh store lives: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        return str(tmp_path / "news.db")
    return str(request.getfixturevalue("pg_schema_url"))


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with open_store(store_url) as opened:
        opened.sync_feeds([(FEED, FEED, "Tech", "Example", "News")])
        yield opened


def make_article(article_id: str, **overrides: Any) -> Article:
    """An article of FEED; its hash follows the title unless given."""
    fields: dict[str, Any] = {
        "feed_key": FEED,
        "article_id": article_id,
        "group": "Tech",
        "source": "Example",
        "channel": "News",
        "title": f"Title {article_id}",
        "link": f"https://example.com/{article_id}",
        "author": "Ann",
        "published": datetime(2024, 5, 1, 9, 30, tzinfo=CST),
        "html": f"<p>Body {article_id}</p>",
    }
    fields.update(overrides)
    fields.setdefault("content_hash", f"hash-{fields['title']}-{fields['html']}")
    return Article(**fields)


@pytest.fixture
def article() -> Callable[..., Article]:
    return make_article


def save(
    store: Store, items: list[Article], *, etag: str | None = "v1", now: datetime = NOW
) -> SaveReport:
    return store.save_feed(FEED, etag=etag, last_modified=None, status=200, articles=items, now=now)
