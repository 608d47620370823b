"""What `run`, `publish`, `prune` and `watch` tell the user, and the site kept fresh."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

from tests.support.cli import RSS, rss, run_cli, write_config
from tests.support.httpserver import LocalServer, Reply, Request


def _two_feeds(tmp_path: Path, server: LocalServer, extra: str = "") -> Path:
    a = server.route("/a", rss(("一", "a1"), ("二", "a2")), headers={"Content-Type": RSS})
    b = server.route("/b", rss(("三", "b1")), headers={"Content-Type": RSS})
    return write_config(tmp_path, f"  g:\n    s:\n      a: {a}\n      b: {b}\n", extra)


def test_rerun_says_how_many_articles_are_unchanged(tmp_path: Path, server: LocalServer) -> None:
    cfg = _two_feeds(tmp_path, server)
    first = run_cli("run", "-c", str(cfg))
    assert "articles: 3 new, 0 updated, 0 unchanged" in first.output
    assert "hexo: 3 new, 0 updated →" in first.output
    again = run_cli("run", "-c", str(cfg))
    assert again.exit_code == 0, again.output
    assert "articles: 0 new, 0 updated, 3 unchanged" in again.output
    assert "hexo: nothing new to write →" in again.output


def test_not_modified_feeds_count_their_articles_as_unchanged(
    tmp_path: Path, server: LocalServer
) -> None:
    def conditional(req: Request) -> Reply:
        if req.headers.get("If-None-Match") == '"v1"':
            return Reply(304)
        return Reply(200, rss(("一", "a1"), ("二", "a2")), {"Content-Type": RSS, "ETag": '"v1"'})

    url = server.route("/etag", handler=conditional)
    cfg = write_config(tmp_path, f"  g:\n    s:\n      c: {url}\n")
    run_cli("run", "-c", str(cfg))
    again = run_cli("run", "-c", str(cfg))
    assert "not modified" in again.output
    assert "articles: 0 new, 0 updated, 2 unchanged" in again.output


def test_a_failed_feed_is_reported_once_with_its_cause(tmp_path: Path, server: LocalServer) -> None:
    cfg = write_config(tmp_path, f"  g:\n    s:\n      gone: {server.url('/missing')}\n")
    result = run_cli("run", "-c", str(cfg))
    assert result.exit_code == 1
    assert result.output.count("HTTP 404 Not Found") == 1, result.output
    assert "feed fetch failed" not in result.stderr
    assert "1 of 1 feeds failed" in result.stderr
    verbose = run_cli("-v", "run", "-c", str(cfg))  # every event, when asked for
    assert "feed fetch failed" in verbose.stderr


def _hostile_status(req: Request) -> Reply:
    # A made-up status whose reason phrase carries C1 controls and a bidi override.
    req.wfile.write(b"HTTP/1.1 599 Ev\x9bil \xe2\x80\xae txt\r\nContent-Length: 0\r\n\r\n")
    return Reply.RAW


def _unprintable(text: str) -> list[str]:
    return [ch for ch in text if unicodedata.category(ch) in ("Cc", "Cf") and ch != "\n"]


def test_response_bytes_are_never_printed_raw(tmp_path: Path, server: LocalServer) -> None:
    junk = b"\x1b[2J\x1b]0;pwned\x07 \xe2\x80\xae evil text " + b"x" * 500
    url = server.route("/junk", junk, headers={"Content-Type": "text/plain"})
    status = server.route("/status", handler=_hostile_status)
    cfg = write_config(tmp_path, f"  g:\n    s:\n      junk: {url}\n      st: {status}\n")
    for args in (("run",), ("-v", "run"), ("status",), ("feeds", "list")):
        result = run_cli(*args, "-c", str(cfg))
        assert _unprintable(result.output) == [], (args, result.output)
        assert _unprintable(result.stderr) == [], (args, result.stderr)
    shown = run_cli("status", "-c", str(cfg)).output
    assert max(len(line) for line in shown.splitlines()) < 600  # and cut short
    # A feed's own title, shown by `feeds add --check`: bidi controls escaped.
    titled = server.route(
        "/titled",
        rss(("a", "a1"), title="Bad\u202eTitle\u2066!"),
        headers={"Content-Type": RSS},
    )
    result = run_cli("feeds", "add", "g/s/t", titled, "--check", "-c", str(cfg))
    assert result.exit_code == 0, result.output
    assert "“Bad\\u202eTitle\\u2066!”" in result.output and _unprintable(result.output) == []


def test_messages_are_not_wrapped_at_80_columns_off_a_terminal(
    tmp_path: Path, server: LocalServer
) -> None:
    long_path = "/a-very-long-feed-path-that-goes-on-and-on/" + "segment/" * 12 + "feed.xml"
    url = server.route(long_path, rss(("长", "l1")), headers={"Content-Type": RSS})
    cfg = write_config(tmp_path, f"  g:\n    s:\n      c: {url}\n")
    result = run_cli("run", "-c", str(cfg), env={"COLUMNS": ""})
    posts = str(tmp_path / "blog" / "source" / "_posts")
    assert any(
        line.startswith("hexo: 1 new") and posts in line for line in result.output.splitlines()
    )
    assert len(max(result.output.splitlines(), key=len)) > 80
    listing = run_cli("feeds", "list", "-c", str(cfg), env={"COLUMNS": ""}).output
    assert url in listing  # the URL on one line, not folded


def test_run_build_rebuilds_the_site(tmp_path: Path, server: LocalServer) -> None:
    cfg = _two_feeds(tmp_path, server)
    result = run_cli("run", "--build", "-c", str(cfg))
    assert result.exit_code == 0, result.output
    assert "site: " in result.output and (tmp_path / "public" / "index.html").exists()
    assert "三" in (tmp_path / "public" / "index.html").read_text(encoding="utf-8")


def test_outputs_site_rebuilds_after_run_and_publish(tmp_path: Path, server: LocalServer) -> None:
    cfg = _two_feeds(tmp_path, server, extra="outputs: [hexo, site]\n")
    result = run_cli("run", "-c", str(cfg))
    assert "site: " in result.output and (tmp_path / "public" / "index.html").exists()
    assert len(list((tmp_path / "blog/source/_posts").glob("*.md"))) == 3
    assert "site: " not in run_cli("run", "--no-build", "-c", str(cfg)).output
    server.route("/b", rss(("三", "b1"), ("新来的", "b2")), headers={"Content-Type": RSS})
    assert "site: " not in run_cli("fetch", "-c", str(cfg)).output  # fetch only stores
    assert "新来的" not in (tmp_path / "public" / "index.html").read_text(encoding="utf-8")
    assert "site: " in run_cli("publish", "-c", str(cfg)).output
    assert "新来的" in (tmp_path / "public" / "index.html").read_text(encoding="utf-8")


def test_without_site_output_run_does_not_build(tmp_path: Path, server: LocalServer) -> None:
    cfg = _two_feeds(tmp_path, server)
    assert "site: " not in run_cli("run", "-c", str(cfg)).output
    assert not (tmp_path / "public").exists()


def test_watch_once_says_why_it_stops_and_builds_the_site(
    tmp_path: Path, server: LocalServer
) -> None:
    cfg = _two_feeds(tmp_path, server, extra="watch:\n  build: true\n")
    result = run_cli("watch", "--once", "-c", str(cfg))
    assert result.exit_code == 0, result.output
    assert "site rebuilt:" in result.output and (tmp_path / "public" / "index.html").exists()
    assert result.output.rstrip().endswith("watch stopped: --once ran one cycle of the due feeds")
    again = run_cli("watch", "--once", "-c", str(cfg))
    assert "watch stopped: --once, and no feed is due yet" in again.output


def test_watch_says_it_stopped_on_sigterm(tmp_path: Path, server: LocalServer) -> None:
    cfg = _two_feeds(tmp_path, server)
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsdesk.cli", "watch", "-c", str(cfg)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    deadline = time.monotonic() + 30
    while len(server.requests("/b")) < 1:
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.1)
    time.sleep(0.5)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "watch stopped: SIGTERM received, after finishing the cycle in progress" in out


def test_prune_dry_run_lists_what_would_go_and_changes_nothing(
    tmp_path: Path, server: LocalServer
) -> None:
    items = [(f"第{i}篇", f"p{i}") for i in range(5)]
    url = server.route("/many", rss(*items), headers={"Content-Type": RSS})
    cfg = write_config(tmp_path, f"  g:\n    s:\n      c: {url}\n", "keep_per_channel: 2\n")
    assert run_cli("run", "-c", str(cfg)).exit_code == 0
    posts = sorted((tmp_path / "blog/source/_posts").glob("*.md"))
    assert len(posts) == 5
    dry = run_cli("prune", "--dry-run", "-c", str(cfg))
    assert dry.exit_code == 0, dry.output
    assert "would prune 3 article(s) and delete 3 file(s); nothing was changed" in dry.output
    listed = [line for line in dry.output.splitlines() if "g › s › c" in line]
    assert len(listed) == 3 and all("第" in line for line in listed)
    assert sum(".md" in line for line in dry.output.splitlines()) == 3
    assert sorted((tmp_path / "blog/source/_posts").glob("*.md")) == posts
    real = run_cli("prune", "-c", str(cfg))
    assert "pruned 3 article(s), deleted 3 file(s)" in real.output
    assert len(list((tmp_path / "blog/source/_posts").glob("*.md"))) == 2
