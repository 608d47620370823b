"""Per-site content rules, as data.

``SITE_RULES`` maps a host (or a host suffix: ``cnbeta.com.tw`` also covers
``www.cnbeta.com.tw``) to the rules that run before anything else in ``clean_html``.
A rule is small and pure in spirit:

* a *text rule* is ``str -> str`` and runs on the raw HTML before it is parsed;
* a *tree rule* takes the parsed fragment and edits it in place (no I/O, no state);
* an *after rule* is ``str -> str`` on the sanitized output, and may only delete whitespace
  between tags (see ``SiteRules.after``).

Everything a text or tree rule outputs is sanitized afterwards, so those rules never have to
be careful about safety, only about content.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from newsdesk.clean.urls import strip_url

__all__ = [
    "EMPTY_RULES",
    "SITE_RULES",
    "SiteRules",
    "TextRule",
    "TreeRule",
    "collapse_blank_runs",
    "drop",
    "iframe_data_src",
    "rules_for",
    "word_footnote_links",
]

TextRule = Callable[[str], str]
TreeRule = Callable[[LexborHTMLParser], None]


@dataclass(frozen=True)
class SiteRules:
    text: tuple[TextRule, ...] = ()  # on the raw HTML, before parsing
    tree: tuple[TreeRule, ...] = ()  # on the parsed fragment
    # On the sanitized output, last. Only for rules that delete whitespace between tags:
    # such a deletion cannot undo what the sanitizer guaranteed, and whitespace can only be
    # judged once the sanitizer has dropped the elements that separated it.
    # clean_html raises ValueError when an after rule changes anything but whitespace.
    after: tuple[TextRule, ...] = ()


EMPTY_RULES = SiteRules()

# --- text rules --------------------------------------------------------------------------

_BLANKS = " \t\r\n\u3000"
_BLANK_RUN = re.compile(f">([{_BLANKS}]{{2,}})<")
_PREFORMATTED = re.compile(r"<(?:pre|textarea|listing|xmp)\b", re.IGNORECASE)


def _one_blank(m: re.Match[str]) -> str:
    return ">\n<" if "\n" in m.group(1) else "> <"


def collapse_blank_runs(html: str) -> str:
    """Shrink whitespace-only runs between tags to one space or one newline, and drop the
    ones around the body.

    cnBeta bodies carry hundreds of indentation spaces between paragraphs. They render as
    nothing in a browser, but in a Hexo post an indented line after a blank one becomes a
    markdown code block. Bodies with preformatted text are left alone. Runs on sanitized
    output (an after rule), where every ``<`` and ``>`` is markup.
    """
    if _PREFORMATTED.search(html):
        return html
    return _BLANK_RUN.sub(_one_blank, html).strip(_BLANKS)


# --- tree rules --------------------------------------------------------------------------


def drop(selector: str) -> TreeRule:
    """A rule that removes every element matching ``selector`` (with its content)."""

    def rule(tree: LexborHTMLParser) -> None:
        for node in tree.css(selector):
            node.decompose()

    rule.__name__ = f"drop({selector!r})"
    return rule


def iframe_data_src(tree: LexborHTMLParser) -> None:
    """WeChat articles lazy-load their video iframes: the player URL sits in ``data-src``."""
    for node in tree.css("iframe[data-src]"):
        attrs = node.attrs
        if not strip_url(attrs.get("src") or ""):
            attrs["src"] = attrs["data-src"] or ""


def word_footnote_links(tree: LexborHTMLParser) -> None:
    """Sina blog posts pasted from Word link footnotes to ``file:///G:/….doc#_edn1``.

    Keep only the fragment, and turn ``name="_edn1"`` anchors into ids so the link lands.
    """
    for node in tree.css("a[href^='file:']"):
        href = node.attrs.get("href") or ""
        _, hash_sign, fragment = href.partition("#")
        if hash_sign and fragment:
            node.attrs["href"] = "#" + fragment
    for node in tree.css("a[name]:not([id])"):
        node.attrs["id"] = node.attrs.get("name") or ""


# --- the table ---------------------------------------------------------------------------

_CNBETA = SiteRules(tree=(drop("div.article-global"),), after=(collapse_blank_runs,))

SITE_RULES: Mapping[str, SiteRules] = MappingProxyType(
    {
        "cnbeta.com.tw": _CNBETA,
        "cnbeta.com": _CNBETA,
        "mp.weixin.qq.com": SiteRules(tree=(iframe_data_src,)),
        "blog.sina.com.cn": SiteRules(tree=(word_footnote_links,)),
    }
)


def rules_for(url: str | None, table: Mapping[str, SiteRules] = SITE_RULES) -> SiteRules:
    """The rules of the most specific host suffix of ``url`` found in ``table``."""
    if not url or not table:
        return EMPTY_RULES
    try:
        host = urlsplit(strip_url(url)).hostname
    except ValueError:  # e.g. an invalid IPv6 literal
        return EMPTY_RULES
    while host:
        found = table.get(host)
        if found is not None:
            return found
        _, _, host = host.partition(".")
    return EMPTY_RULES
