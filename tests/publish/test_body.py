"""protect_body: Hexo-safe bytes that mean the same HTML (real Hexo: tests/hexo)."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser, LexborNode

from newsdesk.clean import clean_html
from newsdesk.imageproxy.rewrite import prefix_proxy, rewrite_images
from newsdesk.publish.hexo import (
    _TOKEN,
    _final_pass,
    _protect_canonical,
    _protect_tokens,
    _strip_edge_newlines,
    protect_body,
)
from tests.clean.strategies import inputs as clean_inputs
from tests.publish.strategies import FRAGMENTS, body_html

_PRE = {"pre", "textarea", "listing"}
_WS = re.compile(r"[ \t\n\f\r]+")
_UNTERMINATED = re.compile(r"<[A-Za-z/!?][^>]*\Z")
_DROPPED = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ud800-\udfff]")


def _tokens(node: LexborNode, in_pre: bool, out: list[tuple]) -> None:
    for child in node.iter(include_text=True):
        tag = child.tag
        if tag == "-text":
            out.append(("text", in_pre, child.text_content or ""))
        elif tag in ("_comment", "script", "style", "-comment"):
            continue
        else:
            out.append(("start", tag, tuple(sorted((child.attributes or {}).items()))))
            _tokens(child, in_pre or tag in _PRE, out)
            out.append(("end", tag))


def _meaning(fragment: str) -> list[tuple]:
    """The DOM of ``fragment`` inside the seed's wrapper, with HTML's whitespace rules."""
    tree = LexborHTMLParser(f"<div>   \n{fragment}  \n</div>", is_fragment=True)
    raw: list[tuple] = []
    root = tree.root if tree.root is not None else tree.body
    _tokens(root, False, raw)
    merged: list[tuple] = []
    for token in raw:
        if token[0] == "text" and merged and merged[-1][0] == "text" and merged[-1][1] == token[1]:
            merged[-1] = ("text", token[1], merged[-1][2] + token[2])
        else:
            merged.append(token)
    return [
        ("text", False, _WS.sub(" ", t[2])) if t[0] == "text" and not t[1] else t for t in merged
    ]


def _degraded_tag(html: str) -> bool:
    """Whether protect_body keeps as text a ``<`` that HTML would open a tag with."""
    normalized = html.replace("\r", "\n").replace("\f", " ")
    return any(
        m.lastgroup == "lt" and re.match(r"</?[A-Za-z]", normalized[m.start() :])
        for m in _TOKEN.finditer(normalized)
    )


def _lines_ok(body: str) -> bool:
    return all(line.strip(" \t") for line in body.split("\n"))


@pytest.mark.parametrize(
    ("html", "protected"),
    [
        ("<p>{{ x }}</p>", "<p>&#123;{ x }}</p>"),
        ("{% raw %}a{% endraw %}", "&#123;% raw %}a&#123;% endraw %}"),
        ("{#c#} {{{", "&#123;#c#} &#123;&#123;{"),
        ("<p>a</p>\n\n\n<p>b</p>", "<p>a</p>\n<p>b</p>"),
        ("<p>a</p>\n    indented", "<p>a</p>\nindented"),
        ("<pre>a\n\n    b\n</pre>", "<pre>a&#10;&#10;    b&#10;</pre>"),
        ("<pre>\nfirst</pre>", "<pre>&#10;first</pre>"),  # the parser drops either form
        (
            "<p>```js</p>\n```\n~~~~",
            "<p>&#96;&#96;&#96;js</p>\n&#96;&#96;&#96;\n&#126;&#126;&#126;&#126;",
        ),
        ("a<!-- more -->b<!--more-->c", "abc"),
        ('<img alt="<!-- more -->">', '<img alt="&lt;!-- more --&gt;">'),
        ('<div title="a\n\nb"\n\n class="x">', '<div title="a&#10;&#10;b"   class="x">'),
        ("<script>{% x %}</script><style>{{a}}</style>ok", "ok"),
        ("\n\n<p>x</p>\n\n", "<p>x</p>"),
        (" \t ", ""),
        ("a\r\n\r\nb\rc", "a\nb\nc"),
        ("mark\ufffc ls\u2028", "mark&#65532; ls&#8232;"),
        ("a < b", "a &lt; b"),
        ("nul\x00bell\x07", "nulbell"),
        ('<p class="x" onclick>kept</p>', '<p class="x" onclick>kept</p>'),
    ],
)
def test_protect_body_table(html: str, protected: str) -> None:
    assert protect_body(html) == protected


@pytest.mark.parametrize(
    ("html", "protected"),
    [
        # HTML would let an unterminated tag run on and swallow the wrapper's `</div>`.
        ("a <img src=x", "a &lt;img src=x"),
        ("a <!-- open", "a "),
        ("a <?php", "a "),
        # Names HTML accepts but that would spell `<!-- more -->` or need `{` rewritten.
        ("<<null<!-- more -->", "&lt;&lt;null"),
        ("<a{%>x", "&lt;a&#123;%>x"),
    ],
)
def test_broken_tags_become_text(html: str, protected: str) -> None:
    assert protect_body(html) == protected


@pytest.mark.parametrize(
    ("html", "protected"), [("a</3>b", "ab"), ("a</>b", "ab"), ("x</", "x&lt;/")]
)
def test_end_tag_garbage_is_a_comment_as_in_html(html: str, protected: str) -> None:
    assert protect_body(html) == protected


@pytest.mark.parametrize("html", ["<p>a</p>\n\n<p>b</p>", "<pre>x\n\ny</pre>", "x\n    y"])
def test_protected_body_has_no_blank_or_indented_line(html: str) -> None:
    assert _lines_ok(protect_body(html))


_soup = st.text(alphabet=st.sampled_from(list("<>/!?-=\"' \n\tabpre{%#`~&;")), max_size=40)


@given(st.one_of(body_html, st.lists(st.sampled_from(FRAGMENTS)).map("".join), _soup))
@settings(max_examples=600)
def test_protect_body_keeps_meaning(html: str) -> None:
    """Same DOM (HTML whitespace rules; comments, scripts and controls dropped)."""
    # Both documented in test_broken_tags_become_text: unterminated markup at the end
    # would swallow the wrapper's `</div>`, and odd names are kept as text.
    assume(not _UNTERMINATED.search(html) and not _degraded_tag(html))
    body = protect_body(html)
    reference = _DROPPED.sub("", html.replace("\r\n", "\n").replace("\r", "\n").replace("\f", " "))
    assert _meaning(body) == _meaning(reference)
    assert _lines_ok(body) or body == ""
    assert not re.search(r"\{[{%#]|```|~~~|<!-- ?more ?-->", body)


@given(body_html)
@settings(max_examples=200)
def test_protect_body_is_idempotent(html: str) -> None:
    once = protect_body(html)
    assert protect_body(once) == once


# A tag that never closes (a `{` ends its attribute name) used to backtrack through every
# split of the name: 22 characters took 9 s, doubling per character. A hang here would
# hit pytest-timeout; the assertions are on the output.
@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    "html",
    [
        '<p data-{}{{="1">x</p>',
        '<p {}{{="1">x</p>',
        '<a x="1" {}{{>x</a>',
    ],
    ids=["data-name", "bare-name", "after-attribute"],
)
def test_hostile_attribute_name_is_linear_and_stays_text(html: str) -> None:
    name = "a" * 5000
    protected = protect_body(html.format(name))
    assert protected.startswith("&lt;")  # a broken tag is text, as before
    assert name in protected and "&#123;" not in protected[:10]
    assert protected.endswith("x</" + html.rsplit("</", 1)[1])


@pytest.mark.timeout(30)
def test_hostile_attribute_name_through_clean_html_and_protect_body() -> None:
    html = '<p data-ok="1" data-' + "a" * 5000 + '{="1" data-`x="2">x</p>'
    assert protect_body(clean_html(html, None)) == '<p data-ok="1">x</p>'


# --- the fast paths of protect_body, against the code they stand in for ------------------

# The final pass as it was written before it became one pass per character.
_FINAL_REFERENCE = re.compile(r"\{(?=[{%#])|`{3,}|~{3,}|[\ufffc\u2028\u2029]|\n[\t\n\f ]*")
_EDGE_REFERENCE = re.compile(r"\A[\t\f ]*\n|[\t\f ]*\n\Z")


def _final_reference(match: re.Match[str]) -> str:
    found = match.group()
    if found[0] == "\n":
        return "\n"
    if found[0] in "{`~":
        return {"{": "&#123;", "`": "&#96;", "~": "&#126;"}[found[0]] * len(found)
    return f"&#{ord(found)};"


@given(st.text(alphabet="{%#`~\ufffc\u2028\u2029\n\t\f a", max_size=40))
@settings(max_examples=2000)
def test_final_passes_are_the_single_alternation(text: str) -> None:
    assert _final_pass(text) == _FINAL_REFERENCE.sub(_final_reference, text)
    assert _strip_edge_newlines(text) == _EDGE_REFERENCE.sub("", text)


def _prepared(html: str) -> str:
    """What protect_body hands its tokenizer pass."""
    html = html.replace("\r\n", "\n").replace("\r", "\n").replace("\f", " ")
    return _DROPPED.sub("", html)


# Newlines in attribute values and text, and every other kind of text, through clean_html.
_newline_values = st.lists(
    st.sampled_from(
        [
            '<p title="a\nb">x\ny</p>',
            "<p>a</p>\n\n<p>b</p>",
            '<img src="http://a.example/x.jpg" alt="\n">',
            "<pre>\nx\n</pre>",
            '<pre title="\n">a\n<b>\n</b><pre>\n</pre>\n</pre>\n<p>\n</p>',
            "</pre>\n<pre>",
            "\n",
            '<div class="a\n\n b"\n></div>',
        ]
    ),
    max_size=6,
).map("".join)


@given(st.one_of(clean_inputs, _newline_values, body_html), st.booleans())
@settings(max_examples=600)
def test_canonical_protection_is_the_tokenizer_pass(html: str, proxied: bool) -> None:
    cleaned = clean_html(html, "https://www.example.com/a")
    if proxied:
        cleaned = rewrite_images(cleaned, prefix_proxy("https://p.example/?\n"))
    prepared = _prepared(cleaned)
    fast = _protect_canonical(prepared)
    assert fast is not None  # the fast path serves every cleaned body
    assert fast == _protect_tokens(prepared)


@pytest.mark.parametrize(
    "html",
    [
        "</pre>\n<pre>a\nb</pre>\n",  # a stray end tag leaves the depth at 0, as in the loop
        '<pre><pre title="x\ny">\n</pre>\n</pre>\n<p class="a\nb">\n</p>',
        '<p title="\n">x</p>',
    ],
)
def test_canonical_protection_table(html: str) -> None:
    assert _protect_canonical(html) == _protect_tokens(html)
