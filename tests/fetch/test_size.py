"""The size cap: on Content-Length before reading, and on decoded bytes while reading."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import brotli  # type: ignore[import-untyped]  # ships no type hints
import pytest

from newsdesk.fetch import decode, make_client
from newsdesk.fetch.decode import decode_pieces, decoders_for
from newsdesk.fetch.options import MIB
from tests.fetch.faults import (
    Endless,
    fast_options,
    feed,
    fetch_among_healthy,
    gzip_bomb,
    headers_claiming,
)
from tests.support.httpserver import LocalServer

pytestmark = pytest.mark.anyio

PIECE = 64 * 1024  # the most any decoder (or a raw network read) hands out at once


class Tap:
    """A pass-through last decoder: counts the decoded bytes the body reader was given."""

    def __init__(self) -> None:
        self.total = 0
        self.largest = 0

    def feed(self, data: bytes) -> Iterator[bytes]:
        if data:
            self.total += len(data)
            self.largest = max(self.largest, len(data))
            yield data

    def flush(self) -> Iterator[bytes]:
        return iter(())


@pytest.fixture
def tap(monkeypatch: pytest.MonkeyPatch) -> Tap:
    """Count what reaches the size cap, by adding a Tap after the real decoders."""
    spy = Tap()
    real = decode.decoders_for
    monkeypatch.setattr(decode, "decoders_for", lambda encoding: [*real(encoding), spy])
    return spy


async def test_over_cap_content_length_refused_before_reading(server: LocalServer) -> None:
    # The server sends headers only: reading a single body byte would end in a read timeout.
    source = feed(server.route("/huge", handler=headers_claiming(50 * MIB)))
    options = fast_options(max_bytes=MIB, read_timeout=2.0)
    async with make_client(options) as client:
        [result] = await fetch_among_healthy(client, server, [source], options)
    assert result.error == "body over the 1 MiB cap"
    assert result.elapsed < 1.0
    assert len(server.requests("/huge")) == 1  # not retried


async def test_over_cap_without_content_length_stops_reading(server: LocalServer, tap: Tap) -> None:
    endless = Endless()
    source = feed(server.route("/endless", handler=endless))
    options = fast_options(max_bytes=256 * 1024)
    async with make_client(options) as client:
        [result] = await fetch_among_healthy(client, server, [source], options)
    assert result.error == "body over the 256 KiB cap"
    # Reading stopped within one network read of the cap (the healthy feeds add 2 small reads)
    assert tap.largest <= PIECE
    assert 256 * 1024 < tap.total <= 256 * 1024 + PIECE + 4096
    # We hung up: what the server got out is bounded by socket buffers, not by its 1 GiB body.
    assert endless.sent < 16 * MIB


async def test_gzip_bomb_is_stopped_at_the_cap(server: LocalServer, tap: Tap) -> None:
    bomb = gzip_bomb(20 * MIB)
    assert len(bomb) < 64 * 1024  # small on the wire, under any Content-Length check
    source = feed(server.route("/bomb.gz", bomb, headers={"Content-Encoding": "gzip"}))
    options = fast_options(max_bytes=MIB)
    async with make_client(options) as client:
        [result] = await fetch_among_healthy(client, server, [source], options)
    assert result.error == "body over the 1 MiB cap"
    # Inflated piece by piece, and stopped within one piece of the cap, not at 20 MiB.
    assert tap.largest <= PIECE
    assert MIB < tap.total <= MIB + PIECE + 4096  # + the two small healthy feeds


async def test_body_exactly_at_the_cap_is_accepted(server: LocalServer) -> None:
    source = feed(server.route("/exact", b"x" * 4096))
    options = fast_options(max_bytes=4096)
    async with make_client(options) as client:
        [result] = await fetch_among_healthy(client, server, [source], options)
    assert result.ok and len(result.body or b"") == 4096


@pytest.mark.parametrize(
    ("encoding", "bomb"),
    [
        ("gzip", lambda: gzip_bomb(32 * MIB)),
        ("br", lambda: brotli.compress(b"\0" * (32 * MIB), quality=5)),
    ],
)
def test_decoder_never_inflates_more_than_a_piece_at_once(
    encoding: str, bomb: Callable[[], bytes]
) -> None:
    """test_bomb_decoding_is_bounded: each decoded piece is at most 64 KiB, however the
    input is chunked, so a reader can stop within one piece of its cap."""
    data = bomb()
    chunks = iter([data[i : i + 65536] for i in range(0, len(data), 65536)])
    pieces = decode_pieces(chunks, decoders_for(encoding))
    total = 0
    for piece in pieces:
        assert len(piece) <= 128 * 1024  # 64 KiB asked; brotli rounds up to its blocks
        total += len(piece)
        if total > MIB:
            break
    assert total <= MIB + 128 * 1024


def test_decoding_is_complete_for_ordinary_bodies() -> None:
    body = bytes(range(256)) * 4000
    packed = brotli.compress(body)
    chunks = iter([packed[i : i + 100] for i in range(0, len(packed), 100)])
    assert b"".join(decode_pieces(chunks, decoders_for("br"))) == body
