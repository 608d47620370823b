"""clean_title and first_image."""

from __future__ import annotations

import pytest

from newsdesk.clean import clean_title, first_image, html_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("携手共促开放共享的服务经济", "携手共促开放共享的服务经济"),
        ("AT&amp;T", "AT&T"),
        ("&amp;quot;双引号&amp;quot;", '"双引号"'),  # double-escaped
        ("&amp;amp;lt;b&amp;amp;gt;", ""),  # triple-escaped tag: decoded, then stripped
        ("&lt;b&gt;粗体&lt;/b&gt;标题", "粗体标题"),
        ("<em>强调</em> 标题", "强调 标题"),
        ("Vector<int> in C++", "Vector<int> in C++"),
        ("1 < 2 > 0", "1 < 2 > 0"),
        ("  line\none\r\n\ttwo  ", "line one two"),
        ("a\u00a0\u3000b", "a b"),
        ("bell\x07 and\x00 nul\x1b", "bell and nul"),
        ("&#x2B50;&#x2B50; 星", "⭐⭐ 星"),
        ("It&#39;s", "It's"),
        ("&doesnotexist;", "&doesnotexist;"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_clean_title(raw: str, expected: str) -> None:
    assert clean_title(raw) == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<p>a</p><img src="https://x.example/1.jpg"><img src="https://x.example/2.jpg">',
         "https://x.example/1.jpg"),
        ('<div><p><img src=""><img alt="x"></p></div><img src="/2.jpg">', "/2.jpg"),
        ('<img data-src="https://x.example/lazy.jpg">', None),
        ("<p>no images</p>", None),
        ("", None),
        ('<IMG SRC="https://x.example/U.JPG">', "https://x.example/U.JPG"),
        ('<img src="https://x.example/?a=1&amp;b=2">', "https://x.example/?a=1&b=2"),
    ],
)  # fmt: skip
def test_first_image(html: str, expected: str | None) -> None:
    assert first_image(html) == expected


def test_html_text() -> None:
    assert html_text("<p>第一段</p>\n<p>second&amp;  <b>third</b></p>") == "第一段 second& third"


@pytest.mark.parametrize(
    "skipped",
    [
        '<img src="https://t.example/p.gif" width="1" height="1">',
        '<img src="https://t.example/p.gif" width="0">',
        '<img src="https://t.example/p.gif" height="1px">',
        '<img src="https://t.example/p.gif" width=" 1.0">',
        '<img src="https://x.example/images/blank.gif">',
        '<img src="https://x.example/loading.png?v=2">',
        '<img src="data:image/gif;base64,R0lGOD">',
    ],
)
def test_first_image_skips_pixels_and_placeholders(skipped: str) -> None:
    html = f'<p>{skipped}<img src="https://x.example/real.jpg" width="10" height="2"></p>'
    assert first_image(html) == "https://x.example/real.jpg"
    assert first_image(skipped) is None
