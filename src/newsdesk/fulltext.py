"""Full article text for feeds that carry only a summary (a source's ``full_text: true``).

    html = await fetch_full_text(client, entry.link, keep=[], drop=[".ad"],
                                 max_bytes=3_000_000, timeout=20)
    if html is not None: ...        # else keep the summary; the reason was logged

Order, like Miniflux's scraper: download the page → decode → drop the ``drop`` selectors
→ if ``keep`` selectors are given and match, their nodes *are* the article; otherwise
extract the main content automatically → make links absolute against the final URL.
The result still goes through the clean stage (sanitizer) like any feed HTML.

Why trafilatura (2.3.1) over readability-lxml (0.9), measured on a Chinese news page with
navigation, a banner ad, an inline sponsored paragraph, share links, comments and a sidebar:
on 4 KB both take ~1 ms; on 212 KB (3,000 sidebar links) trafilatura takes 17 ms and
readability 29 ms; both dropped nav, banner, comments and sidebar. Neither reliably drops
an inline sponsored paragraph (that is what ``drop`` rules are for), and a very short
article (one paragraph) comes back mixed with boilerplate (``keep`` rules fix that).
Output under ``min_chars`` of text counts as nothing found: on a page with no article
trafilatura falls back to whatever text there is (a menu).
The cost: trafilatura brings ~12 packages (justext, courlan, htmldate, dateparser, …)
and takes 0.1 s to import, so import this module only where full text is wanted.
Extraction runs in a worker thread so a large page never stalls the event loop.
"""

from __future__ import annotations

import asyncio
import codecs
import logging
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode, SelectolaxError

from newsdesk.clean.bounds import bound_markup

if TYPE_CHECKING:
    import httpx

    from newsdesk.netguard import AddressGuard

# trafilatura, httpx (netguard) and charset_normalizer are imported where used: config loading
# imports this module for check_selectors, and they cost ~130 ms at every command's start.

__all__ = [
    "apply_selectors",
    "check_selectors",
    "extract_article",
    "extract_page",
    "fetch_full_text",
    "looks_truncated",
]

log = logging.getLogger(__name__)

_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain")  # text/plain: misconfigured
_URL_ATTRS = ("href", "src", "poster")
_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"


# -- selectors (pure) --------------------------------------------------------------------


def check_selectors(selectors: Sequence[str]) -> None:
    """Raise ValueError naming the first selector that is not valid CSS (config check)."""
    if isinstance(selectors, str):
        raise ValueError("selectors must be a list of CSS selectors, not a string")
    probe = LexborHTMLParser("<p></p>")
    for selector in selectors:
        if not isinstance(selector, str) or not selector.strip():
            raise ValueError(f"invalid CSS selector {selector!r}: empty")
        try:
            probe.css(selector)
        except SelectolaxError as exc:
            raise ValueError(f"invalid CSS selector {selector!r}: {exc}") from None


def _outermost(nodes: list[LexborNode]) -> list[LexborNode]:
    """Drop nodes nested inside another picked node, so nothing is output twice."""
    ids = {n.mem_id for n in nodes}
    kept = []
    for node in nodes:
        parent = node.parent
        while parent is not None and parent.mem_id not in ids:
            parent = parent.parent
        if parent is None:
            kept.append(node)
    return kept


def _select(html: str, keep: Sequence[str], drop: Sequence[str]) -> tuple[str, bool]:
    """(result, whether ``keep`` matched): the kept nodes, else the body minus drops."""
    check_selectors(keep)
    check_selectors(drop)
    tree = LexborHTMLParser(html)
    for selector in drop:
        for node in tree.css(selector):
            node.decompose()
    picked: dict[int, LexborNode] = {}
    for selector in keep:
        for node in tree.css(selector):
            picked.setdefault(node.mem_id, node)
    if not picked:
        return ((tree.body.inner_html or "") if tree.body is not None else ""), False
    order = {n.mem_id: i for i, n in enumerate(tree.root.traverse())} if tree.root else {}
    nodes = sorted(picked.values(), key=lambda n: order.get(n.mem_id, 0))
    return "".join(node.html or "" for node in _outermost(nodes)), True


def apply_selectors(html: str, keep: Sequence[str], drop: Sequence[str]) -> str:
    """Remove ``drop`` matches, then return the ``keep`` matches in document order.

    With no ``keep`` selectors, or when none matches (a page whose layout changed, or
    feed HTML that lacks the page's wrappers), the body minus drops is returned: a rule
    that does not match never empties an article. Invalid selectors raise ValueError.
    """
    return _select(bound_markup(html).html, keep, drop)[0]


# -- extraction (pure) -------------------------------------------------------------------


def extract_article(html: str, *, url: str | None = None, min_chars: int = 50) -> str | None:
    """The main content of an article page as HTML, or None when none is found.

    ``min_chars`` (of text, not markup) is about one Chinese sentence: less is not an
    article but leftovers such as a menu.
    """
    import trafilatura

    result = trafilatura.extract(
        bound_markup(html).html,
        url=url,
        output_format="html",
        include_images=True,
        include_links=True,
        include_tables=True,
        include_comments=False,
        with_metadata=False,
    )
    if not result:
        return None
    body = LexborHTMLParser(result).body
    if body is None or len("".join(body.text().split())) < min_chars:
        return None
    return (body.inner_html or "").strip() or None


_TRUNCATION_MARKS = ("…", "...", "阅读全文", "查看全文", "阅读原文", "Read more", "read more")


def looks_truncated(html: str, *, min_chars: int = 200) -> bool:
    """Whether a feed body looks like a summary: short, or ending in "…"/"阅读全文"."""
    body = LexborHTMLParser(bound_markup(html).html).body
    text = " ".join((body.text(separator=" ") if body is not None else "").split())
    return len(text) < min_chars or text.endswith(_TRUNCATION_MARKS)


def _absolutize(html: str, base: str) -> str:
    tree = LexborHTMLParser(html)
    for attr in _URL_ATTRS:
        for node in tree.css(f"[{attr}]"):
            value = (node.attributes.get(attr) or "").strip()
            if value and not value.startswith(("#", "data:", "mailto:")):
                node.attrs[attr] = urljoin(base, value)
    return (tree.body.inner_html or "") if tree.body is not None else html


def _page_base(html: str, final_url: str) -> str:
    base = LexborHTMLParser(html).css_first("base[href]")
    href = base.attributes.get("href") if base is not None else None
    return urljoin(final_url, href.strip()) if href else final_url


def _content(html: str, final_url: str, keep: Sequence[str], drop: Sequence[str]) -> str | None:
    html = bound_markup(html).html  # the parsers below stay linear (clean/bounds.py)
    base = _page_base(html, final_url)
    if keep or drop:
        picked, matched = _select(html, keep, drop)
        if matched and picked.strip():
            return _absolutize(picked, base)  # the user's rules define the article
        if keep:
            log.info("keep selectors matched nothing; extracting", extra={"url": final_url})
        html = picked
    found = extract_article(html, url=base)
    return _absolutize(found, base) if found else None


# -- decoding ----------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# GBK and GB2312 pages routinely use characters only GB18030 (their superset) defines.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "ascii": "utf-8",
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
}


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    name = _SUPERSETS.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _decode(body: bytes, content_type: str | None) -> str:
    if body.startswith(codecs.BOM_UTF8):
        return body[3:].decode("utf-8", "replace")
    declared = None
    if content_type and "charset=" in content_type.lower():
        declared = _codec(content_type.lower().split("charset=", 1)[1].split(";")[0])
    if declared is None:
        meta = _META_CHARSET.search(body[:4096])
        declared = _codec(meta.group(1).decode("ascii")) if meta else None
    if declared is not None:
        return body.decode(declared, "replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        import charset_normalizer

        best = charset_normalizer.from_bytes(body).best()
        return str(best) if best is not None else body.decode("gb18030", "replace")


# -- fetching ----------------------------------------------------------------------------


def extract_page(
    body: bytes,
    content_type: str | None,
    url: str,
    *,
    keep: Sequence[str] = (),
    drop: Sequence[str] = (),
) -> str | None:
    """The article HTML of a downloaded page (absolute URLs, not yet sanitized), or None.

    For callers that download pages themselves (the pipeline uses the feed fetcher, with
    its address checks, caps and per-host limits). Raises ValueError for a non-HTML page.
    """
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime and mime not in _HTML_TYPES:
        raise ValueError(f"not an HTML page ({mime})")
    return _content(_decode(body, content_type), url, keep, drop)


class _PageError(Exception):
    """Why a page was not usable; caught in fetch_full_text and logged once."""


async def _download(
    client: httpx.AsyncClient, url: str, max_bytes: int, timeout: float, guard: AddressGuard
) -> tuple[str, str]:
    from newsdesk.netguard import guarding

    with guarding(guard):  # every hop httpx follows connects under the guard
        async with client.stream(
            "GET", url, timeout=timeout, follow_redirects=True, headers={"Accept": _ACCEPT}
        ) as resp:
            return await _read_page(resp, max_bytes, guard)


async def _read_page(resp: httpx.Response, max_bytes: int, guard: AddressGuard) -> tuple[str, str]:
    if guard.used is None:  # a client without the guarded transport: check late, at least
        from newsdesk.netguard import check_peer

        check_peer(resp, guard)
    if resp.status_code != 200:
        raise _PageError(f"HTTP {resp.status_code}")
    content_type = resp.headers.get("content-type")
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime and mime not in _HTML_TYPES:
        raise _PageError(f"not an HTML page ({mime})")
    length = resp.headers.get("content-length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise _PageError(f"page larger than {max_bytes} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in resp.aiter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise _PageError(f"page larger than {max_bytes} bytes")
        chunks.append(chunk)
    return _decode(b"".join(chunks), content_type), str(resp.url)


async def fetch_full_text(
    client: httpx.AsyncClient,
    url: str,
    *,
    keep: Sequence[str] = (),
    drop: Sequence[str] = (),
    max_bytes: int = 3_000_000,
    timeout: float = 20.0,
    allow_private: bool = False,
) -> str | None:
    """Download ``url`` and return its article HTML (absolute URLs, not yet sanitized).

    Returns None, with the reason logged, for any network or page problem: HTTP error,
    timeout (``timeout`` bounds the whole download), non-HTML, too large, nothing found,
    a private address. Invalid selectors are a config error and raise ValueError before
    any request. Redirects are followed; every hop's address is checked when it is
    connected to (``newsdesk.netguard``: use a client from ``fetch.make_client``). No
    private address is reached unless ``allow_private`` (a source's
    ``full_text_private``), and even then not after a public one (like feeds).
    """
    import httpx

    from newsdesk.netguard import AddressGuard

    check_selectors(keep)
    check_selectors(drop)
    try:
        async with asyncio.timeout(timeout):
            guard = AddressGuard(
                refuse_private=not allow_private,
                refuse_private_after_public=allow_private,
                redirected=False,
            )
            html, final_url = await _download(client, url, max_bytes, timeout, guard)
    except TimeoutError:
        _failed(url, f"timed out after {timeout:g}s")
        return None
    except _PageError as exc:
        _failed(url, str(exc))
        return None
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        _failed(url, f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
        return None
    try:
        content = await asyncio.to_thread(_content, html, final_url, keep, drop)
    except Exception as exc:  # a third-party parser on untrusted input: a value, not a crash
        _failed(url, f"extraction failed: {type(exc).__name__}: {exc}")
        return None
    if content is None:
        _failed(url, "no article content found")
        return None
    return content


def _failed(url: str, reason: str) -> None:
    log.warning("full text fetch failed", extra={"url": url, "reason": reason})
