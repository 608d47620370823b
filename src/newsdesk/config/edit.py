"""Edit the config file's ``groups:`` tree as text, keeping everything else as written.

ruamel.yaml's round-trip mode keeps comments, key order, quoting, anchors, block scalars
and indentation; only the changed lines appear in a diff. Comments before ``---``, a BOM
and CRLF line endings are carried over by hand. What ruamel still normalises when
something changes: runs of spaces after a colon or inside a flow collection, and a file
that mixes indentation widths (one width, guessed from the file, is used throughout).

    doc = ConfigDocument(text)
    doc.add_feed(("科技", "36kr", "快讯"), "https://36kr.com/feed")
    doc.set_paused(("科技", "36kr", "快讯"), True)
    doc.remove_feed(("科技", "36kr", "快讯"))
    new_text = doc.text()

``write_config(path, text, environ)`` replaces the file only when the new text loads.
"""

from __future__ import annotations

import io
import os
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.tokens import CommentToken
from ruamel.yaml.util import load_yaml_guess_indent

__all__ = ["ConfigDocument", "FeedPath", "unique_name", "write_config"]

FeedPath = tuple[str, str, str]  # (group, source, channel)


class ConfigDocument:
    """A config file loaded for editing; ``text()`` is the edited file."""

    def __init__(self, text: str) -> None:
        self.original = text
        self.prelude, body = _split_prelude(text)
        self.yaml, data = _load(body)
        if data is None:
            data = CommentedMap()
        if not isinstance(data, CommentedMap):
            raise ValueError("config is not a mapping at the top level")
        self.data: CommentedMap = data
        groups = data.get("groups")
        if groups is not None and not isinstance(groups, CommentedMap):
            raise ValueError("config key 'groups' is not a mapping")
        self.changed = False

    @property
    def groups(self) -> CommentedMap | None:
        groups = self.data.get("groups")
        return groups if isinstance(groups, CommentedMap) else None

    def text(self) -> str:
        """The edited file; the original text, byte for byte, when nothing changed."""
        if not self.changed:
            return self.original
        out = io.StringIO()
        self.yaml.dump(self.data, out)
        text = self.prelude + out.getvalue()
        if "\r\n" in self.original:  # a file edited on Windows keeps its line endings
            text = text.replace("\r\n", "\n").replace("\n", "\r\n")
        return text

    def channel(self, path: FeedPath) -> tuple[CommentedMap, str] | None:
        """(the source mapping, the channel's key as written) for a path, or None."""
        node: Any = self.groups
        keys: list[Any] = []
        for name in path:
            if not isinstance(node, CommentedMap):
                return None
            key = next((k for k in node if _name(k) == name), _MISSING)
            if key is _MISSING:
                return None
            keys.append(key)
            parent, node = node, node[key]
        return parent, keys[-1]

    def add_feed(
        self, path: FeedPath, url: str, reserved: Collection[str] = (), *, rename: bool = True
    ) -> FeedPath:
        """Put ``url`` at group/source/channel, creating the levels that are missing.

        A name taken by something else gets a " (2)" suffix with ``rename``, else it is a
        ValueError. ``reserved`` (source options such as ``full_text``) are never taken
        for channels. Returns where the feed went.
        """
        groups = self.groups
        if groups is None:
            groups = CommentedMap()
            put(self.data, "groups", groups)
        parent: CommentedMap = groups
        names = list(path)
        placed: list[str] = []
        while len(names) > 1:
            name = names[0]
            current = parent.get(name)
            if isinstance(current, CommentedMap):
                parent = current
                placed.append(names.pop(0))
                continue
            if name in parent and current is not None:
                if not rename:
                    raise ValueError(f"{'/'.join((*placed, name))} is not a folder of feeds")
                name = unique_name(name, {str(k) for k in parent})  # a scalar sits there
            # (a key with nothing under it yet, `编程:`, is filled in place)
            *inner, channel = names[1:]
            channel = unique_name(channel, reserved)
            value: Any = CommentedMap([(channel, url)])
            for level in reversed(inner):
                value = CommentedMap([(level, value)])
            put(parent, name, value)
            self.changed = True
            return (*placed, name, *inner, channel)  # type: ignore[return-value]
        taken = {str(k) for k in parent} | set(reserved)
        if names[0] in taken and not rename:
            raise ValueError(f"{'/'.join(path)} already exists")
        channel = unique_name(names[0], taken)
        put(parent, channel, url)
        self.changed = True
        return (*placed, channel)  # type: ignore[return-value]

    def remove_feed(self, path: FeedPath, reserved: Collection[str] = ()) -> bool:
        """Remove a channel; a source left without channels goes too, then an empty group.

        Comments that followed the removed lines (e.g. the next group's heading) stay.
        """
        found = self.channel(path)
        if found is None:
            return False
        chain: list[tuple[CommentedMap, Any]] = []  # (mapping, key) from groups down
        node: Any = self.groups
        for name in path:
            key = next(k for k in node if _name(k) == name)
            chain.append((node, key))
            node = node[key]
        # Go up while the level would be left empty (a source keeps only its options).
        depth = len(chain) - 1
        while depth > 0:
            mapping, key = chain[depth]
            others = [k for k in mapping if k != key and (depth != 2 or str(k) not in reserved)]
            if others:
                break
            depth -= 1
        mapping, key = chain[depth]
        _delete_keeping_tail(mapping, key, chain[depth - 1] if depth else (self.data, "groups"))
        self.changed = True
        return True

    def set_paused(self, path: FeedPath, paused: bool) -> bool:
        """Write (or drop) ``paused: true`` on a channel; False when it already was so."""
        found = self.channel(path)
        if found is None:
            raise KeyError("/".join(path))
        source, key = found
        spec = source[key]
        if isinstance(spec, CommentedMap):
            if bool(spec.get("paused", False)) == paused:
                return False
            if paused:
                spec["paused"] = True
            else:
                del spec["paused"]
                if list(spec) == ["url"] and spec.fa.flow_style():
                    source[key] = spec["url"]  # back to the plain `channel: URL` form
        elif paused:
            flow = CommentedMap([("url", spec), ("paused", True)])
            flow.fa.set_flow_style()  # one line, so a comment after it stays on it
            source[key] = flow
        else:
            return False
        self.changed = True
        return True


_MISSING = object()


def _name(key: Any) -> str:
    """A key as the loader names it (``36`` → "36", ``null`` → "null")."""
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


def unique_name(name: str, taken: Collection[str]) -> str:
    if name not in taken:
        return name
    n = 2
    while f"{name} ({n})" in taken:
        n += 1
    return f"{name} ({n})"


def write_config(path: Path, text: str, environ: Mapping[str, str]) -> None:
    """Replace the config file with ``text`` only if it loads (else ConfigError, file kept)."""
    from newsdesk.config.load import load_config

    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8", newline="")
    try:
        load_config(tmp, environ)  # never leave a config newsdesk can't read
    except BaseException:
        tmp.unlink()
        raise
    os.replace(tmp, path)


# -- comments -----------------------------------------------------------------------------


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


def _take_tail(slots: list[tuple[Any, Any, int]], column: int | None) -> CommentToken | None:
    """Cut the comment lines that follow the last of ``slots`` (its inline part stays).

    With ``column`` (where a new key is about to go), comment lines indented deeper than
    it still belong to the block above and stay; the cut starts at the first comment
    line at or left of it, blank lines before it included.
    """
    for slot in reversed(slots):
        token = _token(slot)
        if token is not None and isinstance(token.value, str) and "\n" in token.value:
            inline, rest = token.value.split("\n", 1)
            lines = rest.splitlines(keepends=True)
            cut = _first_shallow(lines, column)
            if not "".join(lines[cut:]).strip():
                return None
            token.value = inline + "\n" + "".join(lines[:cut])
            return CommentToken("\n" + "".join(lines[cut:]), token.start_mark, token.end_mark)
    return None


def _first_shallow(lines: list[str], column: int | None) -> int:
    """Index where the lines that leave start: at the blank lines before the first comment
    at or left of ``column`` (all of them when ``column`` is None)."""
    if column is None:
        return 0
    blank_from = None
    for i, line in enumerate(lines):
        if not line.strip():
            blank_from = i if blank_from is None else blank_from
            continue
        if len(line) - len(line.lstrip(" ")) <= column:
            return i if blank_from is None else blank_from
        blank_from = None
    return len(lines)


def _column(mapping: CommentedMap) -> int | None:
    """The column the keys of a mapping are written at, if it came from the file."""
    try:
        return int(mapping.lc.key(next(iter(mapping)))[1])
    except (StopIteration, KeyError, TypeError, AttributeError):
        return None


def _give_tail(slot: tuple[Any, Any, int], tail: CommentToken) -> None:
    container, key, pos = slot
    entry = container.ca.items.setdefault(key, [None, None, None, None])
    old = entry[pos]
    if old is not None and isinstance(old.value, str) and old.value.strip():
        old.value = old.value.rstrip("\n") + tail.value
    else:
        entry[pos] = tail


def put(mapping: CommentedMap, key: str, value: Any) -> None:
    """Set ``mapping[key]`` (new keys go last), keeping comments that followed the spot.

    ruamel hangs the blank lines and comments that follow a block on its last line, so a
    plain insert would land *after* them (e.g. after the next group's heading comment).
    The inline part of that comment stays; the rest moves to the new last line.
    """
    slots = [(mapping, key, 2)] if key in mapping else _tail_slots(mapping)
    tail = _take_tail(slots, _column(mapping))
    if mapping.fa.flow_style() and not mapping:
        mapping.fa.set_block_style()  # `groups: {}` grows as a block, not a flow line
    mapping[key] = value
    if tail is not None:
        _give_tail([(mapping, key, 2), *_tail_slots(value)][-1], tail)


def _delete_keeping_tail(mapping: CommentedMap, key: Any, above: tuple[Any, Any]) -> None:
    """``del mapping[key]``; the comment lines after its block move to what precedes it."""
    tail = _take_tail([(mapping, key, 2), *_tail_slots(mapping[key])], None)
    keys = list(mapping)
    previous = keys[keys.index(key) - 1] if keys.index(key) > 0 else None
    del mapping[key]
    if not mapping:
        mapping.fa.set_flow_style()  # an emptied `groups:` is written `{}`, still valid YAML
    if tail is None:
        return
    if previous is not None:
        _give_tail([(mapping, previous, 2), *_tail_slots(mapping[previous])][-1], tail)
    else:  # it was the first entry: the comment goes after the line that opens the mapping
        _give_tail((above[0], above[1], 2), tail)


# -- loading -------------------------------------------------------------------------------


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


def _load(text: str) -> tuple[YAML, Any]:
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
