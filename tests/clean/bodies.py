"""Test helper: the article bodies of the fixture feeds, pulled out with lxml.

Independent of the parse stage on purpose (it is built in parallel): a lenient XML parse
is enough to reach description / content:encoded / Atom content / JSON content_html.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

FEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"

_BODY_TAGS = {"description", "encoded", "content", "summary"}


@dataclass(frozen=True)
class Body:
    feed: str
    link: str | None
    html: str


def _local(tag: object) -> str:
    # "{ns}name", or "prefix:name" when the prefix was never declared (recovered feeds)
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1] if isinstance(tag, str) else ""


def _xml_bodies(path: Path) -> list[Body]:
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(path.read_bytes(), parser)
    except etree.XMLSyntaxError:
        return []
    if root is None:
        return []
    out: list[Body] = []
    for item in root.iter():
        if _local(item.tag) not in ("item", "entry"):
            continue
        link = None
        for child in item:
            name = _local(child.tag)
            if name == "link":
                link = (child.get("href") or child.text or "").strip() or link
        for child in item:
            if _local(child.tag) not in _BODY_TAGS:
                continue
            if child.get("type") == "xhtml":
                html = "".join(etree.tostring(c, encoding="unicode") for c in child)
            else:
                html = child.text or ""
            if html.strip():
                out.append(Body(path.name, link, html))
    return out


def _json_bodies(path: Path) -> list[Body]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [
        Body(path.name, item.get("url"), item.get("content_html") or item.get("summary") or "")
        for item in data.get("items", [])
        if item.get("content_html") or item.get("summary")
    ]


def fixture_bodies() -> list[Body]:
    bodies: list[Body] = []
    for path in sorted(FEEDS.iterdir()):
        if path.suffix == ".xml":
            bodies.extend(_xml_bodies(path))
        elif path.suffix == ".json":
            bodies.extend(_json_bodies(path))
    return bodies
