"""Bodies and titles as HTML: Atom text constructs, base64, xml:base, plain-text titles.

Atom (RFC 4287 §3.1, §4.1.3): ``type="html"`` is escaped HTML, ``type="xhtml"`` markup
inside a wrapper div, ``type="text"`` plain text; other MIME types are inline XML or, if
not text, base64. Atom 0.3 says the same with ``mode="escaped|xml|base64"`` (default
``xml``) and MIME types.
"""

from __future__ import annotations

import base64
import binascii
import re
from urllib.parse import urljoin

from newsdesk.parse.fields import attr, plain_to_html
from newsdesk.parse.xml import Element, inner_markup, visible_text, xhtml_children_html

__all__ = [
    "loose_html",
    "markup",
    "resolve_html_urls",
    "text_construct",
    "title_of_construct",
    "title_text",
]

_HTML_TYPES = frozenset({"html", "text/html"})
_XHTML_TYPES = frozenset({"xhtml", "application/xhtml+xml"})
_TEXT_TYPES = frozenset({"", "text", "text/plain"})
# Dropped with their content (only when closed), as clean_title does for RSS titles.
_INVISIBLE = re.compile(r"<(script|style|template)\b[^<>]*>.*?</\1\s*>|<!--.*?-->", re.I | re.S)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_URL_ATTRIBUTE = re.compile(
    r"""(\s(?:href|src|poster|cite|data-src|data-original|data-lazy-src)\s*=\s*)(?:"([^"]*)"|'([^']*)')""",
    re.IGNORECASE,
)
_ABSOLUTE = re.compile(r"^\s*(?:[a-zA-Z][a-zA-Z0-9+.\-]*:|//|#)")


def _kind(el: Element) -> tuple[str, str]:
    return (attr(el, "type") or "").strip().lower(), (attr(el, "mode") or "").strip().lower()


def text_construct(el: Element, *, bases: str | None = None) -> str | None:
    """An Atom text construct (content, summary, …) as HTML, or None when it is no text."""
    kind, mode = _kind(el)
    if mode == "base64" or _is_binary(kind):
        decoded = _base64_text(el.text)
        if decoded is None or not (
            kind in _TEXT_TYPES or kind in _HTML_TYPES or kind in _XHTML_TYPES
        ):
            return None
        return plain_to_html(decoded) if kind in _TEXT_TYPES else decoded
    if kind in _XHTML_TYPES or kind.endswith(("+xml", "/xml")):
        return xhtml_children_html(el, bases=bases) or None
    if kind in _HTML_TYPES or mode == "escaped" or len(el):
        # Atom 0.3's inline XML (mode="xml", the default) and a "text" construct with
        # child markup (a broken feed) are markup: keep it.
        return _resolved(inner_markup(el, bases=bases), el, bases) or None
    return plain_to_html(el.text)


def _is_binary(kind: str) -> bool:
    """A MIME type that Atom 1.0 carries base64-encoded (neither text nor XML)."""
    return "/" in kind and not kind.startswith("text/") and not kind.endswith(("+xml", "/xml"))


def _base64_text(text: str | None) -> str | None:
    if not text:
        return None
    try:
        raw = base64.b64decode("".join(text.split()), validate=False)
    except (binascii.Error, ValueError):
        return None
    return raw.decode("utf-8", errors="replace")


def loose_html(el: Element, *, bases: str | None = None) -> str | None:
    """A body that may be HTML or plain text (itunes:summary, media:description)."""
    if len(el):
        return _resolved(inner_markup(el, bases=bases), el, bases)
    text = el.text or ""
    kind = (attr(el, "type") or "").lower()
    if kind == "html" or (kind != "plain" and "<" in text and ">" in text):
        return _resolved(text, el, bases)
    return plain_to_html(text)


def markup(el: Element, *, bases: str | None = None) -> str:
    """An RSS body (description, content:encoded, …): escaped HTML or raw child markup."""
    return _resolved(inner_markup(el, bases=bases), el, bases)


def _resolved(html: str, el: Element, bases: str | None) -> str:
    if bases is None or len(el):  # child markup was resolved element by element
        return html
    base = el.base
    return resolve_html_urls(html, base) if base and base != bases else html


def resolve_html_urls(html: str, base: str) -> str:
    """``html`` with relative href/src/poster/cite values made absolute against ``base``."""

    def fix(match: re.Match[str]) -> str:
        value = match.group(2) if match.group(2) is not None else match.group(3)
        if _ABSOLUTE.match(value) or not value.strip():
            return match.group(0)
        try:
            absolute = urljoin(base, value.strip())
        except ValueError:
            return match.group(0)
        return f'{match.group(1)}"{absolute}"'

    return _URL_ATTRIBUTE.sub(fix, html) if "=" in html else html


def title_text(html: str) -> str:
    """The text of an HTML title: tags dropped, script/style/comments dropped with their
    content. Entities stay for ``clean_title`` to decode."""
    if "<" not in html:
        return html
    return _TAG.sub("", _INVISIBLE.sub("", html))


def title_of_construct(el: Element) -> str:
    """An Atom title as text: ``html`` and ``xhtml`` titles lose their markup."""
    kind, mode = _kind(el)
    if kind in _XHTML_TYPES or (mode == "xml" and len(el)):
        return visible_text(el)
    if kind in _HTML_TYPES or mode == "escaped":
        return title_text(el.text or "") if not len(el) else visible_text(el)
    if mode == "base64":
        return _base64_text(el.text) or ""
    return visible_text(el)
