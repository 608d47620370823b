"""Card excerpts: visible text only, entities decoded, cut at the limit."""

from __future__ import annotations

import pytest

from newsdesk.publish.site.text import excerpt, plain_text, xml_safe

CASES = [
    ("<p>你好，<b>世界</b>。</p>", 20, "你好， 世界 。"),
    ("<p>甲</p><p>乙</p>", 20, "甲 乙"),
    ("<p>&lt;甜品卡&gt; &amp; 显卡</p>", 20, "<甜品卡> & 显卡"),
    ("<p>一二三四五六七八九十</p>", 5, "一二三四五…"),
    ("<style>p{}</style><script>x()</script><!-- 注释 --><p>正文</p>", 20, "正文"),
    ('<p><img src="a.jpg" alt="图"></p><p>正文</p>', 20, "正文"),
    (
        "<p>发布。</p><pre><code>def f():\n    return 42</code></pre><p>更快。</p>",
        20,
        "发布。 更快。",
    ),
    ("", 20, ""),
]


@pytest.mark.parametrize(("html", "limit", "want"), CASES)
def test_excerpt(html: str, limit: int, want: str) -> None:
    assert excerpt(html, limit) == want


def test_excerpt_reads_past_heavy_markup() -> None:
    html = '<div class="x">' * 400 + "<p>深处的正文</p>" + "</div>" * 400
    assert excerpt(html, 10) == "深处的正文"


def test_excerpt_does_not_leak_a_cut_tag() -> None:
    html = "<p>" + "字" * 30 + '</p><p class="very-long-attribute-value">' * 50
    assert "<" not in excerpt(html, 100) and excerpt(html, 100).startswith("字" * 30)


def test_xml_safe_drops_forbidden_characters() -> None:
    assert xml_safe("a\x00b\x0bc\td\n") == "abc\td\n"


def test_search_text_keeps_code_but_not_what_is_never_shown() -> None:
    html = (
        "<p>发布。</p><pre><code>def frobnicate():\n    return 42</code></pre>"
        "<script>tracker()</script><style>p{}</style><p>更快。</p>"
    )
    assert plain_text(html) == "发布。 def frobnicate(): return 42 更快。"
