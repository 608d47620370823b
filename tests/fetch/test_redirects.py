"""Redirects: followed by hand, counted, resolved, and checked for SSRF."""

from __future__ import annotations

from collections.abc import Iterator
from ipaddress import IPv4Address

import httpx
import pytest

from newsdesk.fetch import IPAddress, fetch_all, fetch_one, make_client
from tests.fetch.faults import RSS, fast_options, feed, fetch_among_healthy, serving
from tests.support.httpserver import LocalServer

pytestmark = pytest.mark.anyio

PRIVATE_HOST = "127.0.0.2"


def only_127_0_0_2_is_private(ip: IPAddress) -> bool:
    """Both addresses are loopback here; the classifier decides which one is 'private'."""
    return ip == IPv4Address(PRIVATE_HOST)


@pytest.fixture
def private_server() -> Iterator[LocalServer]:
    with serving(LocalServer(PRIVATE_HOST)) as srv:
        yield srv


async def test_relative_redirect_is_followed(server: LocalServer) -> None:
    server.route("/feeds/old.xml", status=301, headers={"Location": "../new/feed.xml"})
    final = server.route("/new/feed.xml", RSS)
    source = feed(server.url("/feeds/old.xml"))
    options = fast_options()
    async with make_client(options) as client:
        [result] = await fetch_among_healthy(client, server, [source], options)
    assert result.ok and result.body == RSS
    assert result.final_url == final


async def test_redirect_loop(server: LocalServer) -> None:
    server.route("/a", status=302, headers={"Location": "/b"})
    server.route("/b", status=302, headers={"Location": "/a"})
    source = feed(server.url("/a"))
    options = fast_options(retries=3)
    async with make_client(options) as client:
        [result] = await fetch_among_healthy(client, server, [source], options)
    assert result.error == f"redirect loop: {server.url('/a')} was already visited"
    assert (len(server.requests("/a")), len(server.requests("/b"))) == (1, 1)


async def test_too_many_redirects(server: LocalServer) -> None:
    for hop in range(10):
        server.route(f"/hop{hop}", status=307, headers={"Location": f"/hop{hop + 1}"})
    source = feed(server.url("/hop0"))
    options = fast_options(max_redirects=5)
    async with make_client(options) as client:
        [result] = await fetch_among_healthy(client, server, [source], options)
    assert result.error == "too many redirects (more than 5)"
    assert len(server.requests("/hop5")) == 1  # 5 redirects followed…
    assert server.requests("/hop6") == []  # …and not a sixth


async def test_redirect_without_location(server: LocalServer) -> None:
    source = feed(server.route("/nowhere", status=302))
    options = fast_options()
    async with make_client(options) as client:
        [result] = await fetch_among_healthy(client, server, [source], options)
    assert result.error == "HTTP 302 Found without a Location header"


@pytest.mark.parametrize(
    ("location", "error"),
    [
        ("ftp://x.test/f", "redirect to 'ftp://x.test/f' refused: unsupported scheme 'ftp'"),
        (
            "http://x.test:99999/",
            "redirect to 'http://x.test:99999/' refused: port 99999 out of range",
        ),
        ("http://[::1/", "redirect refused: invalid URL in Location (Invalid port: ':1')"),
    ],
)
async def test_unusable_redirect_target_refused(
    server: LocalServer, location: str, error: str
) -> None:
    source = feed(server.route("/odd", status=302, headers={"Location": location}))
    options = fast_options()
    async with make_client(options) as client:
        [result] = await fetch_among_healthy(client, server, [source], options)
    assert result.error == error


async def test_private_address_refused_after_redirect(
    server: LocalServer, private_server: LocalServer
) -> None:
    target = private_server.route("/internal", RSS)
    source = feed(server.route("/bounce", status=302, headers={"Location": target}))
    options = fast_options(is_private=only_127_0_0_2_is_private, retries=2)
    async with make_client(options) as client:
        [result] = await fetch_among_healthy(client, server, [source], options)
    assert result.error == f"redirect to private address {PRIVATE_HOST} refused"
    assert result.final_url == target
    assert private_server.requests("/internal") == []  # refused before anything was sent
    assert len(server.requests("/bounce")) == 1  # a refusal is not retried


async def test_private_address_refused_on_a_pooled_connection(
    server: LocalServer, private_server: LocalServer
) -> None:
    # A direct feed on the private host opens a keep-alive connection first; the redirect
    # hop that would reuse it must still be refused, before its request is written.
    direct = private_server.route("/internal", RSS)
    bounce = feed(server.route("/bounce", status=302, headers={"Location": direct}))
    options = fast_options(is_private=only_127_0_0_2_is_private)
    async with make_client(options) as client:
        first = await fetch_one(client, feed(direct), None, options)
        second = await fetch_one(client, bounce, None, options)
    assert first.ok  # configured directly: the user asked for this address
    assert second.error == f"redirect to private address {PRIVATE_HOST} refused"
    assert len(private_server.requests("/internal")) == 1


async def test_private_to_private_redirect_is_allowed(
    server: LocalServer, private_server: LocalServer
) -> None:
    # With the default classifier all loopback is private: a LAN feed may redirect on the LAN.
    target = private_server.route("/internal", RSS)
    source = feed(server.route("/bounce", status=302, headers={"Location": target}))
    options = fast_options()
    async with make_client(options) as client:
        [result] = await fetch_among_healthy(client, server, [source], options)
    assert result.ok and result.final_url == target


async def test_public_to_public_redirect_is_allowed(
    server: LocalServer, private_server: LocalServer
) -> None:
    target = private_server.route("/elsewhere", RSS)
    source = feed(server.route("/bounce", status=302, headers={"Location": target}))
    options = fast_options(is_private=lambda ip: False)
    async with make_client(options) as client:
        [result] = await fetch_among_healthy(client, server, [source], options)
    assert result.ok and result.final_url == target


async def test_address_policy_refuses_direct_connections(
    server: LocalServer, private_server: LocalServer
) -> None:
    blocked = feed(private_server.route("/feed.xml", RSS))
    options = fast_options(address_policy=lambda ip: not only_127_0_0_2_is_private(ip))
    async with make_client(options) as client:
        [result] = await fetch_among_healthy(client, server, [blocked], options)
    assert result.error == f"address {PRIVATE_HOST} refused (address policy)"
    assert private_server.requests("/feed.xml") == []


async def test_address_policy_applies_to_resolved_names(server: LocalServer) -> None:
    # "localhost" is checked as the address it resolves to, not as a name.
    source = feed(f"http://localhost:{server.port}/feed.xml")
    server.route("/feed.xml", RSS)
    options = fast_options(address_policy=lambda ip: not ip.is_loopback)
    async with make_client(options) as client:
        results = await fetch_all(client, [source], {}, options)
    assert results[0].error is not None
    assert results[0].error.endswith("refused (address policy)")
    assert server.requests("/feed.xml") == []


async def test_redirect_rule_holds_with_a_plain_httpx_client(
    server: LocalServer, private_server: LocalServer
) -> None:
    # Without make_client's guarded dialer the peer is checked after the response head.
    target = private_server.route("/internal", RSS)
    source = feed(server.route("/bounce", status=302, headers={"Location": target}))
    options = fast_options(is_private=only_127_0_0_2_is_private)
    async with httpx.AsyncClient(trust_env=False) as client:
        result = await fetch_one(client, source, None, options)
    assert result.error == f"redirect to private address {PRIVATE_HOST} refused"
