"""Real headless Chromium over the built site: pages render, images load, search finds Chinese.

Screenshots go to test-artifacts/site/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import functools
import os
import shutil
import struct
import subprocess
import threading
import zlib
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import quote

import pytest

from newsdesk.publish.site import build_site
from newsdesk.publish.site.paths import article_id
from tests.support.httpserver import LocalServer, Reply, Request

pytest.importorskip("websockets.sync.client", reason="browser tests drive Chromium over websockets")

from .cdp import Chromium, Page
from .samples import metadata_only, new_article, sample_articles, sample_feeds, sample_options

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "site"


def _png(width: int, height: int) -> bytes:
    """A small gradient PNG, so the image upstream serves a real picture."""
    rows = b"".join(
        b"\0" + b"".join(bytes((40 + x * 3 % 200, 90 + y * 2 % 150, 170)) for x in range(width))
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="session")
def chromium_path() -> str:
    found = shutil.which("chromium")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("chromium missing and apt-get unavailable")
    for cmd in (
        ["apt-get", "install", "-y", "-q", "chromium"],
        ["apt-get", "update", "-q"],
        ["apt-get", "install", "-y", "-q", "chromium"],
    ):
        subprocess.run(cmd, check=False, capture_output=True, timeout=900)
        if shutil.which("chromium"):
            return str(shutil.which("chromium"))
    pytest.skip("apt-get could not install chromium")


class _Quiet(SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".js": "text/javascript",
        ".svg": "image/svg+xml",
    }

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def upstream() -> Iterator[LocalServer]:
    """Stands in for the image proxy: any /img?u=… answers with a PNG."""
    picture = _png(320, 180)

    def image(_req: Request) -> Reply:
        return Reply(200, picture, {"Content-Type": "image/png"})

    with LocalServer() as srv:
        srv.route("/img", handler=image)
        yield srv


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory, upstream: LocalServer) -> Iterator[str]:
    out = tmp_path_factory.mktemp("browser") / "public"
    articles, bodies = metadata_only([*sample_articles(), new_article()])
    report = build_site(
        out,
        articles=articles,
        load_html=lambda a: bodies[a.article_id],
        feeds=sample_feeds(),
        options=sample_options(
            search=True,
            per_page=4,
            base_path="/site/",
            image_url=lambda u: upstream.url("/img?u=" + quote(u, safe="")),
        ),
    )
    assert report.search_indexed
    served = out.parent / "root"
    served.mkdir()
    (served / "site").symlink_to(out, target_is_directory=True)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(served)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/site/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def page(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    with Chromium.launch(chromium_path, tmp_path_factory.mktemp("profile")) as browser:
        yield browser.page()


def _article_url(site_url: str) -> str:
    a = sample_articles()[0]  # the one with an image
    return f"{site_url}a/{a.published:%Y/%m}/{article_id(a.feed_key, a.article_id)}/"


IMAGES_LOADED = """(async () => {
  const imgs = [...document.images];
  await Promise.all(imgs.map(i => i.decode().catch(() => null)));
  return imgs.map(i => [i.getAttribute('src'), i.naturalWidth]);
})()"""


def _check_images(page: Page, upstream: LocalServer) -> None:
    images = page.evaluate(IMAGES_LOADED)
    proxied = [(src, w) for src, w in images if src.startswith(upstream.url("/img"))]
    assert proxied, "the page shows at least one proxied image"
    assert all(w > 0 for _, w in images), images


def test_home_page(page: Page, site_url: str, upstream: LocalServer) -> None:
    page.viewport(1280, 900)
    page.goto(site_url)
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert page.evaluate("document.querySelectorAll('.card').length") == 5
    page.evaluate("window.scrollTo(0, 0)")
    _check_images(page, upstream)
    page.screenshot(ARTIFACTS / "home-desktop.png")
    for landmark in ("header", "nav", "main", "footer"):
        assert page.evaluate(f"!!document.querySelector('{landmark}')"), landmark
    page.viewport(390, 844, mobile=True)
    page.goto(site_url)
    _check_images(page, upstream)
    page.screenshot(ARTIFACTS / "home-phone.png")
    page.viewport(1280, 900, dark=True)
    page.goto(site_url)
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(15, 17, 21)"
    page.screenshot(ARTIFACTS / "home-dark.png")
    assert page.errors == []


def test_article_page(page: Page, site_url: str, upstream: LocalServer) -> None:
    page.viewport(1280, 900)
    page.goto(_article_url(site_url))
    assert (
        page.evaluate("document.querySelector('h1').textContent")
        == "国产芯片产能持续提升，多家厂商扩产"
    )
    body_img = page.evaluate(
        "(async () => { const i = document.querySelector('.post-body img');"
        " await i.decode(); return [i.src, i.naturalWidth, i.alt]; })()"
    )
    assert body_img[0].startswith(upstream.url("/img?u=")) and body_img[1] > 0
    assert body_img[2] == "晶圆厂内景"
    original = page.evaluate("document.querySelector('.original a').getAttribute('href')")
    assert original == sample_articles()[0].link
    page.screenshot(ARTIFACTS / "article-desktop.png", full_page=True)
    page.viewport(390, 844, mobile=True, dark=True)
    page.goto(_article_url(site_url))
    page.screenshot(ARTIFACTS / "article-phone-dark.png", full_page=True)
    assert page.errors == []


def test_search_finds_a_chinese_word(page: Page, site_url: str) -> None:
    page.viewport(1280, 900)
    page.goto(site_url + "search/?q=" + quote("芯片"))
    page.wait_for("document.querySelectorAll('.results li').length > 0")
    titles = page.evaluate(
        "[...document.querySelectorAll('.results li a')].map(a => a.textContent)"
    )
    assert "国产芯片产能持续提升，多家厂商扩产" in titles
    more = "getComputedStyle(document.querySelector('.more')).display"
    assert page.evaluate(more) == "none", "all results are shown: no 'more' button"
    marks = page.evaluate("[...document.querySelectorAll('.results mark')].map(m => m.textContent)")
    assert "芯片" in marks, "the query is highlighted"
    page.screenshot(ARTIFACTS / "search.png")
    # A word from the middle of a body, not a title.
    page.goto(site_url + "search/?q=" + quote("供应紧张"))
    page.wait_for("document.querySelectorAll('.results li').length > 0")
    page.goto(site_url + "search/?q=" + quote("鳄鱼潜水艇"))
    page.wait_for("document.querySelector('.search-status').textContent.includes('没有找到')")
    assert page.errors == []


def test_category_and_archive_pages(page: Page, site_url: str) -> None:
    page.viewport(1280, 900)
    page.goto(site_url + "g/" + quote("科技") + "/" + quote("36氪") + "/")
    crumbs = page.evaluate("[...document.querySelectorAll('.crumbs a')].map(a => a.textContent)")
    assert crumbs == ["首页", "科技"]
    chips = page.evaluate("[...document.querySelectorAll('.chips a')].map(a => a.textContent)")
    assert chips == ["快讯", "深度"]
    page.screenshot(ARTIFACTS / "source-desktop.png")
    page.goto(site_url + "archive/")
    assert page.evaluate("document.querySelectorAll('.months a').length") == 2
    page.screenshot(ARTIFACTS / "archive.png")
    assert page.errors == []


def test_sources_page(page: Page, site_url: str) -> None:
    page.viewport(1280, 900)
    page.goto(site_url + "sources/")
    rows = page.evaluate("document.querySelectorAll('tbody tr').length")
    assert rows == 4
    assert "HTTP 503 after 3 attempts <retry>" in page.evaluate("document.body.innerText")
    page.screenshot(ARTIFACTS / "sources.png")
    assert page.errors == []


def test_search_shows_more_results_on_request(
    page: Page, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from dataclasses import replace
    from datetime import timedelta

    base = new_article()
    many = [
        replace(
            base,
            article_id=f"{base.article_id}-{i}",
            title=f"芯片新闻第{i}篇",
            published=base.published - timedelta(hours=i),
            content_hash=f"m{i}",
        )
        for i in range(45)
    ]
    out = tmp_path_factory.mktemp("many") / "public"
    articles, bodies = metadata_only(many)
    build_site(
        out,
        articles=articles,
        load_html=lambda a: bodies[a.article_id],
        feeds=sample_feeds(),
        options=sample_options(search=True),
    )
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        page.goto(f"http://127.0.0.1:{httpd.server_address[1]}/search/?q=" + quote("芯片"))
        page.wait_for("document.querySelectorAll('.results li').length === 30")
        assert "45" in page.evaluate("document.querySelector('.search-status').textContent")
        page.evaluate("document.querySelector('.more').click()")
        page.wait_for("document.querySelectorAll('.results li').length === 45")
        more = "getComputedStyle(document.querySelector('.more')).display"
        page.wait_for(f"{more} === 'none'")
        titles = page.evaluate("[...document.querySelectorAll('.results li a')].map(a => a.text)")
        assert titles[0] == "芯片新闻第0篇" and len(set(titles)) == 45, "newest first, no repeats"
        assert page.errors == []
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_sources_page_fits_a_phone(page: Page, site_url: str) -> None:
    page.viewport(390, 844, mobile=True)
    page.goto(site_url + "sources/")
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth,"
        " document.querySelector('.table-wrap').scrollWidth,"
        " document.querySelector('.table-wrap').clientWidth]"
    )
    assert widths[0] <= 390 and widths[0] <= widths[1], f"the page scrolls sideways: {widths}"
    assert widths[2] <= widths[3], f"the table scrolls sideways: {widths}"
    assert "HTTP 503 after 3 attempts <retry>" in page.evaluate("document.body.innerText")
    label = "getComputedStyle(document.querySelector('td.error'), '::before').content"
    assert page.evaluate(label) == '"最近错误："', "each value is labelled on a phone"
    page.screenshot(ARTIFACTS / "sources-phone.png", full_page=True)
    assert page.errors == []


TIMES = "[...document.querySelectorAll('{sel}')].map(t => [t.dateTime, t.textContent])"


def test_one_instant_reads_the_same_on_every_page(page: Page, site_url: str) -> None:
    # Article 1 was published 2026-11-20 09:30 +08:00; the site's zone is Asia/Shanghai.
    shown = ["2026-11-20T09:30:00+08:00", "2026-11-20 09:30 CST"]
    page.viewport(1280, 900)
    page.goto(site_url)
    assert shown in page.evaluate(TIMES.format(sel=".card time"))
    page.goto(_article_url(site_url))
    assert page.evaluate(TIMES.format(sel=".post-head time")) == [shown]
    page.goto(site_url + "search/?q=" + quote("国产芯片产能"))
    page.wait_for("document.querySelectorAll('.results li').length > 0")
    assert shown in page.evaluate(TIMES.format(sel=".results time"))
    # The sources page: a last success at 04:00 UTC is noon in the site's zone.
    page.goto(site_url + "sources/")
    noon = ["2026-11-20T12:00:00+08:00", "2026-11-20 12:00 CST"]
    assert noon in page.evaluate(TIMES.format(sel=".sources time"))
    assert page.errors == []


def test_chinese_text_renders_with_a_real_font(page: Page, site_url: str) -> None:
    """Screenshots must show Chinese, not empty boxes: a CJK font is installed and used."""
    found = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False)
    if not found.stdout.strip():
        pytest.skip("no CJK font installed: run scripts/install-test-tools.sh (fonts-noto-cjk)")
    page.goto(site_url)
    # A CJK glyph drawn in the page's font must differ from an unassigned code point's box.
    differs = page.evaluate(
        """(() => {
      const draw = (ch) => {
        const c = document.createElement('canvas'); c.width = 40; c.height = 40;
        const g = c.getContext('2d');
        g.font = '32px ' + getComputedStyle(document.body).fontFamily;
        g.fillText(ch, 2, 32);
        return c.toDataURL();
      };
      return draw('芯') !== draw('\\u{10FFFD}');
    })()"""
    )
    assert differs, "Chinese characters render as boxes: no CJK font reaches Chromium"


@pytest.fixture(scope="module")
def broken_images_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample site with an image proxy that answers every image with 404."""
    with LocalServer() as dead:
        out = tmp_path_factory.mktemp("broken") / "public"
        articles, bodies = metadata_only(sample_articles())
        build_site(
            out,
            articles=articles,
            load_html=lambda a: bodies[a.article_id],
            feeds=sample_feeds(),
            options=sample_options(image_url=lambda u: dead.url("/gone?u=" + quote(u, safe=""))),
        )
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
        httpd.shutdown()
        httpd.server_close()


def test_body_image_that_fails_falls_back_to_the_placeholder(
    page: Page, broken_images_site: str
) -> None:
    page.viewport(1280, 900)
    page.goto(_article_url(broken_images_site))
    page.wait_for(
        "document.querySelector('.post-body img').src.endsWith('/static/placeholder.svg')"
    )
    img = page.evaluate(
        "(async () => { const i = document.querySelector('.post-body img');"
        " await i.decode(); return [i.naturalWidth, i.dataset.fallback, i.alt]; })()"
    )
    assert img[0] > 0 and "/gone?u=" in img[1] and img[2] == "晶圆厂内景"
    # The site's own script does it: no inline event handlers in the page.
    assert page.evaluate("document.querySelectorAll('[onerror], [onload]').length") == 0
    page.goto(broken_images_site)  # a card thumbnail that fails falls back the same way
    page.wait_for("[...document.querySelectorAll('.thumb img')].every(i => i.naturalWidth > 0)")
    page.screenshot(ARTIFACTS / "image-fallback.png")
