"""render_post reproduces the seed post (the target format) byte for byte."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from newsdesk.imageproxy.rewrite import prefix_proxy
from newsdesk.publish.hexo import render_post
from tests.publish.seed import PROXY_PREFIX, seed_article, seed_body, seed_text

PROXY = prefix_proxy(PROXY_PREFIX)


def _front_matter(text: str) -> str:
    return text[: text.index("\n---\n", 1) + len("\n---\n")]


def test_seed_front_matter_is_byte_identical() -> None:
    got = render_post(seed_article(), image_url=PROXY, placeholder="unused")
    assert _front_matter(got).encode() == _front_matter(seed_text()).encode()


def test_seed_file_is_byte_identical_for_the_published_body() -> None:
    # The seed's body already points at the proxy; rewrite leaves it alone, so the whole
    # file, wrapper and 12 trailing spaces included, must come out as the seed.
    got = render_post(seed_article(html=seed_body()), image_url=PROXY, placeholder="unused")
    assert got.encode() == seed_text().encode()


def test_seed_from_original_urls_differs_only_by_attribute_serialization() -> None:
    # Rewriting re-serializes the HTML: the bare `onclick` becomes `onclick=""`, the same
    # attribute (and the sanitizer removes it upstream anyway). Nothing else may differ.
    got = render_post(seed_article(), image_url=PROXY, placeholder="unused")
    assert got == seed_text().replace(" onclick>", ' onclick="">')


def test_seed_layout_bytes() -> None:
    got = render_post(seed_article(), image_url=PROXY, placeholder="unused")
    assert got.startswith("\n---\ntitle: '")
    assert "\ncategories: \n - 新媒体\n - ZAKER\n - source\n" in got
    assert "\nauthor: ZAKER\ncomments: false\ndate: Thu, 01 Sep 2022 03:09:17 GMT\n" in got
    assert got.endswith("</p>  \n</div>\n" + " " * 12)


def test_date_is_written_in_gmt_whatever_the_zone() -> None:
    shanghai = timezone(timedelta(hours=8))
    article = seed_article(published=datetime(2022, 9, 1, 11, 9, 17, tzinfo=shanghai))
    got = render_post(article, image_url=PROXY, placeholder="unused")
    assert "\ndate: Thu, 01 Sep 2022 03:09:17 GMT\n" in got


def test_missing_head_image_uses_the_unproxied_placeholder() -> None:
    article = seed_article(head_image=None)
    got = render_post(article, image_url=PROXY, placeholder="https://img.example/p/{n}.jpg")
    again = render_post(article, image_url=PROXY, placeholder="https://img.example/p/{n}.jpg")
    line = next(x for x in got.splitlines() if x.startswith("headimg: "))
    assert line.startswith("headimg: 'https://img.example/p/") and PROXY_PREFIX not in line
    assert got == again  # the number is stable for the article
    assert line.replace("headimg", "thumbnail") in got.splitlines()
