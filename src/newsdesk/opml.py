"""OPML import into the YAML config, and export of the config's feed tree.

Import edits the user's YAML *text* in ruamel.yaml's round-trip mode, so comments,
key order, quoting, anchors, block scalars and indentation survive; only the new lines
appear in a diff. Nothing added means the text comes back unchanged, byte for byte.
Comments before ``---``, a BOM and CRLF line endings are carried over by hand. What
ruamel still normalises when something is added: runs of spaces after a colon or inside
a flow collection, and a file that mixes indentation widths (one width, guessed from the
file, is used throughout).

How outlines map onto ``groups`` (group → source → channel → url):

    OPML nesting                          group          source            channel
    feed at top level (flat list)         default_group  feed title        "default"
    folder > feed                         folder         feed title        "default"
    folder > folder > feed                folder         inner folder      feed title
    folder > a > b > feed (deeper)        folder         "a / b"           feed title

A title is the outline's ``title``, else its ``text``, whitespace collapsed. Export writes
every feed three levels deep, so export → import gives the same tree back.

A feed whose URL is already anywhere in the tree is skipped as a duplicate; URLs are
compared after resolving ``rsshub://route`` against the RSSHub base (the config's
``rsshub`` key), ignoring case of scheme and host, default ports, fragments and a
trailing slash. A URL under that base is written as ``rsshub://route`` (``compact_rsshub``),
keeping the config portable between RSSHub instances.

OPML is parsed without DTD loading, entity expansion or network access; a document that
declares entities is refused.
"""

from __future__ import annotations

import io
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from lxml import etree
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.tokens import CommentToken
from ruamel.yaml.util import load_yaml_guess_indent

__all__ = [
    "DEFAULT_CHANNEL",
    "DEFAULT_RSSHUB",
    "ImportReport",
    "export_opml",
    "import_opml",
    "resolve_rsshub",
]

DEFAULT_CHANNEL = "default"  # channel name when the OPML has no level for it
DEFAULT_RSSHUB = "https://rsshub.app"
_RSSHUB = "rsshub://"


@dataclass(frozen=True)
class ImportReport:
    added: int = 0
    skipped_duplicates: int = 0
    skipped_invalid: int = 0
    details: tuple[str, ...] = ()  # one line per skipped feed, for the CLI to show


# -- URLs --------------------------------------------------------------------------------


def resolve_rsshub(url: str, rsshub_base: str) -> str:
    """``rsshub://zaker/source/1`` → ``<base>/zaker/source/1``; other URLs unchanged."""
    if url[: len(_RSSHUB)].lower() == _RSSHUB:
        return f"{rsshub_base.rstrip('/')}/{url[len(_RSSHUB) :].lstrip('/')}"
    return url


def _split(url: str) -> tuple[str, str, str, str] | None:
    """(scheme, host[:port], path, query) of an http(s) URL, normalised; None if not one."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if port is not None and port != {"http": 80, "https": 443}[scheme]:
        host = f"{host}:{port}"
    return scheme, host, parts.path, parts.query


def _canonical(url: str, rsshub_base: str) -> str | None:
    parts = _split(resolve_rsshub(url, rsshub_base))
    if parts is None:
        return None
    scheme, host, path, query = parts
    return urlunsplit((scheme, host, path.rstrip("/") or "/", query, ""))


def _compact(url: str, rsshub_base: str) -> str:
    """Write a URL under the RSSHub base as ``rsshub://route``."""
    parts, base = _split(url), _split(rsshub_base)
    if parts is None or base is None:
        return url
    prefix = base[2].rstrip("/") + "/"
    if parts[:2] != base[:2] or not parts[2].startswith(prefix) or len(parts[2]) == len(prefix):
        return url
    route = parts[2][len(prefix) :]
    return f"{_RSSHUB}{route}" + (f"?{parts[3]}" if parts[3] else "")


def _feed_url(raw: str) -> str:
    url = raw.strip()
    # feed://host/x and feed:https://host/x are old browser spellings of a feed link.
    if url[:7].lower() == "feed://":
        return "http://" + url[7:]
    if url[:5].lower() == "feed:" and url[5:9].lower() == "http":
        return url[5:]
    return url


# -- OPML reading ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Feed:
    folders: tuple[str, ...]
    title: str
    url: str


def _clean_name(value: str | None) -> str:
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
    return _clean_name(_attr(elem, "title")) or _clean_name(_attr(elem, "text"))


def _parse_opml(data: bytes) -> list[_Feed]:
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


def _walk(elem: Any, folders: tuple[str, ...]) -> Iterator[_Feed]:
    for child in elem:
        if _local(child.tag) != "outline":
            continue
        url = _attr(child, "xmlUrl")
        if url is not None:
            yield _Feed(folders, _title(child), url)
        elif any(_local(c.tag) == "outline" for c in child):
            yield from _walk(child, (*folders, _title(child)))
        elif (_attr(child, "type") or "").lower() in ("rss", "atom"):
            yield _Feed(folders, _title(child), "")  # a feed outline without its URL


def _place(feed: _Feed, default_group: str, url: str) -> tuple[str, str, str]:
    fallback = _clean_name(feed.title) or urlsplit(url).netloc  # untitled: name it by host
    folders = feed.folders
    group = (folders[0] if folders else "") or default_group
    if len(folders) <= 1:
        return group, fallback or "feed", DEFAULT_CHANNEL
    source = " / ".join(f for f in folders[1:] if f) or fallback or "feed"
    return group, source, fallback or DEFAULT_CHANNEL


# -- YAML editing ------------------------------------------------------------------------


def _block(node: Any) -> bool:
    return (
        isinstance(node, CommentedMap | CommentedSeq) and len(node) > 0 and not node.fa.flow_style()
    )


def _tail_slots(node: Any) -> list[tuple[Any, Any, int]]:
    """(container, key, position) along the path to the last line of a block node."""
    slots: list[tuple[Any, Any, int]] = []
    while _block(node):
        if isinstance(node, CommentedMap):
            key, pos = next(reversed(node)), 2
        else:
            key, pos = len(node) - 1, 0
        slots.append((node, key, pos))
        node = node[key]
    return slots


def _token(slot: tuple[Any, Any, int]) -> CommentToken | None:
    container, key, pos = slot
    entry = container.ca.items.get(key)
    return entry[pos] if entry and len(entry) > pos else None


def _put(mapping: CommentedMap, key: str, value: Any) -> None:
    """Set ``mapping[key]`` (new keys go last), keeping comments that followed the spot.

    ruamel hangs the blank lines and comments that follow a block on its last line, so a
    plain insert would land *after* them (e.g. after the next group's heading comment).
    The inline part of that comment stays; the rest moves to the new last line.
    """
    slots = [(mapping, key, 2)] if key in mapping else _tail_slots(mapping)
    tail: CommentToken | None = None
    for slot in reversed(slots):
        token = _token(slot)
        if token is not None and isinstance(token.value, str) and "\n" in token.value:
            inline, rest = token.value.split("\n", 1)
            if rest.strip():
                token.value = inline + "\n"
                tail = CommentToken("\n" + rest, token.start_mark, token.end_mark)
            break
    if mapping.fa.flow_style() and not mapping:
        mapping.fa.set_block_style()  # `groups: {}` grows as a block, not a flow line
    mapping[key] = value
    if tail is not None:
        container, last, pos = [(mapping, key, 2), *_tail_slots(value)][-1]
        entry = container.ca.items.setdefault(last, [None, None, None, None])
        entry[pos] = tail


def _unique(name: str, taken: Collection[str]) -> str:
    if name not in taken:
        return name
    n = 2
    while f"{name} ({n})" in taken:
        n += 1
    return f"{name} ({n})"


def _existing_urls(groups: Any, reserved: Collection[str]) -> Iterator[str]:
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


def _add_feed(
    groups: CommentedMap, path: tuple[str, str, str], url: str, reserved: Collection[str]
) -> None:
    """Put ``url`` at group/source/channel, creating levels and renaming around clashes.

    A missing level is appended whole (not empty, then filled) so that :func:`_put`
    can carry trailing comments down to the true last line.
    """
    parent: CommentedMap = groups
    names = list(path)
    while len(names) > 1:
        name = names[0]
        current = parent.get(name)
        if isinstance(current, CommentedMap):
            parent = current
            names.pop(0)
            continue
        if name in parent and current is not None:
            name = _unique(name, {str(k) for k in parent})  # a scalar sits there: go around
        # (a key with nothing under it yet, `编程:`, is filled in place)
        *inner, channel = names[1:]
        value: Any = CommentedMap([(_unique(channel, reserved), url)])
        for level in reversed(inner):
            value = CommentedMap([(level, value)])
        _put(parent, name, value)
        return
    channel = _unique(names[0], {str(k) for k in parent} | set(reserved))
    _put(parent, channel, url)


def _split_prelude(text: str) -> tuple[str, str]:
    """(BOM, comments and directives up to a ``---`` line, the rest): ruamel drops those."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    lines = text[len(bom) :].splitlines(keepends=True)
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped == "---" or stripped.startswith("--- #"):
            return bom + "".join(lines[: i + 1]), "".join(lines[i + 1 :])
        if stripped and not stripped.startswith(("#", "%")):
            break
    return bom, text[len(bom) :]


def _yaml(text: str) -> tuple[YAML, Any]:
    try:
        _, indent, block_seq_indent = load_yaml_guess_indent(text)
        yaml = YAML(typ="rt")
        yaml.preserve_quotes = True
        yaml.width = 4096  # never re-wrap the user's long lines
        indent = indent or 2
        yaml.indent(mapping=indent, sequence=indent, offset=block_seq_indent or 0)
        data = yaml.load(text)
    except YAMLError as exc:
        raise ValueError(f"config is not valid YAML: {exc}") from None
    return yaml, data


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
    feeds = _parse_opml(opml_bytes)
    prelude, body = _split_prelude(yaml_text)
    yaml, data = _yaml(body)
    if data is None:
        data = CommentedMap()
    if not isinstance(data, CommentedMap):
        raise ValueError("config is not a mapping at the top level")
    base = rsshub_base or (data.get("rsshub") if isinstance(data.get("rsshub"), str) else None)
    base = base or DEFAULT_RSSHUB
    reserved = set(reserved_keys)
    group_name = _clean_name(default_group) or "imported"

    groups = data.get("groups")
    if groups is not None and not isinstance(groups, CommentedMap):
        raise ValueError("config key 'groups' is not a mapping")
    seen = {c for u in _existing_urls(groups, reserved) if (c := _canonical(u, base))}

    added = duplicates = invalid = 0
    details: list[str] = []
    for feed in feeds:
        url = _feed_url(feed.url)
        key = _canonical(url, base)
        if key is None:
            invalid += 1
            details.append(f"invalid URL {feed.url!r} ({feed.title or 'untitled'})")
            continue
        if key in seen:
            duplicates += 1
            details.append(f"already present: {url}")
            continue
        seen.add(key)
        if groups is None:
            groups = CommentedMap()
            _put(data, "groups", groups)
        stored = _compact(resolve_rsshub(url, base), base) if compact_rsshub else url
        _add_feed(groups, _place(feed, group_name, url), stored, reserved)
        added += 1

    report = ImportReport(added, duplicates, invalid, tuple(details))
    if not added:
        return yaml_text, report
    out = io.StringIO()
    yaml.dump(data, out)
    text = prelude + out.getvalue()
    if "\r\n" in yaml_text:  # a file edited on Windows keeps its line endings
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    return text, report


# -- export ------------------------------------------------------------------------------


def _xml_char(ch: str) -> bool:
    code = ord(ch)
    if code < 0x20:
        return ch in "\t\n\r"
    return not 0xD800 <= code <= 0xDFFF and ch not in "\ufffe\uffff"


def _xml_text(value: object) -> str:
    # XML 1.0 cannot carry most control characters; a YAML "\x01" would make lxml raise.
    return "".join(ch for ch in str(value) if _xml_char(ch))


def export_opml(
    tree: Mapping[str, Mapping[str, Mapping[str, Any]]], *, title: str, rsshub_base: str
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
        g = etree.SubElement(body, "outline", text=_xml_text(group), title=_xml_text(group))
        for source, channels in sources.items():
            s = etree.SubElement(g, "outline", text=_xml_text(source), title=_xml_text(source))
            for channel, value in channels.items():
                url = value.get("url") if isinstance(value, Mapping) else value
                if not isinstance(url, str):
                    continue
                name = _xml_text(channel)
                etree.SubElement(
                    s,
                    "outline",
                    type="rss",
                    text=name,
                    title=name,
                    xmlUrl=_xml_text(resolve_rsshub(url, rsshub_base)),
                )
    xml = etree.tostring(root, encoding="unicode", pretty_print=True)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + xml
