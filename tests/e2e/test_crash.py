"""Crash safety: SIGKILL `newsdesk run` at many points, rerun, and nothing is lost or doubled."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.test_run import RSS, rss
from tests.support.httpserver import LocalServer, Reply, Request

FEEDS, ITEMS = 8, 25


def _run(cfg: Path, crash_at: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "NEWSDESK_CRASH_AT"}
    if crash_at:
        env["NEWSDESK_CRASH_AT"] = crash_at
    return subprocess.run(
        [sys.executable, "-m", "newsdesk.cli", "-q", "run", "-c", str(cfg)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.fixture
def many_feeds(server: LocalServer, write_config) -> Path:
    lines = []
    for n in range(FEEDS):
        body = rss(*[(f"源{n} 第{i}条", f"f{n}-{i}") for i in range(ITEMS)])

        def handler(req: Request, body: bytes = body) -> Reply:
            if req.headers.get("If-None-Match") == '"same"':
                return Reply(304, headers={"ETag": '"same"'})
            return Reply(200, body, {"Content-Type": RSS, "ETag": '"same"'})

        lines.append(f"      c{n}: {server.route(f'/f{n}', handler=handler)}\n")
    return write_config("  g:\n    s:\n" + "".join(lines))


# Each sequence kills the run at several points in a row before a clean run finishes it.
# Counts are per run, so each point must still be reachable given what earlier runs did.
SEQUENCES = [
    ["fetched:1"],
    ["fetched:4", "stored:2"],
    ["stored:1", "stored:3", "stored:4"],
    ["written:1"],
    ["written:37", "written:120", "written:5"],
    ["stored:8", "written:199", "written:150"],
]


@pytest.mark.parametrize("crashes", SEQUENCES, ids=lambda s: "+".join(s))
def test_killed_runs_lose_nothing_and_publish_once(
    many_feeds: Path, crashes: list[str], tmp_path: Path
) -> None:
    for point in crashes:
        result = _run(many_feeds, point)
        assert result.returncode == -9, (point, result.stdout, result.stderr)
    final = _run(many_feeds, None)
    assert final.returncode == 0, final.stderr

    posts_dir = tmp_path / "blog/source/_posts"
    files = sorted(posts_dir.iterdir())
    assert all(p.suffix == ".md" for p in files), [p.name for p in files]  # no temp leftovers
    texts = [p.read_text(encoding="utf-8") for p in files]
    assert len(texts) == FEEDS * ITEMS  # every article, exactly once
    for text in texts:  # no partial or empty file
        assert text.startswith("\n---\ntitle: '") and text.endswith("</div>\n            ")
    titles = {t.split("\n", 3)[2] for t in texts}
    assert len(titles) == FEEDS * ITEMS

    db = sqlite3.connect(tmp_path / "newsdesk.db")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == FEEDS * ITEMS
    db.close()

    # A rerun after recovery changes nothing (every feed answers 304, no file rewritten).
    before = {p.name: p.stat().st_mtime_ns for p in files}
    assert _run(many_feeds, None).returncode == 0
    assert {p.name: p.stat().st_mtime_ns for p in posts_dir.iterdir()} == before
