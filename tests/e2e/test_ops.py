"""Operating commands end to end: OPML in and out, prune with tombstones, watch, resume."""

from __future__ import annotations

import json
from pathlib import Path

from lxml import etree

from tests.e2e.conftest import run_cli
from tests.e2e.test_run import RSS, posts, rss
from tests.support.httpserver import LocalServer, Reply, Request

OPML = b"""<?xml version="1.0"?><opml version="2.0"><head><title>mine</title></head><body>
<outline text="Tech"><outline text="cnBeta">
  <outline text="all" type="rss" xmlUrl="https://rss.example.com/cnbeta"/>
</outline></outline>
<outline text="Flat feed" type="rss" xmlUrl="rsshub://zaker/channel/13"/>
</body></opml>"""


def test_import_then_export_keeps_every_feed_and_comments(tmp_path: Path) -> None:
    cfg = tmp_path / "newsdesk.yaml"
    cfg.write_text(
        "# my mirror\nrsshub: https://hub.example.org\ngroups:\n  编程:  # keep me\n"
        "    Dockone:\n      周报: https://dockone.io/rss\n",
        encoding="utf-8",
    )
    opml = tmp_path / "subs.opml"
    opml.write_bytes(OPML)
    result = run_cli("import-opml", str(opml), "-c", str(cfg))
    assert result.exit_code == 0, result.output
    assert "added 2" in result.output
    text = cfg.read_text(encoding="utf-8")
    assert "# my mirror" in text and "# keep me" in text
    again = run_cli("import-opml", str(opml), "-c", str(cfg))
    assert "added 0" in again.output and "2 duplicate" in again.output

    exported = run_cli("export-opml", "-c", str(cfg))
    assert exported.exit_code == 0, exported.output
    urls = {
        o.get("xmlUrl")
        for o in etree.fromstring(exported.output.encode()).iter("outline")
        if o.get("xmlUrl")
    }
    assert urls == {
        "https://dockone.io/rss",
        "https://rss.example.com/cnbeta",
        "https://hub.example.org/zaker/channel/13",
    }


def test_prune_removes_posts_and_tombstone_blocks_readd(
    server: LocalServer, write_config, tmp_path: Path
) -> None:
    items = [(f"第{i}条", f"id{i}") for i in range(5)]
    url = server.route("/many", rss(*items), headers={"Content-Type": RSS})
    cfg = write_config(f"  g:\n    s:\n      c: {url}\n", extra="keep_per_channel: 2\n")
    assert run_cli("run", "-c", str(cfg)).exit_code == 0
    assert len(posts(tmp_path)) == 5
    result = run_cli("prune", "-c", str(cfg))
    assert result.exit_code == 0, result.output
    assert "pruned 3" in result.output
    assert len(posts(tmp_path)) == 2
    # The feed still lists all five: pruned ones must not come back.
    assert run_cli("run", "-c", str(cfg)).exit_code == 0
    assert len(posts(tmp_path)) == 2


def test_watch_once_publishes_and_runs_after_publish(
    server: LocalServer, write_config, tmp_path: Path
) -> None:
    url = server.route("/w", rss(("观察", "w1")), headers={"Content-Type": RSS})
    marker = tmp_path / "after.txt"
    cfg = write_config(
        f"  g:\n    s:\n      c: {url}\n",
        extra=f"watch:\n  after_publish: echo published > {marker.name}\n",
    )
    result = run_cli("watch", "--once", "-c", str(cfg))
    assert result.exit_code == 0, result.output
    assert len(posts(tmp_path)) == 1
    assert marker.read_text().strip() == "published"
    marker.unlink()
    # Nothing changed: after_publish does not run again.
    assert run_cli("watch", "--once", "-c", str(cfg)).exit_code == 0
    assert not marker.exists()


def test_gone_feed_is_paused_and_resumed(server: LocalServer, write_config) -> None:
    def gone_then_back(req: Request) -> Reply:
        if req.count == 1:
            return Reply(410, b"gone")
        return Reply(200, rss(("回来了", "b1")), {"Content-Type": RSS})

    url = server.route("/gone", handler=gone_then_back)
    cfg = write_config(f"  g:\n    s:\n      c: {url}\n")
    assert run_cli("run", "-c", str(cfg)).exit_code == 1
    status = json.loads(run_cli("status", "--json", "-c", str(cfg)).output)[0]
    assert status["paused"] and "410" in status["last_error"]
    # Paused: the next run does not poll it.
    run_cli("run", "-c", str(cfg))
    assert len(server.requests("/gone")) == 1
    assert run_cli("feeds", "resume", "-c", str(cfg)).exit_code == 0
    assert run_cli("run", "-c", str(cfg)).exit_code == 0
    status = json.loads(run_cli("status", "--json", "-c", str(cfg)).output)[0]
    assert not status["paused"] and status["error_streak"] == 0


def test_exclude_filter_drops_sponsored_posts(
    server: LocalServer, write_config, tmp_path: Path
) -> None:
    url = server.route(
        "/ads", rss(("好文章", "a1"), ("【广告】买买买", "a2")), headers={"Content-Type": RSS}
    )
    cfg = write_config(f"  g:\n    s:\n      exclude: ['广告']\n      c: {url}\n")
    assert run_cli("run", "-c", str(cfg)).exit_code == 0
    texts = list(posts(tmp_path).values())
    assert len(texts) == 1 and "好文章" in texts[0]


def test_bad_filter_pattern_is_a_config_error(write_config) -> None:
    cfg = write_config("  g:\n    s:\n      exclude: ['(unclosed']\n      c: http://x.invalid/\n")
    result = run_cli("run", "-c", str(cfg))
    assert result.exit_code == 2
    assert "exclude" in result.output and "newsdesk.yaml:" in result.output
