"""Publishing reads only the articles that changed since its last complete pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.store import articles as articles_table
from tests.e2e.conftest import run_cli
from tests.e2e.test_run import RSS, posts, rss
from tests.support.httpserver import LocalServer


def _no_full_pass(*args: object, **kwargs: object) -> object:
    raise AssertionError("publish walked every stored article")


def test_after_the_first_pass_publish_reads_only_what_changed(
    server: LocalServer, write_config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = server.route("/f", rss(("第一篇", "a1"), ("第二篇", "a2")), headers={"Content-Type": RSS})
    cfg = write_config(f"  g:\n    s:\n      c: {url}\n")
    assert run_cli("run", "-c", str(cfg)).exit_code == 0
    first = posts(tmp_path)
    server.route("/f", rss(("第三篇", "a3"), ("第一篇", "a1")), headers={"Content-Type": RSS})
    assert run_cli("fetch", "-c", str(cfg)).exit_code == 0
    monkeypatch.setattr(articles_table, "iter_pages", _no_full_pass)
    result = run_cli("publish", "-c", str(cfg))
    assert result.exit_code == 0, result.output
    assert "hexo: 1 new, 0 updated →" in result.output, "one post, nothing re-rendered"
    after = posts(tmp_path)
    assert set(after) - set(first) and all(after[name] == text for name, text in first.items())
    assert "1 new" not in run_cli("publish", "-c", str(cfg)).output, "nothing left to write"


def test_adding_an_ordinary_feed_republishes_nothing(
    server: LocalServer, write_config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = server.route("/f", rss(("第一篇", "a1")), headers={"Content-Type": RSS})
    other = server.route("/g", rss(), headers={"Content-Type": RSS})
    cfg = write_config(f"  g:\n    s:\n      c: {url}\n")
    assert run_cli("run", "-c", str(cfg)).exit_code == 0
    cfg.write_text(cfg.read_text() + f"    t:\n      c: {other}\n")
    monkeypatch.setattr(articles_table, "iter_pages", _no_full_pass)
    result = run_cli("publish", "-c", str(cfg))
    assert result.exit_code == 0, result.output
    assert "nothing new to write →" in result.output, "not even re-rendered"
    assert "re-rendered" not in result.output


def test_full_republishes_every_post_under_the_same_name(
    server: LocalServer, write_config, tmp_path: Path
) -> None:
    url = server.route("/f", rss(("第一篇", "a1"), ("第二篇", "a2")), headers={"Content-Type": RSS})
    cfg = write_config(f"  g:\n    s:\n      c: {url}\n")
    assert run_cli("run", "-c", str(cfg)).exit_code == 0
    before = posts(tmp_path)
    for path in (tmp_path / "blog/source/_posts").glob("*.md"):
        path.write_text("edited by hand", encoding="utf-8")
    result = run_cli("publish", "--full", "-c", str(cfg))
    assert result.exit_code == 0, result.output
    assert posts(tmp_path) == before


def test_site_state_file_is_where_the_config_says_and_never_in_out_dir(
    server: LocalServer, write_config, tmp_path: Path
) -> None:
    url = server.route("/f", rss(("第一篇", "a1")), headers={"Content-Type": RSS})
    extra = "site:\n  out_dir: ./public\n  state_file: ./state/site.sqlite\n"
    cfg = write_config(f"  g:\n    s:\n      c: {url}\n", extra)
    result = run_cli("run", "--build", "-c", str(cfg))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "state/site.sqlite").is_file()
    assert (tmp_path / "public/index.html").is_file()
    assert not list((tmp_path / "public").rglob("*.sqlite*")), "out_dir is what gets uploaded"
    assert not (tmp_path / ".public.newsdesk-site.sqlite").exists()
