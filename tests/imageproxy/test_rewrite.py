"""imageproxy.rewrite: image URLs through ``image_url``, everything else byte-identical."""

from __future__ import annotations

import pytest

from newsdesk.clean import clean_html
from newsdesk.imageproxy.rewrite import identity, prefix_proxy, rewrite_images

PROXY = "https://cors.zfour.workers.dev/?"
ZAKER = "http://zkres1.myzaker.com/202209/63107a378e9f0902e337aad8_1024.jpg"


def test_prefix_proxy_appends_the_url_raw() -> None:
    url = "http://img.example/a b/中.jpg?x=1&y=2"
    assert prefix_proxy(PROXY)(url) == PROXY + url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (ZAKER, PROXY + ZAKER),
        (PROXY + ZAKER, PROXY + ZAKER),  # already proxied: never twice
        (PROXY.upper() + ZAKER, PROXY.upper() + ZAKER),
        ("HTTP://ZKRES1.MYZAKER.COM/A.JPG", PROXY + "HTTP://ZKRES1.MYZAKER.COM/A.JPG"),
    ],
)
def test_prefix_proxy_never_double_prefixes(url: str, expected: str) -> None:
    proxy = prefix_proxy(PROXY)
    assert proxy(url) == expected
    assert proxy(proxy(url)) == expected


def test_rewrite_never_double_prefixes() -> None:
    html = f'<img src="{PROXY}{ZAKER}"><video poster="{PROXY}{ZAKER}"></video>'
    assert rewrite_images(html, prefix_proxy(PROXY)) == html


def test_empty_prefix_is_identity() -> None:
    assert prefix_proxy("") is identity
    assert identity(ZAKER) == ZAKER


def test_seed_image_tag() -> None:
    html = (
        f'<img class="lazy opacity_0 " id="img_0" data-original="{ZAKER}" data-height="533"'
        f' data-width="800" src="{ZAKER}" referrerpolicy="no-referrer">'
    )
    assert rewrite_images(html, prefix_proxy(PROXY)) == html.replace(
        f'src="{ZAKER}"', f'src="{PROXY}{ZAKER}"'
    )


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            '<img src="https://a.example/1.jpg" srcset="https://a.example/1.jpg 1x,'
            ' https://a.example/2.jpg 2x" alt="x">',
            '<img src="P/https://a.example/1.jpg" srcset="P/https://a.example/1.jpg 1x,'
            ' P/https://a.example/2.jpg 2x" alt="x">',
        ),
        (
            '<picture><source srcset="https://a.example/1.webp" type="image/webp">'
            '<img src="https://a.example/1.jpg"></picture>',
            '<picture><source srcset="P/https://a.example/1.webp" type="image/webp">'
            '<img src="P/https://a.example/1.jpg"></picture>',
        ),
        # Media go through the proxy like images: video src and poster, every source src.
        (
            '<video src="https://a.example/v.mp4" poster="https://a.example/p.jpg"></video>',
            '<video src="P/https://a.example/v.mp4" poster="P/https://a.example/p.jpg"></video>',
        ),
        (
            '<video controls=""><source src="https://a.example/v.webm" type="video/webm">'
            '<source src="https://a.example/v.mp4"></video>',
            '<video controls=""><source src="P/https://a.example/v.webm" type="video/webm">'
            '<source src="P/https://a.example/v.mp4"></video>',
        ),
        (
            '<audio src="https://a.example/a.mp3"><source src="https://a.example/a.ogg"></audio>',
            '<audio src="P/https://a.example/a.mp3"><source src="P/https://a.example/a.ogg">'
            "</audio>",
        ),
        # Upper-case schemes are web URLs too.
        ('<img src="HTTPS://A.EXAMPLE/1.JPG">', '<img src="P/HTTPS://A.EXAMPLE/1.JPG">'),
        (
            '<img src="x.jpg" srcset="Http://a.example/1.jpg 1x">',
            '<img src="x.jpg" srcset="P/Http://a.example/1.jpg 1x">',
        ),
        # Not images: links to images, data-* attributes, iframes stay as they are.
        (
            '<a href="https://a.example/big.jpg"><img data-src="https://a.example/1.jpg"'
            ' src="https://a.example/1.jpg"></a>',
            '<a href="https://a.example/big.jpg"><img data-src="https://a.example/1.jpg"'
            ' src="P/https://a.example/1.jpg"></a>',
        ),
        # Relative (no base was known) and data: sources cannot be proxied: untouched.
        ('<img src="/local.png">', '<img src="/local.png">'),
        ("<p>no images</p>", "<p>no images</p>"),
        ("", ""),
    ],
)
def test_rewrite_images(html: str, expected: str) -> None:
    assert rewrite_images(html, lambda url: "P/" + url) == expected


def test_rewrite_with_identity_returns_input_object() -> None:
    html = '<img src="https://a.example/1.jpg">'
    assert rewrite_images(html, identity) is html


def test_rewrite_is_idempotent_with_prefix_proxy() -> None:
    html = clean_html(f'<p>x</p><img data-original="{ZAKER}">', "https://www.myzaker.com/a")
    once = rewrite_images(html, prefix_proxy(PROXY))
    assert rewrite_images(once, prefix_proxy(PROXY)) == once
    assert once.count(PROXY) == 1


def test_text_and_entities_around_images_survive_byte_for_byte() -> None:
    cleaned = clean_html(
        '<p title="a &quot;q&quot; &amp; b">x &lt; y &amp; z&nbsp;中文</p>'
        '<img src="https://a.example/?a=1&amp;b=2" alt="&lt;3">'
        "<pre>\n\nline</pre><table><tr><td>c</td></tr></table><br>",
        None,
    )
    out = rewrite_images(cleaned, lambda url: "\ue000" + url)
    assert out != cleaned
    assert out.replace("\ue000", "") == cleaned
    assert 'src="\ue000https://a.example/?a=1&amp;b=2"' in out
