"""The last step of ``clean_html``: an allowlist sanitizer (nh3, i.e. ammonia + html5ever).

The allowlist is the data below. Everything else about safety is decided here too, so that
the earlier steps (site rules, lazy images, URLs) never have to be trusted:

* tags outside ``TAGS`` are unwrapped (text kept); ``DROP_WITH_CONTENT`` goes entirely;
* attributes outside ``ATTRIBUTES`` go, event handlers and ``style`` included; ``data-*``
  attributes stay, except on iframe/video/audio/source (lazy-load scripts copy them into
  ``src``) and unless the name is odd (not ``[a-z][a-z0-9._:-]*``). No attribute at
  all keeps a javascript:/vbscript: value (a theme's lazy-load script may well copy
  ``data-href`` into a link);
* URL attributes (``URL_ATTRIBUTES``: href, src, cite, poster, checked here because
  ammonia skips some, cite among them) keep only ``URL_SCHEMES``, http(s) only with a
  host (relative URLs pass). ``data:`` is refused everywhere, images included: in feeds a
  data: image is a lazy-load placeholder or a tracking pixel, it bloats the post, and the
  image proxy could not serve it anyway; a ``data-*`` attribute holding a data: URL goes
  too (lazy-load scripts copy them into ``src``);
* ``srcset`` (which ammonia does not check) loses the whole attribute unless every
  candidate is relative or http(s) (no ``intent:``, ``view-source:``…);
* an ``<iframe src>`` survives only as https on a host of ``policy.iframe_hosts``;
* note: when ``attribute_filter`` drops an attribute, ammonia moves the element's last
  attribute into its slot. The cleaner's tree pass removes what it can beforehand (unsafe
  srcset, foreign iframes), so that only hostile input sees its attributes reordered;
* every ``<a>`` gets ``rel="noopener noreferrer"``, every ``<img>`` ``referrerpolicy``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextvars import ContextVar
from functools import lru_cache
from urllib.parse import urlsplit

import nh3

from newsdesk.clean.urls import (
    allowed_url,
    has_unsafe_scheme,
    is_safe_srcset,
    is_script_url,
    strip_url,
)

__all__ = [
    "ATTRIBUTES",
    "DROP_WITH_CONTENT",
    "IFRAME_HOSTS",
    "LINK_REL",
    "SET_ATTRIBUTES",
    "TAGS",
    "UNWRAP_FIRST",
    "URL_ATTRIBUTES",
    "URL_SCHEMES",
    "iframe_src_allowed",
    "sanitize",
]

TAGS: frozenset[str] = frozenset(
    {
        "a", "abbr", "acronym", "article", "aside", "b", "bdi", "bdo", "blockquote", "br",
        "caption", "center", "cite", "code", "col", "colgroup", "data", "dd", "del",
        "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "footer",
        "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "i", "img", "ins",
        "kbd", "li", "main", "mark", "ol", "p", "picture", "pre", "q", "rp", "rt", "rtc",
        "ruby", "s", "samp", "section", "small", "source", "span", "strike", "strong",
        "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time",
        "tr", "tt", "u", "ul", "var", "wbr",
        "audio", "iframe", "video",
    }
)  # fmt: skip

# Removed together with everything inside them (the rest are unwrapped, keeping the text).
DROP_WITH_CONTENT: frozenset[str] = frozenset(
    {
        "script", "style", "noscript", "template", "title", "textarea", "select",
        "object", "embed", "applet", "frame", "frameset", "head",
    }
)  # fmt: skip

# Disallowed elements that the parser treats as scope boundaries ("special" elements):
# ``<li><button><li>`` nests the second li inside the button. If the sanitizer unwrapped
# the button, its output would hold li-in-li, which parses differently when read again
# (clean_html would not be idempotent). The cleaner unwraps these before serializing, so
# the sanitizer's own parse already sees the final structure.
UNWRAP_FIRST: tuple[str, ...] = (
    "address", "basefont", "bgsound", "button", "dialog", "dir", "fieldset", "form",
    "keygen", "legend", "listing", "marquee", "menu", "search",
)  # fmt: skip

_GLOBAL = {"class", "id", "title", "lang", "dir", "width", "height", "align"}

ATTRIBUTES: dict[str, frozenset[str]] = {
    "*": frozenset(_GLOBAL),
    "a": frozenset({"href", "hreflang"}),
    "img": frozenset({"src", "srcset", "sizes", "alt", "loading", "decoding", "referrerpolicy"}),
    "source": frozenset({"src", "srcset", "type", "media", "sizes"}),
    "video": frozenset({"src", "poster", "controls", "preload", "loop", "muted", "playsinline"}),
    "audio": frozenset({"src", "controls", "preload", "loop", "muted"}),
    "iframe": frozenset({"src", "allowfullscreen", "frameborder", "referrerpolicy", "loading"}),
    "td": frozenset({"colspan", "rowspan", "headers"}),
    "th": frozenset({"colspan", "rowspan", "headers", "scope"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
    "ol": frozenset({"start", "reversed", "type"}),
    "li": frozenset({"value"}),
    "blockquote": frozenset({"cite"}),
    "q": frozenset({"cite"}),
    "del": frozenset({"cite", "datetime"}),
    "ins": frozenset({"cite", "datetime"}),
    "time": frozenset({"datetime"}),
    "data": frozenset({"value"}),
}

GENERIC_ATTRIBUTE_PREFIXES: frozenset[str] = frozenset({"data-"})

URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})
URL_ATTRIBUTES: frozenset[str] = frozenset({"href", "src", "cite", "poster"})

LINK_REL = "noopener noreferrer"

# Set on every such tag: kept in place if the attribute is there, appended last otherwise.
SET_ATTRIBUTES: dict[str, dict[str, str]] = {
    "img": {"referrerpolicy": "no-referrer"},  # hotlink-protected CDNs (sinaimg, qpic, …)
    "iframe": {
        "sandbox": "allow-scripts allow-same-origin allow-presentation allow-popups "
        "allow-popups-to-escape-sandbox"
    },
}

# Video players an article may embed. Exact hosts, https only.
IFRAME_HOSTS: frozenset[str] = frozenset(
    {
        "www.youtube.com", "youtube.com", "www.youtube-nocookie.com", "player.vimeo.com",
        "player.bilibili.com", "v.qq.com", "player.youku.com", "music.163.com",
    }
)  # fmt: skip


def iframe_src_allowed(src: str, hosts: frozenset[str]) -> bool:
    src = strip_url(src)
    # Browsers read `\` as `/` (so `https://evil.com\@www.youtube.com/` is evil.com to
    # them, www.youtube.com to urlsplit), and no player URL needs userinfo: refuse both.
    if not src.lower().startswith("https://") or "\\" in src:
        return False
    try:
        parts = urlsplit(src)
        host = parts.hostname
    except ValueError:
        return False
    if parts.username is not None:
        return False
    return host is not None and host in hosts


# ammonia keeps any ``data-*`` name, `{` or a backtick included; Hexo then shows such a
# tag as text. Names outside this shape are never real attributes: drop them.
_ATTR_NAME = re.compile(r"[a-z][a-z0-9._:-]*")
# Lazy-load scripts (volantis' vanilla-lazyload) copy ``data-src`` into ``src`` on these,
# which would bypass the iframe host check and the URL scheme check.
_NO_DATA_ATTRIBUTES = frozenset({"iframe", "video", "audio", "source"})


# Set when the attribute filter dropped something during the current clean() call.
_dropped: ContextVar[bool] = ContextVar("_dropped", default=False)


def _make_filter(iframe_hosts: frozenset[str]) -> Callable[[str, str, str], str | None]:
    def keep(tag: str, attr: str, value: str) -> bool:
        if not _ATTR_NAME.fullmatch(attr):
            return False
        if tag in _NO_DATA_ATTRIBUTES and attr.startswith("data-"):
            return False
        if is_script_url(value):  # in any attribute: data-href, title, width, …
            return False
        if attr == "srcset":
            return is_safe_srcset(value)
        if tag == "iframe" and attr == "src":
            return iframe_src_allowed(value, iframe_hosts)
        if attr in URL_ATTRIBUTES:
            return allowed_url(value, URL_SCHEMES)
        return not (attr.startswith("data-") and has_unsafe_scheme(value))

    def attribute_filter(tag: str, attr: str, value: str) -> str | None:
        if keep(tag, attr, value):
            return value
        _dropped.set(True)
        return None

    return attribute_filter


@lru_cache(maxsize=8)
def _cleaner(iframe_hosts: frozenset[str]) -> nh3.Cleaner:
    # Built once per allowlist: converting the sets for every call would cost more than
    # the sanitizing itself on a short article.
    return nh3.Cleaner(
        tags=set(TAGS),
        clean_content_tags=set(DROP_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        attribute_filter=_make_filter(iframe_hosts),
        strip_comments=True,
        link_rel=LINK_REL,
        generic_attribute_prefixes=set(GENERIC_ATTRIBUTE_PREFIXES),
        set_tag_attribute_values=SET_ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
    )


# html5ever serializes an iframe's children as raw text, so "<iframe><script>" would come
# out verbatim. Nothing should be inside an iframe at all: empty any that is not.
_IFRAME_CONTENT = re.compile(r"(<iframe\b[^>]*>).*?(</iframe>)", re.DOTALL)


def sanitize(html: str, iframe_hosts: frozenset[str] = IFRAME_HOSTS) -> str:
    """Sanitize an HTML fragment with the allowlist above."""
    token = _dropped.set(False)
    try:
        out: str = _cleaner(iframe_hosts).clean(html)
        if _dropped.get():
            # Dropping an attribute makes ammonia reorder the rest; a second pass settles
            # the order, so that cleaning clean output changes nothing (idempotence).
            out = _cleaner(iframe_hosts).clean(out)
    finally:
        _dropped.reset(token)
    if "<iframe" in out:
        out = _IFRAME_CONTENT.sub(r"\1\2", out)
    return out
