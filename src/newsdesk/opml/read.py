"""Read an OPML document into feeds, and place each one in the group/source/channel tree.

OPML is parsed without DTD loading, entity expansion or network access; a document that
declares entities is refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

__all__ = ["TITLE_SEPARATOR", "OpmlFeed", "clean_name", "parse_opml", "place"]

# "source · channel": how a flat export titles a feed, and how import splits such a title.
TITLE_SEPARATOR = " · "


@dataclass(frozen=True)
class OpmlFeed:
    folders: tuple[str, ...]
    title: str
    url: str


def clean_name(value: str | None) -> str:
    # Collapse whitespace (incl. U+2028/U+0085 which YAML reads as line breaks) and drop
    # unprintable characters, so a name is one printable line in the YAML file.
    text = " ".join((value or "").split())
    return "".join(ch for ch in text if ch.isprintable())


def _attr(elem: Any, name: str) -> str | None:
    """Attribute by name, ignoring case: exporters write xmlUrl, xmlurl and xmlURL."""
    value = elem.get(name)
    if value is not None:
        return value
    lowered = name.lower()
    for key, value in elem.attrib.items():
        if key.lower() == lowered:
            return value
    return None


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _title(elem: Any) -> str:
    return clean_name(_attr(elem, "title")) or clean_name(_attr(elem, "text"))


def parse_opml(data: bytes) -> list[OpmlFeed]:
    """Every feed outline, with the titles of the folders around it. Bad OPML: ValueError."""
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"OPML is not well-formed XML: {exc}") from None
    if root is None:
        raise ValueError("OPML is empty")
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise ValueError("OPML declares XML entities; refusing to read it")
    if _local(root.tag) != "opml":
        raise ValueError(f"not an OPML document: the root element is <{_local(root.tag)}>")
    body = next((c for c in root if _local(c.tag) == "body"), None)
    if body is None:
        raise ValueError("OPML has no <body> element")
    return list(_walk(body, ()))


def _walk(elem: Any, folders: tuple[str, ...]) -> Iterator[OpmlFeed]:
    for child in elem:
        if _local(child.tag) != "outline":
            continue
        url = _attr(child, "xmlUrl")
        if url is not None:
            yield OpmlFeed(folders, _title(child), url)
        elif any(_local(c.tag) == "outline" for c in child):
            yield from _walk(child, (*folders, _title(child)))
        elif (_attr(child, "type") or "").lower() in ("rss", "atom"):
            yield OpmlFeed(folders, _title(child), "")  # a feed outline without its URL


def place(feed: OpmlFeed, default_group: str, url: str) -> tuple[str, str, str]:
    """(group, source, channel) for a feed; see the table in ``newsdesk.opml``."""
    title = clean_name(feed.title) or urlsplit(url).netloc or "feed"  # untitled: by host
    folders = feed.folders
    group = (folders[0] if folders else "") or default_group
    if len(folders) <= 1:
        source, sep, channel = title.partition(TITLE_SEPARATOR)
        if sep and source.strip() and channel.strip():  # a flat export's "source · channel"
            return group, source.strip(), channel.strip()
        return group, title, title
    source = " / ".join(f for f in folders[1:] if f) or title
    return group, source, title
