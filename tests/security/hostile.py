"""A hostile RSS feed, a hostile Atom feed and a hostile OPML file, built from PAYLOADS.

    rss_feed(base) / atom_feed(base) -> bytes: one item per payload, the payload in every
        field of that item (title, link, guid, author, category, enclosure, image,
        description, content); the feed title holds payload 0
    opml_file(base) -> bytes: feeds whose outline names (group, source, channel) hold the
        payloads, each pointing at ``opml_feed(k, base)``
    opml_feed(k, base) -> bytes: a one-item feed whose own title holds payload k
    title_feed(k, base) -> bytes: a feed without items whose own title holds payload k
    placements() -> every (id, Placement) the files carry, for the report

Bodies alternate between ``content`` and ``description``/``summary``: a feed's body is its
content when it has one, so the odd RSS items and the even Atom entries send only the
description, and every payload reaches a published body once through each field.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from .payloads import PAYLOADS, Placement, decode_id, payload_id, render

__all__ = [
    "OPML_FEEDS",
    "atom_feed",
    "opml_feed",
    "opml_file",
    "placements",
    "rss_feed",
    "title_feed",
]

RSS, ATOM, OPML = 1, 2, 3
_DATE = "Tue, 18 Nov 2025 08:00:00 +0800"
_ISO = "2025-11-18T00:00:00Z"
# Field codes of one item: title, link, guid, author, category, enclosure, image,
# description, content (payloads.FIELDS).
_ITEM_FIELDS = (1, 2, 3, 4, 5, 6, 7, 8, 9)
# OPML: one feed per three payloads (group, source, channel names), so every payload sits
# in one outline name; the feed's own title holds a payload too.
OPML_FEEDS = (len(PAYLOADS) + 2) // 3


def _p(index: int, source: int, field: int) -> str:
    return render(index % len(PAYLOADS), source, field)


def _minute(i: int) -> str:
    return f"{i // 60:02d}:{i % 60:02d}"


def rss_feed(base: str) -> bytes:
    items = []
    for i in range(len(PAYLOADS)):
        content = (
            f"<content:encoded>{escape(_p(i, RSS, 9))} 正文</content:encoded>" if i % 2 == 0 else ""
        )
        items.append(
            "<item>"
            f"<title>{escape(_p(i, RSS, 1))}</title>"
            f"<link>{escape(_p(i, RSS, 2))}</link>"
            f'<guid isPermaLink="false">{escape(_p(i, RSS, 3))}</guid>'
            f"<author>{escape(_p(i, RSS, 4))}</author>"
            f"<dc:creator>{escape(_p(i, RSS, 4))}</dc:creator>"
            f"<category>{escape(_p(i, RSS, 5))}</category>"
            f'<enclosure url={quoteattr(_p(i, RSS, 6))} type="image/jpeg" length="1"/>'
            f"<media:thumbnail url={quoteattr(_p(i, RSS, 7))}/>"
            f"<description>{escape(_p(i, RSS, 8))} 摘要</description>"
            f"{content}"
            f"<pubDate>Tue, 18 Nov 2025 {_minute(i)}:00 +0000</pubDate>"
            "</item>"
        )
    items.append(_fallback_rss())
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">'
        f"<channel><title>{escape(_p(0, RSS, 10))}</title><link>{escape(base)}</link>"
        f"<description>hostile</description>{''.join(items)}</channel></rss>"
    ).encode()


def _fallback_rss() -> str:
    """A title that cleans to nothing, over a body whose text is escaped markup."""
    title = _p(1, RSS, 1)  # <img …>: stripped by title cleaning
    body = f"<p>{escape(_p(4, RSS, 9))}</p>"  # text: <details open ontoggle=…>
    return (
        f"<item><title>{escape(title)}</title><guid>fallback</guid>"
        f"<description>{escape(body)}</description><pubDate>{_DATE}</pubDate></item>"
    )


def atom_feed(base: str) -> bytes:
    entries = []
    for i in range(len(PAYLOADS)):
        content = f'<content type="html">{escape(_p(i, ATOM, 9))} 正文</content>' if i % 2 else ""
        entries.append(
            "<entry>"
            f'<title type="html">{escape(_p(i, ATOM, 1))}</title>'
            f'<link rel="alternate" href={quoteattr(_p(i, ATOM, 2))}/>'
            f"<id>{escape(_p(i, ATOM, 3))}</id>"
            f"<author><name>{escape(_p(i, ATOM, 4))}</name></author>"
            f"<category term={quoteattr(_p(i, ATOM, 5))} label={quoteattr(_p(i, ATOM, 5))}/>"
            f'<link rel="enclosure" type="image/png" href={quoteattr(_p(i, ATOM, 6))}/>'
            f"<media:thumbnail url={quoteattr(_p(i, ATOM, 7))}/>"
            f'<summary type="html">{escape(_p(i, ATOM, 8))} 摘要</summary>'
            f"{content}"
            f"<updated>2025-11-17T{_minute(i)}:00Z</updated>"
            "</entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">'
        f"<title>{escape(_p(0, ATOM, 10))}</title><id>{escape(base)}atom</id>"
        f"<link href={quoteattr(base)}/><updated>{_ISO}</updated>{''.join(entries)}</feed>"
    ).encode()


def _channel(title: str, base: str, items: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>{escape(base)}</link>"
        f"<description>d</description>{items}</channel></rss>"
    ).encode()


def opml_feed(k: int, base: str) -> bytes:
    """Feed ``k`` of the OPML file: its own title is payload k, one tame item."""
    item = (
        f"<item><title>opml item {k}</title><link>{escape(base)}opml/{k}</link>"
        f"<guid>opml-{k}</guid><description>&lt;p&gt;opml body {k}&lt;/p&gt;</description>"
        f"<pubDate>{_DATE}</pubDate></item>"
    )
    return _channel(_p(k, OPML, 10), base, item)


def title_feed(k: int, base: str) -> bytes:
    """A feed without items whose own title is payload k: the feed title field, 52 times."""
    return _channel(_p(k, RSS, 10), base)


def opml_file(base: str) -> bytes:
    outlines = []
    for k in range(OPML_FEEDS):
        group, source, channel = (_p(3 * k + j, OPML, 11 + j) for j in range(3))
        url = f"{base}opml/{k}.xml"
        outlines.append(
            f"<outline text={quoteattr(group)}>"
            f"<outline text={quoteattr(source)}>"
            f'<outline type="rss" text={quoteattr(channel)} title={quoteattr(channel)}'
            f" xmlUrl={quoteattr(url)}/>"
            "</outline></outline>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><opml version="2.0">'
        f"<head><title>hostile</title></head><body>{''.join(outlines)}</body></opml>"
    ).encode()


def placements() -> dict[int, Placement]:
    """Every payload id the three files carry, with what and where it is."""
    ids = {payload_id(ATOM, 10, 0)}
    for i in range(len(PAYLOADS)):
        ids.add(payload_id(RSS, 10, i))  # title_feed(i); the RSS feed's title is payload 0
        for source in (RSS, ATOM):
            ids.update(payload_id(source, f, i) for f in _ITEM_FIELDS if f != 9)
        ids.add(payload_id(RSS if i % 2 == 0 else ATOM, 9, i))  # content: see the docstring
    for k in range(OPML_FEEDS):
        ids.add(payload_id(OPML, 10, k))
        ids.update(payload_id(OPML, 11 + j, (3 * k + j) % len(PAYLOADS)) for j in range(3))
    return {pid: p for pid in ids if (p := decode_id(pid)) is not None}
