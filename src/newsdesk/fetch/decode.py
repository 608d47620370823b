"""Reading a response body within a size cap, undoing Content-Encoding ourselves.

httpx would inflate each 64 KiB network read in one go; a gzip bomb turns that into
~64 MiB at once. Here every decoder hands out at most ``_PIECE`` bytes at a time, so
reading stops within one piece of the cap whatever the compression ratio.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence
from typing import Protocol

import brotli  # type: ignore[import-untyped]  # ships no type hints
import httpx

__all__ = ["BodyDecodeError", "BodyTooLarge", "decoders_for", "read_body"]

_PIECE = 64 * 1024


class BodyTooLarge(Exception):
    """More decoded bytes than the cap allows (or a Content-Length saying so)."""


class BodyDecodeError(Exception):
    """The body is not valid in its declared Content-Encoding."""


class _Decoder(Protocol):
    def feed(self, data: bytes) -> Iterator[bytes]: ...
    def flush(self) -> Iterator[bytes]: ...


class _ZlibDecoder:
    """gzip (all members) or deflate, zlib-wrapped or raw as servers actually send it."""

    def __init__(self, encoding: str) -> None:
        self._encoding = encoding
        self._wbits = zlib.MAX_WBITS | 16 if encoding == "gzip" else zlib.MAX_WBITS
        self._inflater = zlib.decompressobj(self._wbits)
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        while True:
            out = self._inflate(data)
            if out:
                yield out
            if self._inflater.eof:
                data = self._inflater.unused_data
                if not data or self._encoding != "gzip":
                    return  # bytes after a deflate stream are ignored, as browsers do
                self._inflater = zlib.decompressobj(self._wbits)  # the next gzip member
                continue
            data = self._inflater.unconsumed_tail
            if not data and len(out) < _PIECE:
                return  # input used up and zlib holds no more output

    def _inflate(self, data: bytes) -> bytes:
        try:
            out = self._inflater.decompress(data, _PIECE)
        except zlib.error as exc:
            if self._encoding == "deflate" and not self._started:
                # Many servers send raw deflate under "deflate"; read it that way.
                self._started = True
                self._wbits = -zlib.MAX_WBITS
                self._inflater = zlib.decompressobj(self._wbits)
                return self._inflate(data)
            raise BodyDecodeError(f"could not decode the {self._encoding} body: {exc}") from exc
        self._started = True
        return out

    def flush(self) -> Iterator[bytes]:
        return self.feed(b"")


class _BrotliDecoder:
    def __init__(self) -> None:
        self._inflater = brotli.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        try:
            out = self._inflater.process(data, output_buffer_limit=_PIECE)
            if out:
                yield out
            # With a limit, brotli keeps the rest; it must be pulled out with empty input.
            while not self._inflater.can_accept_more_data():
                out = self._inflater.process(b"", output_buffer_limit=_PIECE)
                if out:
                    yield out
        except brotli.error as exc:
            raise BodyDecodeError(f"could not decode the br body: {exc}") from exc

    def flush(self) -> Iterator[bytes]:
        while not self._inflater.is_finished():
            try:
                out = self._inflater.process(b"", output_buffer_limit=_PIECE)
            except brotli.error as exc:
                raise BodyDecodeError(f"could not decode the br body: {exc}") from exc
            if not out:
                return
            yield out


# Real servers stack at most two codings; hundreds would only nest decoders (and recursion).
MAX_CODINGS = 3


def decoders_for(content_encoding: str | None) -> list[_Decoder]:
    """Decoders in the order to apply them. Unknown codings pass through, as in browsers."""
    decoders: list[_Decoder] = []
    tokens = (content_encoding or "").lower().split(",")
    if len(tokens) > MAX_CODINGS:
        raise BodyDecodeError(f"{len(tokens)} stacked content codings (at most {MAX_CODINGS})")
    for token in reversed(tokens):
        coding = token.strip()
        if coding in ("gzip", "x-gzip"):
            decoders.append(_ZlibDecoder("gzip"))
        elif coding == "deflate":
            decoders.append(_ZlibDecoder("deflate"))
        elif coding == "br":
            decoders.append(_BrotliDecoder())
    return decoders


def _through(decoders: Sequence[_Decoder], data: bytes) -> Iterator[bytes]:
    if not decoders:
        if data:
            yield data
        return
    for piece in decoders[0].feed(data):
        yield from _through(decoders[1:], piece)


def _finish(decoders: Sequence[_Decoder]) -> Iterator[bytes]:
    for i, decoder in enumerate(decoders):
        for piece in decoder.flush():
            yield from _through(decoders[i + 1 :], piece)


def decode_pieces(chunks: Iterator[bytes], decoders: Sequence[_Decoder]) -> Iterator[bytes]:
    """Decoded pieces of ``chunks``, none longer than 64 KiB (for tests and tools)."""
    for chunk in chunks:
        yield from _through(decoders, chunk)
    yield from _finish(decoders)


class _Collector:
    def __init__(self, max_bytes: int) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.max_bytes = max_bytes

    def add(self, pieces: Iterator[bytes]) -> None:
        for piece in pieces:
            self.size += len(piece)
            if self.size > self.max_bytes:
                raise BodyTooLarge
            self.parts.append(piece)


async def read_body(response: httpx.Response, max_bytes: int) -> bytes:
    """The decoded body; raises BodyTooLarge as soon as it passes ``max_bytes``."""
    if response.is_stream_consumed:
        # Built in memory (httpx.MockTransport): httpx has decoded it already.
        if len(response.content) > max_bytes:
            raise BodyTooLarge
        return response.content
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise BodyTooLarge  # refuse before reading a byte
    decoders = decoders_for(response.headers.get("content-encoding"))
    collector = _Collector(max_bytes)
    async for chunk in response.aiter_raw():
        collector.add(_through(decoders, chunk))
    collector.add(_finish(decoders))
    return b"".join(collector.parts)
