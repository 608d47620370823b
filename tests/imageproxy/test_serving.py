"""The good paths, through the ASGI app against a real loopback upstream."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import anyio
import httpx
import pytest

from newsdesk.imageproxy.cache import ENTRY_COST
from newsdesk.imageproxy.config import DEFAULT_USER_AGENT
from tests.imageproxy.helpers import (
    JPEG,
    KEY,
    OLD_KEY,
    PNG,
    SVG,
    cache_files,
    make_config,
    proxy_client,
    signed,
)
from tests.support.httpserver import LocalServer, Reply, Request

pytestmark = pytest.mark.anyio
IMAGE = {"Content-Type": "image/png"}


async def test_image_served_with_safe_headers(server: LocalServer, tmp_path: Path) -> None:
    url = server.route(
        "/a.png",
        PNG,
        headers={
            "Content-Type": "IMAGE/PNG; charset=binary",
            "ETag": '"v1"',
            "Last-Modified": "Wed, 21 Oct 2015 07:28:00 GMT",
            "Set-Cookie": "track=1",
        },
    )
    async with proxy_client(make_config(cache_dir=tmp_path)) as client:
        r = await client.get(signed(url))
    assert r.status_code == 200
    assert r.content == PNG
    assert r.headers["content-type"] == "image/png"
    assert r.headers["content-length"] == str(len(PNG))
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["content-security-policy"] == "default-src 'none'"
    assert r.headers["access-control-allow-origin"] == "*"
    assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert r.headers["etag"] == '"v1"'
    assert r.headers["last-modified"] == "Wed, 21 Oct 2015 07:28:00 GMT"
    assert "set-cookie" not in r.headers


async def test_mislabelled_image_served_as_what_it_is(server: LocalServer) -> None:
    url = server.route("/photo.png", JPEG, headers={"Content-Type": "image/png"})
    async with proxy_client(make_config()) as client:
        r = await client.get(signed(url))
    assert r.status_code == 200
    assert r.headers["content-type"] == "image/jpeg"


async def test_octet_stream_image_accepted_by_its_bytes(server: LocalServer) -> None:
    url = server.route("/a", PNG, headers={"Content-Type": "application/octet-stream"})
    async with proxy_client(make_config()) as client:
        r = await client.get(signed(url))
    assert r.headers["content-type"] == "image/png"


@pytest.mark.parametrize("cached", [False, True])
async def test_video_served_like_an_image(
    server: LocalServer, tmp_path: Path, cached: bool
) -> None:
    video = b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41" + b"\0" * 3000
    url = server.route("/clip.mp4", video, headers={"Content-Type": "video/mp4"})
    async with proxy_client(make_config(cache_dir=tmp_path if cached else None)) as client:
        r = await client.get(signed(url))
    assert r.status_code == 200 and r.content == video
    assert r.headers["content-type"] == "video/mp4"
    assert r.headers["content-security-policy"] == "default-src 'none'"


async def test_svg_served_sandboxed(server: LocalServer) -> None:
    url = server.route("/a.svg", SVG, headers={"Content-Type": "image/svg+xml"})
    async with proxy_client(make_config()) as client:
        r = await client.get(signed(url))
    assert r.status_code == 200
    assert r.headers["content-type"] == "image/svg+xml"
    assert r.headers["content-security-policy"] == (
        "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    )


async def test_svg_refused_when_configured(server: LocalServer) -> None:
    url = server.route("/a.svg", SVG, headers={"Content-Type": "image/svg+xml"})
    async with proxy_client(make_config(svg="refuse")) as client:
        r = await client.get(signed(url))
    assert r.status_code == 502
    assert r.headers["x-imageproxy-refusal"] == "svg"


async def test_referer_rule_applied(server: LocalServer) -> None:
    url = server.route("/a.png", PNG, headers=IMAGE)
    config = make_config(
        referers=(("*.example.org", "http://nope/"), ("127.0.0.1", "http://www.myzaker.com/"))
    )
    async with proxy_client(config) as client:
        await client.get(
            signed(url),
            headers={
                "Cookie": "secret=1",
                "Authorization": "x",
                "Referer": "https://blog.example.org/post",
            },
        )
    seen = server.requests("/a.png")[0].headers
    assert seen["Referer"] == "http://www.myzaker.com/"
    assert seen["User-Agent"] == DEFAULT_USER_AGENT
    assert "Cookie" not in seen and "Authorization" not in seen


async def test_empty_referer_rule_sends_none(server: LocalServer) -> None:
    url = server.route("/a.png", PNG, headers=IMAGE)
    config = make_config(referers=(("*", "http://everyone/"), ("127.0.0.1", "")))
    async with proxy_client(config) as client:
        await client.get(signed(url), headers={"Referer": "https://blog.example.org/post"})
    assert "Referer" not in server.requests("/a.png")[0].headers


async def test_referer_rule_follows_redirect_host(server: LocalServer) -> None:
    server.route("/a.png", PNG, headers=IMAGE)
    start = server.route(
        "/go", status=302, headers={"Location": f"http://127.0.0.1:{server.port}/a.png"}
    )
    config = make_config(referers=(("127.0.0.1", "http://img-host/"),))
    async with proxy_client(config) as client:
        r = await client.get(signed(start.replace("127.0.0.1", "0x7f000001")))
    assert r.status_code == 200
    assert server.requests("/go")[0].headers.get("Referer") == "http://img-host/"
    assert server.requests("/a.png")[0].headers.get("Referer") == "http://img-host/"


async def test_cache_hit_served_without_upstream_request(
    server: LocalServer, tmp_path: Path
) -> None:
    url = server.route("/a.png", PNG, headers=IMAGE)
    async with proxy_client(make_config(cache_dir=tmp_path)) as client:
        first = await client.get(signed(url))
        second = await client.get(signed(url))
    async with proxy_client(make_config(cache_dir=tmp_path)) as client:  # a restart
        third = await client.get(signed(url))
    assert first.content == second.content == third.content == PNG
    assert len(server.requests("/a.png")) == 1


async def test_large_image_streamed_from_disk(server: LocalServer, tmp_path: Path) -> None:
    body = PNG * 300  # ~300 KB, over memory_item_max below
    url = server.route("/big.png", body, headers=IMAGE)
    config = make_config(cache_dir=tmp_path, memory_item_max=1000)
    async with proxy_client(config) as client:
        first = await client.get(signed(url))
        second = await client.get(signed(url))
    assert first.content == second.content == body
    assert len(server.requests("/big.png")) == 1


async def test_not_modified_on_if_none_match(server: LocalServer, tmp_path: Path) -> None:
    url = server.route("/a.png", PNG, headers={**IMAGE, "ETag": '"v1"'})
    async with proxy_client(make_config(cache_dir=tmp_path)) as client:
        cold = await client.get(signed(url), headers={"If-None-Match": '"v1"'})
        warm = await client.get(signed(url), headers={"If-None-Match": 'W/"v0", "v1"'})
        changed = await client.get(signed(url), headers={"If-None-Match": '"v0"'})
    assert cold.status_code == warm.status_code == 304
    assert cold.content == b"" and warm.headers["etag"] == '"v1"'
    assert changed.status_code == 200
    assert len(server.requests("/a.png")) == 1


async def test_not_modified_on_if_modified_since(server: LocalServer, tmp_path: Path) -> None:
    lm = "Wed, 21 Oct 2015 07:28:00 GMT"
    url = server.route("/a.png", PNG, headers={**IMAGE, "Last-Modified": lm})
    async with proxy_client(make_config(cache_dir=tmp_path)) as client:
        same = await client.get(signed(url), headers={"If-Modified-Since": lm})
        older = await client.get(
            signed(url), headers={"If-Modified-Since": "Tue, 20 Oct 2015 07:28:00 GMT"}
        )
    assert same.status_code == 304
    assert older.status_code == 200


async def test_etag_made_from_content_when_upstream_has_none(
    server: LocalServer, tmp_path: Path
) -> None:
    url = server.route("/a.png", PNG, headers=IMAGE)
    async with proxy_client(make_config(cache_dir=tmp_path)) as client:
        r = await client.get(signed(url))
        again = await client.get(signed(url), headers={"If-None-Match": r.headers["etag"]})
    assert r.headers["etag"].startswith('"')
    assert again.status_code == 304


async def test_concurrent_identical_requests_coalesced(server: LocalServer, tmp_path: Path) -> None:
    def slow(req: Request) -> Reply:
        time.sleep(0.3)
        return Reply(200, PNG, IMAGE)

    url = server.route("/a.png", handler=slow)
    results: list[httpx.Response] = []
    async with proxy_client(make_config(cache_dir=tmp_path)) as client:

        async def one() -> None:
            results.append(await client.get(signed(url)))

        async with anyio.create_task_group() as tg:
            for _ in range(10):
                tg.start_soon(one)
        metrics = (await client.get("/metrics")).text
    assert [r.status_code for r in results] == [200] * 10
    assert all(r.content == PNG for r in results)
    assert len(server.requests("/a.png")) == 1
    assert "imageproxy_upstream_requests_total 1" in metrics
    assert 'imageproxy_requests_total{result="coalesced"} 9' in metrics


async def test_coalesced_failure_shared(server: LocalServer, tmp_path: Path) -> None:
    def slow_html(req: Request) -> Reply:
        time.sleep(0.3)
        return Reply(200, b"<html></html>", {"Content-Type": "text/html"})

    url = server.route("/a.png", handler=slow_html)
    statuses: list[int] = []
    async with proxy_client(make_config(cache_dir=tmp_path)) as client:

        async def one() -> None:
            statuses.append((await client.get(signed(url))).status_code)

        async with anyio.create_task_group() as tg:
            for _ in range(5):
                tg.start_soon(one)
    assert statuses == [502] * 5
    assert len(server.requests("/a.png")) == 1


async def test_head_request(server: LocalServer, tmp_path: Path) -> None:
    url = server.route("/a.png", PNG, headers=IMAGE)
    async with proxy_client(make_config(cache_dir=tmp_path)) as client:
        head = await client.head(signed(url))
        get = await client.get(signed(url))
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == str(len(PNG))
    assert head.headers["content-type"] == "image/png"
    assert get.content == PNG
    assert len(server.requests("/a.png")) == 1


async def test_key_rotation_keeps_old_urls_working(server: LocalServer) -> None:
    url = server.route("/a.png", PNG, headers=IMAGE)
    old_link = signed(url, key=OLD_KEY)
    async with proxy_client(make_config(keys=(KEY, OLD_KEY))) as client:
        r = await client.get(old_link)
    async with proxy_client(make_config(keys=(KEY,))) as client:
        dropped = await client.get(old_link)
    assert r.status_code == 200
    assert dropped.status_code == 403


async def test_lru_eviction_under_cache_max(server: LocalServer, tmp_path: Path) -> None:
    bodies = {n: PNG + n.encode() * 10 for n in "abc"}  # ~1042 bytes each
    urls = {n: server.route(f"/{n}.png", b, headers=IMAGE) for n, b in bodies.items()}
    entry = len(bodies["a"]) + ENTRY_COST + len(urls["a"])
    config = make_config(cache_dir=tmp_path, cache_max=2 * entry + 100, memory_cache_max=0)
    async with proxy_client(config) as client:
        for name in "aba c".replace(" ", ""):  # a, b, then a again (a is now newest), then c
            await client.get(signed(urls[name]))
        for name in "ac":
            assert (await client.get(signed(urls[name]))).content == bodies[name]
        assert (await client.get(signed(urls["b"]))).content == bodies["b"]
    assert len(server.requests("/a.png")) == 1
    assert len(server.requests("/c.png")) == 1
    assert len(server.requests("/b.png")) == 2  # evicted, fetched again
    assert len(cache_files(tmp_path)) == 2


async def test_prefix_form_for_allowed_host(server: LocalServer, tmp_path: Path) -> None:
    url = server.route("/a.png", PNG, headers=IMAGE)
    config = make_config(keys=(), allow_hosts=("127.0.0.1",), cache_dir=tmp_path)
    async with proxy_client(config) as client:
        r = await client.get(f"/?{url}")
        encoded = await client.get("/?" + url.replace(":", "%3A").replace("/", "%2F"))
    assert r.status_code == 200 and r.content == PNG
    assert encoded.status_code == 200


def ranged(req: Request) -> Reply:
    """An upstream that honours Range, as most image hosts do."""
    asked = req.headers.get("Range", "")
    if asked.startswith("bytes="):
        first, last = (int(n) for n in asked[6:].split("-"))
        part = PNG[first : last + 1]
        return Reply(206, part, {**IMAGE, "Content-Range": f"bytes {first}-{last}/{len(PNG)}"})
    return Reply(200, PNG, IMAGE)


@pytest.mark.parametrize("cached", [True, False])
async def test_range_request_that_misses_gets_the_whole_image(
    server: LocalServer, tmp_path: Path, cached: bool
) -> None:
    # Range is not forwarded: a 206 body would fail the type sniff, and the whole image
    # fills the cache; answering 200 to a Range request is always allowed.
    url = server.route("/a.png", handler=ranged)
    async with proxy_client(make_config(cache_dir=tmp_path if cached else None)) as client:
        r = await client.get(signed(url), headers={"Range": "bytes=100-199"})
        again = await client.get(signed(url), headers={"Range": "bytes=0-99"})
    assert r.status_code == again.status_code == 200
    assert r.content == again.content == PNG
    assert all("Range" not in seen.headers for seen in server.requests("/a.png"))
    assert len(server.requests("/a.png")) == (1 if cached else 2)


async def test_without_cache_dir_streams_through(server: LocalServer) -> None:
    url = server.route("/a.png", PNG * 100, headers=IMAGE)
    async with proxy_client(make_config(cache_dir=None)) as client:
        r = await client.get(signed(url))
        again = await client.get(signed(url), headers={"If-None-Match": '"x"'})
    assert r.content == PNG * 100
    assert again.status_code == 200
    assert server.requests("/a.png")[1].headers.get("If-None-Match") == '"x"'


async def test_upstream_not_found_is_404(server: LocalServer) -> None:
    url = server.url("/missing.png")
    async with proxy_client(make_config()) as client:
        r = await client.get(signed(url))
    assert r.status_code == 404
    assert r.headers["cache-control"] == "public, max-age=60"


async def test_metrics_count(server: LocalServer, tmp_path: Path) -> None:
    url = server.route("/a.png", PNG, headers=IMAGE)
    bad = server.route("/bad.png", b"<html>", headers={"Content-Type": "text/html"})
    async with proxy_client(make_config(cache_dir=tmp_path)) as client:
        await client.get(signed(url))  # miss
        await client.get(signed(url))  # memory hit
        await client.get(signed(bad))  # upstream gave HTML
        await client.get("/AAAA/BBBB")  # bad signature
        metrics = await client.get("/metrics")
    text = metrics.text
    assert metrics.headers["content-type"].startswith("text/plain")
    assert 'imageproxy_requests_total{result="miss"} 1' in text
    assert 'imageproxy_requests_total{result="hit-memory"} 1' in text
    assert 'imageproxy_refusals_total{reason="bad-signature"} 1' in text
    assert 'imageproxy_refusals_total{reason="not-image"} 1' in text
    assert 'imageproxy_upstream_errors_total{reason="not-image"} 1' in text
    assert "imageproxy_upstream_requests_total 2" in text
    assert f"imageproxy_bytes_served_total {2 * len(PNG)}" in text
    assert f"imageproxy_disk_cache_bytes {len(PNG) + ENTRY_COST + len(url)}" in text


async def test_healthz() -> None:
    async with proxy_client(make_config()) as client:
        r = await client.get("/healthz")
    assert r.status_code == 200 and r.text == "ok\n"


async def test_unknown_path_is_a_bad_signature() -> None:
    async with proxy_client(make_config()) as client:
        r = await client.get("/favicon.ico")
    assert r.status_code == 403
    assert r.headers["x-imageproxy-refusal"] == "bad-signature"


async def test_base_path_behind_reverse_proxy(server: LocalServer) -> None:
    url = server.route("/a.png", PNG, headers=IMAGE)
    async with proxy_client(make_config(base_path="/img/")) as client:
        inside = await client.get("/img" + signed(url))
        outside = await client.get(signed(url))
        health = await client.get("/img/healthz")
    assert inside.status_code == 200 and inside.content == PNG
    assert outside.status_code == 404
    assert health.status_code == 200


async def test_cors_origin_configurable(server: LocalServer) -> None:
    url = server.route("/a.png", PNG, headers=IMAGE)
    async with proxy_client(make_config(cors_origin="https://blog.example.org")) as client:
        r = await client.get(signed(url))
    async with proxy_client(make_config(cors_origin=None)) as client:
        off = await client.get(signed(url))
    assert r.headers["access-control-allow-origin"] == "https://blog.example.org"
    assert "access-control-allow-origin" not in off.headers


def test_threads_are_not_left_behind() -> None:
    assert all(not t.name.startswith("AnyIO worker") or t.daemon for t in threading.enumerate())


async def test_environment_proxy_settings_ignored(server: LocalServer, monkeypatch) -> None:
    # An HTTP(S)_PROXY would receive the request instead of the checked address.
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("ALL_PROXY", "http://127.0.0.1:9")
    url = server.route("/a.png", PNG, headers=IMAGE)
    async with proxy_client(make_config()) as client:
        r = await client.get(signed(url))
    assert r.status_code == 200


async def test_upstream_cookies_never_replayed(server: LocalServer) -> None:
    first = server.route("/1.png", PNG, headers={**IMAGE, "Set-Cookie": "sid=abc; Path=/"})
    second = server.route("/2.png", PNG, headers=IMAGE)
    async with proxy_client(make_config()) as client:
        await client.get(signed(first))
        await client.get(signed(second))
    assert "Cookie" not in server.requests("/2.png")[0].headers
