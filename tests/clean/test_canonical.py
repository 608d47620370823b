"""clean.canonical: the cleaned-HTML walk that replaces a parse at publish time.

The properties compare each fast path with the tree-based code it stands in for, on
``clean_html`` output of random hostile HTML: whenever the walk accepts markup, the
results must be identical, and it must accept every cleaned body but those holding a CR
(which a parser turns into LF).
"""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from newsdesk.clean import clean_html, first_image
from newsdesk.clean.canonical import escape_attribute, media_tags
from newsdesk.clean.cleaner import _first_image_tree
from newsdesk.imageproxy.rewrite import (
    _rewrite_canonical,
    _rewrite_tree,
    prefix_proxy,
    rewrite_images,
)
from tests.clean.strategies import REWRITTEN_TEXT, documents, inputs

BASE = "https://www.example.com/news/1.html"
EXAMPLES = int(os.environ.get("NEWSDESK_HYPOTHESIS_EXAMPLES", "400"))
PROFILE = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hostile = st.one_of(inputs, documents(REWRITTEN_TEXT), documents(REWRITTEN_TEXT))
# A CR in text: what a parser rewrites and the walk must decline.
CR_IN_TEXT = "<p>a&#13;b</p><img src=http://a.example/x.jpg>"

IMAGE_URLS: dict[str, Callable[[str], str]] = {
    "proxy": prefix_proxy("https://proxy.example/?"),
    "marker": lambda url: "\ue000" + url,
    "escapes": lambda url: "P\"&amp;<>\u00a0'" + url,  # every character the serializer escapes
    "rewrites": lambda url: url.upper()[::-1],
}
image_urls = st.sampled_from(sorted(IMAGE_URLS)).map(IMAGE_URLS.__getitem__)


@PROFILE
@given(hostile)
@example(CR_IN_TEXT)
def test_cleaned_bodies_are_canonical_unless_they_hold_a_cr(html: str) -> None:
    cleaned = clean_html(html, BASE)
    assert (media_tags(cleaned) is None) == ("\r" in cleaned)


@PROFILE
@given(hostile, image_urls)
@example(CR_IN_TEXT, IMAGE_URLS["proxy"])
def test_fast_rewrite_is_the_tree_rewrite(html: str, image_url: Callable[[str], str]) -> None:
    cleaned = clean_html(html, BASE)
    fast = _rewrite_canonical(cleaned, image_url)
    if fast is not None:
        assert fast == _rewrite_tree(cleaned, image_url)
        # Published once, rewritten again (a republish): still the same as the tree.
        again = _rewrite_canonical(fast, image_url)
        assert again is not None
        assert again == _rewrite_tree(fast, image_url)


_SIZES = ["", " width=1", ' height="1px"', " width=0 height=600", ' height=" +0.5"', " width=800"]
_IMAGE = st.builds(
    "<img src={}{}{}>".format,
    st.sampled_from(["http://a.example/1.jpg", "/blank.gif", "data:,x", '""', "https://b/2.png"]),
    st.sampled_from(_SIZES),
    st.sampled_from(_SIZES),
)
images = st.lists(
    st.one_of(_IMAGE, st.sampled_from(["<p>", "</p>", "x", "<noscript>", "<table><td>", "<!--"])),
    max_size=6,
).map("".join)


@PROFILE
@given(st.one_of(hostile, images))
def test_fast_first_image_is_the_tree_first_image(html: str) -> None:
    cleaned = clean_html(html, BASE)
    assert first_image(cleaned) == _first_image_tree(cleaned)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",))))
def test_escape_attribute_writes_what_lexbor_writes(value: str) -> None:
    tree = LexborHTMLParser("<img>", is_fragment=True)
    node = tree.css_first("img")
    assert node is not None
    node.attrs["src"] = value
    assert tree.html == f'<img src="{escape_attribute(value)}">'


def test_media_tags_reads_names_and_decoded_values() -> None:
    html = (
        '<p title="&lt;img src=&quot;x&quot;&gt;">a &amp; b</p><picture>'
        '<source srcset="https://a.example/1.webp 1x" type="image/webp">'
        '<img src="https://a.example/?a=1&amp;b=&lt;2&gt;&nbsp;" alt=""></picture>'
        '<video controls="" poster="https://a.example/p.jpg"></video><audio src="a.mp3"></audio>'
        '<iframe src="https://www.youtube.com/embed/x"></iframe>'
    )
    tags = media_tags(html)
    assert tags is not None
    assert [t.name for t in tags] == ["source", "img", "video", "audio"]
    assert tags[1].get("src") == "https://a.example/?a=1&b=<2>\u00a0"
    assert tags[1].get("alt") == ""
    assert tags[1].get("width") is None
    assert list(tags[2].spans) == ["controls", "poster"]
    start, end = tags[1].spans["src"]
    assert html[start:end] == "https://a.example/?a=1&amp;b=&lt;2&gt;&nbsp;"


@pytest.mark.parametrize(
    "html",
    [
        "",
        "plain text, no tags",
        "<p>a</p>",
        "<br><hr><wbr>",
        "<p>x &gt; y &lt; z &amp; &nbsp;\"'</p>",
        '<td colspan="2"></td>',
        '<img src="https://a.example/1.jpg" data-x="a=" title="">',
    ],
)
def test_canonical_markup_is_accepted(html: str) -> None:
    assert media_tags(html) is not None


# Each is something a parser reads differently from the walk's reading, so the walk
# declines it: a body stored by an older version, or markup from anywhere else.
NOT_CANONICAL = {
    "upper case": '<IMG SRC="http://a.example/x.jpg">',
    "single quotes": "<img src='http://a.example/x.jpg'>",
    "unquoted": "<img src=http://a.example/x.jpg>",
    "bare attribute": '<video controls src="http://a.example/v.mp4"></video>',
    "self-closing slash": '<img src="http://a.example/x.jpg"/>',
    "two spaces": '<img  src="http://a.example/x.jpg">',
    "repeated name": '<img src="http://a.example/1.jpg" src="http://a.example/2.jpg">',
    "legacy reference": '<img src="http://a.example/x.jpg?a=1&copy=2">',
    "numeric reference": '<img src="http://a.example/&#120;.jpg">',
    "lt in a value": '<p title="<img src=x>"><img src="http://a.example/x.jpg"></p>',
    "gt in text": '<p>a > b</p><img src="http://a.example/x.jpg">',
    "lt in text": '<p>a < b</p><img src="http://a.example/x.jpg">',
    "comment": '<!-- <img src="http://a.example/x.jpg"> -->',
    "textarea": '<textarea><img src="http://a.example/x.jpg"></textarea>',
    "title": '<title><img src="http://a.example/x.jpg"></title>',
    "script": '<script>"<img src="http://a.example/x.jpg">"</script>',
    "noscript": '<noscript><img src="http://a.example/x.jpg"></noscript>',
    "iframe content": '<iframe><img src="http://a.example/x.jpg"></iframe>',
    "svg": '<svg><img src="http://a.example/x.jpg"></svg>',
    "template": '<template><img src="http://a.example/x.jpg"></template>',
    "select": '<select><img src="http://a.example/x.jpg"></select>',
    "end tag of a void element": '</br><img src="http://a.example/x.jpg">',
    "image alias": '<image src="http://a.example/x.jpg">',
    "carriage return": '<p>a\rb</p><img src="http://a.example/x.jpg">',
    "nul": '<p>a\x00b</p><img src="http://a.example/x.jpg">',
    "unknown element": '<custom-el><img src="http://a.example/x.jpg"></custom-el>',
    "unterminated": '<img src="http://a.example/x.jpg"',
}


@pytest.mark.parametrize("html", NOT_CANONICAL.values(), ids=NOT_CANONICAL.keys())
def test_other_markup_is_declined_and_parsed(html: str) -> None:
    assert media_tags(html) is None
    image_url = IMAGE_URLS["marker"]
    assert _rewrite_canonical(html, image_url) is None
    assert first_image(html) == _first_image_tree(html)


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        # Read by a parser: the first src wins, upper case is the same tag, the comment
        # and the textarea hold no image.
        (NOT_CANONICAL["repeated name"], '<img src="P/http://a.example/1.jpg">'),
        (NOT_CANONICAL["upper case"], '<img src="P/http://a.example/x.jpg">'),
        (NOT_CANONICAL["comment"], NOT_CANONICAL["comment"]),
        (NOT_CANONICAL["textarea"], NOT_CANONICAL["textarea"]),
    ],
)
def test_declined_markup_is_still_rewritten_right(html: str, expected: str) -> None:
    assert rewrite_images(html, lambda url: "P/" + url) == expected
