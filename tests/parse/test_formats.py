"""Small hand-written feeds for mapping rules the fixtures do not cover."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from newsdesk.models import Enclosure, Entry
from newsdesk.parse import parse_feed

URL = "https://news.example.cn/feeds/main.xml"
NAMESPACES = (
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:media="http://search.yahoo.com/mrss/" '
    'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
    'xmlns:atom="http://www.w3.org/2005/Atom"'
)


def rss(items: str, version: str = "2.0", channel: str = "") -> bytes:
    return (
        f'<rss version="{version}" {NAMESPACES}><channel><title>T</title>'
        f"<link>/</link>{channel}{items}</channel></rss>"
    ).encode()


def one(items: str, **kwargs: str) -> Entry:
    return parse_feed(rss(items, **kwargs), URL).entries[0]


def test_rss_format_versions() -> None:
    assert parse_feed(rss("", version="0.91"), URL).format == "rss09x"
    assert parse_feed(rss("", version="0.92"), URL).format == "rss09x"
    assert parse_feed(rss("", version="2.0"), URL).format == "rss20"
    assert parse_feed(b"<rss><channel/></rss>", URL).format == "rss20"


def test_relative_links_resolve_against_the_feed_url() -> None:
    feed = parse_feed(rss("<item><link>../a/1.html?x=1&amp;y=2</link></item>"), URL)
    assert feed.link == "https://news.example.cn/"
    assert feed.entries[0].link == "https://news.example.cn/a/1.html?x=1&y=2"


def test_permalink_guid_is_the_link_when_there_is_none() -> None:
    assert one("<item><guid>https://e.cn/p/1</guid></item>").link == "https://e.cn/p/1"
    item = '<item><guid isPermaLink="false">https://e.cn/p/1</guid></item>'
    assert one(item).link is None


def test_cdata_html_is_kept_verbatim() -> None:
    body = '<p data-src="x.jpg" data-w="3">a&nbsp;b &amp; c</p>'
    entry = one(f"<item><content:encoded><![CDATA[{body}]]></content:encoded></item>")
    assert entry.content_html == body


def test_unescaped_html_in_description_is_kept_as_markup() -> None:
    entry = one(
        '<item><description>Intro <p class="x">para <b>bold</b></p> end</description></item>'
    )
    assert entry.summary_html == 'Intro <p class="x">para <b>bold</b></p> end'


def test_double_escaped_title_is_left_for_the_processor() -> None:
    assert one("<item><title>A &amp;amp; B &amp;lt;3</title></item>").title == "A &amp; B &lt;3"


def test_media_thumbnail_and_itunes_image() -> None:
    item = (
        '<item><media:content url="https://e.cn/v.mp4" type="video/mp4"/>'
        '<media:content url="/img/1.jpg" medium="image"/></item>'
        '<item><itunes:image href="https://e.cn/cover.png"/></item>'
        '<item><media:group><media:thumbnail url="https://e.cn/t.jpg"/></media:group></item>'
    )
    thumbs = [e.thumbnail for e in parse_feed(rss(item), URL).entries]
    assert thumbs == [
        "https://news.example.cn/img/1.jpg",
        "https://e.cn/cover.png",
        "https://e.cn/t.jpg",
    ]


def test_dc_date_without_pubdate_is_published() -> None:
    entry = one("<item><dc:date>2021-10-28T14:08:07+08:00</dc:date></item>")
    assert entry.published == datetime(2021, 10, 28, 14, 8, 7, tzinfo=timezone(timedelta(hours=8)))


def test_categories_and_author() -> None:
    item = (
        "<item><author>editor@e.cn (Ed)</author><dc:creator>张三</dc:creator>"
        "<category>科技</category><category> </category><dc:subject>AI</dc:subject></item>"
    )
    entry = one(item)
    assert entry.author == "张三"
    assert entry.categories == ("科技", "AI")


def test_atom_link_alternate_in_rss_item() -> None:
    item = '<item><atom:link rel="alternate" href="https://e.cn/x"/></item>'
    assert one(item).link == "https://e.cn/x"


ATOM = """<?xml version="1.0"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://blog.example.org/base/">
  <title type="html">A &amp;lt;b&amp;gt; feed</title>
  <link href="/"/>
  <link rel="self" href="/feed.atom"/>
  <entry xml:base="posts/">
    <id>urn:uuid:1</id>
    <title type="html">Tom &amp;amp; Jerry</title>
    <link rel="alternate" href="one.html"/>
    <link rel="enclosure" type="audio/mpeg" href="one.mp3"/>
    <published>2021-10-28T14:08:00+08:00</published>
    <updated>2021-10-29T00:00:00Z</updated>
    <author><name>Alice</name></author>
    <category term="news"/>
    <summary>1 &lt; 2 &amp; plain</summary>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"
      ><p>Hi <a href="x">x</a></p><img src="i.png" data-original="big.png"/></div></content>
  </entry>
</feed>"""


def test_atom10_mapping_with_xml_base() -> None:
    feed = parse_feed(ATOM.encode(), URL)
    assert feed.format == "atom10"
    assert feed.link == "https://blog.example.org/"
    entry = feed.entries[0]
    assert entry.guid == "urn:uuid:1"
    assert entry.title == "Tom &amp; Jerry"
    assert entry.link == "https://blog.example.org/base/posts/one.html"
    assert entry.enclosures == (
        Enclosure("https://blog.example.org/base/posts/one.mp3", "audio/mpeg"),
    )
    assert entry.author == "Alice"
    assert entry.categories == ("news",)
    assert entry.summary_html == "1 &lt; 2 &amp; plain"
    # relative URLs in the body resolve against the xml:base in scope, not the link
    assert entry.content_html == (
        '<p>Hi <a href="https://blog.example.org/base/posts/x">x</a></p>'
        '<img src="https://blog.example.org/base/posts/i.png"'
        ' data-original="https://blog.example.org/base/posts/big.png">'
    )
    assert entry.updated is not None and entry.updated.utcoffset() == timedelta(0)


ATOM03 = b"""<?xml version="1.0"?>
<feed version="0.3" xmlns="http://purl.org/atom/ns#">
  <title>Old</title>
  <link rel="alternate" type="text/html" href="https://old.example.org/"/>
  <entry>
    <title>Entry</title>
    <link rel="alternate" type="text/html" href="https://old.example.org/1"/>
    <id>tag:old,2004:1</id>
    <issued>2004-01-02T03:04:05+01:00</issued>
    <modified>2004-01-03T03:04:05Z</modified>
    <content type="text/html" mode="escaped">&lt;p&gt;hello&lt;/p&gt;</content>
  </entry>
</feed>"""


def test_atom03_mapping() -> None:
    feed = parse_feed(ATOM03, URL)
    assert (feed.format, feed.title, feed.link) == ("atom03", "Old", "https://old.example.org/")
    entry = feed.entries[0]
    assert entry.content_html == "<p>hello</p>"
    assert entry.published == datetime(2004, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=1)))
    assert entry.updated is not None


JSON11 = """{
  "version": "https://jsonfeed.org/version/1.1",
  "title": "J",
  "home_page_url": "https://j.example.org/",
  "authors": [{"name": "Feed Author"}],
  "items": [
    {"id": 42, "url": "/p/42", "title": "Answer", "summary": "a < b",
     "content_text": "line1\\nline2", "image": "/img.png",
     "date_published": "2021-10-28 14:08:07", "date_modified": "2021-10-29T00:00:00+08:00",
     "authors": [{"name": "Bob"}], "tags": ["x", 3, " "]},
    {"id": "b", "banner_image": "https://cdn/b.jpg", "content_text": "only <text>"},
    "not an item"
  ]
}"""


def test_json_feed_1_1() -> None:
    feed = parse_feed(JSON11.encode(), "https://j.example.org/feed.json")
    first, second = feed.entries
    assert first.guid == "42"
    assert first.link == "https://j.example.org/p/42"
    assert first.summary_html == "a &lt; b"
    assert first.published == datetime(2021, 10, 28, 14, 8, 7)  # zone-less stays naive
    assert first.updated is not None and first.updated.utcoffset() == timedelta(hours=8)
    assert first.author == "Bob"
    assert first.categories == ("x",)
    assert first.thumbnail == "https://j.example.org/img.png"
    assert second.author == "Feed Author"
    assert second.summary_html == "only &lt;text&gt;"
    assert second.thumbnail == "https://cdn/b.jpg"
    assert any("not an object" in w for w in feed.warnings)


def test_json_feed_with_utf8_bom_is_read() -> None:
    body = JSON11.replace('"J"', '"中文"').encode("utf-8-sig")
    assert parse_feed(body, URL).title == "中文"


def test_schedule_hints_read_from_channel() -> None:
    body = (
        b'<rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">'
        b"<channel><title>t</title><ttl>60</ttl><skipHours><hour>1</hour><hour>25</hour>"
        b"<hour>2</hour></skipHours><skipDays><day>sunday</day><day>Funday</day></skipDays>"
        b"<sy:updatePeriod>Hourly</sy:updatePeriod><sy:updateFrequency>2"
        b"</sy:updateFrequency></channel></rss>"
    )
    feed = parse_feed(body, "http://example.com/feed")
    assert feed.ttl_minutes == 60
    assert feed.skip_hours == frozenset({1, 2})
    assert feed.skip_days == frozenset({"Sunday"})
    assert (feed.update_period, feed.update_frequency) == ("hourly", 2)


def test_schedule_hints_ignore_non_ascii_digits() -> None:
    # "²".isdigit() is True but int("²") raises: such values are ignored, not fatal.
    body = (
        b'<rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">'
        b"<channel><title>t</title><ttl>\xc2\xb2</ttl><skipHours><hour>\xc2\xb9</hour>"
        b"<hour>\xd9\xa3</hour><hour>4</hour></skipHours>"
        b"<sy:updateFrequency>\xc2\xb2</sy:updateFrequency></channel></rss>"
    )
    feed = parse_feed(body, "http://example.com/feed")
    assert feed.ttl_minutes is None
    assert feed.skip_hours == frozenset({4})
    assert feed.update_frequency is None


def _atom_xhtml(content: str) -> bytes:
    return (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>1</id>'
        f'<title>x</title><content type="xhtml">{content}</content></entry></feed>'
    ).encode()


def test_atom_xhtml_text_stays_escaped() -> None:
    div = '<div xmlns="http://www.w3.org/1999/xhtml">'
    cases = {
        f"{div}Use &lt;b&gt; for bold &amp; more</div>": "Use &lt;b&gt; for bold &amp; more",
        f"{div}Use &lt;b&gt; <i>for</i> bold</div>": "Use &lt;b&gt; <i>for</i> bold",
        f"{div}<p>a &lt;script&gt;</p> &lt;x&gt;</div>": "<p>a &lt;script&gt;</p> &lt;x&gt;",
    }
    for content, html in cases.items():
        entry = parse_feed(_atom_xhtml(content), "http://example.com/feed").entries[0]
        assert entry.content_html == html, content


def test_rss_description_with_markup_children_keeps_escaped_text_escaped() -> None:
    body = (
        b"<rss><channel><title>t</title><item><title>x</title>"
        b"<description>1 &lt; 2 &amp;&amp; <b>bold</b> &lt;i&gt;</description>"
        b"</item></channel></rss>"
    )
    entry = parse_feed(body, "http://example.com/feed").entries[0]
    assert entry.summary_html == "1 &lt; 2 &amp;&amp; <b>bold</b> &lt;i&gt;"
