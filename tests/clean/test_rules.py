"""Site rules: one table per rule, plus the host lookup."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser

from newsdesk.clean import clean_html
from newsdesk.clean.rules import (
    EMPTY_RULES,
    SITE_RULES,
    TreeRule,
    collapse_blank_runs,
    drop,
    iframe_data_src,
    rules_for,
    word_footnote_links,
)


def apply_tree(rule: TreeRule, html: str) -> str:
    tree = LexborHTMLParser(html, is_fragment=True)
    rule(tree)
    return tree.html or ""


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>a</p>" + " " * 200 + "\n" + " " * 40 + "<p>b</p>", "<p>a</p>\n<p>b</p>"),
        ("<p>a</p>      <p>b</p>", "<p>a</p> <p>b</p>"),
        ("<p>a</p> <p>b</p>", "<p>a</p> <p>b</p>"),  # a single space is already minimal
        ("<p>a    b</p>", "<p>a    b</p>"),  # runs inside text are not between tags
        ("<pre>x</pre>   \n   <p>b</p>", "<pre>x</pre>   \n   <p>b</p>"),  # pre: untouched
        ("\u3000\u3000<p>a</p>\u3000\u3000<p>b</p>", "<p>a</p> <p>b</p>"),
        ("\n        <p>a</p>  \n  ", "<p>a</p>"),  # the body's own indentation goes too
        ("", ""),
    ],
)
def test_collapse_blank_runs(html: str, expected: str) -> None:
    assert collapse_blank_runs(html) == expected


@pytest.mark.parametrize(
    ("selector", "html", "expected"),
    [
        ("div.article-global", '<p>a</p><div class="article-global"></div><p>b</p>',
         "<p>a</p><p>b</p>"),
        ("div.article-global", '<div class="article-global x"><a href="/s">share</a></div>', ""),
        ("div.article-global", '<div class="article">keep</div>',
         '<div class="article">keep</div>'),
        (".share", '<p>a<span class="share">s</span></p>', "<p>a</p>"),
    ],
)  # fmt: skip
def test_drop(selector: str, html: str, expected: str) -> None:
    assert apply_tree(drop(selector), html) == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            '<iframe class="video_iframe" data-src="https://v.qq.com/txp/iframe/player.html?vid=a">'
            "</iframe>",
            '<iframe class="video_iframe" data-src="https://v.qq.com/txp/iframe/player.html?vid=a"'
            ' src="https://v.qq.com/txp/iframe/player.html?vid=a"></iframe>',
        ),
        (
            '<iframe src="https://v.qq.com/1" data-src="https://v.qq.com/2"></iframe>',
            '<iframe src="https://v.qq.com/1" data-src="https://v.qq.com/2"></iframe>',
        ),
        (
            '<iframe src="" data-src="https://v.qq.com/2"></iframe>',
            '<iframe src="https://v.qq.com/2" data-src="https://v.qq.com/2"></iframe>',
        ),
    ],
)
def test_iframe_data_src(html: str, expected: str) -> None:
    assert apply_tree(iframe_data_src, html) == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            '<a HREF="file:///G:/x/a.doc#_edn7" NAME="_ednref7">[7]</a>',
            '<a href="#_edn7" name="_ednref7" id="_ednref7">[7]</a>',
        ),
        ('<a href="file:///G:/a.doc">doc</a>', '<a href="file:///G:/a.doc">doc</a>'),
        ('<a name="n" id="keep">x</a>', '<a name="n" id="keep">x</a>'),
        ('<a href="https://a.example/#x">x</a>', '<a href="https://a.example/#x">x</a>'),
    ],
)
def test_word_footnote_links(html: str, expected: str) -> None:
    assert apply_tree(word_footnote_links, html) == expected


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://www.cnbeta.com.tw/articles/tech/1552362.htm", "cnbeta.com.tw"),
        ("https://cnbeta.com.tw/x", "cnbeta.com.tw"),
        ("https://m.cnbeta.com/x", "cnbeta.com"),
        ("https://mp.weixin.qq.com/s/abc", "mp.weixin.qq.com"),
        ("http://blog.sina.com.cn/s/blog_1.html", "blog.sina.com.cn"),
    ],
)
def test_rules_for_matches_host_suffix(url: str, host: str) -> None:
    assert rules_for(url) is SITE_RULES[host]


@pytest.mark.parametrize(
    "url",
    [
        None,
        "",
        "https://example.com/",
        "https://notcnbeta.com.tw.evil/x",
        "not a url",
        "http://[::1",
    ],
)
def test_rules_for_unknown_host(url: str | None) -> None:
    assert rules_for(url) is EMPTY_RULES


def test_fakecnbeta_suffix_does_not_match() -> None:
    # "evilcnbeta.com.tw" ends with the text "cnbeta.com.tw" but is not a subdomain of it.
    assert rules_for("https://evilcnbeta.com.tw/") is EMPTY_RULES


def test_cnbeta_rules_run_inside_clean_html() -> None:
    html = (
        "\n        <p>a</p>" + " " * 300 + "\n<div class=\"article-global\"></div>"
        + " " * 30 + "<p>b</p>"
    )  # fmt: skip
    out = clean_html(html, "https://www.cnbeta.com.tw/articles/tech/1.htm")
    assert out == "<p>a</p>\n<p>b</p>"
    # Same body from another site: no rules run, whitespace and the div are kept.
    other = clean_html(html, "https://example.com/1.htm")
    assert 'class="article-global"' in other
    assert " " * 300 in other


def test_after_rules_see_sanitized_output() -> None:
    # The sanitizer drops <meta>, joining the blanks around it; the cnBeta after rule then
    # collapses them, so cleaning the result again changes nothing.
    base = "https://www.cnbeta.com.tw/articles/tech/1.htm"
    out = clean_html("<p>a</p>  <meta>  <p>b</p>\n<meta>\n", base)
    assert out == "<p>a</p> <p>b</p>"
    assert clean_html(out, base) == out


def test_after_rule_may_only_delete_whitespace() -> None:
    from newsdesk.clean import CleanPolicy, SiteRules

    def sneaky(html: str) -> str:
        return html + "<script>alert(1)</script>"

    policy = CleanPolicy(site_rules={"example.com": SiteRules(after=(sneaky,))})
    with pytest.raises(ValueError, match="sneaky"):
        clean_html("<p>a</p>", "https://example.com/1", policy)
