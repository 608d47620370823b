"""Mutated fixture bytes: parse_feed returns a ParsedFeed or raises ParseError, nothing else."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdesk.errors import ParseError
from newsdesk.models import ParsedFeed
from newsdesk.parse import parse_feed
from tests.parse.conftest import FEED_FILES, FEED_URL

# Small fixtures whole, big ones cut to their first 6 KB: mutations matter, not size.
SEEDS = [path.read_bytes()[:6000] for path in FEED_FILES]
TOKENS = [
    b"<", b">", b"&", b";", b"&nbsp;", b"&#0;", b"&#x110000;", b"<![CDATA[", b"]]>", b"<!--",
    b"-->", b"<?xml version='1.0' encoding='gbk'?>", b"<!DOCTYPE rss [<!ENTITY a 'b'>]>",
    b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\xc2\x92", b"\x92", b"{", b"}", b'"', b"<item>",
    b"</item>", b"<pubDate>", b"+0800", b"\xe4\xb8", b"xmlns:x='u'", b"<html>",
    b"&#X41;", b"&#150;", b"&#xD800;", b"&copy", b"<!doctype rss>", b"xml:base='a/'",
    b"\xc3\xa2\xe2\x82\xac", b"<content mode='base64'>", b"<!ENTITY e 'v'>", b"&e;",
    b"<CHANNEL>", b"<ITEM HREF='x'>", b"<media:group>", b"\x00\x00\x00<",
]  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["insert", "delete", "flip", "truncate"]))
        if kind == "insert":
            data[at:at] = draw(st.sampled_from(TOKENS) | st.binary(max_size=8))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif kind == "flip" and at < len(data):
            data[at] ^= draw(st.integers(1, 255))
        elif kind == "truncate":
            del data[at:]
    return bytes(data)


def check(body: bytes, content_type: str | None) -> None:
    started = time.perf_counter()
    try:
        feed = parse_feed(body, FEED_URL, content_type)
    except ParseError as exc:
        assert str(exc)  # every refusal says why
    else:
        assert isinstance(feed, ParsedFeed)
        assert all(isinstance(w, str) for w in feed.warnings)
    assert time.perf_counter() - started < 2.0  # no pathological slowness


CONTENT_TYPES = st.sampled_from(
    [None, "application/rss+xml", "text/xml; charset=gb2312", "text/xml; charset=bogus"]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=mutated(), content_type=CONTENT_TYPES)
def test_mutated_fixtures_raise_only_parse_error(body: bytes, content_type: str | None) -> None:
    check(body, content_type)


@pytest.mark.slow
@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=mutated(), content_type=CONTENT_TYPES)
def test_mutated_fixtures_raise_only_parse_error_long(
    body: bytes, content_type: str | None
) -> None:
    check(body, content_type)


@settings(max_examples=200, deadline=None)
@given(body=st.binary(max_size=512))
def test_random_bytes_raise_only_parse_error(body: bytes) -> None:
    check(body, None)
