"""The only module that touches lxml: a safe, forgiving XML parser and element helpers.

Safety: entities are never resolved by libxml2, no DTD is loaded, nothing is fetched,
and lxml's huge-tree mode stays off, so billion-laughs, quadratic blow-up and
external-entity (XXE) documents parse to inert text. (``entities`` expands plain-text
entities a DOCTYPE declares, itself, within a budget.)

Forgiveness happens before parsing (``document``): the prolog is dropped and every
``&`` made well-formed, so ``recover=True`` is left only to read unclosed documents.
"""

from __future__ import annotations

import html
from copy import deepcopy
from typing import NamedTuple
from urllib.parse import urljoin

from lxml import etree
from lxml.etree import _Element as Element

from newsdesk.errors import ParseError

__all__ = [
    "Element",
    "XmlResult",
    "inner_markup",
    "local_name",
    "parse_xml",
    "text_of",
    "uses_xml_base",
    "visible_text",
    "xhtml_children_html",
]

# The lazy-image attributes too: the cleaner later makes them the image's src.
_URL_ATTRIBUTES = ("href", "src", "poster", "cite", "data-src", "data-original", "data-lazy-src")
_INVISIBLE = frozenset({"script", "style", "template"})


def _parser() -> etree.XMLParser:
    # One parser per call: lxml parsers must not be shared between threads.
    return etree.XMLParser(
        encoding="utf-8",
        recover=True,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


_XML_BASE = etree.XPath("boolean(//@xml:base)")


def uses_xml_base(root: Element) -> bool:
    """Does any element carry xml:base? (A tree walk in C: cheaper than scanning bytes.)"""
    return bool(_XML_BASE(root))


class XmlResult(NamedTuple):
    root: Element
    repairs: list[str]  # what recover mode had to do, for the feed's warnings
    bare_less_than: bool  # it met a "<" that starts no element (``a < b``): text was lost


def parse_xml(data: bytes, url: str) -> XmlResult:
    """Parse prepared UTF-8 bytes (root element first)."""
    parser = _parser()
    try:
        root = etree.fromstring(data, parser, base_url=url)
    except etree.XMLSyntaxError as exc:
        raise ParseError(_describe(parser.error_log, "XML error")) from exc
    errors = [e for e in parser.error_log if e.level >= etree.ErrorLevels.ERROR]
    if root is None:
        if errors and "Start tag expected" in errors[0].message:
            head = data.lstrip()[:40].decode("utf-8", errors="replace")
            raise ParseError(f"not a feed: no XML element at line 1, starts with {head!r}")
        raise ParseError(_describe(parser.error_log, "XML error"))
    warnings = [_describe(parser.error_log, "XML repaired")] if errors else []
    bare = any("invalid element name" in e.message for e in errors)
    return XmlResult(root, warnings, bare)


def _describe(log: etree._ListErrorLog, prefix: str) -> str:
    errors = [e for e in log if e.level >= etree.ErrorLevels.ERROR]
    if not errors:
        return f"{prefix}: document could not be read"
    first = errors[0]
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{prefix} at line {first.line}: {first.message.strip()}{more}"


def local_name(el: Element) -> str:
    """The element's name without namespace or prefix, lower case ("" for comments)."""
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()


def text_of(el: Element) -> str:
    """All text inside ``el`` (markup children flattened), as written."""
    if len(el) == 0:
        return el.text or ""
    return "".join(el.itertext())


def visible_text(el: Element) -> str:
    """The text a reader sees in ``el``: markup flattened, script and style left out."""
    if len(el) == 0:
        return el.text or ""
    parts = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and local_name(child) not in _INVISIBLE:
            parts.append(visible_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def inner_markup(el: Element, *, bases: str | None = None) -> str:
    """The element's content as an HTML string: escaped/CDATA text, or raw child markup.

    ``bases`` is the document's URL when the document uses xml:base: relative URLs in
    child markup are then resolved against the base in scope at each element, wherever
    that differs from the document's URL (elsewhere the article link decides later).
    """
    if len(el) == 0:
        return el.text or ""
    # Unescaped HTML inside <description>: re-serialise it rather than lose it. Its text is
    # markup-level text now, so `&lt;b&gt;` (parsed to "<b>") must be escaped again.
    parts = [_escape(el.text or "")]
    parts.extend(_html(child, bases) for child in el)
    return "".join(parts)


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def xhtml_children_html(el: Element, *, bases: str | None = None) -> str:
    """Atom ``type="xhtml"``: the children of the wrapper div, as HTML without namespaces.

    XHTML content is markup, never escaped text, so even a text-only wrapper is escaped.
    """
    wrapper = el
    for child in el:
        if isinstance(child.tag, str) and local_name(child) == "div":
            wrapper = child
            break
    if len(wrapper) == 0:
        return _escape(wrapper.text or "")
    return inner_markup(wrapper, bases=bases)


def _html(child: Element, bases: str | None) -> str:
    if not isinstance(child.tag, str):  # comment or PI left by recovery
        return _escape(child.tail or "")
    copy = _without_namespaces(child, bases)
    return etree.tostring(copy, encoding="unicode", method="html", with_tail=True)


def _without_namespaces(el: Element, bases: str | None) -> Element:
    copy = deepcopy(el)
    copy.tail = el.tail
    originals = el.iter() if bases is not None else None
    for node in copy.iter():
        original = next(originals) if originals is not None else None
        if not isinstance(node.tag, str):
            continue
        if node.tag.startswith("{") or ":" in node.tag:
            node.tag = node.tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]
        for name in list(node.attrib):
            if name.startswith("{"):
                node.attrib[etree.QName(name).localname] = node.attrib.pop(name)
        if original is not None:
            _absolute_urls(node, original.base, bases)
    etree.cleanup_namespaces(copy)
    return copy


def _absolute_urls(node: Element, base: str | None, document_url: str | None) -> None:
    """Resolve the node's URL attributes against the xml:base in scope where it stood."""
    node.attrib.pop("base", None)  # xml:base, its namespace already stripped
    if not base or base == document_url:
        return
    for name in _URL_ATTRIBUTES:
        value = node.get(name)
        if value and not value.startswith(("http://", "https://", "#", "data:", "mailto:")):
            try:
                node.set(name, urljoin(base, value.strip()))
            except ValueError:
                continue
