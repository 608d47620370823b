"""Feeds per second through the job queue with 1, 2, 4 workers, next to `newsdesk run`.

    python benchmarks/distributed.py                       # 2,000 feeds × 20 items
    python benchmarks/distributed.py --feeds 200 --items 5 --workers 1,2 --overhead-jobs 300

A loopback farm (tests/queue/farm.py: feeds spread over --hosts addresses 127.0.x.y, each
response held back --latency seconds) serves every run; the store and the queue live in
PostgreSQL (--pg-url, else $NEWSDESK_TEST_PG_URL, else scripts/start-postgres.sh), each
run in a fresh schema. Runs, in one command, on the same farm:

- `newsdesk run` with fetch.concurrency = --concurrency, and = that × the most workers;
- N `newsdesk worker --concurrency C` processes, for each N in --workers: the feeds are
  marked as just polled (so no schedule tick starts early), the workers started and
  registered, then `newsdesk enqueue --all` defers every feed at once.

Each run is timed from the farm's first request to the moment the last article is
stored. Worker and `run` CPU time come from /proc during that window; "machine busy" is
the share of all cores in use (the farm, PostgreSQL and other load included). The
queue's own overhead is an empty job's round trip (defer, fetch, run, finish) through
Procrastinate on the same database. Posts are not written (outputs: []): publishing is
the same single job either way. Prints figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the farm lives with the queue's tests

from newsdesk.queue.connection import conninfo  # noqa: E402
from tests.queue.farm import FeedFarm, write_config  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
FEEDS_PER_HOUR = 100_000


@dataclass
class Result:
    label: str
    feeds: int
    items: int
    seconds: float
    cpu: float  # CPU seconds of the newsdesk processes during the window
    pg_cpu: float  # CPU seconds of their PostgreSQL backends during the window
    busy: float  # share of all cores busy during the window (0..1)

    @property
    def feeds_per_s(self) -> float:
        return self.feeds / self.seconds


# --- PostgreSQL ------------------------------------------------------------------------


def postgres_url(given: str | None) -> str:
    if given or os.environ.get("NEWSDESK_TEST_PG_URL"):
        return given or os.environ["NEWSDESK_TEST_PG_URL"]
    started = subprocess.run(
        ["bash", str(ROOT / "scripts" / "start-postgres.sh")],
        capture_output=True,
        text=True,
        check=True,
    )
    return started.stdout.strip().splitlines()[-1]


APP_NAME = "newsdesk-bench"  # tags the benchmarked processes' PostgreSQL backends


@contextmanager
def fresh_schema(pg_url: str) -> Iterator[str]:
    """A URL whose search_path is a new schema (dropped after), its backends tagged."""
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(conninfo(pg_url), autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in pg_url else "?"
    try:
        yield f"{pg_url}{sep}options=-csearch_path%3D{schema}&application_name={APP_NAME}"
    finally:
        with psycopg.connect(conninfo(pg_url), autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def scalar(database: str, query: str) -> int:
    """One number, over a connection not tagged as the benchmarked processes'."""
    untagged = database.replace(f"&application_name={APP_NAME}", "")
    with psycopg.connect(conninfo(untagged)) as conn:
        row = conn.execute(query).fetchone()
    return int(row[0]) if row else 0


def backend_pids(database: str) -> list[int]:
    with psycopg.connect(conninfo(database.replace(f"&application_name={APP_NAME}", ""))) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s", (APP_NAME,)
        ).fetchall()
    return [int(row[0]) for row in rows]


# --- processes and CPU -------------------------------------------------------------


def newsdesk(folder: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "newsdesk.cli", *args],
        cwd=folder,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=(folder / f"{args[0]}-{time.monotonic_ns()}.log").open("wb"),
    )


def newsdesk_ok(folder: Path, *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "newsdesk.cli", *args], cwd=folder, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"newsdesk {' '.join(args)} failed:\n{done.stderr}")


def cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


class CpuMeter:
    """CPU seconds a changing set of processes used since each was first seen."""

    def __init__(self) -> None:
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}

    def sample(self, pids: list[int]) -> None:
        for pid in pids:
            now = cpu_seconds(pid)
            if now is not None:
                self.first.setdefault(pid, now)
                self.last[pid] = now

    def used(self) -> float:
        return sum(self.last[pid] - self.first[pid] for pid in self.first)


def machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all cores since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def timed(
    farm: FeedFarm, database: str, procs: list[subprocess.Popen[bytes]], *, label: str
) -> Result:
    """Wait for the farm's first request, then for every article; CPU in between."""
    expected = farm.feeds * farm.items
    deadline = time.monotonic() + 1800
    while not farm.requests():
        if time.monotonic() > deadline or all(p.poll() is not None for p in procs):
            raise SystemExit(f"{label}: no feed was requested")
        time.sleep(0.01)
    start = min(t[0] for t in farm.fetch_times().values())
    ours, theirs = CpuMeter(), CpuMeter()
    pids = [p.pid for p in procs]
    ours.sample(pids)
    theirs.sample(backend_pids(database))
    busy0, total0 = machine_ticks()
    polls = 0
    while (stored := scalar(database, "SELECT count(*) FROM articles")) < expected:
        if time.monotonic() > deadline:
            raise SystemExit(f"{label}: {stored} of {expected} articles after 30 minutes")
        ours.sample(pids)
        if polls % 10 == 0:  # backends come and go (pools, the run lock's connection)
            theirs.sample(backend_pids(database))
        polls += 1
        time.sleep(0.05)
    seconds = time.monotonic() - start
    busy1, total1 = machine_ticks()
    ours.sample(pids)
    theirs.sample(backend_pids(database))
    busy = (busy1 - busy0) / (total1 - total0)
    return Result(label, farm.feeds, stored, seconds, ours.used(), theirs.used(), busy)


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        proc.wait(timeout=120)


# --- the runs ----------------------------------------------------------------------


def run_once(farm: FeedFarm, pg_url: str, work: Path, concurrency: int) -> Result:
    folder = Path(tempfile.mkdtemp(dir=work))
    with fresh_schema(pg_url) as database:
        config = write_config(folder, database, farm.urls, extra="outputs: []")
        text = config.read_text().replace("fetch:\n", f"fetch:\n  concurrency: {concurrency}\n")
        config.write_text(text)
        farm.reset()
        proc = newsdesk(folder, "run", "-c", str(config))
        result = timed(farm, database, [proc], label=f"newsdesk run, concurrency {concurrency}")
        stop([proc])
    return result


def workers_once(farm: FeedFarm, pg_url: str, work: Path, count: int, concurrency: int) -> Result:
    folder = Path(tempfile.mkdtemp(dir=work))
    with fresh_schema(pg_url) as database:
        config = write_config(folder, database, farm.urls, extra="outputs: []", tick="60s")
        newsdesk_ok(folder, "queue", "init", "-c", str(config))
        _mark_polled(config)  # nothing due: the workers' own schedule stays quiet
        procs = [
            newsdesk(folder, "worker", "-c", str(config), "--concurrency", str(concurrency))
            for _ in range(count)
        ]
        while scalar(database, "SELECT count(*) FROM newsdesk_queue_workers") < count:
            time.sleep(0.1)
        farm.reset()
        newsdesk_ok(folder, "enqueue", "--all", "-c", str(config))
        label = f"{count} worker(s) × concurrency {concurrency}"
        try:
            result = timed(farm, database, procs, label=label)
        finally:
            stop(procs)
    return result


def _mark_polled(config_path: Path) -> None:
    from datetime import UTC, datetime

    from newsdesk.config import load_config
    from newsdesk.store import open_store

    config = load_config(config_path, {})
    with open_store(config.database) as store:
        store.sync_feeds(config.sources)
        for source in config.sources:
            store.record_not_modified(source.key, now=datetime.now(UTC))


# --- the queue's own overhead -------------------------------------------------------


@dataclass
class Overhead:
    defer_ms: float  # one job deferred (one INSERT round trip)
    round_trip_ms: float  # an empty job: fetched, run and finished by a worker (1 at a time)
    round_trip_locked_ms: float  # the same, each job with a host lane lock and queueing lock
    per_job_at_8_ms: float  # wall time per empty job with a worker running 8 at once
    advisory_ms: float  # the alternative: try-lock + unlock of a PostgreSQL advisory lock


async def _overhead(database: str, jobs: int) -> Overhead:
    from procrastinate import App, PsycopgConnector
    from procrastinate.worker import Worker

    app = App(connector=PsycopgConnector(conninfo=conninfo(database), min_size=1, max_size=4))

    @app.task(name="bench.noop", queue="bench")
    async def noop() -> None:
        return None

    async def drain(concurrency: int) -> float:
        worker = Worker(
            app,
            queues=["bench"],
            concurrency=concurrency,
            wait=False,
            delete_jobs="successful",
            listen_notify=False,
            install_signal_handlers=False,
        )
        started = time.perf_counter()
        await worker.run()
        return (time.perf_counter() - started) * 1000 / jobs

    async with app.open_async():
        for _ in range(50):  # warm the pool and the server's caches
            await noop.defer_async()
        await drain(1)
        started = time.perf_counter()
        for _ in range(jobs):
            await noop.defer_async()
        defer_ms = (time.perf_counter() - started) * 1000 / jobs
        plain = await drain(1)
        for n in range(jobs):
            await noop.configure(
                lock=f"host:h{n % 200}:{n % 2}", queueing_lock=f"q{n}"
            ).defer_async()
        locked = await drain(1)
        for _ in range(jobs):
            await noop.defer_async()
        at_8 = await drain(8)
        async with app.connector.pool.connection() as conn:  # type: ignore[attr-defined]
            started = time.perf_counter()
            for n in range(jobs):
                await conn.execute("SELECT pg_try_advisory_lock(%s)", (n,))
                await conn.execute("SELECT pg_advisory_unlock(%s)", (n,))
            advisory = (time.perf_counter() - started) * 1000 / jobs
    return Overhead(defer_ms, plain, locked, at_8, advisory)


def overhead(pg_url: str, work: Path, jobs: int) -> Overhead:
    logging.getLogger("procrastinate").setLevel(logging.ERROR)  # "App in __main__" notice
    folder = Path(tempfile.mkdtemp(dir=work))
    with fresh_schema(pg_url) as database:
        config = write_config(folder, database, ["http://127.0.0.2:9/f"], extra="outputs: []")
        newsdesk_ok(folder, "queue", "init", "-c", str(config))
        return asyncio.run(_overhead(database, jobs))


# --- report --------------------------------------------------------------------------


def report(results: list[Result], over: Overhead, args: argparse.Namespace) -> None:
    cores = os.cpu_count() or 1
    base = next((r for r in results if r.label.startswith("1 worker")), results[0])
    run_base = results[0]
    print(
        f"\n{'':34} {'seconds':>8} {'feeds/s':>8} {'items/s':>8} {'×1 worker':>9} "
        f"{'×run':>6} {'CPU ms/feed':>11} {'PG ms/feed':>10} {'machine busy':>12}"
    )
    for r in results:
        print(
            f"{r.label:34} {r.seconds:>8.2f} {r.feeds_per_s:>8.1f} {r.items / r.seconds:>8.0f} "
            f"{r.feeds_per_s / base.feeds_per_s:>8.2f}× "
            f"{r.feeds_per_s / run_base.feeds_per_s:>5.2f}× "
            f"{r.cpu * 1000 / r.feeds:>11.1f} {r.pg_cpu * 1000 / r.feeds:>10.1f} {r.busy:>11.0%}"
        )
    print(
        f"\nqueue overhead per job: defer {over.defer_ms:.2f} ms; empty job round trip "
        f"{over.round_trip_ms:.2f} ms ({over.round_trip_locked_ms:.2f} ms with lane and "
        f"queueing locks), {over.per_job_at_8_ms:.2f} ms/job with 8 at once; advisory "
        f"lock + unlock instead of a lane: {over.advisory_ms:.2f} ms and a held connection"
    )
    latency = sum(args.latency) / 2
    cpu_ms = base.cpu * 1000 / base.feeds
    pg_ms = base.pg_cpu * 1000 / base.feeds
    slot_ms = base.seconds * args.concurrency * 1000 / base.feeds
    print(
        f"CPU-bound share of a feed job (1 worker): {cpu_ms:.1f} ms CPU in the worker and "
        f"{pg_ms:.1f} ms in PostgreSQL, of {slot_ms:.0f} ms per job slot "
        f"(mean farm latency {latency * 1000:.0f} ms)"
    )
    # Latency-bound, a job slot turns over every (latency + the job's own CPU time).
    per_worker = args.concurrency / (latency + (cpu_ms + pg_ms) / 1000)
    for r in results:
        if "worker" in r.label:
            count = int(r.label.split()[0])
            print(
                f"  {count} worker(s): latency-bound {count * per_worker:.0f} feeds/s would need "
                f"{count * per_worker * (cpu_ms + pg_ms) / 1000:.2f} of {cores} cores "
                f"(workers + PostgreSQL); measured {r.feeds_per_s:.0f}, machine {r.busy:.0%} busy"
            )
    need = FEEDS_PER_HOUR / 3600
    print(
        f"projection, {FEEDS_PER_HOUR:,} feeds per hour = {need:.1f} feeds/s: "
        f"{need / base.feeds_per_s:.2f} worker(s) of concurrency {args.concurrency} at this "
        f"latency, {need * cpu_ms / 1000:.2f} core(s) of worker CPU, "
        f"{need * pg_ms / 1000:.2f} of PostgreSQL, and "
        f"{need * over.round_trip_locked_ms / 1000:.3f} s/s of queue round trips"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--feeds", type=int, default=2000)
    ap.add_argument("--items", type=int, default=20)
    ap.add_argument("--hosts", type=int, default=200)
    ap.add_argument("--latency", default="0.05:0.2", help="seconds per request, min:max")
    ap.add_argument("--concurrency", type=int, default=8, help="of each worker")
    ap.add_argument("--workers", default="1,2,4", help="worker counts to run")
    ap.add_argument("--overhead-jobs", type=int, default=2000)
    ap.add_argument("--pg-url")
    args = ap.parse_args()
    low, high = (float(v) for v in args.latency.split(":"))
    args.latency = (low, high)
    counts = [int(n) for n in args.workers.split(",")]
    pg_url = postgres_url(args.pg_url)
    print(
        f"{args.feeds} feeds × {args.items} items on {args.hosts} loopback hosts, "
        f"{low * 1000:.0f}–{high * 1000:.0f} ms per request, per_host 2; {os.cpu_count()} cores"
    )
    results: list[Result] = []
    with (
        FeedFarm(
            feeds=args.feeds, items=args.items, hosts=args.hosts, latency=args.latency
        ) as farm,
        tempfile.TemporaryDirectory() as tmp,
    ):
        work = Path(tmp)
        step: list[Callable[[], Result]] = [
            lambda: run_once(farm, pg_url, work, args.concurrency),
            lambda: run_once(farm, pg_url, work, args.concurrency * max(counts)),
        ]
        step += [
            (lambda n=n: workers_once(farm, pg_url, work, n, args.concurrency)) for n in counts
        ]
        for run in step:
            results.append(run())
            r = results[-1]
            print(f"  {r.label}: {r.seconds:.2f} s, {r.feeds_per_s:.1f} feeds/s", flush=True)
        over = overhead(pg_url, work, args.overhead_jobs)
    report(results, over, args)


if __name__ == "__main__":
    main()
