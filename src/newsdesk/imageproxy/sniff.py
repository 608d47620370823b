"""What the first bytes of a body really are, and whether to serve it.

Upstreams mislabel images all the time (a JPEG sent as image/png), so a raster image is
served under the type its bytes show. What is refused is a body that is not an image at all
(HTML behind ``image/png``) and SVG anywhere but under its own declared type.

Posts send video and audio (``<video src>``, ``<source src>``…) through the proxy too:
those are served when the bytes are a known media container (MP4, WebM, Ogg, MP3, FLAC,
WAV) and the declared type is ``video/*``, ``audio/*`` or opaque; the whole file, within
``max_bytes`` (Range is never forwarded).
"""

from __future__ import annotations

import re

from newsdesk.imageproxy.refusals import Refusal

__all__ = ["SNIFF_BYTES", "SVG_CSP", "accept_type", "sniff", "sniff_media"]

SNIFF_BYTES = 512
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
_MAGIC: tuple[tuple[bytes, int, str], ...] = (  # (signature, offset, type)
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"BM", 0, "image/bmp"),
    (b"\x00\x00\x01\x00", 0, "image/x-icon"),
    (b"II*\x00", 0, "image/tiff"),
    (b"MM\x00*", 0, "image/tiff"),
)
_FTYP = {
    b"avif": "image/avif",
    b"avis": "image/avif",
    b"heic": "image/heic",
    b"heix": "image/heic",
    b"mif1": "image/heif",
}
_SVG = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*<svg[\s>]",
    re.IGNORECASE | re.DOTALL,
)
_OPAQUE = {"", "application/octet-stream", "binary/octet-stream"}
# (signature, offset, subtype, family): containers take the family the upstream declared.
_MEDIA_MAGIC: tuple[tuple[bytes, int, str, str | None], ...] = (
    (b"\x1a\x45\xdf\xa3", 0, "webm", None),  # EBML: WebM / Matroska
    (b"OggS", 0, "ogg", None),
    (b"fLaC", 0, "flac", "audio"),
    (b"ID3", 0, "mpeg", "audio"),  # MP3 with a tag
    (b"WAVE", 8, "wav", "audio"),
)
_MEDIA_FAMILIES = ("video/", "audio/")


def sniff(head: bytes) -> str | None:
    """The image type ``head`` (the first SNIFF_BYTES of a body) starts with, or None."""
    for magic, offset, kind in _MAGIC:
        if head[offset : offset + len(magic)] == magic:
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in _FTYP:
        return _FTYP[head[8:12]]
    if _SVG.match(head):
        return "image/svg+xml"
    return None


def sniff_media(head: bytes, declared: str = "") -> str | None:
    """The video or audio type ``head`` starts with, or None. A container that holds
    either (WebM, Ogg, MP4) takes the family of ``declared``, else video."""
    family = "audio" if declared.startswith("audio/") else "video"
    for magic, offset, subtype, fixed in _MEDIA_MAGIC:
        if head[offset : offset + len(magic)] == magic and (offset == 0 or head[:4] == b"RIFF"):
            return f"{fixed or family}/{subtype}"
    if head[4:8] == b"ftyp" and head[8:12] not in _FTYP:  # ISO media that is not an image
        return f"{family}/mp4"
    if len(head) > 1 and head[0] == 0xFF and head[1] & 0xE6 in (0xE2, 0xE4, 0xE6):
        return "audio/mpeg"  # an MPEG audio frame header (layer I-III), no tag
    return None


def accept_type(declared: str | None, head: bytes, *, svg: str) -> str:
    """The content type to serve, or Refusal(502) for anything that is not a safe image
    or video/audio file."""
    base = (declared or "").split(";", 1)[0].strip().lower()
    if base.startswith(_MEDIA_FAMILIES) or base in _OPAQUE:
        media = sniff_media(head, base)
        if media is not None:
            return media
    if base not in _OPAQUE and not base.startswith(("image/", *_MEDIA_FAMILIES)):
        raise Refusal(502, "not-image", f"upstream sent {base}, not an image")
    found = sniff(head)
    if found is None:
        raise Refusal(502, "type-mismatch", f"the body is not the {base or 'image'} it claims")
    if found == "image/svg+xml":
        if base != "image/svg+xml":
            raise Refusal(502, "type-mismatch", "SVG is only served under image/svg+xml")
        if svg == "refuse":
            raise Refusal(502, "svg", "SVG images are not proxied")
    elif base == "image/svg+xml":
        raise Refusal(502, "type-mismatch", "the body is not the SVG it claims")
    return found
