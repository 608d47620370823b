from __future__ import annotations

import pytest

from newsdesk.imageproxy.refusals import Refusal
from newsdesk.imageproxy.sniff import accept_type, sniff, sniff_media

PNG = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xdb", "image/jpeg"),
        (b"GIF89a..", "image/gif"),
        (b"RIFF\0\0\0\0WEBPVP8 ", "image/webp"),
        (b"\0\0\0\x1cftypavif", "image/avif"),
        (b"BM6\0\0\0", "image/bmp"),
        (b"\0\0\1\0\1\0", "image/x-icon"),
        (b'\xef\xbb\xbf<?xml version="1.0"?><!-- x --><svg>', "image/svg+xml"),
        (b"<!DOCTYPE svg><svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml"),
        (b"<html><svg></svg></html>", None),
        (b"", None),
        (b"GIF8", None),
    ],
)
def test_sniff(head: bytes, kind: str | None) -> None:
    assert sniff(head) == kind


@pytest.mark.parametrize(
    ("declared", "head", "served"),
    [
        ("image/png", PNG, "image/png"),
        ("image/png", b"\xff\xd8\xff\xe0", "image/jpeg"),  # mislabelled: served as what it is
        ("application/octet-stream", PNG, "image/png"),
        (None, PNG, "image/png"),
        ("image/svg+xml; charset=utf-8", b"<svg>", "image/svg+xml"),
    ],
)
def test_accepted(declared: str | None, head: bytes, served: str) -> None:
    assert accept_type(declared, head, svg="sandbox") == served


@pytest.mark.parametrize(
    ("declared", "head", "reason"),
    [
        ("text/html", PNG, "not-image"),
        ("application/javascript", PNG, "not-image"),
        ("image/png", b"<html>", "type-mismatch"),
        ("image/png", b"<svg onload=alert(1)>", "type-mismatch"),
        ("image/svg+xml", PNG, "type-mismatch"),
    ],
)
def test_refused(declared: str, head: bytes, reason: str) -> None:
    with pytest.raises(Refusal) as caught:
        accept_type(declared, head, svg="sandbox")
    assert caught.value.reason == reason


def test_svg_policy_refuse() -> None:
    with pytest.raises(Refusal) as caught:
        accept_type("image/svg+xml", b"<svg>", svg="refuse")
    assert caught.value.reason == "svg"


MP4 = b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41"
WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01"


@pytest.mark.parametrize(
    ("declared", "head", "served"),
    [
        ("video/mp4", MP4, "video/mp4"),
        ("audio/mp4", b"\0\0\0\x1cftypM4A \0\0\0\0", "audio/mp4"),
        ("video/webm", WEBM, "video/webm"),
        ("audio/webm", WEBM, "audio/webm"),
        ("application/octet-stream", WEBM, "video/webm"),
        ("video/ogg", b"OggS\0\x02", "video/ogg"),
        ("audio/ogg", b"OggS\0\x02", "audio/ogg"),
        ("audio/mpeg", b"ID3\x04\0\0", "audio/mpeg"),
        ("audio/mpeg", b"\xff\xfb\x90\x64", "audio/mpeg"),  # a bare MPEG audio frame
        ("audio/flac", b"fLaC\0\0\0\x22", "audio/flac"),
        ("audio/wav", b"RIFF\x24\0\0\0WAVEfmt ", "audio/wav"),
        ("video/mp4", PNG, "image/png"),  # mislabelled the other way: served as what it is
    ],
)
def test_media_accepted_by_their_bytes(declared: str, head: bytes, served: str) -> None:
    assert accept_type(declared, head, svg="sandbox") == served


@pytest.mark.parametrize(
    ("declared", "head", "reason"),
    [
        ("video/mp4", b"<html><script>", "type-mismatch"),
        ("audio/mpeg", b"<svg onload=alert(1)>", "type-mismatch"),
        ("text/html", MP4, "not-image"),  # media bytes under a page's type: still refused
    ],
)
def test_media_types_still_refuse_other_bodies(declared: str, head: bytes, reason: str) -> None:
    with pytest.raises(Refusal) as caught:
        accept_type(declared, head, svg="sandbox")
    assert caught.value.reason == reason


def test_image_containers_are_not_media() -> None:
    assert sniff_media(b"\0\0\0\x1cftypavif") is None
    assert sniff_media(b"\xff\xd8\xff\xe0") is None  # JPEG, not an MPEG frame
