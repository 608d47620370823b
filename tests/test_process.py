"""process_entry / process_feed: identity, dates, head images, dedup, source fields."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from newsdesk.models import Article, Enclosure, Entry, FeedSource, ParsedFeed
from newsdesk.process import (
    content_hash,
    drop_empty_entries,
    entry_id,
    process_entry,
    process_feed,
)
from tests.clean.bodies import fixture_bodies

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2022, 9, 1, 3, 30, tzinfo=UTC)
SOURCE = FeedSource(
    key="rsshub://zaker/channel/1",
    url="https://rsshub.example/zaker/channel/1",
    group="新媒体",
    source="ZAKER",
    channel="source",
)
IMG = "http://zkres1.myzaker.com/202209/63107a378e9f0902e337aad8_1024.jpg"


def entry(**overrides: object) -> Entry:
    base: dict[str, object] = {
        "guid": "https://www.myzaker.com/article/1",
        "link": "https://www.myzaker.com/article/1",
        "title": "携手共促开放共享的服务经济",
        "content_html": f'<div><p>正文</p><img class="lazy" data-original="{IMG}"></div>',
        "summary_html": None,
        "published": datetime(2022, 9, 1, 11, 9, 17),
        "author": "人民日报",
    }
    base.update(overrides)
    return Entry(**base)  # type: ignore[arg-type]


def process(e: Entry, source: FeedSource = SOURCE, feed_link: str | None = None) -> Article:
    return process_entry(e, source, feed_link=feed_link, now=NOW)


# --- identity -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("guid", "link", "expected"),
    [
        ("g-1", "https://a.example/1", "g-1"),
        ("  g-1 ", None, "g-1"),
        (None, "https://a.example/1", "https://a.example/1"),
        ("", "https://a.example/1", "https://a.example/1"),
    ],
)
def test_article_id_guid_then_link(guid: str | None, link: str | None, expected: str) -> None:
    assert process(entry(guid=guid, link=link)).article_id == expected


def test_article_id_falls_back_to_a_short_content_hash() -> None:
    a = process(entry(guid=None, link=None))
    b = process(entry(guid=None, link=None))
    c = process(entry(guid=None, link=None, content_html="<p>other</p>"))
    assert a.article_id == b.article_id != c.article_id
    assert len(a.article_id) == 16
    int(a.article_id, 16)


def test_hash_id_ignores_our_own_cleaning() -> None:
    # The id hashes what the feed said, so a change to clean_html cannot change it.
    e = entry(guid=None, link=None)
    assert entry_id(e) == entry_id(dataclasses.replace(e))
    assert process(e).article_id == entry_id(e)


def test_repeated_guid_with_different_links_uses_guid_and_link() -> None:
    feed = ParsedFeed(
        format="rss20",
        entries=(
            entry(guid="same", link="https://a.example/1"),
            entry(guid="same", link="https://a.example/2"),
            entry(guid="unique", link="https://a.example/3"),
        ),
    )
    ids = [a.article_id for a in process_feed(feed, SOURCE, now=NOW)]
    assert ids == ["same|https://a.example/1", "same|https://a.example/2", "unique"]


def test_exact_duplicates_appear_once_first_wins() -> None:
    feed = ParsedFeed(
        format="rss20",
        entries=(
            entry(guid="g", title="first"),
            entry(guid="other"),
            entry(guid="g", title="second"),
        ),
    )
    articles = process_feed(feed, SOURCE, now=NOW)
    assert [a.article_id for a in articles] == ["g", "other"]
    assert articles[0].title == "first"


def test_same_link_without_guid_deduplicated() -> None:
    feed = ParsedFeed(
        format="rss20",
        entries=(entry(guid=None, link="https://a.example/1"),) * 2,
    )
    assert len(process_feed(feed, SOURCE, now=NOW)) == 1


# --- dates ----------------------------------------------------------------------------


def test_naive_date_gets_the_source_zone() -> None:
    published = process(entry()).published
    assert published.tzinfo == SHANGHAI
    assert published == datetime(2022, 9, 1, 3, 9, 17, tzinfo=UTC)


def test_naive_date_uses_a_configured_zone() -> None:
    source = dataclasses.replace(SOURCE, timezone="Europe/Lisbon")
    published = process(entry(), source).published
    assert published.utcoffset() == timedelta(hours=1)


def test_aware_date_keeps_its_zone() -> None:
    plus8 = timezone(timedelta(hours=8))
    published = process(entry(published=datetime(2016, 10, 26, 16, 53, 42, tzinfo=plus8))).published
    assert published.tzinfo is plus8
    assert published.isoformat() == "2016-10-26T16:53:42+08:00"


def test_updated_when_no_published() -> None:
    e = entry(published=None, updated=datetime(2021, 10, 28, 14, 8, 7))
    assert process(e).published == datetime(2021, 10, 28, 14, 8, 7, tzinfo=SHANGHAI)


def test_now_when_no_date() -> None:
    assert process(entry(published=None, updated=None)).published == NOW


def test_naive_now_is_utc() -> None:
    naive = datetime(2022, 9, 1, 3, 30)
    article = process_entry(entry(published=None), SOURCE, feed_link=None, now=naive)
    assert article.published == NOW


# --- titles ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("&amp;quot;金钥匙&amp;quot;\n 破解", '"金钥匙" 破解'),
        ("", "正文"),
        ("   ", "正文"),
    ],
)
def test_title(title: str, expected: str) -> None:
    assert process(entry(title=title)).title == expected


def test_title_from_body_is_cut_at_60_chars() -> None:
    article = process(entry(title="", content_html="<p>" + "长" * 100 + "</p>"))
    assert article.title == "长" * 59 + "…"


@pytest.mark.parametrize(
    ("title", "body", "expected"),
    [
        # The title cleans to nothing; the body's text is markup once decoded.
        (
            "<img src=x onerror=alert(1)>",
            "<p>&lt;details open ontoggle=alert(2)&gt;报告</p>",
            "报告",
        ),
        ("<b></b>", "<p>&amp;lt;svg onload=alert(3)&amp;gt; 发布 &lt;/p&gt;</p>", "发布"),
        ("", "<p>a &lt; b, Vector&lt;int&gt;</p>", "a < b, Vector"),
        ("", "<p>&lt;iframe src=javascript:alert(4)</p>", "(untitled)"),
    ],
)
def test_title_from_body_carries_no_markup(title: str, body: str, expected: str) -> None:
    article = process(entry(title=title, content_html=body, summary_html=""))
    assert article.title == expected


def test_untitled_when_nothing_to_say() -> None:
    assert process(entry(title="", content_html="<img>", summary_html="")).title == "(untitled)"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<p>央行今天宣布降息。市场反应平淡，股指小幅上涨。</p>", "央行今天宣布降息"),
        ("<p>Rates were cut today. Markets shrugged.</p>", "Rates were cut today"),
        ("<p>Is it over? Not yet.</p>", "Is it over?"),
        (
            "<p>Version 2.0 is out now, with 3.5x faster builds</p>",
            "Version 2.0 is out now, with 3.5x faster builds",
        ),
        (
            "<p>" + "word " * 30 + "end.</p>",
            "word word word word word word word word word word word…",
        ),
    ],
)
def test_title_from_body_is_its_first_sentence(body: str, expected: str) -> None:
    assert process(entry(title="", content_html=body)).title == expected


def test_untitled_only_when_the_body_is_just_an_image() -> None:
    image = f'<img src="{IMG}">'
    assert process(entry(title="", content_html=image, summary_html="")).title == "(untitled)"


def test_items_with_neither_title_nor_body_are_dropped_with_a_note() -> None:
    parsed = ParsedFeed(
        format="rss20",
        entries=(
            entry(guid="a", title="kept"),
            entry(guid="b", title="", content_html="<p> &nbsp; </p>", summary_html=""),
            entry(guid="c", title="  ", content_html=None, summary_html=None),
            entry(guid="d", title="", content_html="<p>正文在此。</p>"),
            entry(guid="e", title="", content_html=f'<img src="{IMG}">'),
        ),
        warnings=("XML repaired",),
    )
    dropped = drop_empty_entries(parsed)
    assert [e.guid for e in dropped.entries] == ["a", "d", "e"]
    assert dropped.warnings == ("XML repaired", "2 item(s) with neither title nor body skipped")
    assert drop_empty_entries(dropped) is dropped  # nothing more to drop: the same feed


# --- body -----------------------------------------------------------------------------


def test_content_preferred_over_summary() -> None:
    assert "正文" in process(entry(summary_html="<p>摘要</p>")).html


def test_summary_when_content_blank() -> None:
    article = process(entry(content_html="  \n ", summary_html="<p>摘要</p>"))
    assert article.html == "<p>摘要</p>"


def test_body_is_cleaned_with_original_image_urls() -> None:
    html = process(entry()).html
    assert html == (
        f'<div><p>正文</p><img class="lazy" data-original="{IMG}" src="{IMG}"'
        ' referrerpolicy="no-referrer"></div>'
    )


def test_relative_urls_resolved_against_link_then_feed_link_then_feed_url() -> None:
    body = '<p><a href="/x">x</a></p>'
    with_link = process(entry(content_html=body, link="https://a.example/n/1"))
    assert 'href="https://a.example/x"' in with_link.html
    with_feed_link = process(entry(content_html=body, link=None), feed_link="https://b.example/")
    assert 'href="https://b.example/x"' in with_feed_link.html
    with_feed_url = process(entry(content_html=body, link=None))
    assert 'href="https://rsshub.example/x"' in with_feed_url.html


def test_relative_entry_link_made_absolute() -> None:
    article = process(entry(link="/article/9"), feed_link="https://www.myzaker.com/")
    assert article.link == "https://www.myzaker.com/article/9"


# --- head image -----------------------------------------------------------------------


def test_head_image_is_first_body_image() -> None:
    assert process(entry()).head_image == IMG


@pytest.mark.parametrize(
    ("enclosures", "thumbnail", "expected"),
    [
        ((Enclosure("https://a.example/cover", "image/jpeg"),), None, "https://a.example/cover"),
        ((Enclosure("https://a.example/c.PNG?w=1"),), None, "https://a.example/c.PNG?w=1"),
        (
            (Enclosure("https://a.example/a.mp3", "audio/mpeg"),),
            "https://a.example/t.jpg",
            "https://a.example/t.jpg",
        ),
        ((), "//cdn.example/t.jpg", "https://cdn.example/t.jpg"),
        ((Enclosure("https://a.example/a.mp3", "audio/mpeg"),), None, None),
        ((), None, None),
    ],
)
def test_head_image_fallbacks(
    enclosures: tuple[Enclosure, ...], thumbnail: str | None, expected: str | None
) -> None:
    e = entry(content_html="<p>no image</p>", enclosures=enclosures, thumbnail=thumbnail)
    assert process(e).head_image == expected


# --- source fields and hash -----------------------------------------------------------


def test_author_is_the_source_name_not_the_feed_author() -> None:
    assert process(entry(author="人民日报")).author == "ZAKER"


def test_source_fields_copied() -> None:
    article = process(entry())
    assert (article.feed_key, article.group, article.source, article.channel) == (
        "rsshub://zaker/channel/1",
        "新媒体",
        "ZAKER",
        "source",
    )


def test_content_hash_changes_with_any_visible_field() -> None:
    a = process(entry())
    assert a.content_hash == content_hash(a.title, a.link, a.html, a.head_image, a.published)
    assert len(a.content_hash) == 64
    for changed in (
        entry(title="新标题"),
        entry(content_html="<p>new</p>"),
        entry(published=datetime(2022, 9, 2)),
        entry(link="https://www.myzaker.com/article/2"),
    ):
        assert process(changed).content_hash != a.content_hash
    assert process(entry()).content_hash == a.content_hash


def test_process_feed_on_fixture_bodies() -> None:
    bodies = fixture_bodies()
    feed = ParsedFeed(
        format="rss20",
        link="https://www.example.com/",
        entries=tuple(entry(guid=None, link=b.link, title="", content_html=b.html) for b in bodies),
    )
    articles = process_feed(feed, SOURCE, now=NOW)
    assert len({a.article_id for a in articles}) == len(articles)
    assert all(a.published.tzinfo is not None for a in articles)
    assert all(a.title for a in articles)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.domain)//",
        "data:text/html,x",
        "vbscript:msgbox(1)",
        "https:javascript:alert(1)",  # the scheme of a web URL, but no host
    ],
)
def test_non_http_link_and_head_image_are_dropped(url: str) -> None:
    article = process_entry(
        entry(
            link=url,
            content_html="<p>x</p>",
            enclosures=(Enclosure(url=url + ".jpg", type="image/jpeg"),),
        ),
        SOURCE,
        feed_link=None,
        now=NOW,
    )
    assert article.link is None
    assert article.head_image is None


def test_undated_entry_hash_does_not_move_with_the_clock() -> None:
    e = entry(published=None, updated=None)
    first = process_entry(e, SOURCE, feed_link=None, now=NOW)
    later = process_entry(e, SOURCE, feed_link=None, now=NOW + timedelta(hours=1))
    assert first.content_hash == later.content_hash
    assert first.extra.get("undated") == "1"
