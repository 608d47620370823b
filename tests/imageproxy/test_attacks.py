"""One test per attack. Each target is a real server that would answer, so a test passes
only because the proxy refused, never because nothing was listening."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from newsdesk.imageproxy.addresses import AddressPolicy
from newsdesk.netguard import guarded_transport
from tests.imageproxy.helpers import (
    PNG,
    SVG,
    cache_files,
    make_config,
    proxy_client,
    proxy_of,
    signed,
    unsized,
)
from tests.support.httpserver import LocalServer, Reply, Request

pytestmark = pytest.mark.anyio


@pytest.fixture
def other_loopback() -> Iterator[LocalServer]:
    """A server on 127.0.0.2: loopback, but outside the tests' 127.0.0.1/32 exemption."""
    with LocalServer("127.0.0.2") as srv:
        srv.route("/secret.png", PNG, headers={"Content-Type": "image/png"})
        yield srv


def assert_refused(response: httpx.Response, status: int, reason: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["x-imageproxy-refusal"] == reason
    assert response.headers["cache-control"] == "public, max-age=60"
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_loopback_by_name_refused(server: LocalServer) -> None:
    server.route("/a.png", PNG, headers={"Content-Type": "image/png"})
    async with proxy_client(make_config(allow_networks=())) as client:
        r = await client.get(signed(f"http://localhost:{server.port}/a.png"))
    assert_refused(r, 403, "address")
    assert server.requests("/a.png") == []


async def test_loopback_by_ip_literal_refused(server: LocalServer) -> None:
    url = server.route("/a.png", PNG, headers={"Content-Type": "image/png"})
    async with proxy_client(make_config(allow_networks=())) as client:
        r = await client.get(signed(url))
    assert_refused(r, 403, "address")
    assert "loopback" in r.text
    assert server.requests("/a.png") == []


@pytest.mark.parametrize(
    "host",
    [
        "2130706433",
        "0x7f000001",
        "0177.0.0.1",
        "127.1",
        "0x7f.1",
        "[::1]",
        "[::ffff:127.0.0.1]",
        "[::ffff:7f00:1]",
    ],
)
async def test_loopback_in_other_spellings_refused(server: LocalServer, host: str) -> None:
    server.route("/a.png", PNG, headers={"Content-Type": "image/png"})
    async with proxy_client(make_config(allow_networks=())) as client:
        r = await client.get(signed(f"http://{host}:{server.port}/a.png"))
    assert_refused(r, 403, "address")
    assert server.requests("/a.png") == []


@pytest.mark.parametrize(
    ("host", "why"),
    [
        ("10.1.2.3", "private"),
        ("192.168.0.1", "private"),
        ("172.16.5.4", "private"),
        ("169.254.169.254", "link-local"),
        ("100.64.0.1", "cgnat"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("[fd00::1]", "private"),
        ("[fe80::1]", "link-local"),
        ("[::]", "unspecified"),
        ("[64:ff9b::a00:1]", "private"),
        ("[2002:c0a8:1::]", "private"),
    ],
)
async def test_private_targets_refused(host: str, why: str) -> None:
    async with proxy_client(make_config()) as client:
        r = await client.get(signed(f"http://{host}/a.png"))
    assert_refused(r, 403, "address")
    assert why in r.text


async def test_outside_allow_networks_refused(other_loopback: LocalServer) -> None:
    async with proxy_client(make_config()) as client:  # exempts 127.0.0.1/32 only
        r = await client.get(signed(other_loopback.url("/secret.png")))
    assert_refused(r, 403, "address")
    assert other_loopback.requests("/secret.png") == []


async def test_name_resolving_to_refused_address_checked_at_connect(
    other_loopback: LocalServer,
) -> None:
    policy = AddressPolicy.from_cidrs(["127.0.0.1/32"])

    async def resolver(host: str, port: int) -> list[str]:
        return ["127.0.0.2"]

    transport = guarded_transport(policy.refusal, resolver=resolver)
    async with proxy_client(make_config(), transport=transport) as client:
        r = await client.get(signed(f"http://images.test:{other_loopback.port}/secret.png"))
    assert_refused(r, 403, "address")
    assert other_loopback.requests("/secret.png") == []


async def test_dns_rebinding_refused_on_the_next_connection(server: LocalServer) -> None:
    # Every reply closes its connection, so each fetch resolves and connects anew.
    for name in ("/1.png", "/2.png"):
        server.route(name, PNG, headers={"Content-Type": "image/png", "Connection": "close"})
    answers = iter(["127.0.0.1", "127.0.0.2"])

    async def rebinding(host: str, port: int) -> list[str]:
        return [next(answers)]

    policy = AddressPolicy.from_cidrs(["127.0.0.1/32"])
    transport = guarded_transport(policy.refusal, resolver=rebinding)
    async with proxy_client(make_config(), transport=transport) as client:
        first = await client.get(signed(f"http://rebind.test:{server.port}/1.png"))
        second = await client.get(signed(f"http://rebind.test:{server.port}/2.png"))
    assert first.status_code == 200
    assert_refused(second, 403, "address")


async def test_private_address_refused_after_redirect(
    server: LocalServer, other_loopback: LocalServer
) -> None:
    url = server.route("/go", status=302, headers={"Location": other_loopback.url("/secret.png")})
    async with proxy_client(make_config()) as client:
        r = await client.get(signed(url))
    assert_refused(r, 403, "address")
    assert len(server.requests("/go")) == 1
    assert other_loopback.requests("/secret.png") == []


async def test_redirect_to_file_scheme_refused(server: LocalServer) -> None:
    url = server.route("/go", status=301, headers={"Location": "file:///etc/passwd"})
    async with proxy_client(make_config()) as client:
        r = await client.get(signed(url))
    assert_refused(r, 403, "scheme")


async def test_redirect_loop_stops(server: LocalServer) -> None:
    url = server.route("/loop", status=302, headers={"Location": "/loop"})
    async with proxy_client(make_config(max_redirects=3)) as client:
        r = await client.get(signed(url))
    assert_refused(r, 502, "too-many-redirects")
    assert len(server.requests("/loop")) == 4


async def test_oversize_body_with_content_length_refused(server: LocalServer, tmp_path) -> None:
    url = server.route("/big.png", PNG * 5, headers={"Content-Type": "image/png"})
    config = make_config(max_bytes=2000, cache_dir=tmp_path)
    async with proxy_client(config) as client:
        r = await client.get(signed(url))
    assert_refused(r, 502, "too-large")
    assert cache_files(tmp_path) == []


async def test_oversize_body_without_content_length_refused(server: LocalServer, tmp_path) -> None:
    url = server.route("/big.png", handler=unsized(PNG * 5, pause_after=1000))
    config = make_config(max_bytes=2000, cache_dir=tmp_path)
    async with proxy_client(config) as client:
        r = await client.get(signed(url))
    assert_refused(r, 502, "too-large")
    assert cache_files(tmp_path) == []
    assert list((tmp_path / "tmp").iterdir()) == []  # the partial download was deleted


async def test_html_body_refused(server: LocalServer) -> None:
    url = server.route(
        "/page",
        b"<html><body>hi</body></html>",
        headers={"Content-Type": "text/html; charset=utf-8"},
    )
    async with proxy_client(make_config()) as client:
        r = await client.get(signed(url))
    assert_refused(r, 502, "not-image")


@pytest.mark.parametrize(
    "body", [b"<html><script>alert(1)</script></html>", SVG, b"GIF8 not quite", b""]
)
async def test_content_type_smuggling_refused(server: LocalServer, body: bytes) -> None:
    url = server.route("/x.png", body, headers={"Content-Type": "image/png"})
    async with proxy_client(make_config()) as client:
        r = await client.get(signed(url))
    assert_refused(r, 502, "type-mismatch")


async def test_slow_upstream_times_out(server: LocalServer) -> None:
    def slow(req: Request) -> Reply:
        time.sleep(1.5)
        return Reply(200, PNG, {"Content-Type": "image/png"})

    url = server.route("/slow.png", handler=slow)
    async with proxy_client(make_config(read_timeout=0.3)) as client:
        started = time.monotonic()
        r = await client.get(signed(url))
    assert_refused(r, 504, "timeout")
    assert time.monotonic() - started < 1.4


async def test_trickling_upstream_hits_total_timeout(server: LocalServer, tmp_path) -> None:
    def trickle(req: Request) -> Reply:
        req.handler.send_response(200)
        req.handler.send_header("Content-Type", "image/png")
        req.handler.end_headers()
        req.wfile.write(PNG[:600])
        for byte in PNG[600:700]:  # each read is quick; the whole is not
            req.wfile.write(bytes([byte]))
            req.wfile.flush()
            time.sleep(0.05)
        return Reply.RAW

    url = server.route("/trickle.png", handler=trickle)
    config = make_config(read_timeout=1.0, total_timeout=0.5, cache_dir=tmp_path)
    async with proxy_client(config) as client:
        r = await client.get(signed(url))
    assert_refused(r, 504, "timeout")
    assert cache_files(tmp_path) == []


async def test_bad_signature_refused(server: LocalServer) -> None:
    url = server.route("/a.png", PNG, headers={"Content-Type": "image/png"})
    path = signed(url)
    sig, encoded = path[1:].split("/")
    forged = "A" * len(sig)
    async with proxy_client(make_config()) as client:
        r = await client.get(f"/{forged}/{encoded}")
        missing = await client.get(f"/{encoded}")
    assert_refused(r, 403, "bad-signature")
    assert_refused(missing, 403, "bad-signature")
    assert server.requests("/a.png") == []


async def test_tampered_url_refused(server: LocalServer) -> None:
    url = server.route("/a.png", PNG, headers={"Content-Type": "image/png"})
    sig_of_other = signed(server.url("/b.png"))[1:].split("/")[0]
    encoded = signed(url)[1:].split("/")[1]
    async with proxy_client(make_config()) as client:
        r = await client.get(f"/{sig_of_other}/{encoded}")
    assert_refused(r, 403, "bad-signature")


async def test_signature_from_unknown_key_refused(server: LocalServer) -> None:
    url = server.route("/a.png", PNG, headers={"Content-Type": "image/png"})
    async with proxy_client(make_config()) as client:
        r = await client.get(signed(url, key=b"someone-else-0123456789"))
    assert_refused(r, 403, "bad-signature")


async def test_signed_form_refused_without_keys(server: LocalServer) -> None:
    url = server.route("/a.png", PNG, headers={"Content-Type": "image/png"})
    async with proxy_client(make_config(keys=())) as client:
        r = await client.get(signed(url))
    assert_refused(r, 403, "bad-signature")


@pytest.mark.parametrize("userinfo", ["user:pass@", "user@", ":@"])
async def test_credentials_in_url_refused(server: LocalServer, userinfo: str) -> None:
    server.route("/a.png", PNG, headers={"Content-Type": "image/png"})
    async with proxy_client(make_config()) as client:
        r = await client.get(signed(f"http://{userinfo}127.0.0.1:{server.port}/a.png"))
    assert_refused(r, 403, "credentials")
    assert server.requests("/a.png") == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://127.0.0.1/a.png",
        "gopher://127.0.0.1:70/",
        "data:image/png;base64,AAAA",
        "//127.0.0.1/a.png",
    ],
)
async def test_other_schemes_refused(url: str) -> None:
    async with proxy_client(make_config()) as client:
        r = await client.get(signed(url))
    assert_refused(r, 403, "scheme")


async def test_prefix_form_refused_for_unlisted_host(server: LocalServer) -> None:
    url = server.route("/a.png", PNG, headers={"Content-Type": "image/png"})
    async with proxy_client(make_config(allow_hosts=("*.myzaker.com",))) as client:
        r = await client.get(f"/?{url}")
    assert_refused(r, 403, "host-not-allowed")
    assert server.requests("/a.png") == []


async def test_prefix_form_allowed_host_still_checks_address(server: LocalServer) -> None:
    server.route("/a.png", PNG, headers={"Content-Type": "image/png"})
    config = make_config(allow_hosts=("localhost",), allow_networks=())
    async with proxy_client(config) as client:
        r = await client.get(f"/?http://localhost:{server.port}/a.png")
    assert_refused(r, 403, "address")


async def test_other_methods_refused() -> None:
    async with proxy_client(make_config()) as client:
        r = await client.post(signed("http://example.org/a.png"))
    assert_refused(r, 405, "method")
    assert r.headers["allow"] == "GET, HEAD"


@pytest.mark.parametrize("cached", [True, False])
async def test_prefix_form_redirect_off_allow_hosts_refused(
    server: LocalServer, other_loopback: LocalServer, tmp_path, cached: bool
) -> None:
    url = server.route("/go", status=302, headers={"Location": other_loopback.url("/secret.png")})
    config = make_config(
        allow_hosts=("127.0.0.1",),
        allow_networks=("127.0.0.0/8",),
        cache_dir=tmp_path if cached else None,
    )
    async with proxy_client(config) as client:
        r = await client.get(f"/?{url}")
        # the signed form may follow it, and what it caches is not served to the prefix form
        via_signed = await client.get(signed(url))
        again = await client.get(f"/?{url}")
    assert_refused(r, 403, "host-not-allowed")
    assert_refused(again, 403, "host-not-allowed")
    assert via_signed.status_code == 200 and via_signed.content == PNG
    assert len(other_loopback.requests("/secret.png")) == 1  # the signed request's


async def test_prefix_form_redirect_within_allow_hosts_followed(server: LocalServer) -> None:
    server.route("/a.png", PNG, headers={"Content-Type": "image/png"})
    url = server.route("/go", status=302, headers={"Location": "/a.png"})
    async with proxy_client(make_config(allow_hosts=("127.0.0.1",))) as client:
        r = await client.get(f"/?{url}")
    assert r.status_code == 200 and r.content == PNG


async def test_unparseable_idna_host_is_a_bad_url() -> None:
    async with proxy_client(make_config(allow_hosts=("*",))) as client:
        r = await client.get("/?http://xn--/a.png")
    assert_refused(r, 400, "bad-url")


@pytest.mark.parametrize(
    "location",
    [
        "http:foo",  # a scheme but no "//host": httpx cannot even build the request
        "https:foo/a.png",
        "http:",
        "http://xn--/a.png",  # an IDNA label that does not decode
        "http://[zz]/a.png",  # not an IPv6 literal
        "http://a b/a.png",  # a space in the host
        "http://%zz/a.png",
        "http://exa\\mple.com/a.png",
    ],
)
async def test_redirect_to_malformed_location_is_a_bad_gateway(
    server: LocalServer, tmp_path, location: str
) -> None:
    url = server.route("/go", status=302, headers={"Location": location})
    async with proxy_client(make_config(cache_dir=tmp_path)) as client:
        r = await client.get(signed(url))
        health = await client.get("/healthz")
    assert_refused(r, 502, "bad-redirect")
    assert "unusable Location" in r.text
    assert health.status_code == 200


async def test_many_urls_for_one_image_stay_under_cache_max(server: LocalServer, tmp_path) -> None:
    server.route("/a.png", PNG, headers={"Content-Type": "image/png"})  # ignores the query
    config = make_config(cache_dir=tmp_path, cache_max=30_000, memory_cache_max=0)
    async with proxy_client(config) as client:
        for i in range(40):
            r = await client.get(signed(server.url(f"/a.png?junk={i}")))
            assert r.status_code == 200
        disk = proxy_of(client.app).disk
        assert disk is not None and disk.total <= 30_000
    assert len(list((tmp_path / "index").glob("*/*.json"))) <= 10
    assert len(server.requests("/a.png")) == 40


async def test_query_junk_not_memoized(server: LocalServer) -> None:
    url = server.route("/a.png", PNG, headers={"Content-Type": "image/png"})
    async with proxy_client(make_config(allow_hosts=("127.0.0.1",))) as client:
        for i in range(5):
            junk = f"{'x' * 1000}{i}"
            assert (await client.get(f"{signed(url)}?{junk}")).status_code == 200
            assert (await client.get(f"/?{url}?{junk}")).status_code == 200
        long_url = url + "?" + "y" * 3000  # a path over the memo's length limit
        assert (await client.get(signed(long_url))).status_code == 200
        assert proxy_of(client.app)._resolve.cache_info().currsize == 1
