"""Pagefind runs over article pages, only when they changed, and swaps its bundle in whole."""

from __future__ import annotations

import pytest

from newsdesk.publish.site import build
from newsdesk.publish.site.search import pagefind_executable

from .conftest import SiteBuilder
from .samples import new_article, sample_articles

pytestmark = pytest.mark.skipif(pagefind_executable() is None, reason="pagefind not installed")


def test_index_is_built_and_refreshed_only_when_articles_change(site: SiteBuilder) -> None:
    first = site.build(search=True)
    assert first.search_indexed
    bundle = site.out / "pagefind"
    assert (bundle / "pagefind.js").is_file()
    assert any(bundle.glob("index/*.pf_index")), "there is an index, with at least one shard"
    assert site.build(search=True).search_indexed is False, "nothing changed: no re-index"
    again = site.build([*sample_articles(), new_article()], search=True)
    assert again.search_indexed
    leftovers = [p.name for p in site.out.iterdir() if p.name.startswith(".pagefind")]
    assert leftovers == []


def test_index_uses_the_site_language(site: SiteBuilder) -> None:
    site.build(search=True)
    entry = (site.out / "pagefind" / "pagefind-entry.json").read_text()
    assert '"zh-cn"' in entry.lower()


def test_changes_built_without_search_are_indexed_later(site: SiteBuilder) -> None:
    # site.search_interval: builds in between run with search off.
    assert site.build(search=True).search_indexed
    added = site.build([*sample_articles(), new_article()], search=False)
    assert any(p.startswith("a/") for p in added.written)
    assert added.search_indexed is False
    caught_up = site.build([*sample_articles(), new_article()], search=True)
    assert caught_up.pages_written == 0
    assert caught_up.search_indexed, "the article added without search must be indexed now"
    assert site.build([*sample_articles(), new_article()], search=True).search_indexed is False


def test_failed_index_is_retried(site: SiteBuilder, monkeypatch: pytest.MonkeyPatch) -> None:
    site.build(search=True)
    monkeypatch.setattr(build, "run_pagefind", lambda out: False)
    assert site.build([*sample_articles(), new_article()], search=True).search_indexed is False
    monkeypatch.undo()
    assert site.build([*sample_articles(), new_article()], search=True).search_indexed
