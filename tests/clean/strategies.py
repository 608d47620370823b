"""Hypothesis strategies: random HTML built from pieces feeds and attackers actually use.

Script-ish tags, event handlers, javascript:/data: URLs with case and whitespace tricks,
lazy-image attributes, raw-text elements, misnested formatting tags, comments and stray
``<``/``&``. ``documents(REWRITTEN_TEXT)`` adds what a parser rewrites on the way in (CR,
NUL, references without ``;``).
"""

from __future__ import annotations

from hypothesis import strategies as st

__all__ = ["REWRITTEN_TEXT", "TEXT", "documents", "html_documents", "inputs", "random_text"]

TAGS = [
    "p", "div", "span", "a", "b", "i", "em", "strong", "font", "img", "iframe", "video",
    "source", "picture", "table", "tr", "td", "ul", "li", "pre", "code", "br", "section",
    "script", "style", "noscript", "template", "textarea", "title", "xmp", "noembed",
    "noframes", "plaintext", "svg", "math", "object", "embed", "form", "button", "select",
    "option", "body", "html", "head", "meta", "base", "link", "frameset", "custom-el",
    "fieldset", "marquee", "menu", "dd", "dt", "dl", "h1", "ol", "rb", "ruby", "rt",
    "caption", "foreignObject", "desc", "mtext", "annotation-xml", "applet", "big", "nobr",
    "audio", "listing",
]  # fmt: skip
ATTRS = [
    "src", "href", "srcset", "poster", "data-src", "data-original", "data-actualsrc",
    "data-lazy-src", "data-x", "onclick", "onerror", "OnLoad", "style", "class", "id",
    "action", "formaction", "srcdoc", "referrerpolicy", "rel", "width", "title", "alt",
    "height",
]  # fmt: skip
VALUES = [
    "javascript:alert(1)", " JaVaScRiPt:alert(1)", "java\tscript:x", "java&#x09;script:x",
    "&#106;avascript:x", "vbscript:x", "data:text/html,<script>alert(1)</script>",
    "data:image/png;base64,AAAA", "about:blank", "", "#", "//cdn.example/a.jpg",
    "/rel/b.png", "c.gif", "http://img.example/x.jpg", "https://img.example/y.jpg 2x, z.jpg",
    "https://www.youtube.com/embed/x", "//player.bilibili.com/player.html?aid=1",
    "https://evil.example/embed", "blank.gif", "x\" onerror=\"alert(1)", "<script>",
    "a&b", "'", "\u00a0", "mailto:a@example.com", "1", "0", "1px",
    "http://img.example/a.jpg?x=1&amp;y=<2>", "https://img.example/\u00a0&quot;.png",
]  # fmt: skip
_TEXT_PIECES = [*"ab <>&\"'=/;:\n\t\u00a0\u3000中文\x00\x0c", "&amp;", "&lt;"]
# What a parser rewrites or decodes on the way in: CR (as a byte or a reference), NUL,
# references without ";" (read differently in attributes and in text).
_REWRITTEN_PIECES = ["\r", "\r\n", "&#13;", "&#x0d;", "&#0;", "&copy", "&copy=", "&notin;"]
TEXT = st.lists(st.sampled_from(_TEXT_PIECES), max_size=12).map("".join)
REWRITTEN_TEXT = st.lists(st.sampled_from(_TEXT_PIECES + _REWRITTEN_PIECES), max_size=12).map(
    "".join
)


@st.composite
def _attribute(draw: st.DrawFn, text: st.SearchStrategy[str]) -> str:
    name = draw(st.sampled_from(ATTRS))
    value = draw(st.one_of(st.sampled_from(VALUES), text))
    quote = draw(st.sampled_from(['"', "'", ""]))
    if quote == "":
        value = value.replace(" ", "").replace(">", "") or "v"
    elif quote in value:
        value = value.replace(quote, "")
    return f" {name}={quote}{value}{quote}" if draw(st.booleans()) else f" {name}"


@st.composite
def _piece(draw: st.DrawFn, text: st.SearchStrategy[str]) -> str:
    kind = draw(st.integers(0, 9))
    tag = draw(st.sampled_from(TAGS))
    if kind <= 3:
        attrs = "".join(draw(st.lists(_attribute(text), max_size=4)))
        return f"<{tag}{attrs}{draw(st.sampled_from(['', '/']))}>"
    if kind <= 5:
        return f"</{tag}>"
    if kind == 6:
        return draw(st.sampled_from(["<!--", "-->", "<!-- c -->", "<![CDATA[", "]]>", "<", "&"]))
    return draw(text)


def documents(text: st.SearchStrategy[str] = TEXT) -> st.SearchStrategy[str]:
    """Up to 40 pieces: tags with attributes, end tags, comment and CDATA bits, text."""
    return st.lists(_piece(text), max_size=40).map("".join)


html_documents = documents()
random_text = st.text(max_size=200)
inputs = st.one_of(html_documents, html_documents, random_text)
