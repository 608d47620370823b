"""Items per second through fetch → parse → process → store → publish, next to a naive baseline.

    python benchmarks/pipeline.py                 # 500 feeds × 20 items
    python benchmarks/pipeline.py --feeds 100 --items 20

N synthetic feeds of M items (4 KB bodies with lazy images, like ZAKER's) are served from
a loopback HTTP server in this process. Each side runs in its own subprocess so that peak
memory (ru_maxrss) is its own:

- newsdesk: ``newsdesk run`` on a config listing every feed (cold store), then a second run
  (all 304s / unchanged);
- baseline: sequential httpx GETs + ``feedparser.parse`` + a naive f-string post per entry
  (what a typical hand-rolled mirror script does).

Prints figures only; nothing is asserted. Machines here are noisy: read the ratio.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PARA = (
    "<p>记者走访发现，越来越多的居民开始参与社区公共空间的讨论，从路灯的颜色到长椅的位置，"
    "都有人认真提出建议。业内人士认为，真正的挑战不在技术本身。</p>"
)


def make_feed(n: int, items: int) -> bytes:
    rows = []
    for i in range(items):
        body = (
            PARA * 5 + f'<div class="img_box"><img class="lazy" data-original='
            f'"http://img.example.com/{n}/{i}.jpg" data-width="800"></div>' + PARA * 5
        )
        rows.append(
            f"<item><title>第 {n} 号源的第 {i} 条新闻：测试标题</title>"
            f"<link>http://example.com/{n}/{i}</link><guid>{n}-{i}</guid>"
            f"<pubDate>Tue, 18 Nov 2025 08:{i % 60:02d}:00 +0800</pubDate>"
            f"<description><![CDATA[{body}]]></description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        f"<link>http://example.com/</link><description>d</description>{''.join(rows)}"
        "</channel></rss>"
    ).encode()


def serve(feeds: int, items: int) -> tuple[ThreadingHTTPServer, str]:
    bodies = {f"/f/{n}.xml": make_feed(n, items) for n in range(feeds)}

    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a: object) -> None:
            pass

        def do_GET(self) -> None:
            body = bodies.get(self.path)
            if body is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if self.headers.get("If-None-Match") == '"v1"':
                self.send_response(304)
                self.send_header("ETag", '"v1"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("ETag", '"v1"')
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def side_newsdesk(base: str, feeds: int, work: Path) -> dict[str, float]:
    from newsdesk import pipeline
    from newsdesk.config import load_config
    from newsdesk.store import open_store

    lines = [
        "hexo_dir: ./blog",
        "database: ./bench.db",
        'image_proxy: "https://p.example/?"',
        "fetch:",
        "  concurrency: 32",
        "  per_host: 32",
        "groups:",
        "  g:",
    ]
    for n in range(feeds):
        lines += [f"    s{n}:", f"      c: {base}/f/{n}.xml"]
    (work / "newsdesk.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = load_config(work / "newsdesk.yaml", {})
    store = open_store(config.database)
    t0 = time.perf_counter()
    report = pipeline.run(config, store)
    cold = time.perf_counter() - t0
    t1 = time.perf_counter()
    pipeline.run(config, store)
    warm = time.perf_counter() - t1
    store.close()
    new = sum(f.new for f in report.feeds)
    return {"items": new, "seconds": cold, "rerun_seconds": warm}


def side_baseline(base: str, feeds: int, work: Path) -> dict[str, float]:
    import feedparser
    import httpx

    out = work / "posts"
    out.mkdir()
    t0 = time.perf_counter()
    count = 0
    with httpx.Client() as client:
        for n in range(feeds):
            body = client.get(f"{base}/f/{n}.xml").content
            for e in feedparser.parse(body).entries:
                html = e.get("description", "")
                (out / f"{n}-{count}.md").write_text(
                    f"---\ntitle: '{e.title}'\ndate: {e.get('published', '')}\n---\n\n"
                    f"<div>{html}</div>\n",
                    encoding="utf-8",
                )
                count += 1
    return {"items": count, "seconds": time.perf_counter() - t0}


def run_side(side: str, base: str, feeds: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(
            [
                sys.executable,
                __file__,
                "--side",
                side,
                "--base",
                base,
                "--feeds",
                str(feeds),
                "--work",
                tmp,
            ],
            capture_output=True,
            text=True,
            check=False,
            cwd=tmp,
        )
        if proc.returncode != 0:
            raise SystemExit(f"{side} failed:\n{proc.stderr}")
        return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--feeds", type=int, default=500)
    ap.add_argument("--items", type=int, default=20)
    ap.add_argument("--side", choices=["newsdesk", "baseline"])
    ap.add_argument("--base")
    ap.add_argument("--work")
    args = ap.parse_args()

    if args.side:
        fn = side_newsdesk if args.side == "newsdesk" else side_baseline
        result = fn(args.base, args.feeds, Path(args.work))
        result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return

    httpd, base = serve(args.feeds, args.items)
    try:
        print(f"{args.feeds} feeds × {args.items} items on {base}")
        ours = run_side("newsdesk", base, args.feeds)
        naive = run_side("baseline", base, args.feeds)
    finally:
        httpd.shutdown()
    ours_rate = ours["items"] / ours["seconds"]
    naive_rate = naive["items"] / naive["seconds"]
    print(f"{'':10} {'items':>7} {'seconds':>8} {'items/s':>9} {'peak MB':>8}")
    print(
        f"{'newsdesk':10} {ours['items']:>7.0f} {ours['seconds']:>8.2f} {ours_rate:>9.0f} "
        f"{ours['peak_mb']:>8.0f}"
    )
    print(
        f"{'baseline':10} {naive['items']:>7.0f} {naive['seconds']:>8.2f} {naive_rate:>9.0f} "
        f"{naive['peak_mb']:>8.0f}"
    )
    print(f"newsdesk / baseline throughput: {ours_rate / naive_rate:.2f}×")
    print(f"newsdesk rerun (all 304, nothing rewritten): {ours['rerun_seconds']:.2f} s")


if __name__ == "__main__":
    main()
