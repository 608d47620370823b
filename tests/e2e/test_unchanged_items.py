"""An item the feed sends unchanged is not cleaned, saved or published again (raw_hash).

The feeds here answer 200 every time (no ETag, no Last-Modified), so nothing short-cuts
the run before the items are looked at. Cleaning is counted at the process stage's own
seam (``newsdesk.process.clean_html``), with the real function doing the work.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import newsdesk.process
from tests.e2e.conftest import run_cli
from tests.support.httpserver import LocalServer, Reply

RSS = "application/rss+xml; charset=utf-8"


def feed(bodies: dict[str, str]) -> bytes:
    items = "".join(
        f"<item><title>标题 {guid}</title><link>http://example.com/{guid}</link>"
        f"<guid>{guid}</guid><pubDate>Tue, 18 Nov 2025 08:00:00 +0800</pubDate>"
        f"<description><![CDATA[{body}]]></description></item>"
        for guid, body in bodies.items()
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        f"<link>http://example.com/</link><description>d</description>{items}</channel></rss>"
    ).encode()


BODIES = {g: f"<p>正文 {g}</p><img src='http://img.example.com/{g}.jpg'>" for g in "abc"}


@pytest.fixture
def cleaned(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The bodies ``clean_html`` was called on, in order (the real function still runs)."""
    calls: list[str] = []
    real: Callable[..., str] = newsdesk.process.clean_html

    def counting(html: str, *args: Any, **kwargs: Any) -> str:
        calls.append(html)
        return real(html, *args, **kwargs)

    monkeypatch.setattr(newsdesk.process, "clean_html", counting)
    return calls


def _posts(tmp_path: Path) -> dict[str, tuple[str, int]]:
    folder = tmp_path / "blog/source/_posts"
    return {p.name: (p.read_text("utf-8"), p.stat().st_mtime_ns) for p in folder.glob("*.md")}


def _reply(bodies: dict[str, str]) -> Reply:
    return Reply(200, feed(bodies), {"Content-Type": RSS})  # no validators: never a 304


def _run(cfg: Path) -> None:
    result = run_cli("run", "-c", str(cfg))
    assert result.exit_code == 0, result.output


def test_unchanged_items_are_not_cleaned_again(
    server: LocalServer, write_config: Callable[..., Path], tmp_path: Path, cleaned: list[str]
) -> None:
    bodies = dict(BODIES)
    url = server.route("/feed", handler=lambda _req: _reply(bodies))
    cfg = write_config(f"  g:\n    s:\n      c: {url}\n")

    _run(cfg)
    assert len(cleaned) == 3
    first = _posts(tmp_path)
    assert len(first) == 3

    cleaned.clear()
    _run(cfg)
    assert len(server.requests("/feed")) == 2  # fetched again, answered 200 again
    assert cleaned == []
    assert _posts(tmp_path) == first  # nothing rewritten, mtimes kept

    bodies["b"] = "<p>正文 b，更正后的版本</p>"
    _run(cfg)
    assert cleaned == [bodies["b"]]  # only the changed item
    after = _posts(tmp_path)
    changed = [name for name in after if after[name] != first[name]]
    assert len(changed) == 1 and "更正后的版本" in after[changed[0]][0]


def test_same_article_from_new_raw_bytes_is_cleaned_once_then_remembered(
    server: LocalServer, write_config: Callable[..., Path], tmp_path: Path, cleaned: list[str]
) -> None:
    """A raw change that cleaning erases (a comment) re-cleans the item once, republishes
    nothing, and is remembered: the run after that cleans nothing."""
    bodies = dict(BODIES)
    url = server.route("/feed", handler=lambda _req: _reply(bodies))
    cfg = write_config(f"  g:\n    s:\n      c: {url}\n")
    _run(cfg)
    first = _posts(tmp_path)

    bodies["a"] = BODIES["a"] + "<!-- tracking 123 -->"
    cleaned.clear()
    _run(cfg)
    assert cleaned == [bodies["a"]]
    assert _posts(tmp_path) == first

    cleaned.clear()
    _run(cfg)
    assert cleaned == []
    with sqlite3.connect(tmp_path / "newsdesk.db") as db:
        hashes = [row[0] for row in db.execute("SELECT raw_hash FROM articles")]
    db.close()
    assert len(hashes) == 3 and all(hashes) and len(set(hashes)) == 3


def test_changed_source_options_clean_every_item_again(
    server: LocalServer, write_config: Callable[..., Path], tmp_path: Path, cleaned: list[str]
) -> None:
    """The raw hash covers what else decides an article: here a new ``drop`` selector."""
    bodies = dict(BODIES)
    url = server.route("/feed", handler=lambda _req: _reply(bodies))
    _run(write_config(f"  g:\n    s:\n      c: {url}\n"))
    cleaned.clear()
    _run(write_config(f"  g:\n    s:\n      drop: [img]\n      c: {url}\n"))
    assert len(cleaned) == 3
