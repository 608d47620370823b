"""Cache hits a front server (nginx) serves without the proxy: ``<cache_dir>/public/``.

    <cache_dir>/public/<s[:2]>/<s>.<ext>    a hard link to the blob; s = the signature

A signed request is ``/<signature>/<encoded url>``, and a signature names exactly one URL
(under one key). Once the proxy has verified a request and holds its image on disk, it
links the blob under the request's signature, with an extension that names the image's
type. A front server matches the signature in the path, tries those extensions, and
serves the file with the type its extension maps to; whatever it does not find goes to
the proxy (docs/imageproxy.md has the nginx configuration).

Safety: only signatures the proxy verified ever name a file, and a name is 43 base64url
characters plus a fixed extension, so no request path reaches outside ``public/``. SVG is
never linked (it needs the proxy's sandbox CSP), nor is the unsigned prefix form. Links
go with their cache entry (eviction) and, at start-up, when no configured key made their
signature any more, so a retired key stops working at the front server too.
"""

from __future__ import annotations

import re

__all__ = ["EXTENSIONS", "public_name", "signature_of"]

# The types a front server is told about (the nginx example's ``types`` block).
EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/avif": "avif",
    "image/bmp": "bmp",
    "image/x-icon": "ico",
    "image/tiff": "tiff",
}

_SIGNATURE = re.compile(r"[A-Za-z0-9_-]{43}")  # unpadded base64url of an HMAC-SHA256


def public_name(signature: str, content_type: str) -> str | None:
    """``<s[:2]>/<s>.<ext>`` under ``public/``, or None when this is not to be linked."""
    extension = EXTENSIONS.get(content_type)
    if extension is None or not _SIGNATURE.fullmatch(signature):
        return None
    return f"{signature[:2]}/{signature}.{extension}"


def signature_of(name: str) -> str:
    return name.rpartition("/")[2].partition(".")[0]
