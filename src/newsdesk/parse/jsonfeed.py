"""JSON Feed 1.0 / 1.1 (https://jsonfeed.org/version/1.1) mapped onto Entry."""

from __future__ import annotations

import json
import re
from typing import Any

from newsdesk.errors import ParseError
from newsdesk.models import Enclosure, Entry, ParsedFeed
from newsdesk.parse.fields import Notes, clean, plain_to_html, resolve

__all__ = ["map_json"]


def map_json(data: bytes, url: str, notes: Notes) -> ParsedFeed:
    """Parse and map a UTF-8 JSON Feed document; ParseError when it is not one."""
    try:
        # Decode first: json.loads(bytes) would guess UTF-16/32 from NUL bytes.
        doc = json.loads(data.decode("utf-8", errors="replace").strip(" \t\r\n\x00"))
    except json.JSONDecodeError as exc:
        raise ParseError(f"JSON error at line {exc.lineno}: {exc.msg}") from exc
    except RecursionError as exc:  # absurdly nested input
        raise ParseError("JSON error: nested too deeply") from exc
    except ValueError as exc:  # int() refuses numbers over 4,300 digits (CVE-2020-10735)
        raise ParseError(f"JSON error: {str(exc)[:80]}") from exc
    # "\ud800" escapes give lone surrogates, which UTF-8 cannot encode (the store would
    # crash on them): replace each with U+FFFD, as a decoder would.
    doc = _no_surrogates(doc)
    if not isinstance(doc, dict):
        raise ParseError("not a feed: JSON document is not an object")
    version = doc.get("version")
    items = doc.get("items")
    if not isinstance(items, list):
        raise ParseError("not a feed: JSON without a JSON Feed 'items' list")
    if not (isinstance(version, str) and version.startswith("https://jsonfeed.org/version/")):
        notes.add(f"JSON Feed version missing or unknown: {str(version)[:60]!r}")
    entries = []
    for position, item in enumerate(items):
        if isinstance(item, dict):
            entries.append(_entry(item, doc, url, notes))
        else:
            notes.add(f"item {position} is not an object; skipped")
    if not entries:
        notes.lead(
            "no entries: the 'items' list is empty"
            if not items
            else "no entries: no item is an object"
        )
    return ParsedFeed(
        format="json1",
        title=_str(doc.get("title")) or "",
        link=resolve(url, _str(doc.get("home_page_url"))),
        entries=tuple(entries),
    )


_SURROGATE = re.compile("[\ud800-\udfff]")


def _no_surrogates(value: Any) -> Any:
    """``value`` with every lone surrogate in every string (keys too) made U+FFFD."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value) if _SURROGATE.search(value) else value
    if isinstance(value, list):
        return [_no_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_no_surrogates(k): _no_surrogates(v) for k, v in value.items()}
    return value


def _str(value: Any) -> str | None:
    """A string field; numbers are accepted (ids often are), anything else is ignored."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _author(item: dict[str, Any], doc: dict[str, Any]) -> str | None:
    # 1.1 has "authors" lists; 1.0 a single "author"; the item's own wins over the feed's.
    for source in (item, doc):
        authors = source.get("authors")
        candidates = authors if isinstance(authors, list) else [source.get("author")]
        for person in candidates:
            if isinstance(person, dict) and clean(_str(person.get("name"))):
                return clean(_str(person.get("name")))
    return None


def _entry(item: dict[str, Any], doc: dict[str, Any], url: str, notes: Notes) -> Entry:
    summary = _str(item.get("summary"))
    text = _str(item.get("content_text"))
    tags = item.get("tags")
    attachments = item.get("attachments")
    enclosures = []
    if isinstance(attachments, list):
        for attachment in attachments:
            if isinstance(attachment, dict):
                href = resolve(url, _str(attachment.get("url")))
                if href:
                    enclosures.append(Enclosure(href, clean(_str(attachment.get("mime_type")))))
    return Entry(
        guid=clean(_str(item.get("id"))),
        link=resolve(url, _str(item.get("url")) or _str(item.get("external_url"))),
        title=(_str(item.get("title")) or "").strip(),
        content_html=_str(item.get("content_html")),
        summary_html=plain_to_html(summary) or plain_to_html(text),
        published=notes.date(_str(item.get("date_published"))),
        updated=notes.date(_str(item.get("date_modified"))),
        author=_author(item, doc),
        categories=tuple(t.strip() for t in tags if isinstance(t, str) and t.strip())
        if isinstance(tags, list)
        else (),
        enclosures=tuple(enclosures),
        thumbnail=resolve(url, _str(item.get("image")) or _str(item.get("banner_image"))),
    )
