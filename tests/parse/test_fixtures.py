"""Every real-world fixture feed, one test per quirk (see tests/fixtures/feeds/README.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from newsdesk.errors import ParseError
from newsdesk.models import Enclosure, ParsedFeed
from newsdesk.parse import parse_feed
from tests.parse.conftest import FEED_FILES, FEED_URL, feed_bytes

CST = timezone(timedelta(hours=8))

# file -> (format, entries), or the start of the ParseError message.
# Counts follow feedparser 6.0.14 except the JSON feeds, which it cannot read.
EXPECTED: dict[str, tuple[str, int] | str] = {
    "atom10-feedburner-xhtml-content.xml": ("atom10", 10),
    "atom10-xhtml-escaped-html-in-pre.xml": ("atom10", 1),
    "cdata-html-with-numeric-amp-entity.xml": ("rss20", 1),
    "cp1252-smart-quote-bytes-undeclared.xml": ("rss20", 1),
    "date-epoch-dc-date-missing-rss-close.xml": ("rss20", 2),
    "entity-html-nbsp-outside-cdata.xml": ("rss20", 0),
    "entity-undefined-in-title.xml": ("rss20", 0),
    "gb2312-http-charset-overrides-xml-decl-atom.xml": ("atom10", 0),
    "iso-8859-1-jn-pt-rss2.xml": ("rss20", 40),
    "iso-8859-2-latin2-rss2.xml": ("rss20", 1),
    "jsonfeed-v1-inessential.json": ("json1", 20),
    "jsonfeed-v1-minimal-feedparser.json": ("json1", 2),
    "malformed-empty-document-comment-only.xml": "empty document",
    "malformed-invalid-utf8-bytes-after-bom.xml": ("rss20", 0),
    "malformed-iso-8859-7-non-ascii-pubdate.xml": ("rss20", 0),
    "malformed-link-ampersand-unclosed-root.xml": ("rss20", 1),
    "malformed-truncated-cdata.xml": ("rss20", 1),
    "malformed-undeclared-namespace-prefix.xml": ("rss20", 0),
    "malformed-unclosed-root-tag.xml": ("rss20", 0),
    "mojibake-double-encoded-utf8.xml": ("rss20", 1),
    "rss10-rdf-placeholder-values.xml": ("rss10", 2),
    "utf16le-bom.xml": ("rss20", 0),
    "utf8-bom.xml": ("rss20", 0),
    "zh-36kr-rss2-cdata-pubdate-in-cdata-2016.xml": ("rss20", 100),
    "zh-big5-undeclared-atom-chardet.xml": ("atom10", 0),
    "zh-cnbeta-regenerated-rss2-cdata.xml": ("rss20", 50),
    "zh-cnbeta-regenerated-rss2-entity-escaped-html.xml": ("rss20", 13),
    "zh-douban-book-review-rss2-dc-creator.xml": ("rss20", 20),
    "zh-gb2312-hupu-feedcreator-minimal.xml": ("rss20", 0),
    "zh-gb2312-qq-news-rss2.xml": ("rss20", 20),
    "zh-gb2312-undeclared-chardet.xml": ("rss20", 1),
    "zh-geekpark-rss2-content-encoded.xml": ("rss20", 10),
    "zh-ifanr-wordpress-rss2.xml": ("rss20", 15),
    "zh-iteye-news-rss2-mustache-in-code.xml": ("rss20", 30),
    "zh-jobbole-wordpress-content-encoded-mustache.xml": ("rss20", 20),
    "zh-mifengtd-atom10.xml": ("atom10", 10),
    "zh-rsshub-3dm-news-rss2.xml": ("rss20", 20),
    "zh-sina-blog-feedcreator-rss2.xml": ("rss20", 10),
    "zh-smzdm-wordpress-pubdate-no-timezone.xml": ("rss20", 30),
    "zh-techweb-rss2-plus0800.xml": ("rss20", 29),
}


def parse(name: str, content_type: str | None = None) -> ParsedFeed:
    return parse_feed(feed_bytes(name), FEED_URL, content_type)


def test_every_fixture_has_an_expectation() -> None:
    assert sorted(EXPECTED) == [p.name for p in FEED_FILES]


@pytest.mark.parametrize("path", FEED_FILES, ids=lambda p: p.name)
def test_fixture_parses_as_expected(path: Path) -> None:
    expected = EXPECTED[path.name]
    if isinstance(expected, str):
        with pytest.raises(ParseError, match=expected):
            parse_feed(path.read_bytes(), FEED_URL)
        return
    feed = parse_feed(path.read_bytes(), FEED_URL)
    assert (feed.format, len(feed.entries)) == expected


@pytest.mark.parametrize("path", FEED_FILES, ids=lambda p: p.name)
def test_fixture_entries_are_well_formed(path: Path) -> None:
    try:
        feed = parse_feed(path.read_bytes(), FEED_URL)
    except ParseError:
        return
    for entry in feed.entries:
        assert isinstance(entry.title, str)
        assert entry.link is None or entry.link.startswith(("http://", "https://"))
        assert "\ufffd" not in entry.title  # nothing undecodable in titles of any fixture


# --- dates ---------------------------------------------------------------------------


def test_pubdate_inside_cdata_keeps_plus_0800_offset() -> None:
    entry = parse("zh-36kr-rss2-cdata-pubdate-in-cdata-2016.xml").entries[0]
    assert entry.published == datetime(2016, 10, 26, 16, 53, 42, tzinfo=CST)
    assert entry.published is not None
    assert entry.published.utcoffset() == timedelta(hours=8)


def test_zoneless_rfc822_pubdate_is_naive() -> None:
    entry = parse("zh-smzdm-wordpress-pubdate-no-timezone.xml").entries[0]
    assert entry.published == datetime(2016, 10, 26, 21, 53, 13)
    assert entry.published.tzinfo is None


def test_chinese_cms_date_without_zone_is_naive() -> None:
    entry = parse("zh-gb2312-qq-news-rss2.xml").entries[0]
    assert entry.published == datetime(2018, 9, 18, 14, 38, 10)


def test_epoch_dc_date_is_read_as_utc_seconds() -> None:
    first, second = parse("date-epoch-dc-date-missing-rss-close.xml").entries
    assert first.published == datetime(2017, 10, 16, 15, 10, tzinfo=UTC)
    assert first.updated == datetime.fromtimestamp(1518478934, UTC)
    assert second.updated == datetime(2017, 10, 17, 22, 17, tzinfo=UTC)


def test_greek_month_and_weekday_names_are_read() -> None:
    feed = parse("malformed-iso-8859-7-non-ascii-pubdate.xml")
    assert feed.encoding == "iso8859-7"
    # the channel pubDate is not used for entries: move it into an item
    body = (
        feed_bytes("malformed-iso-8859-7-non-ascii-pubdate.xml")
        .replace(b"<pubDate>", b"<item><title>t</title><pubDate>")
        .replace(b"</pubDate>", b"</pubDate></item>")
    )
    parsed = parse_feed(body, FEED_URL)
    assert parsed.entries[0].published == datetime(2004, 6, 29, 12, 53, tzinfo=UTC)


def test_atom_dates_keep_their_offset() -> None:
    entry = parse("atom10-feedburner-xhtml-content.xml").entries[0]
    assert entry.published is not None and entry.updated is not None
    assert entry.published.utcoffset() == timedelta(hours=-5)
    assert entry.updated.tzinfo is not None


# --- encodings -----------------------------------------------------------------------


def test_declared_gb2312_is_read_as_gb18030() -> None:
    feed = parse("zh-gb2312-qq-news-rss2.xml")
    assert feed.encoding == "gb18030"
    assert feed.title == "新闻国内"
    assert feed.entries[0].title == "习近平为何如此强调崇尚英雄？"


def test_gb2312_minimal_feedcreator_title() -> None:
    assert parse("zh-gb2312-hupu-feedcreator-minimal.xml").title == "虎扑足球新闻"


def test_undeclared_gb2312_is_sniffed_with_a_warning() -> None:
    feed = parse("zh-gb2312-undeclared-chardet.xml")
    assert feed.encoding == "gb18030"
    assert feed.entries[0].title == "不归移民漫画系列：专业工作"
    assert any("detected gb18030" in w for w in feed.warnings)


def test_undeclared_big5_is_sniffed() -> None:
    feed = parse("zh-big5-undeclared-atom-chardet.xml")
    assert feed.encoding.startswith("big5")
    assert feed.title.startswith("我希望")
    assert "很容易" in feed.title


def test_http_charset_outranks_xml_declaration() -> None:
    name = "gb2312-http-charset-overrides-xml-decl-atom.xml"
    assert parse(name).encoding == "utf-8"
    assert parse(name, "application/atom+xml; charset='gb2312'").encoding == "gb18030"


def test_iso_8859_1_title() -> None:
    feed = parse("iso-8859-1-jn-pt-rss2.xml")
    assert feed.title == "Jornal de Notícias - Últimas Notícias"
    assert feed.entries[0].title == "Mãe de utente é a nova presidente da Raríssimas"


def test_iso_8859_2_title_and_author() -> None:
    entry = parse("iso-8859-2-latin2-rss2.xml").entries[0]
    assert entry.title == "ZAŻÓŁĆ GĘSLĄ JAŹŃ"  # sic: the file has a plain S
    assert entry.author == "Adam Gżegżółka"


def test_cp1252_smart_quote_in_undeclared_utf8() -> None:
    feed = parse("cp1252-smart-quote-bytes-undeclared.xml")
    assert feed.entries[0].summary_html == "don\u2019t"
    assert feed.warnings  # the repair is reported


def test_invalid_utf8_after_bom_is_read_leniently() -> None:
    feed = parse("malformed-invalid-utf8-bytes-after-bom.xml")
    assert feed.title == "Valid UTF8: \u0468Invalid UTF8: España"
    assert any("byte-order mark" in w for w in feed.warnings)


def test_utf8_bom_is_skipped() -> None:
    feed = parse("utf8-bom.xml")
    assert feed.encoding == "utf-8"
    assert feed.warnings == ("no entries: the feed has no <channel> and no <item> elements",)


def test_utf16le_bom_is_decoded() -> None:
    assert parse("utf16le-bom.xml").encoding == "utf-16-le"


def test_double_encoded_utf8_is_repaired() -> None:
    # &#226;&#128;&#166; is "…" (E2 80 A6) read as Windows-1252 and written as references.
    feed = parse("mojibake-double-encoded-utf8.xml")
    assert feed.entries[0].summary_html == "\u2026"
    assert any("double-encoded UTF-8 repaired" in w for w in feed.warnings)


# --- entities and malformed XML ------------------------------------------------------


def test_html_nbsp_outside_cdata_becomes_u00a0() -> None:
    feed = parse("entity-html-nbsp-outside-cdata.xml")
    assert feed.title == "testing \xa0 entity"
    assert any("&nbsp;" in w for w in feed.warnings)


def test_undefined_entity_is_kept_as_text() -> None:
    feed = parse("entity-undefined-in-title.xml")
    assert feed.title == "testing &doesnotexist; entity"


def test_link_ampersand_is_decoded_despite_unclosed_root() -> None:
    feed = parse("malformed-link-ampersand-unclosed-root.xml")
    assert feed.entries[0].link == "http://link/get?a=1&b=2"
    assert any("XML repaired" in w for w in feed.warnings)


def test_entity_inside_cdata_stays_literal() -> None:
    entry = parse("cdata-html-with-numeric-amp-entity.xml").entries[0]
    assert entry.summary_html is not None
    assert '<a href="&#38;"></a>' in entry.summary_html


def test_truncated_cdata_keeps_the_channel() -> None:
    feed = parse("malformed-truncated-cdata.xml")
    assert feed.title == "can feedparser read this xml"
    assert feed.link == "http://adcdefgh.com"
    assert feed.warnings


def test_undeclared_namespace_prefix_is_repaired() -> None:
    feed = parse("malformed-undeclared-namespace-prefix.xml")
    assert any("itunes" in w for w in feed.warnings)


def test_unclosed_root_tag_is_repaired() -> None:
    assert any("XML repaired" in w for w in parse("malformed-unclosed-root-tag.xml").warnings)


def test_comment_only_document_is_empty() -> None:
    with pytest.raises(ParseError, match="empty document"):
        parse("malformed-empty-document-comment-only.xml")


# --- bodies and fields ---------------------------------------------------------------


def test_data_attributes_preserved_in_content_html() -> None:
    geekpark = parse("zh-geekpark-rss2-content-encoded.xml")
    assert any("data-image-size" in (e.content_html or "") for e in geekpark.entries)
    kr = parse("zh-36kr-rss2-cdata-pubdate-in-cdata-2016.xml")
    assert any("data-img-size-val" in (e.summary_html or "") for e in kr.entries)
    smzdm = parse("zh-smzdm-wordpress-pubdate-no-timezone.xml")
    assert any("data-title" in (e.content_html or e.summary_html or "") for e in smzdm.entries)


def test_escaped_mustache_in_pre_stays_escaped() -> None:
    bodies = [
        e.summary_html or "" for e in parse("zh-iteye-news-rss2-mustache-in-code.xml").entries
    ]
    assert any("{{logs}}" in body for body in bodies)


def test_content_encoded_is_content_and_description_is_summary() -> None:
    entry = parse("zh-jobbole-wordpress-content-encoded-mustache.xml").entries[0]
    assert entry.content_html and entry.summary_html
    assert len(entry.content_html) > len(entry.summary_html)
    assert entry.author == "中二饼"
    assert entry.categories[:2] == ("C/C++", "#define")


def test_dc_creator_is_author() -> None:
    assert parse("zh-douban-book-review-rss2-dc-creator.xml").entries[0].author == "林远远"


def test_rsshub_output() -> None:
    feed = parse("zh-rsshub-3dm-news-rss2.xml")
    assert feed.title == "3DM - 新闻中心"
    assert feed.ttl_minutes == 120
    entry = feed.entries[0]
    assert entry.link == "https://www.3dmgame.com/news/202304/3866167.html"
    assert entry.guid == entry.link
    assert 'referrerpolicy="no-referrer"' in (entry.summary_html or "")


def test_entity_escaped_description_is_unescaped_once() -> None:
    entry = parse("zh-cnbeta-regenerated-rss2-entity-escaped-html.xml").entries[0]
    assert entry.summary_html is not None
    assert entry.summary_html.lstrip().startswith("<")


def test_feedburner_origlink_wins_over_proxy_link() -> None:
    entry = parse("iso-8859-1-jn-pt-rss2.xml").entries[0]
    assert entry.link is not None and entry.link.startswith("https://www.jn.pt/")


def test_rss_enclosure_and_ttl() -> None:
    feed = parse("iso-8859-2-latin2-rss2.xml")
    assert feed.ttl_minutes == 1800
    assert feed.entries[0].enclosures == (
        Enclosure("http://www.example.pl/image.jpg", "image/jpeg"),
    )


def test_rss10_rdf_items_and_about_as_guid() -> None:
    feed = parse("rss10-rdf-placeholder-values.xml")
    entry = feed.entries[1]
    assert entry.title == "rss_1.0.item[1].title"
    # the richest body wins: here the description is longer than content:encoded
    assert entry.content_html == "rss_1.0.item[1].description"
    assert entry.summary_html == "rss_1.0.item[1].description"
    assert entry.guid == "rss_1.0.channel.items[1]^rdf:resource"


def test_atom_escaped_html_content() -> None:
    entry = parse("zh-mifengtd-atom10.xml").entries[0]
    assert entry.title == "我的时间管理与方法论"
    assert entry.author == "奔跑中的奶酪"
    assert (entry.content_html or "").lstrip().startswith("<p>")


def test_atom_xhtml_content_has_no_namespaces() -> None:
    entry = parse("atom10-feedburner-xhtml-content.xml").entries[0]
    assert entry.content_html is not None
    assert "xmlns" not in entry.content_html and "<html:" not in entry.content_html
    assert "<p>" in entry.content_html or "<div" in entry.content_html


def test_atom_xhtml_escaped_html_in_pre_stays_escaped() -> None:
    entry = parse("atom10-xhtml-escaped-html-in-pre.xml").entries[0]
    assert entry.content_html is not None
    assert "<pre>&lt;b&gt;test&lt;b&gt;</pre>" in entry.content_html
    assert "<p>This is escaped html:</p>" in entry.content_html


def test_jsonfeed_content_html_and_items() -> None:
    feed = parse("jsonfeed-v1-inessential.json")
    assert feed.title == "inessential.com"
    assert feed.link == "http://inessential.com/"
    entry = feed.entries[0]
    assert (entry.content_html or "").startswith("<p>On Wednesday night")
    assert entry.author == "Brent Simmons"  # inherited from the feed
    assert entry.published is not None and entry.published.tzinfo is not None


def test_jsonfeed_minimal_attachments_tags_and_text() -> None:
    second, first = parse("jsonfeed-v1-minimal-feedparser.json").entries
    assert second.guid == "2"
    assert second.summary_html == "This is a second item."
    assert second.content_html is None
    assert second.categories == ("test", "JSON")
    assert second.enclosures == (
        Enclosure("https://example.org/second-item-show.mp4", "video/mp4"),
    )
    assert first.content_html == "<p>Hello, world!</p>\n\n<script>alert();</script>"
    assert first.author == "you"


def test_well_formed_feeds_have_no_warnings() -> None:
    for name in (
        "zh-techweb-rss2-plus0800.xml",
        "zh-mifengtd-atom10.xml",
        "zh-rsshub-3dm-news-rss2.xml",
        "jsonfeed-v1-inessential.json",
    ):
        assert parse(name).warnings == (), name
