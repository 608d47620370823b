"""The connect-time address guard, through real loopback sockets and a resolver we control.

127.0.0.2 stands for "private" and 127.0.0.1 for "public" where a test needs both: the
guard's rule and classifier are seams, and loopback is all a test may reach.
"""

from __future__ import annotations

from collections.abc import Iterator
from ipaddress import IPv4Address, ip_address

import httpx
import pytest

from newsdesk.netaddr import IPAddress, why_not_public
from newsdesk.netguard import (
    AddressGuard,
    AddressRefused,
    GuardedBackend,
    LookupFailed,
    guarded_transport,
    guarding,
)
from tests.fetch.faults import serving
from tests.support.httpserver import LocalServer

pytestmark = pytest.mark.anyio

PRIVATE = IPv4Address("127.0.0.2")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def only_127_0_0_2(ip: IPAddress) -> str | None:
    return "private" if ip == PRIVATE else None


def is_127_0_0_2(ip: IPAddress) -> bool:
    return ip == PRIVATE


Pair = tuple[LocalServer, LocalServer]


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with serving(LocalServer()) as srv:
        yield srv


@pytest.fixture
def pair() -> Iterator[Pair]:
    """A "public" server on 127.0.0.1 and a "private" one on 127.0.0.2, same port."""
    public = LocalServer()
    with serving(public), serving(LocalServer(str(PRIVATE), port=public.port)) as private:
        for srv in (public, private):
            srv.route("/a", b"ok", headers={"Connection": "close"})  # a new connect each time
        yield public, private


class Resolving:
    """A resolver giving each answer in turn (the last one from then on)."""

    def __init__(self, *answers: list[str]) -> None:
        self.answers = answers
        self.calls: list[str] = []

    async def __call__(self, host: str, port: int) -> list[str]:
        self.calls.append(host)
        return self.answers[min(len(self.calls), len(self.answers)) - 1]


async def test_dns_rebinding_refused_at_connect_time(pair: Pair) -> None:
    public, private = pair
    resolver = Resolving(["127.0.0.1"], ["127.0.0.2"])  # public once, private next time
    transport = guarded_transport(only_127_0_0_2, resolver=resolver)
    async with httpx.AsyncClient(transport=transport) as client:
        first = await client.get(f"http://news.test:{public.port}/a")
        with pytest.raises(AddressRefused) as refused:
            await client.get(f"http://news.test:{public.port}/a")
    assert first.status_code == 200
    assert refused.value.ip == PRIVATE and refused.value.host == "news.test"
    assert len(public.requests("/a")) == 1
    assert private.requests("/a") == []  # never connected to, let alone sent anything


async def test_a_name_resolving_to_loopback_is_refused_before_connecting(
    server: LocalServer,
) -> None:
    server.route("/a", b"ok")
    transport = guarded_transport(why_not_public, resolver=Resolving(["127.0.0.1"]))
    async with httpx.AsyncClient(transport=transport) as client:
        with pytest.raises(AddressRefused, match=r"address 127\.0\.0\.1 refused \(loopback\)"):
            await client.get(f"http://images.test:{server.port}/a")
    assert server.requests("/a") == []


async def test_only_allowed_answers_are_dialled(pair: Pair) -> None:
    public, private = pair
    resolver = Resolving(["127.0.0.2", "127.0.0.1"])
    transport = guarded_transport(only_127_0_0_2, resolver=resolver)
    async with httpx.AsyncClient(transport=transport) as client:
        response = await client.get(f"http://both.test:{public.port}/a")
    assert response.status_code == 200
    assert private.requests("/a") == [] and len(public.requests("/a")) == 1


@pytest.mark.parametrize(
    "spelling", ["2130706434", "0x7f000002", "0X7F.0.0.2", "0177.0.0.2", "127.2", "::ffff:7f00:2"]
)
async def test_odd_ip_spellings_are_judged_as_the_address(pair: Pair, spelling: str) -> None:
    public, _ = pair
    resolver = Resolving(["127.0.0.1"])
    backend = GuardedBackend(why_not_public, resolver)
    with pytest.raises(AddressRefused) as refused:
        await backend.connect_tcp(spelling, public.port, timeout=2)
    assert refused.value.reason == "loopback"
    assert refused.value.ip == ip_address(spelling if ":" in spelling else "127.0.0.2")
    assert resolver.calls == []  # an IP literal is never looked up as a name


async def test_every_redirect_hop_is_checked(pair: Pair) -> None:
    public, private = pair
    public.route("/go", status=302, headers={"Location": private.url("/a")})
    transport = guarded_transport(only_127_0_0_2)
    async with httpx.AsyncClient(transport=transport, follow_redirects=True) as client:
        with pytest.raises(AddressRefused):
            await client.get(public.url("/go"))
    assert len(public.requests("/go")) == 1 and private.requests("/a") == []


async def test_hop_guard_refuses_private_once_a_public_address_was_used(pair: Pair) -> None:
    public, private = pair
    private.route("/go", status=302, headers={"Location": public.url("/go2")})
    public.route("/go2", status=302, headers={"Location": private.url("/a")})
    guard = AddressGuard(is_private=is_127_0_0_2, refuse_private_after_public=True)
    transport = guarded_transport()
    async with httpx.AsyncClient(transport=transport, follow_redirects=True) as client:
        with guarding(guard), pytest.raises(AddressRefused, match="redirect to private"):
            await client.get(private.url("/go"))  # private -> public is fine; back is not
    assert len(private.requests("/go")) == 1 and len(public.requests("/go2")) == 1
    assert private.requests("/a") == []


async def test_a_pooled_connection_meets_the_guard_of_the_request_reusing_it(
    server: LocalServer,
) -> None:
    server.route("/a", b"ok")  # keep-alive: the second request reuses the connection
    transport = guarded_transport()
    async with httpx.AsyncClient(transport=transport) as client:
        assert (await client.get(server.url("/a"))).status_code == 200
        strict = AddressGuard(refuse_private=True, redirected=False)
        with guarding(strict), pytest.raises(AddressRefused, match=r"^private address 127\.0"):
            await client.get(server.url("/a"))
    assert len(server.requests("/a")) == 1


@pytest.mark.parametrize("answer", [OSError("no such name"), []])
async def test_failed_lookups_are_lookup_failed(answer: object) -> None:
    async def resolve(host: str, port: int) -> list[str]:
        if isinstance(answer, Exception):
            raise answer
        assert isinstance(answer, list)
        return answer

    async with httpx.AsyncClient(transport=guarded_transport(resolver=resolve)) as client:
        with pytest.raises(LookupFailed, match=r"DNS lookup failed for nowhere\.test"):
            await client.get("http://nowhere.test/")
