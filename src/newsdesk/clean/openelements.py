"""The HTML standard's stack of open elements (13.2.4.3), as much of it as ``bounds.py``
needs: which start tags close the current element whatever else is open, and which end
tags close an element in which scope. Names only, lowercase; no tree is built.
"""

from __future__ import annotations

__all__ = ["CLOSED_BY", "OpenElements"]

_SPECIAL = frozenset(
    {
        "address", "applet", "area", "article", "aside", "base", "basefont", "bgsound",
        "blockquote", "body", "br", "button", "caption", "center", "col", "colgroup", "dd",
        "details", "dialog", "dir", "div", "dl", "dt", "embed", "fieldset", "figcaption",
        "figure", "footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6",
        "head", "header", "hgroup", "hr", "html", "iframe", "img", "input", "keygen", "li",
        "link", "listing", "main", "marquee", "menu", "meta", "nav", "noembed", "noframes",
        "noscript", "object", "ol", "p", "param", "plaintext", "pre", "script", "search",
        "section", "select", "source", "style", "summary", "table", "tbody", "td",
        "template", "textarea", "tfoot", "th", "thead", "title", "tr", "track", "ul", "wbr",
        "xmp",
    }
)  # fmt: skip
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "center", "details", "dialog", "dir",
        "div", "dl", "fieldset", "figcaption", "figure", "footer", "header", "hgroup",
        "main", "menu", "nav", "ol", "p", "search", "section", "summary", "ul", "pre",
        "listing", "plaintext", "xmp", "hr", *_HEADINGS,
    }
)  # fmt: skip
_TABLE_PARTS = frozenset({"td", "th", "tr", "tbody", "thead", "tfoot"})
# Start tag -> current elements it closes, popped while the current element is one of them.
CLOSED_BY: dict[str, frozenset[str]] = {
    **dict.fromkeys(_BLOCKS, frozenset({"p"})),
    "li": frozenset({"p", "li"}),
    "dd": frozenset({"p", "dd", "dt"}),
    "dt": frozenset({"p", "dd", "dt"}),
    "td": frozenset({"td", "th"}),
    "th": frozenset({"td", "th"}),
    "tr": frozenset({"td", "th", "tr"}),
    **dict.fromkeys(("tbody", "thead", "tfoot", "caption", "colgroup", "col"), _TABLE_PARTS),
    "a": frozenset({"a"}),
    "nobr": frozenset({"nobr"}),
    "button": frozenset({"button"}),
}

# End tags that close their element when it is "in scope": nothing of the scope's
# boundaries above it. Every other end tag stops at any special element above it.
_DEFAULT_SCOPE = frozenset(
    {"applet", "caption", "html", "table", "td", "th", "marquee", "object", "template"}
)
_SCOPES: dict[str, frozenset[str]] = {
    "default": _DEFAULT_SCOPE,
    "button": _DEFAULT_SCOPE | {"button"},
    "list": _DEFAULT_SCOPE | {"ol", "ul"},
    "table": frozenset({"html", "table", "template"}),
    "special": _SPECIAL,
}
_END_SCOPE: dict[str, str] = {
    **dict.fromkeys(_BLOCKS - {"p", "hr", "plaintext", "xmp"}, "default"),
    **dict.fromkeys(("button", "form", "dd", "dt", "applet", "marquee", "object"), "default"),
    "p": "button",
    "li": "list",
    **dict.fromkeys(("table", "caption", "colgroup", *_TABLE_PARTS), "table"),
    "template": "",  # closes whatever is open above it
}
_SCOPE_INDEX = {scope: i for i, scope in enumerate(_SCOPES)}
# name -> the scopes (by index) it bounds; names bounding none are absent.
_BOUNDS: dict[str, tuple[int, ...]] = {
    name: tuple(i for scope, i in _SCOPE_INDEX.items() if name in _SCOPES[scope])
    for name in frozenset().union(*_SCOPES.values())
}


class OpenElements:
    """The model of a parser's stack of open elements, with O(1) scope queries."""

    __slots__ = ("bounds", "names", "where")

    def __init__(self) -> None:
        self.names: list[str] = []
        self.where: dict[str, list[int]] = {}  # name -> its indices, innermost last
        self.bounds: list[list[int]] = [[] for _ in _SCOPES]  # per scope, its bounds' indices

    def push(self, name: str) -> None:
        index = len(self.names)
        self.names.append(name)
        where = self.where.get(name)
        if where is None:
            self.where[name] = [index]
        else:
            where.append(index)
        for scope in _BOUNDS.get(name, ()):
            self.bounds[scope].append(index)

    def pop(self) -> str:
        name = self.names.pop()
        self.where[name].pop()
        for scope in _BOUNDS.get(name, ()):
            self.bounds[scope].pop()
        return name

    def closable(self, name: str) -> int | None:
        """Where ``</name>`` would close to, by the standard's rules; None: ignored."""
        if name in _HEADINGS:  # </h2> closes an open <h1>
            found = [w[-1] for h in _HEADINGS if (w := self.where.get(h))]
            index = max(found) if found else None
            scope = "default"
        else:
            indices = self.where.get(name)
            index = indices[-1] if indices else None
            scope = _END_SCOPE.get(name, "special")
        if index is None:
            return None
        bounds = self.bounds[_SCOPE_INDEX[scope]] if scope else None
        return None if bounds and bounds[-1] > index else index
