"""`newsdesk feeds list/add/remove/pause/resume` on real config files and loopback feeds."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli import RSS, rss, run_cli, write_config
from tests.support.httpserver import LocalServer

TREE = """\
  # news first
  新闻:
    BBC:                      # the BBC
      中文: {url}
  # tech below
  tech:
    lwn:
      headlines: {url2}   # main feed
"""


def _config(tmp_path: Path, server: LocalServer) -> Path:
    url = server.route("/bbc", rss(("一", "b1")), headers={"Content-Type": RSS})
    url2 = server.route("/lwn", rss(("two", "l1"), ("three", "l2")), headers={"Content-Type": RSS})
    return write_config(tmp_path, TREE.format(url=url, url2=url2))


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_list_shows_the_tree_with_each_feeds_health(tmp_path: Path, server: LocalServer) -> None:
    cfg = _config(tmp_path, server)
    missing = server.url("/missing")
    run_cli("feeds", "add", "tech/lwn/gone", missing, "-c", str(cfg))
    run_cli("run", "-c", str(cfg))
    result = run_cli("feeds", "list", "-c", str(cfg))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("3 feeds in ")
    assert any("新闻" in line for line in lines) and any("BBC" in line for line in lines)
    headlines = next(line for line in lines if "headlines" in line)
    assert "ok, 2 items" in headlines
    gone = next(line for line in lines if "gone" in line)
    assert "failing ×1" in gone and "HTTP 404" in gone
    rows = json.loads(run_cli("feeds", "list", "--json", "-c", str(cfg)).output)
    assert [r["path"] for r in rows] == ["新闻/BBC/中文", "tech/lwn/headlines", "tech/lwn/gone"]
    assert rows[2]["error_streak"] == 1 and rows[2]["paused_by"] is None


def test_add_writes_one_line_and_keeps_comments(tmp_path: Path, server: LocalServer) -> None:
    cfg = _config(tmp_path, server)
    before = _lines(cfg)
    url = server.route("/feat", rss(("f", "f1")), headers={"Content-Type": RSS})
    result = run_cli("feeds", "add", "tech/lwn/features", url, "-c", str(cfg))
    assert result.exit_code == 0, result.output
    assert "added tech/lwn/features" in result.output
    after = _lines(cfg)
    assert [line for line in after if line not in before] == [f"      features: {url}"]
    assert [line for line in before if line not in after] == []
    assert run_cli("run", "-c", str(cfg)).exit_code == 0
    assert len(server.requests("/feat")) == 1


def test_add_creates_missing_levels(tmp_path: Path, server: LocalServer) -> None:
    cfg = _config(tmp_path, server)
    result = run_cli("feeds", "add", "开发/开源中国/资讯", "rsshub://oschina/news", "-c", str(cfg))
    assert result.exit_code == 0, result.output
    rows = json.loads(run_cli("feeds", "list", "--json", "-c", str(cfg)).output)
    assert rows[-1]["path"] == "开发/开源中国/资讯"
    assert rows[-1]["url"] == "https://rsshub.app/oschina/news"


def test_add_refuses_bad_input_and_leaves_the_file_alone(
    tmp_path: Path, server: LocalServer
) -> None:
    cfg = _config(tmp_path, server)
    before = cfg.read_bytes()
    lwn = server.url("/lwn")
    for args, words in [
        (("tech/lwn/x", "not a url"), "not a feed URL"),
        (("tech/lwn/x", "ftp://example.com/feed"), "not a feed URL"),
        (("tech/lwn", "https://example.com/feed"), "GROUP/SOURCE/CHANNEL"),
        (("tech/lwn/headlines", "https://example.com/other"), "already exists"),
        (("x/y/z", lwn), "already in the config, as tech/lwn/headlines"),
        (("tech/lwn/full_text", "https://example.com/f"), "source option"),
    ]:
        result = run_cli("feeds", "add", *args, "-c", str(cfg))
        assert result.exit_code == 2, (args, result.output)
        assert words in result.output, (args, result.output)
    assert cfg.read_bytes() == before


def test_add_check_fetches_first(tmp_path: Path, server: LocalServer) -> None:
    cfg = _config(tmp_path, server)
    good = server.route("/good", rss(("a", "a1"), ("b", "b2"), title="Good Feed"))
    result = run_cli("feeds", "add", "tech/good/all", good, "--check", "-c", str(cfg))
    assert result.exit_code == 0, result.output
    assert "checked: “Good Feed”, 2 item(s)" in result.output
    before = cfg.read_bytes()
    page = server.route(
        "/page", b"<html><body>hi</body></html>", headers={"Content-Type": "text/html"}
    )
    for url, cause in [(server.url("/nothing"), "HTTP 404"), (page, "HTML page")]:
        result = run_cli("feeds", "add", "tech/bad/x", url, "--check", "-c", str(cfg))
        assert result.exit_code == 1, result.output
        assert "check failed, nothing added" in result.output and cause in result.output
    assert cfg.read_bytes() == before


def test_remove_by_path_or_url_keeps_other_lines(tmp_path: Path, server: LocalServer) -> None:
    cfg = _config(tmp_path, server)
    before = _lines(cfg)
    result = run_cli("feeds", "remove", server.url("/lwn"), "-c", str(cfg))
    assert result.exit_code == 0, result.output
    gone = [line for line in before if line not in _lines(cfg)]
    assert gone == ["  tech:", "    lwn:", f"      headlines: {server.url('/lwn')}   # main feed"]
    assert "  # tech below" in _lines(cfg)  # a comment is never lost with the feed below it
    assert run_cli("feeds", "remove", "新闻/BBC/中文", "-c", str(cfg)).exit_code == 0
    result = run_cli("feeds", "remove", "no/such/feed", "-c", str(cfg))
    assert result.exit_code == 2 and "is not a feed in" in result.output


def test_pause_stops_fetching_until_resume(tmp_path: Path, server: LocalServer) -> None:
    cfg = _config(tmp_path, server)
    result = run_cli("feeds", "pause", "tech/lwn/headlines", "-c", str(cfg))
    assert result.exit_code == 0 and "paused tech/lwn/headlines" in result.output
    assert "paused: true" in cfg.read_text(encoding="utf-8")
    assert "# main feed" in cfg.read_text(encoding="utf-8")
    assert (
        "was already paused"
        in run_cli("feeds", "pause", "tech/lwn/headlines", "-c", str(cfg)).output
    )
    assert run_cli("run", "-c", str(cfg)).exit_code == 0  # a paused feed is no failure
    assert server.requests("/lwn") == []
    rows = json.loads(run_cli("status", "--json", "-c", str(cfg)).output)
    assert rows[1]["paused"] and rows[1]["paused_by"] == "config"
    result = run_cli("feeds", "resume", "tech/lwn/headlines", "-c", str(cfg))
    assert "resumed tech/lwn/headlines (was paused: config)" in result.output
    assert "paused" not in cfg.read_text(encoding="utf-8")
    assert run_cli("run", "-c", str(cfg)).exit_code == 0
    assert len(server.requests("/lwn")) == 1


def test_resume_says_when_a_feed_was_not_paused(tmp_path: Path, server: LocalServer) -> None:
    cfg = _config(tmp_path, server)
    result = run_cli("feeds", "resume", "新闻/BBC/中文", "-c", str(cfg))
    assert result.exit_code == 0
    assert "新闻/BBC/中文 was not paused" in result.output
    assert run_cli("feeds", "resume", "-c", str(cfg)).output.strip() == "no feed is paused"


def test_a_paused_feed_is_still_exported(tmp_path: Path, server: LocalServer) -> None:
    cfg = _config(tmp_path, server)
    run_cli("feeds", "pause", "tech/lwn/headlines", "-c", str(cfg))
    assert server.url("/lwn") in run_cli("export-opml", "-c", str(cfg)).output


def test_looking_before_the_first_run_creates_no_database(
    tmp_path: Path, server: LocalServer
) -> None:
    cfg = _config(tmp_path, server)
    for command in (["feeds", "list"], ["status"], ["status", "--json"]):
        result = run_cli(*command, "-c", str(cfg))
        assert result.exit_code == 0, result.output
    rows = json.loads(run_cli("status", "--json", "-c", str(cfg)).output)
    assert [(r["items"], r["last_attempt"]) for r in rows] == [(0, None), (0, None)]
    assert not list(tmp_path.glob("*.db*")), "a look must not create the store"
