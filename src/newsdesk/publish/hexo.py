"""Hexo posts in the seed's exact format.

    render_post(article, image_url=…, placeholder=…, profile="volantis") -> str
    post_filename(article) -> "<16 hex>.md"
    protect_body(html) -> html that Hexo's Nunjucks and markdown passes leave byte-exact

A post is the front matter of a profile (``PROFILES``: key order as data), then the body
wrapped the way the seed wraps it: ``\\n<div>   \\n`` + body + ``  \\n</div>\\n`` + 12 spaces.
Title, author and category names are theme text (``frontmatter.theme_text``): themes
print them raw, in attributes and scripts, and volantis puts the title back in as HTML.

Why the body needs protecting (measured with real Hexo 8, see tests/hexo):
- Nunjucks runs on any post holding ``{{…}}``, ``{%…%}`` or ``{#…#}``; it eats them, and an
  unknown tag aborts the whole build. Writing that ``{`` as ``&#123;`` keeps Nunjucks off.
- The markdown renderer leaves an HTML block raw only until the first blank line, so the
  body keeps no blank line: whitespace around a newline collapses to the newline (the same
  under HTML whitespace rules) and newlines inside ``<pre>`` become ``&#10;``.
- Hexo's fenced-code filter rewrites ````` / ``~~~`` runs and the excerpt filter rewrites
  ``<!-- more -->``: fences become character references and comments are dropped.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from types import MappingProxyType
from urllib.parse import quote as quote_url

from newsdesk.clean.canonical import media_tags
from newsdesk.imageproxy.rewrite import rewrite_images
from newsdesk.models import Article
from newsdesk.publish.frontmatter import quote, rfc822_gmt, scalar, theme_text

__all__ = [
    "IMAGE_KEYS",
    "PROFILES",
    "category_chain",
    "head_image_value",
    "image_value",
    "placeholder_url",
    "post_filename",
    "protect_body",
    "render_post",
]

# Front-matter profiles: key order per theme. Image keys all carry the head image.
PROFILES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "volantis": ("title", "categories", "headimg", "author", "comments", "date", "thumbnail"),
        "butterfly": ("title", "categories", "cover", "top_img", "author", "comments", "date"),
        "plain": ("title", "date", "categories", "author"),
    }
)
IMAGE_KEYS = frozenset({"headimg", "thumbnail", "cover", "top_img"})

_BODY_OPEN = "\n<div>   \n"
_BODY_CLOSE = "  \n</div>\n" + " " * 12

# --- the HTML tokenizer used by protect_body --------------------------------------------
# Tag and attribute names: HTML allows almost anything, we accept no character that a
# later pass would have to rewrite (`{`, fences, LS/PS, U+FFFC) or that could spell
# `<!-- more -->`. A tag with such a name stays text (`&lt;…`): only broken markup has one.
_NAME = "[^\t\n\f\r />=<{`~\"'\ufffc\u2028\u2029]"
_TOKEN = re.compile(
    r"(?P<comment><!--(?:>|->|.*?(?:--!?>|\Z)))"
    r"|(?P<bogus><[!?][^>]*>?|</(?=[^A-Za-z])[^>]*>?)"  # HTML reads these as comments
    r"|(?P<raw><(?P<rawname>script|style)(?=[\t\n\f\r />])[^>]*>.*?(?:</(?P=rawname)\s*>|\Z))"
    rf"|(?P<tag></?(?P<name>[A-Za-z]{_NAME}*)"
    # Each attribute is an atomic group and every run possessive: a name could otherwise
    # be split anywhere (the separator may be empty), and a tag that fails to close (a `{`
    # in a name) backtracked through every split: exponential in the name's length.
    rf"(?P<attrs>(?>[\t\n\f\r /]*+{_NAME}++"
    r"(?:[\t\n\f\r ]*+=[\t\n\f\r ]*+(?:\"[^\"]*+\"|'[^']*+'|[^\t\n\f\r >]*+))?)*+"
    r"[\t\n\f\r /]*+)>)"
    r"|(?P<text>[^<]+)"
    r"|(?P<lt><)",
    re.DOTALL | re.IGNORECASE,
)
_ATTR_PART = re.compile(
    r"(?P<value>\"[^\"]*\"|'[^']*')|(?P<space>[\t\n\f\r ]+)|(?P<other>[^\t\n\f\r \"']+)"
)
# Elements whose newlines are content, not collapsible whitespace.
_PRE_LIKE = frozenset({"pre", "listing", "textarea"})
# The last pass: `{` that would open Nunjucks, fence runs, U+FFFC (Hexo's placeholder
# mark), LS/PS (they end JavaScript lines), and whitespace after a newline (it collapses:
# no blank or indented lines). The characters are disjoint and no replacement holds one,
# so one pass per character, skipped when the body has none, gives what a single
# alternation did (~20 µs per KB, tried at every position).
_NUNJUCKS_OPEN = re.compile(r"\{(?=[{%#])")
_FENCES = {"`": re.compile(r"`{3,}"), "~": re.compile(r"~{3,}")}
_NEWLINE_RUN = re.compile(r"\n[\t\n\f ]+")
_CHARACTER_REFERENCES = {
    "{": "&#123;",
    "`": "&#96;",
    "~": "&#126;",
    "\ufffc": "&#65532;",
    "\u2028": "&#8232;",
    "\u2029": "&#8233;",
}
# Controls HTML ignores or rejects, and lone surrogates that UTF-8 cannot even encode.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ud800-\udfff]")
_EDGE_BLANKS = "\t\f "
# In canonical markup every "<" opens a tag that ends at the next ">" (values hold none).
_NEWLINE_IN_TAG = re.compile(r"<[^>\n]*+\n[^>]*+>")
_PRE_TAG = re.compile(r"<(/?)pre[ >]")


def _final_pass(body: str) -> str:
    if "{" in body:
        body = _NUNJUCKS_OPEN.sub(_CHARACTER_REFERENCES["{"], body)
    for mark, fence in _FENCES.items():
        if mark * 3 in body:
            body = fence.sub(lambda m: _CHARACTER_REFERENCES[m.group()[0]] * len(m.group()), body)
    for char in "\ufffc\u2028\u2029":
        if char in body:
            body = body.replace(char, _CHARACTER_REFERENCES[char])
    if "\n" in body:
        body = _NEWLINE_RUN.sub("\n", body)
    return body


def _strip_edge_newlines(body: str) -> str:
    """Without a newline (and the blanks before it) opening or closing the body."""
    head = body.lstrip(_EDGE_BLANKS)
    if head.startswith("\n"):
        body = head[1:]
    if body.endswith("\n"):
        body = body[:-1].rstrip(_EDGE_BLANKS)
    return body


def _attr_value(quoted: str) -> str:
    # Character references mean the same in attribute values; `<`/`>` can then never form
    # `<!-- more -->`, and no newline can start a line.
    return quoted.replace("<", "&lt;").replace(">", "&gt;").replace("\n", "&#10;")


def _tag(match: re.Match[str]) -> str:
    attrs = match.group("attrs")
    if "\n" not in attrs and "<" not in attrs and ">" not in attrs:
        return match.group()  # the common case stays byte-identical
    parts = []
    for part in _ATTR_PART.finditer(attrs):
        if part.group("value") is not None:
            parts.append(_attr_value(part.group()))
        elif part.group("space") is not None:
            parts.append(part.group().replace("\n", " "))
        else:
            parts.append(part.group())
    start = match.start("attrs") - match.start()
    return match.group()[:start] + "".join(parts) + ">"


def _protect_tokens(html: str) -> str:
    """The tokenizer pass of ``protect_body``, for any markup."""
    out: list[str] = []
    pre_depth = 0
    for match in _TOKEN.finditer(html):
        kind = match.lastgroup
        if kind in ("comment", "bogus", "raw"):
            continue
        if kind == "tag":
            name = match.group("name").lower()
            closing = match.group().startswith("</")
            if name in _PRE_LIKE:
                pre_depth = max(0, pre_depth - 1) if closing else pre_depth + 1
            out.append(_tag(match))
            continue
        text = "&lt;" if kind == "lt" else match.group()
        if pre_depth:
            # A newline right after <pre> is dropped by HTML whether written raw or as
            # &#10; (both are one character token), so every newline can be encoded.
            text = text.replace("\n", "&#10;")
        out.append(text)
    return "".join(out)


def _protect_canonical(html: str) -> str | None:
    """The tokenizer pass for a cleaned body (``clean.canonical``), where all it does is
    encode newlines: those inside tags (only attribute values hold any there) and those
    inside ``<pre>`` (nested or not; textarea and listing are not in that form). None when
    ``html`` is not provably canonical."""
    if media_tags(html) is None:
        return None
    if "\n" not in html:
        return html
    out: list[str] = []
    depth = pos = 0
    for tag in _PRE_TAG.finditer(html):  # each piece starts at a tag: none is cut
        out.append(_encode_newlines(html[pos : tag.start()], depth > 0))
        depth = max(0, depth - 1) if tag.group(1) else depth + 1
        pos = tag.start()
    out.append(_encode_newlines(html[pos:], depth > 0))
    return "".join(out)


def _encode_newlines(piece: str, in_pre: bool) -> str:
    if "\n" not in piece:
        return piece
    if in_pre:
        return piece.replace("\n", "&#10;")
    return _NEWLINE_IN_TAG.sub(lambda m: m.group().replace("\n", "&#10;"), piece)


def protect_body(html: str) -> str:
    """Rewrite ``html`` so that Hexo renders it back exactly, meaning the same in a browser.

    Comments, ``<script>`` and ``<style>`` are dropped (the sanitizer removes them upstream;
    they would otherwise need Nunjucks-unsafe bytes kept verbatim), and so are control
    characters and lone surrogates.
    """
    html = html.replace("\r\n", "\n").replace("\r", "\n").replace("\f", " ")
    html = _UNWRITABLE.sub("", html)
    protected = _protect_canonical(html)
    if protected is None:
        protected = _protect_tokens(html)
    # No newline may open or close the body: it would leave a blank line in the wrapper.
    body = _strip_edge_newlines(_final_pass(protected))
    return body if body.strip(" \t") else ""  # a blank body would be a blank line


def post_filename(article: Article) -> str:
    """Stable, unique and filesystem-safe: 16 hex digits of sha256(feed key, article id)."""
    digest = hashlib.sha256(f"{article.feed_key}\0{article.article_id}".encode()).hexdigest()
    return digest[:16] + ".md"


def placeholder_url(placeholder: str, article: Article) -> str:
    """``placeholder`` with ``{n}`` replaced by a number (0–999) stable for the article."""
    n = int(hashlib.sha256(article.article_id.encode()).hexdigest(), 16) % 1000
    return placeholder.replace("{n}", str(n))


# Percent-encoded in image URLs: `'` (volantis writes single-quoted attributes), quotes,
# brackets, backslash, whitespace and every control or line break that YAML or HTML drops;
# backtick and braces too, so a URL a theme puts in a JavaScript template literal neither
# ends it nor interpolates (docs/security.md).
_URL_UNSAFE = re.compile(r"[\x00-\x20\x7f-\xa0'\"<>\\`{}\u2028\u2029\ufeff\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def image_value(url: str) -> str:
    """``url`` safe inside single-quoted HTML attributes (volantis) and in YAML."""
    url = _SURROGATE.sub("", url)
    return _URL_UNSAFE.sub(lambda m: quote_url(m.group(), safe=""), url)


def category_chain(article: Article) -> list[str]:
    """group > source > channel as theme text (``theme_text``), without empty names."""
    return list(_chain(article.group, article.source, article.channel))


# A feed's names are the same on each of its posts: made into theme text once, not per post
# (five theme_text calls were a third of the front matter's cost).
@lru_cache(maxsize=4096)
def _chain(*names: str) -> tuple[str, ...]:
    return tuple(text for text in map(theme_text, names) if text.strip())


@lru_cache(maxsize=4096)
def _category_lines(*names: str) -> tuple[str, ...]:
    chain = _chain(*names)
    if not chain:
        return ("categories: []",)
    return ("categories: ", *(f" - {scalar(name)}" for name in chain))


@lru_cache(maxsize=4096)
def _author_scalar(author: str) -> str:
    return scalar(theme_text(author))


def head_image_value(article: Article, image_url: Callable[[str], str], placeholder: str) -> str:
    """The head image through ``image_url``, else the (unproxied) placeholder; URL-safe."""
    if article.head_image:
        return image_value(image_url(article.head_image))
    return image_value(placeholder_url(placeholder, article))


def render_post(
    article: Article,
    *,
    image_url: Callable[[str], str],
    placeholder: str,
    profile: str = "volantis",
) -> str:
    """The whole post file for ``article``: front matter of ``profile``, then the body."""

    try:
        keys = PROFILES[profile]
    except KeyError:
        raise ValueError(f"unknown front-matter profile {profile!r}") from None
    image = head_image_value(article, image_url, placeholder)
    lines = ["", "---"]
    for key in keys:
        if key == "title":
            lines.append(f"title: {quote(theme_text(article.title))}")
        elif key == "categories":
            lines += _category_lines(article.group, article.source, article.channel)
        elif key in IMAGE_KEYS:
            lines.append(f"{key}: {quote(image)}")
        elif key == "author":
            lines.append(f"author: {_author_scalar(article.author)}")
        elif key == "comments":
            lines.append("comments: false")
        elif key == "date":
            lines.append(f"date: {rfc822_gmt(article.published)}")
        else:  # pragma: no cover - PROFILES and this function change together
            raise AssertionError(f"profile key {key!r} has no writer")
    lines.append("---")
    body = protect_body(rewrite_images(article.html, image_url))
    return "\n".join(lines) + "\n" + _BODY_OPEN + body + _BODY_CLOSE
