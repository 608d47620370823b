"""The nginx front of docs/imageproxy.md, run with Debian's nginx: cached hits from disk.

The configuration is read from the docs page itself (only paths and ports are replaced),
so the documented setup is the tested one.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.imageproxy.helpers import JPEG, OLD_KEY, PNG, SVG, make_config, signed
from tests.imageproxy.test_uvicorn import running
from tests.support.httpserver import LocalServer

DOCS = Path(__file__).resolve().parents[2] / "docs" / "imageproxy.md"
NGINX = shutil.which("nginx") or next(
    (p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None
)
pytestmark = pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (scripts/install-test-tools.sh)"
)


def documented_config() -> str:
    blocks = re.findall(r"```nginx\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) == 1, "docs/imageproxy.md should hold one nginx block"
    return blocks[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def nginx_front(cache_dir: Path, proxy_base: str, work: Path) -> Iterator[str]:
    port = free_port()
    site = (
        documented_config()
        .replace("listen 80;", f"listen 127.0.0.1:{port};")
        .replace("/var/cache/newsdesk-images", str(cache_dir))
        .replace("127.0.0.1:8081", proxy_base.removeprefix("http://"))
    )
    user = "user root;" if os.geteuid() == 0 else ""
    work.mkdir()
    conf = work / "nginx.conf"
    conf.write_text(
        f"daemon off; worker_processes 1; pid {work}/nginx.pid; {user}\n"
        f"error_log {work}/error.log warn;\nevents {{ worker_connections 64; }}\n"
        f"http {{ access_log off; sendfile on;\n{site}\n}}\n",
        encoding="utf-8",
    )
    proc = subprocess.Popen([str(NGINX), "-p", str(work), "-c", str(conf)])
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                httpx.get(base + "/healthz", timeout=1)
                break
            except httpx.TransportError:
                assert proc.poll() is None, (work / "error.log").read_text()
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.05)
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


def test_cached_images_are_served_by_nginx_alone(server: LocalServer, tmp_path: Path) -> None:
    png = server.route("/a.png", PNG, headers={"Content-Type": "image/png"})
    jpeg = server.route("/b.jpg", JPEG, headers={"Content-Type": "image/jpeg"})
    svg = server.route("/c.svg", SVG, headers={"Content-Type": "image/svg+xml"})
    cache = tmp_path / "cache"
    cache.mkdir()
    os.chmod(tmp_path, 0o755)
    config = make_config(cache_dir=cache, keys=(make_config().keys[0], OLD_KEY))
    with running(config) as proxy, nginx_front(cache, proxy, tmp_path / "nginx") as front:
        for url in (png, jpeg, svg):  # through nginx to the proxy: filled and linked
            assert httpx.get(front + signed(url)).status_code == 200
        assert httpx.get(front + signed(png, OLD_KEY)).status_code == 200  # a second link
    assert len(server.requests("/a.png")) == 1

    # The proxy is gone: what still answers comes from nginx and the public/ links.
    with nginx_front(cache, "http://127.0.0.1:9", tmp_path / "nginx2") as front:
        for url, body, kind in ((png, PNG, "image/png"), (jpeg, JPEG, "image/jpeg")):
            r = httpx.get(front + signed(url))
            assert r.status_code == 200 and r.content == body
            assert r.headers["content-type"] == kind
            assert r.headers["x-content-type-options"] == "nosniff"
            assert r.headers["content-security-policy"] == "default-src 'none'"
            assert "immutable" in r.headers["cache-control"]
            again = httpx.get(front + signed(url), headers={"If-None-Match": r.headers["etag"]})
            assert again.status_code == 304
        assert httpx.get(front + signed(png, OLD_KEY)).content == PNG
        # Never linked, so never served without the proxy: SVG, and unknown signatures.
        assert httpx.get(front + signed(svg)).status_code == 502
        other = f"http://127.0.0.1:{server.port}/other.png"
        assert httpx.get(front + signed(other)).status_code == 502
        assert httpx.get(front + "/../index/x").status_code in (400, 404, 502)

    # A restart without the old key drops its links: nginx no longer serves that path.
    with running(make_config(cache_dir=cache)):
        pass
    links = sorted(p.name for p in (cache / "public").glob("*/*"))
    assert len(links) == 2 and all(n.endswith((".png", ".jpg")) for n in links)
    with nginx_front(cache, "http://127.0.0.1:9", tmp_path / "nginx3") as front:
        assert httpx.get(front + signed(png)).status_code == 200
        assert httpx.get(front + signed(png, OLD_KEY)).status_code == 502
