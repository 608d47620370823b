"""Hypothesis properties of clean_html (and of the publish-time image rewrite on its output).

Random HTML is built from pieces feeds and attackers actually use: script-ish tags, event
handlers, javascript:/data: URLs with case and whitespace tricks, lazy-image attributes,
raw-text elements, misnested formatting tags, comments and stray ``<``/``&``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdesk.clean import clean_html
from newsdesk.imageproxy.rewrite import prefix_proxy, rewrite_images
from tests.clean.invariants import (
    elements,
    foreign_iframes,
    handlers,
    has_script_element,
    script_urls,
)
from tests.clean.strategies import inputs

BASE = "https://www.example.com/news/1.html"
PROXY = "https://proxy.example/?"
# 400 per property in the normal run; raise it for a long fuzzing session.
EXAMPLES = int(os.environ.get("NEWSDESK_HYPOTHESIS_EXAMPLES", "400"))

settings.register_profile(
    "clean", max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
PROFILE = settings.get_profile("clean")


@PROFILE
@given(inputs)
def test_output_has_no_script(html: str) -> None:
    out = clean_html(html, BASE)
    assert "<script" not in out.lower()
    assert not has_script_element(out)


@PROFILE
@given(inputs)
def test_output_has_no_event_handlers(html: str) -> None:
    assert handlers(clean_html(html, BASE)) == []


@PROFILE
@given(inputs)
def test_output_has_no_javascript_urls(html: str) -> None:
    out = clean_html(html, BASE)
    assert script_urls(out) == []
    assert foreign_iframes(out) == []


@PROFILE
@given(inputs, st.sampled_from([BASE, None, "https://www.cnbeta.com.tw/articles/1.htm"]))
def test_clean_is_idempotent(html: str, base: str | None) -> None:
    once = clean_html(html, base)
    assert clean_html(once, base) == once


@PROFILE
@given(inputs)
def test_proxied_images_all_start_with_prefix(html: str) -> None:
    published = rewrite_images(clean_html(html, BASE), prefix_proxy(PROXY))
    for node in elements(published):
        if node.tag == "img":
            assert (node.attrs.get("src") or "").startswith(PROXY), node.html


@PROFILE
@given(inputs)
def test_rewrite_changes_nothing_but_image_urls(html: str) -> None:
    # A private-use marker as the "proxy": removing it must give back the cleaned text
    # byte for byte, so lexbor re-serializes nh3's output exactly.
    cleaned = clean_html(html, BASE)
    marker = "\ue000"
    rewritten = rewrite_images(cleaned, lambda url: marker + url)
    assert rewritten.replace(marker, "") == cleaned


@PROFILE
@given(inputs)
def test_output_never_much_larger(html: str) -> None:
    out = clean_html(html, BASE)
    assert len(out) <= 8 * len(html) + 4096


@PROFILE
@given(inputs)
def test_every_img_has_src_and_no_referrer(html: str) -> None:
    for node in elements(clean_html(html, BASE)):
        if node.tag == "img":
            assert node.attrs.get("src")
            assert node.attrs.get("referrerpolicy") == "no-referrer"
