"""OPML import into the YAML config: the new feeds go into the text, the rest stays as is.

Nothing added means the text comes back unchanged, byte for byte (editing rules in
``newsdesk.config.edit``). A feed whose URL is already anywhere in the tree is skipped as
a duplicate (URLs compared as ``opml.urls.canonical`` does). A URL under the RSSHub base
is written as ``rsshub://route`` (``compact_rsshub``), keeping the config portable
between RSSHub instances.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from newsdesk.config.edit import ConfigDocument
from newsdesk.opml.read import clean_name, parse_opml, place
from newsdesk.opml.urls import DEFAULT_RSSHUB, canonical, compact, feed_url, resolve_rsshub

__all__ = ["ImportReport", "existing_urls", "import_opml"]


@dataclass(frozen=True)
class ImportReport:
    added: int = 0
    skipped_duplicates: int = 0
    skipped_invalid: int = 0
    details: tuple[str, ...] = ()  # one line per skipped feed, for the CLI to show


def existing_urls(groups: Any, reserved: Collection[str]) -> Iterator[str]:
    """Every feed URL written in a ``groups`` tree (as written: rsshub:// unresolved)."""
    if not isinstance(groups, Mapping):
        return
    for sources in groups.values():
        if not isinstance(sources, Mapping):
            continue
        for source in sources.values():
            if isinstance(source, str):
                yield source
            if not isinstance(source, Mapping):
                continue
            for channel, value in source.items():
                if str(channel) in reserved:
                    continue
                if isinstance(value, str):
                    yield value
                elif isinstance(value, Mapping) and isinstance(value.get("url"), str):
                    yield value["url"]


def import_opml(
    opml_bytes: bytes,
    yaml_text: str,
    *,
    default_group: str,
    rsshub_base: str | None = None,
    reserved_keys: Collection[str] = (),
    compact_rsshub: bool = True,
) -> tuple[str, ImportReport]:
    """Add the OPML's feeds to the ``groups`` tree of ``yaml_text``; returns the new text.

    ``rsshub_base`` defaults to the config's ``rsshub`` key, else ``DEFAULT_RSSHUB``.
    ``reserved_keys`` are source-level option names (e.g. ``full_text``): never taken
    for channels, and their values are not feed URLs. Bad OPML or YAML → ValueError.
    """
    feeds = parse_opml(opml_bytes)
    doc = ConfigDocument(yaml_text)
    configured = doc.data.get("rsshub")
    base = rsshub_base or (configured if isinstance(configured, str) else None) or DEFAULT_RSSHUB
    reserved = set(reserved_keys)
    group_name = clean_name(default_group) or "imported"
    seen = {c for u in existing_urls(doc.groups, reserved) if (c := canonical(u, base))}

    added = duplicates = invalid = 0
    details: list[str] = []
    for feed in feeds:
        url = feed_url(feed.url)
        key = canonical(url, base)
        if key is None:
            invalid += 1
            details.append(f"invalid URL {feed.url!r} ({feed.title or 'untitled'})")
            continue
        if key in seen:
            duplicates += 1
            details.append(f"already present: {url}")
            continue
        seen.add(key)
        stored = compact(resolve_rsshub(url, base), base) if compact_rsshub else url
        doc.add_feed(place(feed, group_name, url), stored, reserved)
        added += 1
    return doc.text(), ImportReport(added, duplicates, invalid, tuple(details))
