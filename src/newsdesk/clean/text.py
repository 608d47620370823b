"""Plain text: article titles, and the text of a cleaned body."""

from __future__ import annotations

import html as html_lib
import re

from selectolax.lexbor import LexborHTMLParser

__all__ = ["CONTROL_CHARS", "clean_title", "html_text"]

# Only tags a title is known to carry are stripped, so that "Vector<int>" or "1 < 2 > 0"
# survive as text.
_TITLE_TAG = re.compile(
    r"</?(?:a|abbr|b|big|br|cite|code|del|div|em|font|h[1-6]|i|img|ins|mark|p|q|s|small"
    r"|span|strike|strong|sub|sup|tt|u)(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
# What a reader never sees: script/style/template elements with their content, and
# comments. Only when closed, so that a title about "<script> tags" keeps its words.
_INVISIBLE = re.compile(r"<(script|style|template)\b[^<>]*>.*?</\1\s*>|<!--.*?-->", re.I | re.S)
# C0 controls (but tab, LF, CR) and DEL: never content, and Hexo drops posts holding some.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"\s+")
_MAX_UNESCAPES = 3  # "&amp;amp;quot;" is as deep as feeds go


def _unescape(text: str) -> str:
    for _ in range(_MAX_UNESCAPES):
        if "&" not in text:
            break
        decoded = html_lib.unescape(text)
        if decoded == text:
            break
        text = decoded
    return text


def clean_title(raw: str) -> str:
    """A title as plain text: entities decoded (also double-escaped ones), script, style
    and comments dropped with their content, title tags stripped, control characters
    removed, whitespace runs (newlines too) made one space."""
    text = _TITLE_TAG.sub("", _INVISIBLE.sub("", _unescape(raw)))
    text = CONTROL_CHARS.sub("", text)
    return _SPACES.sub(" ", text).strip()


def html_text(html: str) -> str:
    """The visible text of an HTML fragment, whitespace collapsed."""
    if "<" not in html and "&" not in html:
        return _SPACES.sub(" ", html).strip()
    text = LexborHTMLParser(html, is_fragment=True).text(separator=" ")
    return _SPACES.sub(" ", CONTROL_CHARS.sub("", text)).strip()
