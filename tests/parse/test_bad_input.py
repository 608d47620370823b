"""Bodies that are not feeds, or barely are: clear ParseErrors, or read with warnings."""

from __future__ import annotations

import pytest

from newsdesk.errors import ParseError
from newsdesk.parse import parse_feed
from tests.parse.conftest import FEED_URL, feed_bytes

RSS = """<?xml version="1.0" encoding="{decl}"?>
<rss version="2.0"><channel><title>{title}</title>{items}</channel></rss>"""


def rss(items: str = "", title: str = "t", decl: str = "utf-8") -> str:
    return RSS.format(items=items, title=title, decl=decl)


@pytest.mark.parametrize(
    "body",
    [
        b"<!DOCTYPE html>\n<html><head><title>Login</title></head><body>x</body></html>",
        b"\n\n<html lang='zh'><head><meta charset='utf-8'></head><body></body></html>",
        b"<!-- CDN error page -->\n<HTML><BODY>502 Bad Gateway</BODY></HTML>",
        b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>',
    ],
    ids=["doctype", "html-tag", "comment-then-upper-html", "xhtml"],
)
def test_html_page_is_not_a_feed(body: bytes) -> None:
    with pytest.raises(ParseError, match="not a feed: looks like an HTML page"):
        parse_feed(body, FEED_URL)


@pytest.mark.parametrize("body", [b"", b"   \r\n\t ", b"\xef\xbb\xbf", b"\xff\xfe \x00\n\x00"])
def test_empty_body(body: bytes) -> None:
    with pytest.raises(ParseError, match="empty document"):
        parse_feed(body, FEED_URL)


def test_unknown_root_element() -> None:
    with pytest.raises(ParseError, match=r"not a feed: root element is <opml>"):
        parse_feed(b"<opml><body/></opml>", FEED_URL)


def test_plain_text_is_an_xml_error_with_a_line() -> None:
    with pytest.raises(ParseError, match=r"not a feed: no XML element at line 1, starts with"):
        parse_feed(b"Service temporarily unavailable", FEED_URL)


def test_json_that_is_not_a_feed() -> None:
    with pytest.raises(ParseError, match="not a feed: JSON"):
        parse_feed(b'{"error": "rate limited"}', FEED_URL)
    with pytest.raises(ParseError, match="not a feed: JSON"):
        parse_feed(b"[1, 2, 3]", FEED_URL)


def test_broken_json_names_the_line() -> None:
    with pytest.raises(ParseError, match="JSON error at line 3"):
        parse_feed(b'{\n"version": "https://jsonfeed.org/version/1",\n"items": [,]}', FEED_URL)


def test_truncated_xml_keeps_the_items_before_the_cut() -> None:
    item = "<item><title>{0}</title><link>https://example.com/{0}</link></item>"
    body = rss("".join(item.format(n) for n in range(3))).encode()
    cut = body[: body.index(b"<item><title>2") + 30]  # inside the third item's <link>
    feed = parse_feed(cut, FEED_URL)
    assert [e.title for e in feed.entries][:2] == ["0", "1"]
    assert any("XML repaired" in w for w in feed.warnings)


def test_truncated_fixture_mid_item() -> None:
    body = feed_bytes("zh-rsshub-3dm-news-rss2.xml")
    feed = parse_feed(body[: len(body) // 2], FEED_URL)
    assert 1 <= len(feed.entries) < 20
    assert feed.warnings


def test_wrong_declared_encoding_gbk_bytes_declared_utf8() -> None:
    body = rss("<item><title>国内新闻</title></item>", title="新闻国内").encode("gbk")
    feed = parse_feed(body, FEED_URL, "text/xml; charset=utf-8")
    assert feed.title == "新闻国内"
    assert feed.entries[0].title == "国内新闻"
    assert feed.encoding == "gb18030"
    assert any("do not decode" in w for w in feed.warnings)


def test_duplicate_items_are_kept() -> None:
    item = "<item><guid>a</guid><title>same</title></item>"
    feed = parse_feed(rss(item * 3).encode(), FEED_URL)
    assert [e.guid for e in feed.entries] == ["a", "a", "a"]


def test_nul_bytes_and_control_characters_do_not_crash() -> None:
    body = rss("<item><title>a\x00b\x01c\x1b</title></item>").encode()
    feed = parse_feed(body, FEED_URL)
    assert feed.format == "rss20"


def test_garbage_ttl_is_ignored_with_a_warning() -> None:
    feed = parse_feed(rss().replace("</title>", "</title><ttl>soon</ttl>").encode(), FEED_URL)
    assert feed.ttl_minutes is None
    assert any("ttl" in w for w in feed.warnings)


def test_unparseable_item_date_is_none_with_a_warning() -> None:
    body = rss("<item><title>x</title><pubDate>sometime last week</pubDate></item>").encode()
    feed = parse_feed(body, FEED_URL)
    assert feed.entries[0].published is None
    assert any("'sometime last week'" in w for w in feed.warnings)


def test_warnings_stay_short() -> None:
    items = "".join(f"<item><pubDate>bad {n}</pubDate></item>" for n in range(200))
    feed = parse_feed(rss(items).encode(), FEED_URL)
    assert len(feed.warnings) <= 20
    assert any("200 unparseable date(s)" in w for w in feed.warnings)


def test_json_with_nul_bytes_is_not_guessed_as_utf16() -> None:
    # json.loads(bytes) would pick UTF-16 from the NULs and crash with UnicodeDecodeError
    with pytest.raises(ParseError):
        parse_feed(b'{\x00"items": [}', FEED_URL)
    feed = parse_feed(b'\x00{"version": "https://jsonfeed.org/version/1", "items": []}', FEED_URL)
    assert feed.format == "json1"


def test_one_warning_per_item_stays_bounded() -> None:
    body = b'{"version": "https://jsonfeed.org/version/1", "items": [' + b"1," * 50_000 + b"2]}"
    feed = parse_feed(body, FEED_URL)
    assert feed.entries == ()
    assert len(feed.warnings) <= 20
    assert feed.warnings[-1].startswith("… and")


@pytest.mark.parametrize("name", ["base64", "zlib", "rot13", "undefined", "unicode_escape"])
def test_non_text_codec_declaration_never_raises(name: str) -> None:
    body = rss("<item><title>x</title></item>", title="t\\u0041", decl=name).encode()
    for content_type in (None, f"application/rss+xml; charset={name}"):
        feed = parse_feed(body, FEED_URL, content_type)
        assert feed.title == "t\\u0041" and feed.entries[0].title == "x"


def test_json_feed_lone_surrogates_become_replacement_characters() -> None:
    body = (
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "t\\udfff",'
        b' "items": [{"id": "a\\ud800", "title": "\\ud83d\\ude00 \\ud83d",'
        b' "content_html": "<p>\\udc00</p>", "tags": ["\\ud800"], "x\\ud800": 1}]}'
    )
    feed = parse_feed(body, FEED_URL)
    entry = feed.entries[0]
    assert feed.title == "t\ufffd"
    assert entry.guid == "a\ufffd"
    assert entry.title == "\U0001f600 \ufffd"  # a proper pair stays one character
    assert entry.content_html == "<p>\ufffd</p>"
    assert entry.categories == ("\ufffd",)
    for text in (feed.title, entry.guid, entry.title, entry.content_html, *entry.categories):
        (text or "").encode("utf-8")  # what the store does


def test_json_feed_huge_number_is_a_parse_error() -> None:
    body = b'{"version": "https://jsonfeed.org/version/1", "items": [{"id": ' + b"9" * 5000
    with pytest.raises(ParseError, match="JSON error"):
        parse_feed(body + b"}]}", FEED_URL)
