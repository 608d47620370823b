from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

import httpx
import pytest

from newsdesk.fetch import FetchOptions, make_client
from newsdesk.fulltext import (
    apply_selectors,
    check_selectors,
    extract_article,
    fetch_full_text,
    looks_truncated,
)
from tests.support.httpserver import LocalServer, Reply, Request

PARAS = [
    "国家统计局今天发布数据显示，十月份全国规模以上工业增加值同比增长百分之五点三，比上月加快零点二个百分点。",
    "分三大门类看，采矿业增加值同比增长百分之四点一，制造业增长百分之五点六，电力、热力、燃气及水生产和供应业增长百分之三点二。",
    "分经济类型看，国有控股企业增加值同比增长百分之四点五；股份制企业增长百分之五点九，外商及港澳台商投资企业增长百分之二点八。",
    "专家表示，随着一系列稳增长政策持续发力，工业生产保持稳中有进态势，市场预期逐步改善，企业信心有所增强。",
    "从产品看，新能源汽车、太阳能电池、服务机器人等产品产量分别增长百分之三十点一、百分之二十二点六和百分之十八点四。",
    "业内人士认为，四季度工业经济有望延续回升向好态势，但仍需关注外部需求波动和部分行业盈利承压等问题。",
]
# Boilerplate around the article; none of it may reach the extracted text.
NAV, BANNER, SHARE, COMMENT, SIDEBAR, FOOTER = (
    "首页财经科技",
    "限时特惠！点击领取优惠券",
    "分享到：微博",
    "沙发！这条评论",
    "热门文章排行",
    "京ICP备00000000号",
)
INLINE_AD = "赞助内容：购买理财产品请咨询客服"


def article_page(charset: str = "utf-8", copies: int = 2) -> str:
    body = "\n".join(f"<p>{p}</p>" for p in PARAS * copies)
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="{charset}"><title>十月工业增加值同比增长5.3%</title>
<script>var tracker = 1;</script></head>
<body>
<header><nav class="nav"><a href="/">{NAV}</a></nav></header>
<div class="ad banner"><a href="https://ads.example/click">{BANNER}</a></div>
<main><article class="post">
<h1>十月工业增加值同比增长5.3%</h1>
<div class="content">
{body}
<figure><img src="img/chart.png" alt="图表"><figcaption>走势</figcaption></figure>
<div class="ad inline">{INLINE_AD}</div>
<p>详见<a href="/report.html">统计公报</a>。</p>
</div>
<div class="share">{SHARE}</div>
</article>
<section class="comments"><div class="comment">{COMMENT}</div></section></main>
<aside class="sidebar"><h3>{SIDEBAR}</h3><ul><li><a href="/a/1">热门一</a></li></ul></aside>
<footer>{FOOTER}</footer>
</body></html>"""


def fetch(url: str, **kwargs) -> str | None:
    """``fetch_full_text`` with the feed client; the test pages live on loopback."""

    async def go() -> str | None:
        async with make_client(FetchOptions()) as client:
            return await fetch_full_text(client, url, allow_private=True, **kwargs)

    return asyncio.run(go())


def html_reply(page: str | bytes, content_type: str = "text/html; charset=utf-8") -> Reply:
    data = page.encode() if isinstance(page, str) else page
    return Reply(200, data, {"Content-Type": content_type})


def assert_article_only(html: str) -> None:
    for para in PARAS:
        assert para in html
    for junk in (NAV, BANNER, SHARE, COMMENT, SIDEBAR, FOOTER, "tracker"):
        assert junk not in html


# -- selector rules (pure) ---------------------------------------------------------------

PAGE = (
    '<div class="nav">nav</div><article><h1>T</h1><div class="body"><p>one</p>'
    '<div class="ad">AD</div><p class="x">two</p></div><div class="share">s</div>'
    "</article><aside><p>side</p></aside>"
)


@pytest.mark.parametrize(
    ("keep", "drop", "expected"),
    [
        ([], [], PAGE),  # no rules: the body as it is
        (
            [".body"],
            [],
            '<div class="body"><p>one</p><div class="ad">AD</div><p class="x">two</p></div>',
        ),
        ([".body"], [".ad"], '<div class="body"><p>one</p><p class="x">two</p></div>'),
        (
            [],
            [".nav", "aside", ".ad", ".share"],
            '<article><h1>T</h1><div class="body"><p>one</p><p class="x">two</p></div></article>',
        ),
        # several keep selectors: document order, not selector order
        (["p.x", "h1"], [], '<h1>T</h1><p class="x">two</p>'),
        # nested matches are output once, as the outermost
        (
            ["article", ".body p", "article h1"],
            [".share", ".ad"],
            '<article><h1>T</h1><div class="body"><p>one</p><p class="x">two</p></div></article>',
        ),
        # keep matching nothing: the body minus drops, never an emptied article
        ([".missing"], [], PAGE),
        ([".missing"], [".ad"], PAGE.replace('<div class="ad">AD</div>', "")),
        # a drop that removes the kept node wins
        ([".body"], ["article"], '<div class="nav">nav</div><aside><p>side</p></aside>'),
        (["aside p", "article > h1"], [], "<h1>T</h1><p>side</p>"),
    ],
)
def test_selector_table(keep, drop, expected):
    assert apply_selectors(PAGE, keep, drop) == expected


def test_selectors_keep_cjk_and_entities():
    html = '<div class="c"><p>中文 &amp; “引号” &lt;tag&gt;</p></div>'
    assert apply_selectors(html, [".c p"], []) == "<p>中文 &amp; “引号” &lt;tag&gt;</p>"


@pytest.mark.parametrize("bad", ["div[[", "", "  ", "p:unknown-pseudo(", ">>"])
def test_invalid_selector_is_a_value_error_naming_it(bad):
    with pytest.raises(ValueError, match="invalid CSS selector"):
        apply_selectors("<p>x</p>", [bad], [])
    with pytest.raises(ValueError, match="invalid CSS selector"):
        check_selectors(["p", bad])


def test_selector_string_instead_of_list_refused():
    with pytest.raises(ValueError, match="not a string"):
        check_selectors(".ad")  # type: ignore[arg-type]


# -- extraction (pure) -------------------------------------------------------------------


def test_extract_article_drops_boilerplate_and_resolves_images():
    html = extract_article(article_page(), url="https://news.example/2026/a.html")
    assert html is not None
    assert_article_only(html)
    assert 'src="https://news.example/2026/img/chart.png"' in html


def test_extract_article_on_a_page_without_article_is_none():
    assert extract_article("<html><body><nav>首页 财经 科技 体育</nav></body></html>") is None
    assert extract_article("") is None


@pytest.mark.parametrize(
    ("html", "truncated"),
    [
        ("<p>短摘要</p>", True),
        ("<p>" + "很长的正文。" * 60 + "</p>", False),
        ("<p>" + "很长的正文。" * 60 + "阅读全文</p>", True),
        ("<p>" + "long text " * 40 + "…</p>", True),
        ("<p>" + "long text " * 40 + "<a href='/x'>Read more</a></p>", True),
    ],
)
def test_looks_truncated(html, truncated):
    assert looks_truncated(html) is truncated


# -- fetching through a real loopback server ---------------------------------------------


def test_fetch_extracts_the_article_from_a_cluttered_page(server: LocalServer):
    url = server.route("/news/2026/a.html", handler=lambda r: html_reply(article_page()))
    html = fetch(url)
    assert html is not None
    assert_article_only(html)
    assert f'src="{server.url("/news/2026/img/chart.png")}"' in html
    assert f'href="{server.url("/report.html")}"' in html
    assert "text/html" in server.requests("/news/2026/a.html")[0].headers["Accept"]


def test_fetch_with_keep_and_drop_rules_uses_exactly_those(server: LocalServer):
    url = server.route("/a.html", handler=lambda r: html_reply(article_page()))
    html = fetch(url, keep=[".content"], drop=[".ad", ".share"])
    assert html is not None
    assert html.startswith('<div class="content">')
    assert_article_only(html)
    assert INLINE_AD not in html
    assert "走势" in html  # the figure caption the rules keep
    assert f'src="{server.url("/img/chart.png")}"' in html


def test_keep_rules_matching_nothing_fall_back_to_extraction(server: LocalServer, caplog):
    url = server.route("/a.html", handler=lambda r: html_reply(article_page()))
    with caplog.at_level(logging.INFO, logger="newsdesk.fulltext"):
        html = fetch(url, keep=[".article-body"], drop=[".ad"])
    assert html is not None
    assert_article_only(html)
    assert any("matched nothing" in r.getMessage() for r in caplog.records)


def test_relative_links_resolve_against_the_final_url_after_redirect(server: LocalServer):
    server.route(
        "/short/1", handler=lambda r: Reply(302, b"", {"Location": "/deep/path/story.html"})
    )
    server.route("/deep/path/story.html", handler=lambda r: html_reply(article_page()))
    html = fetch(server.url("/short/1"))
    assert html is not None
    assert f'src="{server.url("/deep/path/img/chart.png")}"' in html


def test_base_href_in_the_page_is_honoured(server: LocalServer):
    page = article_page().replace("<head>", '<head><base href="https://cdn.example/s/">')
    url = server.route("/a.html", handler=lambda r: html_reply(page))
    html = fetch(url, keep=[".content"])
    assert html is not None
    assert 'src="https://cdn.example/s/img/chart.png"' in html


@pytest.mark.parametrize("content_type", ["text/html", "text/html; charset=gbk"])
def test_gbk_page_is_decoded(server: LocalServer, content_type):
    page = article_page(charset="gbk").encode("gbk")
    url = server.route("/gbk.html", handler=lambda r: html_reply(page, content_type))
    html = fetch(url, keep=[".content"])
    assert html is not None
    assert PARAS[0] in html


def test_undeclared_gb18030_page_is_detected(server: LocalServer):
    page = article_page().replace('<meta charset="utf-8">', "").encode("gb18030")
    url = server.route("/x.html", handler=lambda r: html_reply(page, "text/html"))
    html = fetch(url, keep=[".content"])
    assert html is not None
    assert PARAS[1] in html


def reason_logged(caplog, fragment: str) -> bool:
    return any(
        getattr(r, "reason", "").find(fragment) >= 0
        for r in caplog.records
        if r.getMessage() == "full text fetch failed"
    )


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (Reply(404, b"gone"), "HTTP 404"),
        (Reply(503, b"busy", {"Retry-After": "60"}), "HTTP 503"),
        (Reply(200, b"\x89PNG...", {"Content-Type": "image/png"}), "not an HTML page"),
        (
            Reply(200, b"<html><body><nav>menu</nav></body></html>", {"Content-Type": "text/html"}),
            "no article content",
        ),
        (Reply(200, b"x" * 5000, {"Content-Type": "text/html"}), "larger than 4000 bytes"),
    ],
)
def test_page_problems_are_none_with_a_logged_reason(server: LocalServer, caplog, reply, reason):
    url = server.route("/p", handler=lambda r: reply)
    with caplog.at_level(logging.WARNING, logger="newsdesk.fulltext"):
        assert fetch(url, max_bytes=4000) is None
    assert reason_logged(caplog, reason)


def test_oversized_body_without_length_is_cut_off(server: LocalServer, caplog):
    def endless(req: Request) -> Reply:
        req.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n")
        try:
            for _ in range(200):
                req.wfile.write(b"<p>" + b"x" * 1000 + b"</p>")
        except OSError:
            pass  # the client hung up, as it should
        return Reply.RAW

    url = server.route("/big", handler=endless)
    with caplog.at_level(logging.WARNING, logger="newsdesk.fulltext"):
        assert fetch(url, max_bytes=50_000) is None
    assert reason_logged(caplog, "larger than 50000 bytes")


def test_trickling_server_hits_the_overall_timeout(server: LocalServer, caplog):
    def trickle(req: Request) -> Reply:
        req.wfile.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100\r\n\r\n"
        )
        try:
            for _ in range(50):
                req.wfile.write(b"x")
                req.wfile.flush()
                time.sleep(0.1)  # each read is quick, the whole body is not
        except OSError:
            pass
        return Reply.RAW

    url = server.route("/slow", handler=trickle)
    start = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="newsdesk.fulltext"):
        assert fetch(url, timeout=0.5) is None
    assert time.monotonic() - start < 3
    assert reason_logged(caplog, "timed out after 0.5s")


def test_connection_refused_is_none(caplog):
    with LocalServer() as gone:
        url = gone.url("/a.html")
    with caplog.at_level(logging.WARNING, logger="newsdesk.fulltext"):
        assert fetch(url, timeout=2) is None
    assert reason_logged(caplog, "ConnectError")


def test_bad_selector_raises_before_any_request(server: LocalServer):
    url = server.route("/a.html", handler=lambda r: html_reply(article_page()))
    with pytest.raises(ValueError, match="div\\[\\["):
        fetch(url, keep=["div[["])
    assert server.requests("/a.html") == []


# -- addresses: the connect-time guard, and the full_text_private opt-in ---------------


def fetch_via(client_factory: Callable[[], httpx.AsyncClient], url: str, **kwargs) -> str | None:
    async def go() -> str | None:
        async with client_factory() as client:
            return await fetch_full_text(client, url, **kwargs)

    return asyncio.run(go())


def resolving_to_loopback() -> httpx.AsyncClient:
    async def resolve(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]  # what a rebinding name answers at connect time

    return make_client(FetchOptions(), resolver=resolve)


def test_a_page_whose_name_resolves_to_loopback_at_connect_time_is_refused(
    server: LocalServer, caplog
) -> None:
    server.route("/a.html", handler=lambda req: html_reply(article_page()))
    url = f"http://news.test:{server.port}/a.html"
    with caplog.at_level(logging.WARNING, logger="newsdesk.fulltext"):
        assert fetch_via(resolving_to_loopback, url) is None
    assert reason_logged(caplog, "private address 127.0.0.1 refused")
    assert server.requests("/a.html") == []  # refused before connecting


def test_allow_private_lets_the_same_page_through(server: LocalServer) -> None:
    server.route("/a.html", handler=lambda req: html_reply(article_page()))
    url = f"http://news.test:{server.port}/a.html"
    html = fetch_via(resolving_to_loopback, url, allow_private=True)
    assert html is not None
    assert_article_only(html)


def test_a_plain_client_is_still_refused_private_pages(server: LocalServer, caplog) -> None:
    # No guarded transport: the peer address is checked before the page is used.
    url = server.route("/a.html", handler=lambda req: html_reply(article_page()))
    with caplog.at_level(logging.WARNING, logger="newsdesk.fulltext"):
        assert fetch_via(httpx.AsyncClient, url) is None
    assert reason_logged(caplog, "private address 127.0.0.1 refused")


def test_pages_and_selectors_see_bounded_markup() -> None:
    # A page nested 20,000 deep reaches the parsers flattened (clean/bounds.py).
    deep = "<p>" + "正文。" * 2000 + "</p>" + "<div>" * 20_000 + "深处" + "</div>" * 20_000
    out = apply_selectors(deep, [], [])
    assert "深处" in out and out.count("<div>") <= 256
