"""Plain text out of article HTML: card excerpts and XML-safe strings."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

__all__ = ["excerpt", "xml_safe"]

_SPACE = re.compile(r"\s+")
# Characters XML 1.0 forbids; feeds sometimes carry them and one would break the Atom file.
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def excerpt(html: str, limit: int) -> str:
    """The first ``limit`` characters of the body's visible text, cut with "…"."""
    if not html:
        return ""
    tree = LexborHTMLParser(html)
    for node in tree.css("script, style, noscript, template"):
        node.decompose()
    root = tree.body or tree.root
    text = _SPACE.sub(" ", root.text(separator=" ") if root else "").strip()
    if len(text) <= limit:
        return text
    return text[:limit].rstrip() + "…"


def xml_safe(text: str) -> str:
    return _XML_BAD.sub("", text)
