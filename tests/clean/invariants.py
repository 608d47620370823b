"""Checks shared by the sanitizer tests and the Hypothesis properties.

They read the output the way a browser would: parsed by an HTML5 parser (lexbor), not by
searching the text, so that "onclick=" written in a paragraph is not mistaken for a handler.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from selectolax.lexbor import LexborHTMLParser, LexborNode

from newsdesk.clean.sanitize import IFRAME_HOSTS, iframe_src_allowed
from newsdesk.clean.urls import srcset_urls, url_scheme

URL_ATTRIBUTES = ("href", "src", "poster", "cite", "action", "formaction", "background")
_SCRIPTY = {"javascript", "vbscript", "livescript", "mocha"}
_NOISE = re.compile(r"[\x00-\x20]")


def elements(html: str) -> Iterator[LexborNode]:
    tree = LexborHTMLParser(html, is_fragment=True)
    yield from tree.css("*")


def handlers(html: str) -> list[str]:
    return [
        f"{node.tag} {name}"
        for node in elements(html)
        for name in node.attributes
        if name.lower().startswith("on")
    ]


def script_urls(html: str) -> list[str]:
    """Attribute values a browser could run as script (or, for URL attributes, data:)."""
    found = []
    for node in elements(html):
        for name, value in node.attributes.items():
            value = value or ""
            candidates = srcset_urls(value) if name == "srcset" else [value]
            for url in candidates:
                scheme = url_scheme(_NOISE.sub("", url))
                if scheme in _SCRIPTY or (
                    scheme == "data" and (name in URL_ATTRIBUTES or name == "srcset")
                ):
                    found.append(f"{node.tag} {name}={value!r}")
    return found


def foreign_iframes(html: str, hosts: frozenset[str] = IFRAME_HOSTS) -> list[str]:
    return [
        node.html or ""
        for node in elements(html)
        if node.tag == "iframe"
        and (node.attrs.get("src") is not None)
        and not iframe_src_allowed(node.attrs.get("src") or "", hosts)
    ]


def has_script_element(html: str) -> bool:
    return "<script" in html.lower() or any(n.tag == "script" for n in elements(html))
