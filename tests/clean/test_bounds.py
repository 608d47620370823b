"""Cleaning costs time linear in its input: nesting and attributes are bounded, with notes.

These tests check the bounds and the notes; the time itself is measured by
``benchmarks/nesting.py``, never asserted here.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from newsdesk.clean import clean_html
from newsdesk.clean.bounds import MAX_ATTRIBUTES, MAX_DEPTH, bound_markup
from newsdesk.models import Article, Entry, FeedSource
from newsdesk.process import NOTES, process_entry

PAD = "<p>" + "填充文字。" * 1000 + "</p>"  # past the size under which nothing is walked


def tree_depth(html: str) -> int:
    """How deep the elements a parser builds from ``html`` nest (its stack at its tallest)."""
    root = LexborHTMLParser(html, is_fragment=True).root
    deepest, todo = 0, [(root, 1)] if root is not None else []
    while todo:
        node, depth = todo.pop()
        deepest = max(deepest, depth)
        child = node.child
        while child is not None:
            if child.is_element_node:
                todo.append((child, depth + 1))
            child = child.next
    return deepest


def attribute_count(html: str, tag: str) -> int:
    node = LexborHTMLParser(html, is_fragment=True).css_first(tag)
    assert node is not None
    return len(node.attributes)


def nested(n: int, tag: str = "div") -> str:
    return f"<{tag}>" * n + "x" + f"</{tag}>" * n


def test_deep_nesting_is_flattened_at_the_limit_with_a_note() -> None:
    notes: list[str] = []
    out = clean_html(PAD + nested(10_000) + "<p>after</p>", None, notes=notes)
    assert tree_depth(out) <= MAX_DEPTH + 2
    assert ">x<" in out and out.endswith("<p>after</p>")  # the text and what follows stay
    assert notes == [
        f"markup nested deeper than {MAX_DEPTH} elements: {10_000 - MAX_DEPTH} tags "
        "flattened, their text kept"
    ]


def test_text_past_the_limit_stays_in_the_deepest_element_kept() -> None:
    html = PAD + "<section>" + "<div>" * 400 + "<p>inside</p>" + "</div>" * 400
    out = bound_markup(html + "</section><p>outside</p>").html
    tree = LexborHTMLParser(out, is_fragment=True)
    deepest = tree.css("div")[-1]
    assert deepest.text() == "inside" and deepest.css_first("p") is None  # <p> flattened
    outside = tree.css("p")[-1]
    assert outside.text() == "outside"  # the end tags still close in order: at the top
    assert outside.parent is None or outside.parent.tag not in ("div", "section")


def test_attributes_beyond_the_limit_are_dropped_with_a_note() -> None:
    attributes = " ".join(f'a{i}="{i}"' for i in range(50_000))
    bounded = bound_markup(f'<img src="https://a.example/x.jpg" {attributes}>{PAD}')
    assert attribute_count(bounded.html, "img") == MAX_ATTRIBUTES
    assert 'src="https://a.example/x.jpg"' in bounded.html  # the first ones are kept
    assert bounded.notes == (
        f"1 tags had over {MAX_ATTRIBUTES} attributes: only the first {MAX_ATTRIBUTES} kept",
    )


def test_an_article_records_what_cleaning_gave_up() -> None:
    source = FeedSource(key="k", url="https://a.example/f", group="g", source="s", channel="c")
    now = datetime(2026, 1, 1, tzinfo=UTC)

    def article(guid: str, body: str) -> Article:
        entry = Entry(guid=guid, link=None, title="t", content_html=body, summary_html=None)
        return process_entry(entry, source, feed_link=None, now=now)

    deep = article("1", PAD + nested(1000))
    assert deep.extra[NOTES].startswith(f"markup nested deeper than {MAX_DEPTH} elements")
    assert NOTES not in article("2", PAD).extra


@pytest.mark.parametrize(
    "html",
    [
        nested(MAX_DEPTH - 1) + PAD,
        PAD + "<table><tbody><tr><td>a</td><td>b</td></tr></tbody></table>" * 50,
        PAD + "<ul><li>a</li><li><b>b</b></li></ul><!-- note --><br><img src=x.jpg>" * 50,
        PAD + '<p title="a > b">x &lt; y</p><style>p > a {}</style><textarea><b></textarea>',
    ],
)
def test_well_formed_markup_within_the_limits_comes_back_unchanged(html: str) -> None:
    bounded = bound_markup(html)
    assert bounded.html is html and bounded.notes == ()


def test_small_markup_is_not_walked() -> None:
    html = nested(300)  # 3.3 KB: its worst case costs less than the walk
    assert bound_markup(html).html is html


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        # an end tag over open inline elements closes them explicitly
        ("<div><span>a</div>b", "<div><span>a</span></div>b"),
        # one that matches nothing open is dropped ("</p>" alone makes an empty p: kept)
        ("<div>a</span></div></p>", "<div>a</div></p>"),
        # script is dropped with its text (the sanitizer would), svg and math tags too
        ("<p>a<script>x</p><b></script>b<svg><g>c</g></svg></p>", "<p>ab<g>c</g></p>"),
        # a "<" that starts no tag is written so that no parser reads one there
        ("a < b <3 <", "a &lt; b &lt;3 &lt;"),
        ("<p>x</p><div a='unterminated>", "<p>x</p>&lt;div a='unterminated>"),
        # comments, raw text and bogus tags are read as a parser reads them
        ("<!-- <div> --><style></div></style></>", "<!-- <div> --><style></div></style></>"),
        ("<title><div></title><p>t</p>", "<title><div></title><p>t</p>"),
    ],
)
def test_markup_is_read_as_a_parser_reads_it(html: str, expected: str) -> None:
    assert bound_markup(html, min_size=0).html == expected


def test_a_dropped_tag_never_splices_a_new_one() -> None:
    # Removing "<object><param>" between "<" and "x" must not leave "<x" behind.
    pattern = "<b></BR><<object><param a=1></input>x =<h2><input>"
    out = bound_markup(pattern * 40, max_depth=8, min_size=0).html
    assert "<x" not in out
    assert tree_depth(out) <= 2 * 8 + 2


TAGS = st.sampled_from(
    [
        "div", "span", "p", "b", "i", "a", "li", "ul", "ol", "table", "tbody", "tr", "td",
        "th", "caption", "colgroup", "col", "select", "option", "svg", "math", "mi", "mtext",
        "foreignObject", "title", "style", "script", "textarea", "noscript", "template",
        "button", "h1", "h2", "dd", "dt", "form", "font", "nobr", "xmp", "iframe",
        "plaintext", "frameset", "body", "html", "head", "object", "marquee", "applet", "em",
        "strong", "section", "pre", "image", "keygen", "param", "br", "img", "hr", "input",
        "ruby", "rb", "rt", "listing", "center", "dl", "u", "code",
    ]
)  # fmt: skip
TOKEN = st.one_of(
    st.builds(lambda t, a: f"<{t}{a}>", TAGS, st.sampled_from(["", " a=1", " /", ' x="<y>"'])),
    st.builds(lambda t: f"</{t}>", TAGS),
    st.sampled_from(["x", " ", "<!--", "-->", "<![CDATA[", "]]>", "&lt;", "</>", "<", ">", "'"]),
)


@settings(max_examples=300)
@given(
    pattern=st.lists(TOKEN, min_size=1, max_size=12),
    repeat=st.integers(1, 60),
    max_depth=st.sampled_from([4, 8, 16]),
)
def test_a_parser_never_nests_past_twice_the_limit(
    pattern: list[str], repeat: int, max_depth: int
) -> None:
    # Tables get a tbody and a tr the markup never wrote: hence "twice" (+ the root).
    html = "".join(pattern) * repeat
    out = bound_markup(html, max_depth=max_depth, min_size=0).html
    assert tree_depth(out) <= 2 * max_depth + 2
