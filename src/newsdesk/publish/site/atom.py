"""Atom 1.0 feeds (RFC 4287), built from strings with every value escaped."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from .catalog import Entry
from .paths import is_http
from .text import xml_safe

__all__ = ["render_atom"]


def _text(value: str) -> str:
    return escape(xml_safe(value))


def _attr(value: str) -> str:
    return quoteattr(xml_safe(value))


def render_atom(
    *,
    title: str,
    feed_id: str,
    self_href: str,
    site_href: str,
    language: str,
    items: Sequence[tuple[Entry, str, str]],  # (entry, link to its page, body HTML)
) -> bytes:
    """An Atom document; ``updated`` is the newest entry's date, so output is reproducible."""
    updated = items[0][0].iso if items else "1970-01-01T00:00:00+00:00"
    out = [
        '<?xml version="1.0" encoding="utf-8"?>\n',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={_attr(language)}>\n',
        f"  <id>{_text(feed_id)}</id>\n",
        f"  <title>{_text(title)}</title>\n",
        f"  <updated>{updated}</updated>\n",
        f'  <link rel="self" type="application/atom+xml" href={_attr(self_href)}/>\n',
        f'  <link rel="alternate" type="text/html" href={_attr(site_href)}/>\n',
        "  <generator>newsdesk</generator>\n",
    ]
    for entry, href, body in items:
        a = entry.article
        out += [
            "  <entry>\n",
            f"    <id>urn:newsdesk:{entry.uid}</id>\n",
            f"    <title>{_text(a.title)}</title>\n",
            f"    <updated>{entry.iso}</updated>\n",
            f"    <published>{entry.iso}</published>\n",
            f"    <author><name>{_text(a.author or a.source)}</name></author>\n",
            f'    <link rel="alternate" type="text/html" href={_attr(href)}/>\n',
        ]
        if is_http(a.link):  # feeds are untrusted: no javascript: links in readers
            out.append(f'    <link rel="via" href={_attr(a.link)}/>\n')
        out.append(f"    <category term={_attr(a.source)} label={_attr(a.channel)}/>\n")
        if entry.excerpt:
            out.append(f"    <summary>{_text(entry.excerpt)}</summary>\n")
        out.append(f'    <content type="html">{_text(body)}</content>\n')
        out.append("  </entry>\n")
    out.append("</feed>\n")
    return "".join(out).encode("utf-8")
