"""Network faults: refused, unresolvable, bad TLS, stalls, trickles, hang-ups."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest

from newsdesk.fetch import make_client
from tests.fetch.faults import (
    RSS,
    close_mid_body,
    closed_port,
    fast_options,
    feed,
    fetch_among_healthy,
    hang_up,
    not_http,
    self_signed_cert,
    stall_after_headers,
    tls_server,
    trickle,
)
from tests.support.httpserver import LocalServer

pytestmark = pytest.mark.anyio


async def test_connection_refused(server: LocalServer) -> None:
    source = feed(f"http://127.0.0.1:{closed_port()}/feed.xml")
    options = fast_options(retries=1)
    async with make_client(options) as client:
        [result] = await fetch_among_healthy(client, server, [source], options)
    assert result.error == "connection refused (2 attempts)"
    assert result.status is None


async def test_dns_failure_names_the_host(server: LocalServer) -> None:
    source = feed("http://no-such-host.invalid/feed.xml")
    options = fast_options()
    async with make_client(options) as client:
        [result] = await fetch_among_healthy(client, server, [source], options)
    assert result.error is not None
    assert result.error.startswith("DNS lookup failed for no-such-host.invalid")


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    made = self_signed_cert(tmp_path)
    if made is None:
        pytest.skip("needs the openssl CLI to make a certificate (cryptography is not installed)")
    return made


async def test_tls_handshake_failure(server: LocalServer, certificate: tuple[Path, Path]) -> None:
    with tls_server(*certificate) as secure:
        secure.route("/feed.xml", RSS)
        source = feed(f"https://127.0.0.1:{secure.port}/feed.xml")
        options = fast_options(retries=2)
        async with make_client(options) as client:
            [result] = await fetch_among_healthy(client, server, [source], options)
    assert result.error is not None
    assert result.error.startswith("TLS handshake failed: certificate verify failed")
    assert "attempts" not in result.error  # a bad certificate is not retried
    assert secure.requests("/feed.xml") == []


async def test_tls_verifies_the_hostname_though_we_dial_the_ip(
    server: LocalServer, certificate: tuple[Path, Path]
) -> None:
    # The backend connects to the resolved IP; SNI and the certificate check must still
    # use the hostname (the certificate names only DNS:localhost, not 127.0.0.1).
    trusted = ssl.create_default_context(cafile=str(certificate[0]))
    with tls_server(*certificate) as secure:
        secure.route("/feed.xml", RSS)
        source = feed(f"https://localhost:{secure.port}/feed.xml")
        options = fast_options()
        async with make_client(options, verify=trusted) as client:
            [result] = await fetch_among_healthy(client, server, [source], options)
    assert result.ok and result.body == RSS


async def test_headers_then_stall_is_a_read_timeout(server: LocalServer) -> None:
    source = feed(server.route("/stall", handler=stall_after_headers))
    options = fast_options(read_timeout=0.3, retries=1)
    async with make_client(options) as client:
        [result] = await fetch_among_healthy(client, server, [source], options)
    assert result.error == "timed out (read) after 0.3 s (2 attempts)"
    assert len(server.requests("/stall")) == 2  # timeouts are retried


async def test_slowloris_trickle_is_cut_by_the_total_deadline(server: LocalServer) -> None:
    source = feed(server.route("/trickle", handler=trickle(0.2)))
    options = fast_options(read_timeout=1.0, total_timeout=0.8, retries=2)
    async with make_client(options) as client:
        [result] = await fetch_among_healthy(client, server, [source], options)
    assert result.error == "took longer than 0.8 s in total"
    assert result.elapsed < 2.0
    assert len(server.requests("/trickle")) == 1  # it used its whole budget: no retry


async def test_close_mid_body(server: LocalServer) -> None:
    source = feed(server.route("/cut", handler=close_mid_body))
    options = fast_options(retries=0)
    async with make_client(options) as client:
        [result] = await fetch_among_healthy(client, server, [source], options)
    assert result.error == "closed the connection mid-body"
    assert result.body is None


async def test_hang_up_without_a_response(server: LocalServer) -> None:
    source = feed(server.route("/hangup", handler=hang_up))
    options = fast_options(retries=1)
    async with make_client(options) as client:
        [result] = await fetch_among_healthy(client, server, [source], options)
    assert result.error == "closed the connection without a response (2 attempts)"


async def test_not_http_at_all(server: LocalServer) -> None:
    source = feed(server.route("/ssh", handler=not_http))
    options = fast_options(retries=0)
    async with make_client(options) as client:
        [result] = await fetch_among_healthy(client, server, [source], options)
    assert result.error is not None
    assert result.error.startswith("invalid HTTP response")


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("ftp://example.org/feed.xml", "invalid URL: unsupported scheme 'ftp'"),
        ("http://", "invalid URL: no host"),
        ("not a url", "invalid URL: no scheme"),
        ("http://127.0.0.1:99999/feed.xml", "invalid URL: port 99999 out of range"),
    ],
)
async def test_unusable_url_is_an_error_value(server: LocalServer, url: str, error: str) -> None:
    options = fast_options()
    async with make_client(options) as client:
        [result] = await fetch_among_healthy(client, server, [feed(url)], options)
    assert result.error == error
