"""Image proxy throughput next to nginx, on loopback. Not a test; prints figures.

    .venv/bin/python benchmarks/proxy.py [--duration 5] [--connections 32] [--rounds 3]
                                         [--no-fsync]

Needs ``wrk`` and ``nginx`` on PATH (Debian: ``apt-get install -y wrk nginx``); installs
nothing and says what is missing. In one run it starts nginx (the upstream, and the
baseline serving the same files from disk) and the proxy (uvicorn, one process, like one
nginx worker), then measures with wrk:

    nginx small / large          the files straight from disk
    proxy hit, memory            small image from the in-memory LRU
    proxy hit, disk              large image streamed from the disk cache
    nginx front, disk hit        large image through the nginx front of docs/imageproxy.md:
                                 served by nginx from the cache's public/ links
    proxy miss                   a new URL every request (prefix form), fetched from nginx

Every process listens on 127.0.0.1 and is stopped at the end; each wrk run is bounded by
``--duration``. uvicorn uses httptools and uvloop when they are installed, and the figures
depend on it (the header line says which); misses share one 20 KiB body, so the cache
writes one blob and many index files. The miss URLs use a ``?n=`` query so each is new.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

SRC = str(Path(__file__).resolve().parents[1] / "src")
sys.path.insert(0, SRC)

from newsdesk.imageproxy.config import parse_proxy_server  # noqa: E402
from newsdesk.imageproxy.links import sign_url  # noqa: E402

SMALL = 20 * 1024
LARGE = 600 * 1024
KEY = "benchmark-key-0123456789"

NGINX_CONF = """
daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
{user}
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    open_file_cache max=10000 inactive=60s;  # as the documented front has
    types {{ image/png png; }}
    server {{
        listen 127.0.0.1:{port};
        root {tmp}/www;
    }}
{front}
}}
"""
DOCS = Path(__file__).resolve().parents[1] / "docs" / "imageproxy.md"


def front_config(cache_dir: Path, port: int, proxy_port: int) -> str:
    """The nginx front exactly as docs/imageproxy.md gives it, on our ports and cache."""
    block = re.findall(r"```nginx\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.DOTALL)[0]
    return (
        block.replace("listen 80;", f"listen 127.0.0.1:{port};")
        .replace("/var/cache/newsdesk-images", str(cache_dir))
        .replace("127.0.0.1:8081", f"127.0.0.1:{proxy_port}")
    )


MISS_LUA = """
-- a URL no request has used before: thread id + per-thread counter
local threads = 0
function setup(thread)
    threads = threads + 1
    thread:set("id", threads)
end
counter = 0
request = function()
    counter = counter + 1
    local n = id .. "-" .. counter
    return wrk.format("GET", "/?http://127.0.0.1:{port}/small.png?n=" .. n)
end
"""


SERVER_CODE = """
import json, logging, sys
from pathlib import Path
sys.path.insert(0, __SRC__)
from newsdesk.imageproxy.config import parse_proxy_server
from newsdesk.imageproxy.server import serve


class Extra(logging.Formatter):  # show the proxy's refusals with their context
    def format(self, r):
        fields = (getattr(r, k, "") for k in ("status", "reason", "url"))
        return "proxy: " + r.getMessage() + " " + " ".join(map(str, fields))


handler = logging.StreamHandler()
handler.setFormatter(Extra())
logging.getLogger("newsdesk").addHandler(handler)
serve(parse_proxy_server(json.loads(sys.argv[1]), base_dir=Path(__TMP__), environ=__ENV__))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise SystemExit(f"nothing answered at {url}")


def wrk(url: str, duration: int, connections: int, script: Path | None = None) -> dict[str, float]:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "5s"]
    if script:
        cmd += ["-s", str(script)]
    out = subprocess.run(
        [*cmd, url], capture_output=True, text=True, timeout=duration + 30, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])  # type: ignore[index]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "p99_ms": float(p99[1]) * scale[p99[2]] if p99 else float("nan"),
        "non2xx": float(errors[1]) if errors else 0.0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=1, help="runs of each hit scenario; best")
    parser.add_argument("--no-fsync", action="store_true", help="cache_fsync: false")
    args = parser.parse_args()
    missing = [
        tool
        for tool in ("wrk", "nginx")
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists()
    ]
    if missing:
        print(f"missing: {' '.join(missing)} (Debian: apt-get install -y wrk nginx)")
        return 2
    nginx_bin = shutil.which("nginx") or "/usr/sbin/nginx"
    tmp = Path(tempfile.mkdtemp(prefix="proxy-bench-"))
    os.chmod(tmp, 0o755)  # nginx workers may run as nobody
    (tmp / "www").mkdir()
    png = b"\x89PNG\r\n\x1a\n"
    (tmp / "www" / "small.png").write_bytes(png + os.urandom(SMALL - len(png)))
    (tmp / "www" / "large.png").write_bytes(png + os.urandom(LARGE - len(png)))
    nginx_port, proxy_port, front_port = free_port(), free_port(), free_port()
    user = "user root;" if os.geteuid() == 0 else ""
    front = front_config(tmp / "cache", front_port, proxy_port)
    (tmp / "nginx.conf").write_text(
        NGINX_CONF.format(tmp=tmp, port=nginx_port, user=user, front=front)
    )
    (tmp / "miss.lua").write_text(MISS_LUA.replace("{port}", str(nginx_port)))
    section = {  # the proxy_server section of newsdesk.yaml, as the CLI would read it
        "listen": f"127.0.0.1:{proxy_port}",
        "public_url": f"http://127.0.0.1:{proxy_port}/",
        "keys": ["env:BENCH_KEY"],
        "allow_hosts": ["127.0.0.1"],
        "allow_networks": ["127.0.0.1/32"],
        "cache_dir": str(tmp / "cache"),
        "cache_max": "512MB",
        "cache_fsync": not args.no_fsync,
    }
    environ = {"BENCH_KEY": KEY}
    config = parse_proxy_server(section, base_dir=tmp, environ=environ)
    server_code = (
        SERVER_CODE.replace("__SRC__", repr(SRC))
        .replace("__TMP__", repr(str(tmp)))
        .replace("__ENV__", repr(environ))
    )
    procs = [
        subprocess.Popen([nginx_bin, "-c", str(tmp / "nginx.conf")]),
        subprocess.Popen([sys.executable, "-c", server_code, json.dumps(section)]),
    ]
    try:
        upstream = f"http://127.0.0.1:{nginx_port}"
        wait_for(upstream + "/small.png")
        wait_for(f"http://127.0.0.1:{proxy_port}/healthz")
        small, large = (
            sign_url(config, upstream + "/small.png"),
            sign_url(config, upstream + "/large.png"),
        )
        for url in (small, large):  # warm the caches
            assert httpx.get(url, timeout=10).status_code == 200
        front_large = large.replace(f":{proxy_port}/", f":{front_port}/")
        check = httpx.get(front_large, timeout=10)  # served by nginx from public/ now
        assert check.status_code == 200 and check.headers["content-type"] == "image/png"
        assert "server" in check.headers and "nginx" in check.headers["server"]
        scenarios = {
            "nginx small (disk)": upstream + "/small.png",
            "proxy hit, memory (small)": small,
            "nginx large (disk)": upstream + "/large.png",
            "proxy hit, disk (large)": large,
            "nginx front, disk hit (large)": front_large,
        }
        runs: dict[str, dict[str, float]] = {}
        for _ in range(args.rounds):  # interleaved, best of each: the machine is shared
            for name, target in scenarios.items():
                r = wrk(target, args.duration, args.connections)
                if name not in runs or r["rps"] > runs[name]["rps"]:
                    runs[name] = r
        runs["proxy miss (small)"] = wrk(
            f"http://127.0.0.1:{proxy_port}/", args.duration, args.connections, tmp / "miss.lua"
        )
        metrics = httpx.get(f"http://127.0.0.1:{proxy_port}/metrics").text
    finally:
        for proc in reversed(procs):  # the proxy first, so no fill in flight loses nginx
            proc.terminate()
            proc.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)
    fast = [m for m in ("httptools", "uvloop") if importlib.util.find_spec(m)] or ["h11/asyncio"]
    print(
        f"wrk -t2 -c{args.connections} -d{args.duration}s, best of {args.rounds}, loopback, "
        f"{os.cpu_count()} CPUs, "
        f"uvicorn with {'+'.join(fast)}; "
        f"small={SMALL // 1024} KiB, large={LARGE // 1024} KiB, "
        f"cache_fsync={'off' if args.no_fsync else 'on'}"
    )
    print(f"{'scenario':30} {'req/s':>10} {'p99 ms':>9} {'non-2xx':>8}")
    for name, r in runs.items():
        print(f"{name:30} {r['rps']:10.0f} {r['p99_ms']:9.2f} {r['non2xx']:8.0f}")
    ratio = runs["proxy hit, memory (small)"]["rps"] / runs["nginx small (disk)"]["rps"]
    print(f"proxy hit (memory) / nginx small: {ratio:.2f}x req/s")
    ratio = runs["proxy hit, disk (large)"]["rps"] / runs["nginx large (disk)"]["rps"]
    print(f"proxy hit (disk) / nginx large:   {ratio:.2f}x req/s")
    ratio = runs["nginx front, disk hit (large)"]["rps"] / runs["nginx large (disk)"]["rps"]
    print(f"nginx front hit / nginx large:    {ratio:.2f}x req/s")
    ratio = runs["proxy miss (small)"]["rps"] / runs["nginx small (disk)"]["rps"]
    print(f"proxy miss / nginx small:         {ratio:.2f}x req/s")
    for line in metrics.splitlines():
        if line.startswith(("imageproxy_upstream", "imageproxy_refusals", "imageproxy_requests")):
            print("  " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
