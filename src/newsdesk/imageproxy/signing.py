"""The one place newsdesk computes or checks an HMAC.

A signed proxy path is ``/<signature>/<encoded url>``:

* ``encoded url`` is the image URL's UTF-8 bytes in unpadded base64url;
* ``signature`` is unpadded base64url of HMAC-SHA256(key, ``b"newsdesk-image\\0" + url``).

The first key signs; every key verifies, so a new key can be put first while posts signed
with the old one keep working until it is dropped. Comparisons are constant-time, and both
parts must be in canonical form, so no two distinct paths verify for the same URL.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Sequence

__all__ = ["MIN_KEY_LENGTH", "Signer"]

MIN_KEY_LENGTH = 16
_DOMAIN = b"newsdesk-image\0"  # keeps these MACs useless for any other purpose of the key


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes | None:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None
    return raw if _b64(raw) == text else None  # refuse non-canonical spellings


class Signer:
    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise ValueError("a Signer needs at least one key")
        if any(len(k) < MIN_KEY_LENGTH for k in keys):
            raise ValueError(f"signing keys must be at least {MIN_KEY_LENGTH} bytes")
        self._keys = tuple(keys)

    def _mac(self, key: bytes, url: str) -> str:
        return _b64(hmac.new(key, _DOMAIN + url.encode("utf-8"), hashlib.sha256).digest())

    def sign(self, url: str) -> str:
        """The path (no leading slash) that proxies ``url``: ``<signature>/<encoded url>``."""
        return f"{self._mac(self._keys[0], url)}/{_b64(url.encode('utf-8'))}"

    def verify(self, signature: str, encoded_url: str) -> str | None:
        """The URL when ``signature`` matches it under any key, else None."""
        raw = _unb64(encoded_url)
        if raw is None:
            return None
        try:
            url = raw.decode("utf-8")
        except UnicodeDecodeError:
            return None
        given = signature.encode("ascii", "replace")
        ok = False
        for key in self._keys:  # no early exit: time does not tell which key matched
            ok |= hmac.compare_digest(self._mac(key, url).encode("ascii"), given)
        return url if ok else None
