"""Rebuilds touch only the pages whose inputs changed, and load only the bodies they render."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from newsdesk.publish.site import build_site
from newsdesk.publish.site.paths import article_id
from newsdesk.publish.site.state import default_state_file
from newsdesk.publish.site.theme import BUNDLED

from .conftest import SiteBuilder
from .samples import (
    metadata_only,
    new_article,
    sample_articles,
    sample_feeds,
    sample_options,
)


def _page(article_index: int | None = None, *, article: object = None) -> str:
    a = article if article is not None else sample_articles()[article_index or 0]
    uid = article_id(a.feed_key, a.article_id)  # type: ignore[attr-defined]
    return f"a/{a.published.strftime('%Y/%m')}/{uid}/index.html"  # type: ignore[attr-defined]


def test_no_change_rebuild_writes_nothing(site: SiteBuilder) -> None:
    first = site.build(per_page=4)
    again = site.build(per_page=4)
    assert first.pages_written > 30
    assert (again.pages_written, again.pages_deleted) == (0, 0)
    assert again.pages_unchanged == 1, "only the sources page (feed health) is rendered"
    assert site.loads == [], "an unchanged site must not load any article body"


def test_one_new_article_rewrites_only_its_pages(site: SiteBuilder) -> None:
    # One entry per Atom feed, so the feeds need no body beyond the pages rendered anyway.
    site.build(per_page=4, feed_entries=1)
    extra = new_article()
    report = site.build([*sample_articles(), extra], per_page=4, feed_entries=1)
    assert set(report.written) == {
        _page(article=extra),
        _page(0),  # the previous newest of 36氪: its "next" link now points at the new one
        "index.html",
        "g/科技/index.html",
        "g/科技/36氪/index.html",
        "g/科技/36氪/快讯/index.html",
        "archive/2026/11/index.html",
        "archive/index.html",  # month counts
        "atom.xml",
        "g/科技/36氪/atom.xml",
    }
    assert report.pages_deleted == 0
    # Article pages are rendered only for the new one and its neighbour; the two Atom feeds
    # that changed hold just the new one. No other body is loaded.
    assert set(site.loads) == {extra.article_id, sample_articles()[0].article_id}


def test_unchanged_page_keeps_mtime(site: SiteBuilder) -> None:
    site.build(per_page=4)
    oldest = site.out / "page/1/index.html"
    before = oldest.stat().st_mtime_ns
    site.build([*sample_articles(), new_article()], per_page=4)
    assert oldest.stat().st_mtime_ns == before


def test_deleted_article_loses_its_page(site: SiteBuilder) -> None:
    site.build(per_page=4)
    articles = sample_articles()
    gone = _page(3)
    assert (site.out / gone).is_file()
    report = site.build([a for i, a in enumerate(articles) if i != 3], per_page=4)
    assert gone in report.deleted
    assert not (site.out / gone).exists()
    assert not (site.out / gone).parent.exists(), "emptied folders are removed too"
    folder = gone.removesuffix("index.html")
    assert not any(folder in p.read_text() for p in site.out.rglob("*.html")), "no link to it"


def test_updated_article_is_rerendered(site: SiteBuilder) -> None:
    site.build(per_page=4)
    articles = sample_articles()
    changed = replace(articles[5], html="<p>更新后的正文。</p>", content_hash="v2")
    articles[5] = changed
    report = site.build(articles, per_page=4)
    assert _page(5) in report.written
    assert "更新后的正文" in (site.out / _page(5)).read_text()
    assert changed.article_id in site.loads


def test_same_bytes_are_not_rewritten(site: SiteBuilder, tmp_path: Path) -> None:
    """A template change that renders identically re-renders pages but writes none."""
    site.build(per_page=4)
    theme = tmp_path / "theme"
    (theme / "templates").mkdir(parents=True)
    card = (BUNDLED / "templates/card.html").read_text()
    (theme / "templates/card.html").write_text("{# same output #}" + card)
    report = site.build(per_page=4, theme_dir=theme)
    assert report.pages_written == 0
    assert site.loads, "the fingerprint changed, so article pages were rendered again"


def test_no_temporary_files_left(site: SiteBuilder) -> None:
    site.build()
    site.build([*sample_articles(), new_article()])
    assert not [p for p in site.out.rglob("*") if p.name.endswith(".tmp")]


def test_lost_state_rebuilds_everything(site: SiteBuilder) -> None:
    first = site.build()
    default_state_file(site.out).unlink()
    again = site.build()
    assert again.pages_written + again.pages_unchanged == first.pages_written
    assert again.pages_written == first.pages_written


def test_failed_build_leaves_a_usable_site(site: SiteBuilder) -> None:
    site.build(per_page=4)
    articles = [*sample_articles(), new_article()]

    def broken(article: object) -> str:
        raise OSError("store went away")

    light, _ = metadata_only(articles)
    with pytest.raises(OSError):
        build_site(
            site.out,
            articles=light,
            load_html=broken,
            feeds=sample_feeds(),
            options=sample_options(per_page=4),
        )
    report = site.build(articles, per_page=4)
    assert _page(article=new_article()) in report.written
    assert (site.out / "index.html").read_text().count('<li class="card') == 5


def test_empty_site_builds(site: SiteBuilder) -> None:
    report = site.build([])
    assert report.articles == 0
    assert "还没有文章" in (site.out / "index.html").read_text()
    assert (site.out / "atom.xml").is_file()


def test_new_excerpt_length_refreshes_cached_excerpts(site: SiteBuilder) -> None:
    site.build(per_page=4)
    site.build(per_page=4, excerpt_chars=5)
    home = (site.out / "index.html").read_text()
    assert "据报道，国…" in home


def test_a_deleted_output_folder_is_built_again(site: SiteBuilder) -> None:
    import shutil

    first = site.build()
    shutil.rmtree(site.out)
    again = site.build()
    assert again.pages_written == first.pages_written
    assert (site.out / "index.html").is_file()


def test_a_new_channel_renders_each_page_once(site: SiteBuilder) -> None:
    """A new channel changes its source's pages (a new child link) while the source's
    list shifts too: each page is rendered and written once, not once per reason."""
    site.build(per_page=4)
    fresh = replace(new_article(), channel="深度报道", article_id="new-channel")
    report = site.build([*sample_articles(), fresh], per_page=4)
    assert report.written, "the new article's pages were written"
    repeated = sorted({p for p in report.written if report.written.count(p) > 1})
    assert repeated == [], f"written twice: {repeated}"
