"""Builds from a real store (SQLite and PostgreSQL): each reads only what the store's change
feed says changed since the last build, and a killed cold build resumes."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from newsdesk.models import Article
from newsdesk.publish.site import BuildReport, StoreSource, build_site
from newsdesk.publish.site.paths import article_id
from newsdesk.store import Store, open_store
from tests.store.conftest import pg_schema_url, pg_url, store_url  # noqa: F401 (fixtures)

from .samples import new_article, sample_articles, sample_feeds, sample_options

NOW = datetime(2026, 11, 21, tzinfo=UTC)


def _save(store: Store, articles: list[Article]) -> None:
    by_feed: dict[str, list[Article]] = {}
    for a in articles:
        by_feed.setdefault(a.feed_key, []).append(a)
    store.sync_feeds([(k, k, v[0].group, v[0].source, v[0].channel) for k, v in by_feed.items()])
    for key, items in by_feed.items():
        store.save_feed(key, etag=None, last_modified=None, status=200, articles=items, now=NOW)


class CountingSource(StoreSource):
    """A StoreSource that counts full passes over the store."""

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.full_passes = 0
        self.starts: list[Any] = []

    def newest_first(self, after: Any) -> Iterator[Any]:
        self.full_passes += 1
        self.starts.append(after)
        return super().newest_first(after)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:  # noqa: F811
    with open_store(store_url) as opened:
        _save(opened, sample_articles())
        yield opened


class Site:
    def __init__(self, out: Path, store: Store) -> None:
        self.out, self.store = out, store
        self.source = CountingSource(store)

    def build(self, **options: Any) -> BuildReport:
        return build_site(
            self.out,
            source=self.source,
            feeds=sample_feeds(),
            options=sample_options(per_page=4, feed_entries=1, **options),
        )


@pytest.fixture
def site(store: Store, tmp_path: Path) -> Site:
    return Site(tmp_path / "public", store)


def _page(a: Article) -> str:
    return f"a/{a.published.strftime('%Y/%m')}/{article_id(a.feed_key, a.article_id)}/index.html"


def test_a_new_stored_article_rewrites_only_its_pages(site: Site) -> None:
    first = site.build()
    assert first.articles == 8 and site.source.full_passes == 1
    assert site.build().pages_written == 0
    extra = new_article()
    _save(site.store, [extra])
    report = site.build()
    assert site.source.full_passes == 1, "no pass over the whole store after the first"
    assert set(report.written) == {
        _page(extra),
        _page(sample_articles()[0]),
        "index.html",
        "g/科技/index.html",
        "g/科技/36氪/index.html",
        "g/科技/36氪/快讯/index.html",
        "archive/2026/11/index.html",
        "archive/index.html",
        "atom.xml",
        "g/科技/36氪/atom.xml",
    }
    assert "量子计算公司完成新一轮融资" in (site.out / "index.html").read_text()


def test_an_edited_article_rewrites_its_page_and_cards(site: Site) -> None:
    site.build()
    edited = replace(sample_articles()[4], title="固态硬盘价格继续下探", content_hash="v2")
    _save(site.store, [edited])
    report = site.build()
    assert _page(edited) in report.written
    assert "固态硬盘价格继续下探" in (site.out / _page(edited)).read_text()
    listing = [p for p in report.written if not p.startswith("a/") and p.endswith(".html")]
    assert listing and all("固态硬盘价格继续下探" in (site.out / p).read_text() for p in listing)


def test_a_pruned_article_leaves_the_site(site: Site) -> None:
    site.build()
    oldest = sample_articles()[7]  # 27 days before the newest
    site.store.prune(keep_days=20, keep_per_channel=None, now=datetime(2026, 11, 20, tzinfo=UTC))
    report = site.build()
    assert _page(oldest) in report.deleted and not (site.out / _page(oldest)).exists()
    assert report.articles < 8
    folder = _page(oldest).removesuffix("index.html")
    assert not any(folder in p.read_text() for p in site.out.rglob("*.html")), "no link to it"


def test_a_renamed_channel_moves_only_its_own_pages(site: Site) -> None:
    site.build()
    hardware = [a for a in sample_articles() if a.channel == "硬件"]
    key = hardware[0].feed_key
    site.store.sync_feeds([(key, key, "科技", "cnBeta", "显卡与存储")])
    report = site.build()
    moved = {p for p in report.written if p.startswith("a/")}
    assert moved == {_page(a) for a in hardware}, "other articles' pages are left alone"
    assert "g/科技/cnbeta/硬件/index.html" in report.deleted
    assert (site.out / "g/科技/cnbeta/显卡与存储/index.html").is_file()
    assert "显卡与存储" in (site.out / _page(hardware[0])).read_text()


def test_new_guids_for_the_same_articles_move_their_pages(site: Site) -> None:
    site.build()
    old = [a for a in sample_articles() if a.source == "开源中国"]
    _save(site.store, [replace(a, article_id=a.article_id + "#v2") for a in old])
    report = site.build()
    assert {_page(a) for a in old} <= set(report.deleted)
    assert report.articles == 8, "remapped by the store, not duplicated"


def test_search_false_removes_a_stale_index(site: Site) -> None:
    site.build(search=True)
    assert (site.out / "search-index" / "index.json").is_file()
    site.build(search_enabled=False)
    assert not (site.out / "search-index").exists()
    assert not (site.out / "search").exists(), "no search page to link to"
    assert 'role="search"' not in (site.out / "index.html").read_text()
    assert site.build(search=True).search_indexed, "turned back on: indexed afresh"
    assert (site.out / "search-index" / "index.json").is_file()


_KILLER = """
import os, signal, sys
from pathlib import Path
from newsdesk.publish.site import StoreSource, build_site, cold
from newsdesk.publish.site.search import worker
from newsdesk.store import open_store
sys.path.insert(0, {tests!r})
from tests.site.samples import sample_feeds, sample_options

cold._CHECKPOINT_ARTICLES = 2
worker.WORKER_MIN_DOCS = 0  # a search worker process is running when the build is killed
calls = 0
original = cold._checkpoint

def checkpoint(*args, **kwargs):
    global calls
    original(*args, **kwargs)
    calls += 1
    if calls == 2:
        os.kill(os.getpid(), signal.SIGKILL)

cold._checkpoint = checkpoint
with open_store({store!r}) as store:
    build_site(Path({out!r}), source=StoreSource(store), feeds=sample_feeds(),
               options=sample_options(per_page=4, search=True))
"""


def test_a_killed_cold_build_resumes_where_it_stopped(tmp_path: Path) -> None:
    store_path = tmp_path / "news.db"
    many = [
        replace(a, article_id=f"{a.article_id}-{i}", published=a.published - timedelta(days=i))
        for i in range(3)
        for a in sample_articles()
    ]
    with open_store(store_path) as store:
        _save(store, many)
    out = tmp_path / "public"
    tests = str(Path(__file__).resolve().parents[2])
    script = _KILLER.format(tests=tests, store=str(store_path), out=str(out))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()
    written_before = {p.relative_to(out).as_posix() for p in out.rglob("index.html")}
    assert len(written_before) > 0

    with open_store(store_path) as store:
        source = CountingSource(store)
        resumed = build_site(
            out,
            source=source,
            feeds=sample_feeds(),
            options=sample_options(per_page=4, search=True),
        )
    assert resumed.articles == len(many)
    pages = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert not [p for p in pages if p.endswith(".tmp")]

    fresh = tmp_path / "fresh"
    with open_store(store_path) as store:
        build_site(
            fresh,
            source=StoreSource(store),
            feeds=sample_feeds(),
            options=sample_options(per_page=4, search=True),
        )
    want = {
        p.relative_to(fresh).as_posix(): p.read_bytes()
        for p in fresh.rglob("*")
        if p.is_file() and "search-index" not in p.parts
    }
    got = {p: data for p, data in pages.items() if not p.startswith("search-index")}
    assert got == want, "the resumed build made the same site as an uninterrupted one"
    assert len(source.starts) == 1 and source.starts[0] is not None, "went on, not over"
    index = json.loads((out / "search-index" / "index.json").read_text())
    assert index["docs"] == len(many), "what the lost open segment held was indexed too"
