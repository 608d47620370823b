"""Lazy-loaded images get a real ``src``; attribute order is what the seed posts show."""

from __future__ import annotations

import pytest

from newsdesk.clean import clean_html
from newsdesk.clean.images import LAZY_SRC_ATTRIBUTES, is_placeholder

BASE = "https://www.example.com/news/1.html"
IMG = "http://img.example.com/a/1.jpg"
RP = ' referrerpolicy="no-referrer"'


@pytest.mark.parametrize("attr", LAZY_SRC_ATTRIBUTES)
def test_each_lazy_attribute_becomes_src(attr: str) -> None:
    out = clean_html(f'<img class="lazy" {attr}="{IMG}">', BASE)
    assert out == f'<img class="lazy" {attr}="{IMG}" src="{IMG}"{RP}>'


@pytest.mark.parametrize(
    "placeholder",
    [
        "",
        " ",
        "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7",
        "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'%3E%3C/svg%3E",
        "about:blank",
        "#",
        "https://www.example.com/static/images/blank.gif",
        "/images/loading.gif",
        "/img/lazy_1x1.png",
        "grey.gif",
        "https://cdn.example.com/placeholder.svg",
        "https://cdn.example.com/pixel.png?v=2",
    ],
)
def test_placeholder_src_is_replaced_in_place(placeholder: str) -> None:
    out = clean_html(f'<img src="{placeholder}" data-original="{IMG}" alt="a">', BASE)
    # src keeps its place (first); the lazy attribute itself is kept, as in the seed.
    assert out == f'<img src="{IMG}" data-original="{IMG}" alt="a"{RP}>'


def test_missing_src_is_appended_before_referrerpolicy() -> None:
    html = (
        '<img class="lazy opacity_0 " id="img_0" data-original="http://zkres1.myzaker.com/'
        '202209/63107a378e9f0902e337aad8_1024.jpg" data-height="533" data-width="800">'
    )
    assert clean_html(html, BASE) == html[:-1] + (
        ' src="http://zkres1.myzaker.com/202209/63107a378e9f0902e337aad8_1024.jpg"' + RP + ">"
    )


def test_real_src_is_kept_even_with_lazy_attribute() -> None:
    html = f'<img src="https://cdn.example.com/small.jpg" data-original="{IMG}">'
    assert clean_html(html, BASE) == html[:-1] + RP + ">"


def test_lazy_attribute_preference_order() -> None:
    html = '<img data-lazy-src="https://x.example/4.jpg" data-src="https://x.example/2.jpg">'
    assert 'src="https://x.example/2.jpg"' in clean_html(html, BASE).split("data-src=")[1]


def test_placeholder_lazy_value_is_skipped() -> None:
    html = f'<img data-original="/images/blank.gif" data-src="{IMG}">'
    assert clean_html(html, BASE).endswith(f'src="{IMG}"{RP}>')


def test_relative_lazy_url_is_made_absolute_but_data_attribute_kept() -> None:
    out = clean_html('<img data-src="../img/2.png">', BASE)
    assert out == f'<img data-src="../img/2.png" src="https://www.example.com/img/2.png"{RP}>'


def test_protocol_relative_lazy_url_gets_https() -> None:
    out = clean_html('<img data-src="//mmbiz.qpic.cn/x/640?wx_fmt=png">', None)
    assert 'src="https://mmbiz.qpic.cn/x/640?wx_fmt=png"' in out


def test_lazy_srcset_is_copied_when_src_is_repaired() -> None:
    out = clean_html(
        '<img data-src="https://x.example/1.jpg" data-srcset="https://x.example/1.jpg 1x,'
        ' https://x.example/2.jpg 2x">',
        BASE,
    )
    assert out.endswith(
        ' src="https://x.example/1.jpg" srcset="https://x.example/1.jpg 1x,'
        f' https://x.example/2.jpg 2x"{RP}>'
    )


def test_srcset_gives_src_when_nothing_else_does() -> None:
    out = clean_html('<img srcset="/a-400.jpg 400w, /a-800.jpg 800w">', BASE)
    assert 'src="https://www.example.com/a-400.jpg"' in out


@pytest.mark.parametrize(
    "html",
    [
        "<img>",
        '<img src="">',
        '<img src="data:image/gif;base64,R0lGOD">',
        '<img src="about:blank" data-src="">',
        '<img src="javascript:alert(1)">',
        '<img src="mailto:a@example.com">',
        '<img data-src="data:image/png;base64,AA">',
    ],
)
def test_image_without_usable_source_is_removed(html: str) -> None:
    assert clean_html(f"<p>a{html}b</p>", BASE) == "<p>ab</p>"


def test_named_placeholder_without_alternative_is_kept() -> None:
    # It might be the picture itself (an article about loading screens): keep it.
    out = clean_html('<img src="https://x.example/loading.gif">', BASE)
    assert out == f'<img src="https://x.example/loading.gif"{RP}>'


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://x.example/photo.jpg", False),
        ("https://x.example/blank.gif", True),
        ("https://x.example/loading.svg?x=1", True),
        ("https://x.example/loading/real-photo.jpg", False),
        ("data:image/png;base64,AA", True),
        ("", True),
    ],
)
def test_is_placeholder(url: str, expected: bool) -> None:
    assert is_placeholder(url) is expected


def test_every_img_gets_referrerpolicy() -> None:
    out = clean_html(
        '<img src="https://a.example/1.jpg"><p><img src="https://a.example/2.jpg"'
        ' referrerpolicy="origin"></p>',
        BASE,
    )
    assert out.count('referrerpolicy="no-referrer"') == 2
