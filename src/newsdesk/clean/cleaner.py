"""``clean_html``: site rules -> lazy images -> URLs -> sanitize, parsing the HTML once.

(Then a site's "after" rules, which may only delete whitespace between tags.) Before the
parse, ``bounds.py`` caps nesting depth and attributes, so the parsers' work is linear.

The first three steps share one lexbor tree (an HTML5 parser, like the html5ever inside
nh3, so both see the same tree). The sanitizer runs last, so whatever a rule or a repair
produced is sanitized like the feed's own markup.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from newsdesk.clean.bounds import bound_markup
from newsdesk.clean.canonical import media_tags
from newsdesk.clean.images import is_placeholder, repair_image
from newsdesk.clean.policy import DEFAULT_POLICY, CleanPolicy
from newsdesk.clean.rules import SiteRules, TextRule, rules_for
from newsdesk.clean.sanitize import UNWRAP_FIRST, iframe_src_allowed, sanitize
from newsdesk.clean.text import CONTROL_CHARS
from newsdesk.clean.urls import absolutize, is_safe_srcset, map_srcset, strip_url

__all__ = ["clean_html", "first_image"]


# Start/end tags of the HTML "formatting elements", the ones the tree builder re-opens in
# every new block. Used only by the blow-up fallback.
_FORMATTING_TAG = re.compile(
    r"</?(?:a|b|big|code|em|font|i|nobr|s|small|strike|strong|tt|u)(?=[\s/>])[^>]*>",
    re.IGNORECASE,
)
_GROWTH_SLACK = 4096
_IMG = re.compile(r"<im(?:g|age)", re.IGNORECASE)  # a parser reads <image> as <img>
_UNWRAP_FIRST_TAG = re.compile(f"<(?:{'|'.join(UNWRAP_FIRST)})", re.IGNORECASE)

# Elements whose URLs are made absolute (img and iframe get more care, see _rewrite).
_URL_TAGS = ("a", "area", "video", "audio", "source")


def _fix_urls(node: LexborNode, base: str | None) -> None:
    attrs = node.attrs
    for name in ("href", "src", "poster"):
        value = attrs.get(name)
        if value:
            absolute = absolutize(value, base)
            if absolute != value:
                attrs[name] = absolute
    srcset = attrs.get("srcset")
    if srcset:
        fixed = map_srcset(srcset, lambda url: absolutize(url, base))
        if not is_safe_srcset(fixed):
            del attrs["srcset"]  # here rather than in the sanitizer: keeps attribute order
        elif fixed != srcset:
            attrs["srcset"] = fixed


def _keep_iframe(node: LexborNode, policy: CleanPolicy) -> bool:
    attrs = node.attrs
    src = strip_url(attrs.get("src") or "")
    if src.lower().startswith("http://"):  # an allowed player over http: ask for https
        src = "https://" + src[len("http://") :]
    if not iframe_src_allowed(src, policy.iframe_hosts):
        return False
    if src != attrs.get("src"):
        attrs["src"] = src
    if node.first_child is not None:  # raw text inside an iframe is never content
        node.inner_html = ""
    return True


def _previous_element(node: LexborNode) -> LexborNode | None:
    prev = node.prev
    while prev is not None and not prev.is_element_node:
        prev = prev.prev
    return prev


def _rewrite(tree: LexborHTMLParser, base: str | None, policy: CleanPolicy) -> None:
    # tree.tags() per name is cheaper than one CSS selector list; order across tags only
    # matters for <noscript>, which is handled last.
    for node in tree.tags("img"):
        if repair_image(node, base):
            _fix_urls(node, base)
        else:
            node.decompose()
    for tag in _URL_TAGS:
        for node in tree.tags(tag):
            _fix_urls(node, base)
    for node in tree.tags("iframe"):
        _fix_urls(node, base)
        if not _keep_iframe(node, policy):
            node.decompose()
    # <noscript><img></noscript> right after a lazy <img> we just repaired is a duplicate;
    # anywhere else it may hold the only copy of its content, so it is unwrapped.
    for node in reversed(tree.tags("noscript")):  # innermost first: never touch a freed node
        prev = _previous_element(node)
        if prev is not None and prev.tag == "img" and node.css_first("img") is not None:
            node.decompose()
        else:
            node.unwrap()


def _prepare(
    html: str,
    rules: SiteRules,
    base: str | None,
    policy: CleanPolicy,
    notes: list[str] | None = None,
) -> str:
    for text_rule in rules.text:
        html = text_rule(html)
    bounded = bound_markup(html, max_depth=policy.max_depth, max_attributes=policy.max_attributes)
    if notes is not None:
        notes.extend(bounded.notes)
    tree = LexborHTMLParser(bounded.html, is_fragment=True)
    for tree_rule in rules.tree:
        tree_rule(tree)
    _rewrite(tree, base, policy)
    html = tree.html or ""
    # unwrap_tags walks the tree once per name (a fifth of the cleaning time): only when
    # the serialized tree holds one (it writes text "<" as "&lt;", so a hit is a tag).
    if _UNWRAP_FIRST_TAG.search(html):
        tree.unwrap_tags(list(UNWRAP_FIRST))
        html = tree.html or ""
    return html


def clean_html(
    html: str,
    base_url: str | None,
    policy: CleanPolicy = DEFAULT_POLICY,
    *,
    notes: list[str] | None = None,
) -> str:
    """Clean one article body: the result is safe to publish as-is.

    ``base_url`` (the article link, else the feed URL) resolves relative URLs and picks the
    site rules. Image URLs stay the originals; proxies are added at publish time. What had
    to be given up to keep the cost linear (flattened nesting, cut attributes) is appended
    to ``notes`` as sentences.
    """
    html = CONTROL_CHARS.sub("", html)
    rules = rules_for(base_url, policy.site_rules)
    if "<" not in html and not rules.text:  # plain text: nothing to rewrite, only to escape
        out = sanitize(html, policy.iframe_hosts)
    else:
        prepared = _prepare(html, rules, base_url, policy, notes)
        if len(prepared) > policy.max_growth * len(html) + _GROWTH_SLACK:
            prepared = _prepare(_FORMATTING_TAG.sub("", html), rules, base_url, policy)
        out = sanitize(prepared, policy.iframe_hosts)
    for after_rule in rules.after:
        out = _whitespace_only(after_rule, out)
    return out


_WHITESPACE = re.compile(r"\s+")


def _whitespace_only(rule: TextRule, html: str) -> str:
    # An after rule runs past the sanitizer, so it is held to its promise: delete blanks.
    out = rule(html)
    if _WHITESPACE.sub("", out) != _WHITESPACE.sub("", html):
        name = getattr(rule, "__name__", repr(rule))
        raise ValueError(f"after rule {name} changed more than whitespace")
    return out


_LEADING_NUMBER = re.compile(r"\s*\+?(\d+(?:\.\d*)?)")


def _tiny(size: str | None) -> bool:
    """A width/height of at most 1 (read as HTML does: the leading number, ``1px`` too)."""
    match = _LEADING_NUMBER.match(size or "")
    return match is not None and float(match.group(1)) <= 1


def _head_candidate(src: str | None, width: str | None, height: str | None) -> str | None:
    src = strip_url(src or "")
    if not src or is_placeholder(src) or _tiny(width) or _tiny(height):
        return None
    return src


def first_image(html: str) -> str | None:
    """The ``src`` of the first ``<img>`` (document order) that can head the post.

    Tracking pixels (width or height at most 1) and placeholders (``is_placeholder``:
    blank.gif, loading.png, …) are skipped: as a head image they would show nothing.
    Cleaned bodies are read without a parse (``canonical.py``); other markup is parsed.
    """
    if _IMG.search(html) is None:
        return None
    tags = media_tags(html)
    if tags is None:
        return _first_image_tree(html)
    for tag in tags:
        if tag.name == "img" and "src" in tag.spans:
            found = _head_candidate(tag.get("src"), tag.get("width"), tag.get("height"))
            if found:
                return found
    return None


def _first_image_tree(html: str) -> str | None:
    for node in LexborHTMLParser(html, is_fragment=True).css("img[src]"):
        attrs = node.attrs
        found = _head_candidate(attrs.get("src"), attrs.get("width"), attrs.get("height"))
        if found:
            return found
    return None
