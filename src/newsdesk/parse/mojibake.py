"""Double-encoded UTF-8 (``Ã©`` for ``é``, ``â€™`` for ``’``) repaired when unambiguous.

Such text is UTF-8 that some program read as Windows-1252 (or Latin-1) and encoded as
UTF-8 again. A run of characters is repaired only when it is exactly that: every
character maps back to one Windows-1252 byte, and the bytes form valid UTF-8 with each
lead byte followed by the right number of continuation bytes. ``SÃO PAULO`` (``Ã``
followed by a letter) and any other text stays as it is.
"""

from __future__ import annotations

import re

__all__ = ["repair_double_utf8"]

# UTF-8 of the characters Windows-1252 (or Latin-1) shows for bytes 0x80–0xBF: the
# continuation bytes of the original UTF-8.
_CONTINUATION = (
    rb"(?:\xc2[\x80-\xbf]|\xc5[\x92\x93\xa0\xa1\xb8\xbd\xbe]|\xc6\x92|\xcb[\x86\x9c]"
    rb"|\xe2\x80[\x93\x94\x98-\x9a\x9c-\x9e\xa0-\xa2\xa6\xb0\xb9\xba]|\xe2\x82\xac|\xe2\x84\xa2)"
)
# UTF-8 of U+00C2–U+00F4, the characters shown for lead bytes 0xC2–0xF4, each followed
# by as many continuations as that lead byte announces.
_LEAD_AND_CONTINUATIONS = (
    rb"\xc3(?:[\x82-\x9f]" + _CONTINUATION
    + rb"|[\xa0-\xaf]" + _CONTINUATION * 2
    + rb"|[\xb0-\xb4]" + _CONTINUATION * 3
    + rb")"
)  # fmt: skip
_RUN = re.compile(_LEAD_AND_CONTINUATIONS + b"+")
_FEW = 256  # up to this many 0xC3 bytes, find() them rather than run the regex over all


def _original_bytes(text: str) -> bytes:
    # U+0080–U+00FF are the bytes themselves (Latin-1, and the five bytes Windows-1252
    # leaves undefined); the rest are Windows-1252's characters for 0x80–0x9F.
    return b"".join(bytes([ord(ch)]) if ord(ch) <= 0xFF else ch.encode("cp1252") for ch in text)


def repair_double_utf8(data: bytes) -> tuple[bytes, str | None]:
    """UTF-8 ``data`` with double-encoded runs repaired, and a warning naming one of them."""
    leads = data.count(b"\xc3")  # every run starts with U+00C2–U+00F4, i.e. byte 0xC3
    if not leads:
        return data, None
    example: list[str] = []

    def fix(match: re.Match[bytes]) -> bytes:
        run = match.group()
        try:
            repaired = _original_bytes(run.decode("utf-8")).decode("utf-8")
        except UnicodeError:
            return run
        if not example:
            example.append(f"double-encoded UTF-8 repaired (e.g. {run.decode()!r} -> {repaired!r})")
        return repaired.encode("utf-8")

    if leads > _FEW:
        fixed = _RUN.sub(fix, data)
    else:  # the regex scans every byte; jumping from 0xC3 to 0xC3 is far quicker
        parts = []
        done = 0
        at = data.find(b"\xc3")
        while at >= 0:
            match = _RUN.match(data, at)
            if match is None:
                at = data.find(b"\xc3", at + 1)
                continue
            parts += [data[done:at], fix(match)]
            done = match.end()
            at = data.find(b"\xc3", done)
        fixed = b"".join([*parts, data[done:]]) if parts else data
    return fixed, (example[0] if example else None)
