"""OPML 2.0 export of the config's group → source → channel → URL tree.

The default shape nests three levels (group › source › channel), so export → import
gives the same tree back. ``flat=True`` writes two (group › feed, the feed titled
"source · channel"): the shape Miniflux and FreshRSS import without losing feeds, and
which import splits back into source and channel.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lxml import etree

from newsdesk.opml.read import TITLE_SEPARATOR
from newsdesk.opml.urls import resolve_rsshub

__all__ = ["export_opml"]


def _xml_char(ch: str) -> bool:
    code = ord(ch)
    if code < 0x20:
        return ch in "\t\n\r"
    return not 0xD800 <= code <= 0xDFFF and ch not in "\ufffe\uffff"


def _xml_text(value: object) -> str:
    # XML 1.0 cannot carry most control characters; a YAML "\x01" would make lxml raise.
    return "".join(ch for ch in str(value) if _xml_char(ch))


def _folder(parent: Any, name: object) -> Any:
    return etree.SubElement(parent, "outline", text=_xml_text(name), title=_xml_text(name))


def export_opml(
    tree: Mapping[str, Mapping[str, Mapping[str, Any]]],
    *,
    title: str,
    rsshub_base: str,
    flat: bool = False,
) -> str:
    """OPML 2.0 of a group → source → channel → url tree, ``rsshub://`` resolved.

    A channel value may be a URL string or a mapping with a ``url`` key (the config's
    override form); other values are skipped.
    """
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = _xml_text(title)
    body = etree.SubElement(root, "body")
    for group, sources in tree.items():
        g = _folder(body, group)
        for source, channels in sources.items():
            parent = g if flat else _folder(g, source)
            for channel, value in channels.items():
                url = value.get("url") if isinstance(value, Mapping) else value
                if not isinstance(url, str):
                    continue
                name = _xml_text(f"{source}{TITLE_SEPARATOR}{channel}" if flat else channel)
                etree.SubElement(
                    parent,
                    "outline",
                    type="rss",
                    text=name,
                    title=name,
                    xmlUrl=_xml_text(resolve_rsshub(url, rsshub_base)),
                )
    xml = etree.tostring(root, encoding="unicode", pretty_print=True)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + xml
