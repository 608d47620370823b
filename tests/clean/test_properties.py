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

BASE = "https://www.example.com/news/1.html"
PROXY = "https://proxy.example/?"
# 400 per property in the normal run; raise it for a long fuzzing session.
EXAMPLES = int(os.environ.get("NEWSDESK_HYPOTHESIS_EXAMPLES", "400"))

TAGS = [
    "p", "div", "span", "a", "b", "i", "em", "strong", "font", "img", "iframe", "video",
    "source", "picture", "table", "tr", "td", "ul", "li", "pre", "code", "br", "section",
    "script", "style", "noscript", "template", "textarea", "title", "xmp", "noembed",
    "noframes", "plaintext", "svg", "math", "object", "embed", "form", "button", "select",
    "option", "body", "html", "head", "meta", "base", "link", "frameset", "custom-el",
    "fieldset", "marquee", "menu", "dd", "dt", "dl", "h1", "ol", "rb", "ruby", "rt",
    "caption", "foreignObject", "desc", "mtext", "annotation-xml", "applet", "big", "nobr",
]  # fmt: skip
ATTRS = [
    "src", "href", "srcset", "poster", "data-src", "data-original", "data-actualsrc",
    "data-lazy-src", "data-x", "onclick", "onerror", "OnLoad", "style", "class", "id",
    "action", "formaction", "srcdoc", "referrerpolicy", "rel", "width", "title", "alt",
]  # fmt: skip
VALUES = [
    "javascript:alert(1)", " JaVaScRiPt:alert(1)", "java\tscript:x", "java&#x09;script:x",
    "&#106;avascript:x", "vbscript:x", "data:text/html,<script>alert(1)</script>",
    "data:image/png;base64,AAAA", "about:blank", "", "#", "//cdn.example/a.jpg",
    "/rel/b.png", "c.gif", "http://img.example/x.jpg", "https://img.example/y.jpg 2x, z.jpg",
    "https://www.youtube.com/embed/x", "//player.bilibili.com/player.html?aid=1",
    "https://evil.example/embed", "blank.gif", "x\" onerror=\"alert(1)", "<script>",
    "a&b", "'", "\u00a0", "mailto:a@example.com",
]  # fmt: skip
TEXT = st.lists(
    st.sampled_from([*"ab <>&\"'=/;:\n\t\u00a0\u3000中文\x00\x0c", "&amp;", "&lt;"]),
    max_size=12,
).map("".join)


@st.composite
def attribute(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(ATTRS))
    value = draw(st.one_of(st.sampled_from(VALUES), TEXT))
    quote = draw(st.sampled_from(['"', "'", ""]))
    if quote == "":
        value = value.replace(" ", "").replace(">", "") or "v"
    elif quote in value:
        value = value.replace(quote, "")
    return f" {name}={quote}{value}{quote}" if draw(st.booleans()) else f" {name}"


@st.composite
def piece(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 9))
    tag = draw(st.sampled_from(TAGS))
    if kind <= 3:
        attrs = "".join(draw(st.lists(attribute(), max_size=4)))
        return f"<{tag}{attrs}{draw(st.sampled_from(['', '/']))}>"
    if kind <= 5:
        return f"</{tag}>"
    if kind == 6:
        return draw(st.sampled_from(["<!--", "-->", "<!-- c -->", "<![CDATA[", "]]>", "<", "&"]))
    return draw(TEXT)


html_documents = st.lists(piece(), max_size=40).map("".join)
random_text = st.text(max_size=200)
inputs = st.one_of(html_documents, html_documents, random_text)

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
