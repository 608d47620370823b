"""`newsdesk run` end to end: bad feeds reported and skipped, reruns idempotent, exit codes."""

from __future__ import annotations

import json
import time
from pathlib import Path

from tests.e2e.conftest import run_cli
from tests.support.httpserver import LocalServer, Reply, Request

RSS = "application/rss+xml; charset=utf-8"


def rss(*items: tuple[str, str], encoding: str = "utf-8") -> bytes:
    body = "".join(
        f"<item><title><![CDATA[{t}]]></title><link>http://example.com/{g}</link>"
        f"<guid>{g}</guid><pubDate>Tue, 18 Nov 2025 08:00:00 +0800</pubDate>"
        f"<description><![CDATA[<p>正文 {g}</p><img src='http://img.example.com/{g}.jpg'>]]>"
        "</description></item>"
        for t, g in items
    )
    return (
        f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel>'
        f"<title>t</title><link>http://example.com/</link><description>d</description>"
        f"{body}</channel></rss>"
    ).encode(encoding if encoding != "gb2312" else "gb18030")


def posts(tmp_path: Path) -> dict[str, str]:
    return {
        p.name: p.read_text(encoding="utf-8")
        for p in sorted((tmp_path / "blog/source/_posts").glob("*.md"))
    }


def _status(cfg: Path) -> dict[str, dict]:
    result = run_cli("status", "-c", str(cfg), "--json")
    assert result.exit_code == 0, result.output
    return {row["channel"]: row for row in json.loads(result.output)}


def test_bad_feeds_are_reported_and_the_rest_published(
    server: LocalServer, write_config, tmp_path: Path
) -> None:
    good = server.route("/good", rss(("好新闻", "g1")), headers={"Content-Type": RSS})
    missing = server.url("/missing")  # 404

    def flaky(req: Request) -> Reply:
        if req.count == 1:
            return Reply(500)
        return Reply(200, rss(("重试成功", "f1")), {"Content-Type": RSS})

    flaky_url = server.route("/flaky", handler=flaky)

    def stall(req: Request) -> Reply:
        time.sleep(4)
        return Reply(200, rss(("too late", "s1")))

    slow = server.route("/slow", handler=stall)
    big = server.route("/big", b"<rss>" + b"x" * 400_000 + b"</rss>", headers={"Content-Type": RSS})
    broken = server.route(
        "/broken", b"<rss><channel><item><title>a</ti", headers={"Content-Type": RSS}
    )
    html = server.route(
        "/html",
        b"<!doctype html><html><body><h1>Welcome</h1></body></html>",
        headers={"Content-Type": "text/html"},
    )
    empty = server.route("/empty", b"", headers={"Content-Type": RSS})
    # Declared utf-8, actually GB18030: still readable.
    wrong_enc = server.route(
        "/wrongenc",
        rss(("编码声明错误", "w1"), encoding="gb2312").replace(
            b'encoding="gb2312"', b'encoding="utf-8"'
        ),
        headers={"Content-Type": "application/rss+xml"},
    )
    dupes = server.route(
        "/dupes",
        rss(("重复", "d1"), ("重复", "d1"), ("另一条", "d2")),
        headers={"Content-Type": RSS},
    )
    tricky_title = 'It\'s "quoted": #1 {{ x }}\nsecond line'
    tricky = server.route("/tricky", rss((tricky_title, "t1")), headers={"Content-Type": RSS})

    cfg = write_config(
        "  g:\n    src:\n"
        f"      good: {good}\n      missing: {missing}\n      flaky: {flaky_url}\n"
        f"      slow: {slow}\n      big: {big}\n      broken: {broken}\n      html: {html}\n"
        f"      empty: {empty}\n      wrongenc: {wrong_enc}\n      dupes: {dupes}\n"
        f"      tricky: {tricky}\n"
    )
    result = run_cli("run", "-c", str(cfg))
    assert result.exit_code == 1, result.output

    titles = [
        t
        for text in posts(tmp_path).values()
        for t in [text.split("\ntitle: ", 1)[1].split("\n", 1)[0]]
    ]
    assert "'好新闻'" in titles
    assert "'重试成功'" in titles  # 500 then success on retry
    assert "'编码声明错误'" in titles
    assert sorted(titles).count("'重复'") == 1 and "'另一条'" in titles
    # Themes print titles raw, in attributes and in scripts: quotes are typographic ones.
    assert "'It’s “quoted”: #1 {{ x }} second line'" in titles

    status = _status(cfg)
    assert "404" in status["missing"]["last_error"]
    assert status["slow"]["last_error"] and "time" in status["slow"]["last_error"].lower()
    assert "cap" in status["big"]["last_error"] or "large" in status["big"]["last_error"]
    assert status["html"]["last_error"] and "HTML" in status["html"]["last_error"]
    assert status["empty"]["last_error"]
    for name in ("missing", "slow", "big", "html", "empty"):
        assert status[name]["error_streak"] == 1, name
    for name in ("good", "flaky", "wrongenc", "dupes", "tricky"):
        assert status[name]["error_streak"] == 0 and status[name]["last_success"], name
    # The unclosed XML is salvaged by the recovering parser: its one item is read, no error.
    broken_status = status["broken"]
    assert broken_status["last_error"] is None, broken_status
    assert broken_status["error_streak"] == 0 and broken_status["last_success"], broken_status
    assert broken_status["items"] == 1, broken_status
    assert "'a'" in titles
    # The summary names each failed feed and its cause.
    assert "404" in result.output and "missing" in result.output


def test_rerun_rewrites_nothing_and_honours_304(
    server: LocalServer, write_config, tmp_path: Path
) -> None:
    feed = rss(("第一条", "a1"), ("第二条", "a2"))

    def conditional(req: Request) -> Reply:
        if req.headers.get("If-None-Match") == '"v1"':
            return Reply(304, headers={"ETag": '"v1"'})
        return Reply(200, feed, {"Content-Type": RSS, "ETag": '"v1"'})

    etag_url = server.route("/etag", handler=conditional)
    plain_url = server.route("/plain", rss(("第三条", "b1")), headers={"Content-Type": RSS})
    cfg = write_config(f"  g:\n    s:\n      etag: {etag_url}\n      plain: {plain_url}\n")

    first = run_cli("run", "-c", str(cfg))
    assert first.exit_code == 0, first.output
    before = {p: p.stat().st_mtime_ns for p in (tmp_path / "blog/source/_posts").glob("*.md")}
    assert len(before) == 3
    time.sleep(0.05)

    second = run_cli("run", "-c", str(cfg))
    assert second.exit_code == 0, second.output
    after = {p: p.stat().st_mtime_ns for p in (tmp_path / "blog/source/_posts").glob("*.md")}
    assert after == before  # no file rewritten
    reqs = server.requests("/etag")
    assert len(reqs) == 2 and reqs[1].headers.get("If-None-Match") == '"v1"'
    assert "not modified" in second.output


def test_changed_article_is_updated_not_duplicated(
    server: LocalServer, write_config, tmp_path: Path
) -> None:
    def changing(req: Request) -> Reply:
        title = "旧标题" if req.count == 1 else "新标题"
        return Reply(200, rss((title, "same-guid")), {"Content-Type": RSS})

    url = server.route("/changing", handler=changing)
    cfg = write_config(f"  g:\n    s:\n      c: {url}\n")
    assert run_cli("run", "-c", str(cfg)).exit_code == 0
    assert run_cli("run", "-c", str(cfg)).exit_code == 0
    texts = list(posts(tmp_path).values())
    assert len(texts) == 1 and "title: '新标题'" in texts[0]


def test_config_error_names_key_and_line(write_config, tmp_path: Path) -> None:
    cfg = write_config("  g:\n    s:\n      c: {url: http://x.invalid/, imagе_proxy: no}\n")
    result = run_cli("run", "-c", str(cfg))
    assert result.exit_code == 2
    assert "newsdesk.yaml:" in result.output and "unknown key" in result.output


def test_missing_config_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("run", "-c", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert "not found" in result.output


def test_second_concurrent_run_refuses_with_lock_message(
    server: LocalServer, write_config, tmp_path: Path
) -> None:
    import subprocess
    import sys

    def slow_feed(req: Request) -> Reply:
        time.sleep(4)
        return Reply(200, rss(("慢", "s")), {"Content-Type": RSS})

    url = server.route("/slowish", handler=slow_feed)
    cfg = write_config(f"  g:\n    s:\n      c: {url}\n")
    # This feed is slow on purpose: give it time instead of the suite's short timeouts.
    cfg.write_text(
        cfg.read_text()
        .replace("read_timeout: 1", "read_timeout: 10")
        .replace("total_timeout: 3", "total_timeout: 10")
    )
    cmd = [sys.executable, "-m", "newsdesk.cli", "run", "-c", str(cfg)]
    first = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while not server.requests("/slowish"):  # the first run holds the lock once it fetches
        assert time.monotonic() < deadline and first.poll() is None
        time.sleep(0.05)
    second = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    first.wait(timeout=30)
    assert first.returncode == 0
    assert second.returncode == 3
    assert "lock" in second.stderr.lower() or "another" in second.stderr.lower()


def test_logs_are_one_line_per_event_naming_the_feed(server: LocalServer, write_config) -> None:
    import subprocess
    import sys

    missing = server.url("/nothing-here")
    cfg = write_config(f"  g:\n    s:\n      c: {missing}\n")
    result = subprocess.run(
        [sys.executable, "-m", "newsdesk.cli", "-v", "run", "-c", str(cfg)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    lines = [ln for ln in result.stderr.splitlines() if "feed fetch failed" in ln]
    assert len(lines) == 1  # logged once, where it is handled
    assert f'feed="{missing}"' in lines[0] and "404" in lines[0]
    assert lines[0].split(" ", 2)[1] == "warning"


def test_unwritable_output_folder_exits_4_with_the_path(
    server: LocalServer, write_config, tmp_path: Path
) -> None:
    import subprocess
    import sys

    url = server.route("/ok", rss(("好", "o1")), headers={"Content-Type": RSS})
    cfg = write_config(f"  g:\n    s:\n      c: {url}\n")
    (tmp_path / "blog").write_text("a file where the Hexo folder should be")
    result = subprocess.run(
        [sys.executable, "-m", "newsdesk.cli", "run", "-c", str(cfg)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 4, result.stderr
    assert "output folder" in result.stderr and "Traceback" not in result.stderr


def test_two_articles_never_share_a_file(server: LocalServer, write_config, monkeypatch) -> None:
    import pytest

    from newsdesk import pipeline
    from newsdesk.config import load_config
    from newsdesk.publish import hexo
    from newsdesk.store import open_store

    url = server.route("/two", rss(("一", "x1"), ("二", "x2")), headers={"Content-Type": RSS})
    cfg = load_config(write_config(f"  g:\n    s:\n      c: {url}\n"))
    store = open_store(cfg.database)
    try:
        pipeline.fetch_and_store(cfg, store)
        monkeypatch.setattr(hexo, "post_filename", lambda article: "same.md")
        with pytest.raises(RuntimeError, match="two articles map to the same file"):
            pipeline.publish(cfg, store)
    finally:
        store.close()
