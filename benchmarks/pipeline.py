"""Items per second through fetch → parse → process → store → publish, next to two baselines.

    python benchmarks/pipeline.py                        # 500 feeds × 20 items, on disk
    python benchmarks/pipeline.py --feeds 100 --dir /dev/shm
    python benchmarks/pipeline.py --profile              # where newsdesk's time goes, per stage

N synthetic feeds of M items (4 KB bodies with lazy images, like ZAKER's) are served from
a loopback HTTP server in this process. Each side runs in its own subprocess, so that its
peak memory (ru_maxrss) and CPU time (user + system, every thread) are its own:

- newsdesk: ``newsdesk run`` on a config listing every feed (cold store), then two reruns:
  one where every feed answers 304, one where every feed answers 200 with the same bytes;
- realistic: what a user would write for the same job at the same concurrency: a thread
  pool of ``--concurrency`` workers, each fetching a feed with httpx, parsing it with
  feedparser (its sanitizer on, its default), putting every image through the proxy prefix
  with BeautifulSoup and writing one post file per entry (see ``side_realistic``);
- naive: sequential httpx + ``feedparser.parse`` + an f-string post per entry, no image
  rewriting (what a typical hand-rolled mirror script does).

Items/s per core is items divided by the side's CPU seconds: what one core's worth of work
gets through, however many cores the machine has. ``--profile`` runs newsdesk's cold run
alone with a CPU-time timer on each stage (see ``stages.py``) and prints where it went.

``--process-pool N`` is an experiment, not a newsdesk feature: newsdesk's cold run with
its two worker-thread steps per feed (parse + ids, then process) sent to a pool of N
processes instead, next to the same run as shipped, for wall clock and CPU (the pool's
CPU counted).

Prints figures only; nothing is asserted. Machines here are noisy: read the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PROXY = "https://p.example/?"
# BeautifulSoup's tree builder for the realistic side (--bs4-parser): lxml, the fastest it
# documents, makes the stronger baseline; "html.parser" is what many scripts use.
BS4_PARSER = os.environ.get("BENCH_BS4_PARSER", "lxml")

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
        # Headers and body go out in two writes: with Nagle's algorithm on, the body waits
        # for the client's delayed ACK (40 ms on Linux), which every side would measure.
        disable_nagle_algorithm = True

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


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _timed(work: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds (every thread of this process) that ``work`` took."""
    wall, cpu = time.perf_counter(), _cpu_seconds()
    work()
    return time.perf_counter() - wall, _cpu_seconds() - cpu


def _forget_validators(database: Path) -> None:
    import sqlite3

    with sqlite3.connect(database) as db:
        db.execute("UPDATE feeds SET etag = NULL, last_modified = NULL")
    db.close()


def _offload_to_processes(workers: int) -> Callable[[], float]:
    """Send pipeline's parse and process steps to a process pool (the --process-pool
    experiment). Returns a function that shuts the pool down and gives its CPU seconds."""
    import asyncio
    import functools
    import importlib
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=get_context("spawn"),  # direct children: their CPU is ours
        initializer=importlib.import_module,
        initargs=("newsdesk.process",),
    )
    list(pool.map(abs, range(workers)))  # workers started (and imported) before the clock
    to_thread = asyncio.to_thread

    async def offloaded(func: Callable[..., object], /, *args: object, **kwargs: object) -> object:
        if func.__name__ not in ("_read_feed", "process_feed"):
            return await to_thread(func, *args, **kwargs)
        call = functools.partial(func, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(pool, call)

    asyncio.to_thread = offloaded  # type: ignore[assignment]

    def stop() -> float:
        pool.shutdown(wait=True)
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    return stop


def side_newsdesk(base: str, feeds: int, work: Path, concurrency: int) -> dict[str, float]:
    from newsdesk import pipeline
    from newsdesk.config import load_config
    from newsdesk.store import open_store

    lines = [
        "hexo_dir: ./blog",
        "database: ./bench.db",
        f'image_proxy: "{PROXY}"',
        "fetch:",
        f"  concurrency: {concurrency}",
        f"  per_host: {concurrency}",
        "groups:",
        "  g:",
    ]
    for n in range(feeds):
        lines += [f"    s{n}:", f"      c: {base}/f/{n}.xml"]
    (work / "newsdesk.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = load_config(work / "newsdesk.yaml", {})
    store = open_store(config.database)
    reports = []
    profiling = bool(os.environ.get("BENCH_PROFILE"))
    if profiling:
        import stages

        stages.install()
    pool_workers = int(os.environ.get("BENCH_PROCESS_POOL") or 0)
    stop_pool = _offload_to_processes(pool_workers) if pool_workers else None
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    cold = _timed(lambda: reports.append(pipeline.run(config, store)))
    if stop_pool is not None:  # the cold run alone, the pool's CPU added
        pool_cpu = stop_pool() - children_before.ru_utime - children_before.ru_stime
        store.close()
        items = sum(f.new for f in reports[0].feeds)
        return {"items": items, "seconds": cold[0], "cpu": cold[1] + pool_cpu}
    if profiling:  # the cold run alone
        store.close()
        items = sum(f.new for f in reports[0].feeds)
        return {
            "items": items,
            "seconds": cold[0],
            "cpu": cold[1],
            "profile": stages.report(cold[1], items),  # type: ignore[dict-item]
        }
    not_modified = _timed(lambda: pipeline.run(config, store))
    _forget_validators(work / "bench.db")  # now every feed answers 200 with the same bytes
    same_bytes = _timed(lambda: reports.append(pipeline.run(config, store)))
    store.close()
    new = sum(f.new for f in reports[0].feeds)
    rewritten = sum(p.new + p.updated for p in reports[1].published)
    return {
        "items": new,
        "seconds": cold[0],
        "cpu": cold[1],
        "rerun_304_seconds": not_modified[0],
        "rerun_200_seconds": same_bytes[0],
        "rerun_200_cpu": same_bytes[1],
        "rerun_200_rewritten": rewritten,
    }


def side_baseline(base: str, feeds: int, work: Path, concurrency: int) -> dict[str, float]:
    """Sequential httpx + feedparser (its defaults) + an f-string post per entry."""
    import feedparser
    import httpx

    out = work / "posts"
    out.mkdir()
    count = 0

    def mirror_all() -> None:
        nonlocal count
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

    seconds, cpu = _timed(mirror_all)
    return {"items": count, "seconds": seconds, "cpu": cpu}


def side_realistic(base: str, feeds: int, work: Path, concurrency: int) -> dict[str, float]:
    """What a user writes for the same job with the same concurrency as newsdesk.

    feedparser and BeautifulSoup are blocking libraries, so the natural way to run N feeds
    at once is a thread pool of N workers sharing one httpx.Client capped at N connections
    (an asyncio version would either block its loop inside feedparser or hand each feed
    to ``run_in_executor``: the same thread pool). Each worker fetches a feed, parses it
    with feedparser's sanitizer and relative-URL resolver on (its defaults), puts every
    ``<img>`` through the proxy prefix with BeautifulSoup, and writes one post per entry.
    It does less than newsdesk: feedparser's sanitizer drops ``data-original``, so these
    lazy images lose their URL (newsdesk repairs them), and nothing is stored.
    """
    from concurrent.futures import ThreadPoolExecutor

    import feedparser
    import httpx
    from bs4 import BeautifulSoup

    out = work / "posts"
    out.mkdir()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    def mirror(client: httpx.Client, n: int) -> int:
        feed = feedparser.parse(client.get(f"{base}/f/{n}.xml").content)
        for i, e in enumerate(feed.entries):
            html = e.content[0].value if "content" in e else e.get("summary", "")
            soup = BeautifulSoup(html, BS4_PARSER)
            for img in soup.find_all("img"):
                src = img.get("data-original") or img.get("src")
                if src:
                    img["src"] = PROXY + str(src)
            title = e.get("title", "").replace("'", "''")
            (out / f"{n}-{i}.md").write_text(
                f"---\ntitle: '{title}'\ndate: {e.get('published', '')}\n---\n\n"
                f"<div>{soup}</div>\n",
                encoding="utf-8",
            )
        return len(feed.entries)

    counts: list[int] = []

    def mirror_all() -> None:
        with (
            httpx.Client(limits=limits) as client,
            ThreadPoolExecutor(max_workers=concurrency) as pool,
        ):
            counts.extend(pool.map(lambda n: mirror(client, n), range(feeds)))

    seconds, cpu = _timed(mirror_all)
    return {"items": sum(counts), "seconds": seconds, "cpu": cpu}


SIDES: dict[str, Callable[[str, int, Path, int], dict[str, float]]] = {
    "newsdesk": side_newsdesk,
    "realistic": side_realistic,
    "naive": side_baseline,
}


def print_profile(result: dict[str, float]) -> None:
    items = result["items"]
    print(
        f"newsdesk, cold run with stage timers: {items:.0f} items in {result['seconds']:.2f} s, "
        f"{result['cpu']:.2f} CPU s ({result['cpu'] / items * 1e6:.0f} µs/item)"
    )
    print(f"{'stage':40} {'CPU s':>7} {'µs/item':>8} {'share':>6}")
    for stage, seconds, share in result["profile"]:  # type: ignore[attr-defined]
        print(f"{stage:40} {seconds:7.2f} {seconds / items * 1e6:8.0f} {share:6.1%}")


def print_pool_experiment(base: str, args: argparse.Namespace) -> None:
    """Cold runs, alternating as shipped / with the pool, --rounds times each."""
    rows: dict[str, list[dict[str, float]]] = {"threads (as shipped)": [], "process pool": []}
    for _ in range(args.rounds):
        rows["threads (as shipped)"].append(run_side("newsdesk", base, args, pool=0))
        rows["process pool"].append(run_side("newsdesk", base, args, pool=args.process_pool))
    print(f"newsdesk cold run, best of {args.rounds}; pool of {args.process_pool} processes")
    print(f"{'':22} {'items/s':>8} {'per core':>9} {'peak MB':>8}")
    for name, results in rows.items():
        best = max(results, key=lambda r: r["items"] / r["seconds"])
        per_core = max(r["items"] / r["cpu"] for r in results)
        print(
            f"{name:22} {best['items'] / best['seconds']:>8.0f} {per_core:>9.0f} "
            f"{best['peak_mb']:>8.0f}"
        )


def run_side(
    side: str, base: str, args: argparse.Namespace, *, profile: bool = False, pool: int = 0
) -> dict[str, float]:
    root = Path(args.dir) if args.dir else None
    with tempfile.TemporaryDirectory(dir=root, prefix="pipeline-bench-") as tmp:
        command = [
            sys.executable,
            __file__,
            "--side",
            side,
            "--base",
            base,
            "--feeds",
            str(args.feeds),
            "--concurrency",
            str(args.concurrency),
            "--work",
            tmp,
        ]
        env = {
            **os.environ,
            "BENCH_PROFILE": "1" if profile else "",
            "BENCH_PROCESS_POOL": str(pool),
        }
        proc = subprocess.run(
            command, capture_output=True, text=True, check=False, cwd=tmp, env=env
        )
        if proc.returncode != 0:
            raise SystemExit(f"{side} failed:\n{proc.stderr}")
        return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--feeds", type=int, default=500)
    ap.add_argument("--items", type=int, default=20)
    ap.add_argument(
        "--concurrency", type=int, default=32, help="feeds in flight, for newsdesk and realistic"
    )
    ap.add_argument("--dir", help="where the posts and the store go (default: the temp folder)")
    ap.add_argument(
        "--sides",
        default="newsdesk,realistic,naive",
        help="comma-separated, from: " + ",".join(SIDES),
    )
    ap.add_argument("--profile", action="store_true", help="newsdesk's cold run, per stage")
    ap.add_argument(
        "--process-pool",
        type=int,
        default=0,
        metavar="N",
        help="experiment: newsdesk's cold run with parse+process in N processes, vs as shipped",
    )
    ap.add_argument(
        "--bs4-parser", default=BS4_PARSER, help="BeautifulSoup's parser for the realistic side"
    )
    ap.add_argument("--rounds", type=int, default=3, help="runs per side for --process-pool")
    ap.add_argument("--side", choices=list(SIDES), help=argparse.SUPPRESS)
    ap.add_argument("--base", help=argparse.SUPPRESS)
    ap.add_argument("--work", help=argparse.SUPPRESS)
    args = ap.parse_args()
    os.environ["BENCH_BS4_PARSER"] = args.bs4_parser  # the sides inherit it

    if args.side:
        result = SIDES[args.side](args.base, args.feeds, Path(args.work), args.concurrency)
        result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return

    httpd, base = serve(args.feeds, args.items)
    print(
        f"{args.feeds} feeds × {args.items} items on {base}, concurrency {args.concurrency}, "
        f"files in {args.dir or tempfile.gettempdir()}, {os.cpu_count()} CPUs"
    )
    try:
        if args.profile:
            print_profile(run_side("newsdesk", base, args, profile=True))
            return
        if args.process_pool:
            print_pool_experiment(base, args)
            return
        results = {side: run_side(side, base, args) for side in args.sides.split(",")}
    finally:
        httpd.shutdown()
    print(
        f"{'':10} {'items':>7} {'seconds':>8} {'CPU s':>7} {'items/s':>8} "
        f"{'per core':>9} {'peak MB':>8}"
    )
    for side, r in results.items():
        print(
            f"{side:10} {r['items']:>7.0f} {r['seconds']:>8.2f} {r['cpu']:>7.2f} "
            f"{r['items'] / r['seconds']:>8.0f} {r['items'] / r['cpu']:>9.0f} {r['peak_mb']:>8.0f}"
        )
    ours = results.get("newsdesk")
    if ours is None:
        return
    for side, r in results.items():
        if side != "newsdesk":
            wall = (ours["items"] / ours["seconds"]) / (r["items"] / r["seconds"])
            per_core = (ours["items"] / ours["cpu"]) / (r["items"] / r["cpu"])
            print(f"newsdesk / {side}: {wall:.2f}× items/s, {per_core:.2f}× items/s per core")
    print(f"newsdesk rerun, every feed 304: {ours['rerun_304_seconds']:.2f} s")
    print(
        f"newsdesk rerun, every feed 200 with the same items: {ours['rerun_200_seconds']:.2f} s, "
        f"{ours['rerun_200_cpu']:.2f} CPU s, {ours['rerun_200_rewritten']:.0f} posts rewritten"
    )


if __name__ == "__main__":
    main()
