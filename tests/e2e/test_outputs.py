"""Output targets, the proxy_server section, full text, watch shutdown and the demo."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.e2e.conftest import run_cli
from tests.e2e.test_run import RSS, posts, rss
from tests.support.httpserver import LocalServer


def test_hugo_and_jekyll_targets_selected_in_config(
    server: LocalServer, write_config, tmp_path: Path
) -> None:
    url = server.route("/f", rss(("三个目标", "t1")), headers={"Content-Type": RSS})
    cfg = write_config(f"  g:\n    s:\n      c: {url}\n", extra="outputs: [hexo, hugo, jekyll]\n")
    result = run_cli("run", "-c", str(cfg))
    assert result.exit_code == 0, result.output
    assert len(posts(tmp_path)) == 1
    hugo = list((tmp_path / "hugo/content/posts").glob("*.md"))
    jekyll = list((tmp_path / "jekyll/_posts").glob("2025-11-18-*.html"))
    assert len(hugo) == 1 and "三个目标" in hugo[0].read_text(encoding="utf-8")
    assert len(jekyll) == 1 and "三个目标" in jekyll[0].read_text(encoding="utf-8")


PROXY_SECTION = """proxy_server:
  listen: 127.0.0.1:8081
  public_url: https://img.example.org/
  keys: [env:NEWSDESK_PROXY_KEY]
"""


def test_proxy_server_section_signs_post_images(
    server: LocalServer, write_config, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("NEWSDESK_PROXY_KEY", "test-key-0123456789")
    url = server.route("/f", rss(("签名图片", "p1")), headers={"Content-Type": RSS})
    cfg = write_config(f"  g:\n    s:\n      c: {url}\n", extra=PROXY_SECTION)
    assert run_cli("run", "-c", str(cfg)).exit_code == 0
    text = next(iter(posts(tmp_path).values()))
    signed = run_cli("proxy", "sign", "-c", str(cfg), "http://img.example.com/p1.jpg")
    assert signed.exit_code == 0, signed.output
    proxied = signed.output.strip()
    assert proxied.startswith("https://img.example.org/") and "img.example.com" not in proxied
    assert f'src="{proxied}"' in text
    assert f"headimg: '{proxied}'" in text
    # The store keeps originals: the raw URL is still in the post's history, not the file.
    assert 'src="http://img.example.com/p1.jpg"' not in text


def test_missing_proxy_key_is_a_config_error(write_config, monkeypatch) -> None:
    monkeypatch.delenv("NEWSDESK_PROXY_KEY", raising=False)
    cfg = write_config("  g:\n    s:\n      c: http://x.invalid/\n", extra=PROXY_SECTION)
    result = run_cli("run", "-c", str(cfg))
    assert result.exit_code == 2
    assert "NEWSDESK_PROXY_KEY" in result.output


def test_changing_the_proxy_republishes_without_refetching(
    server: LocalServer, write_config, tmp_path: Path
) -> None:
    url = server.route("/f", rss(("换代理", "c1")), headers={"Content-Type": RSS})
    cfg = write_config(
        f"  g:\n    s:\n      c: {url}\n", extra='image_proxy: "https://a.example/?"\n'
    )
    assert run_cli("run", "-c", str(cfg)).exit_code == 0
    cfg.write_text(cfg.read_text().replace("https://a.example/?", "https://b.example/?"))
    result = run_cli("publish", "-c", str(cfg))
    assert result.exit_code == 0, result.output
    text = next(iter(posts(tmp_path).values()))
    assert 'src="https://b.example/?http://img.example.com/c1.jpg"' in text
    assert len(server.requests("/f")) == 1  # no re-fetch


ARTICLE_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>x</title></head><body>
<nav>首页 | 新闻 | 登录</nav><div class="ad">广告：买买买</div>
<article><h1>全文标题</h1><p>这是全文的第一段，比摘要长得多，包含了文章的完整内容和细节。</p>
<p>第二段继续讲述事件的来龙去脉，以及各方的反应和专家的分析意见。</p>
<p>第三段是结尾，总结了事件的影响，并展望了未来可能的发展方向。</p></article>
<footer>版权所有</footer></body></html>"""


def test_full_text_fetches_the_article_page(
    server: LocalServer, write_config, tmp_path: Path
) -> None:
    page = server.route(
        "/article/1", ARTICLE_PAGE, headers={"Content-Type": "text/html; charset=utf-8"}
    )
    feed = (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t'
        b"</title><item><title>summary only</title><link>"
        + page.encode()
        + b"</link><guid>ft1</guid><description>just a teaser</description></item>"
        b"</channel></rss>"
    )
    url = server.route("/summaries", feed, headers={"Content-Type": RSS})
    cfg = write_config(  # the test server is on loopback: a private address
        f"  g:\n    s:\n      full_text: true\n      full_text_private: true\n"
        f"      drop: ['.ad']\n      c: {url}\n"
    )
    assert run_cli("run", "-c", str(cfg)).exit_code == 0
    text = next(iter(posts(tmp_path).values()))
    assert "第二段继续讲述" in text and "买买买" not in text
    assert run_cli("run", "-c", str(cfg)).exit_code == 0
    assert len(server.requests("/article/1")) == 1  # stored articles are not re-fetched
    # The feed edits its item: still no second fetch, and the full text stays.
    server.route("/summaries", feed.replace(b"just a teaser", b"an edited teaser"))
    assert run_cli("run", "-c", str(cfg)).exit_code == 0
    assert len(server.requests("/article/1")) == 1
    text = next(iter(posts(tmp_path).values()))
    assert "第二段继续讲述" in text, "the stored full text is kept"


def test_watch_stops_cleanly_on_sigterm(server: LocalServer, write_config, tmp_path: Path) -> None:
    url = server.route("/w", rss(("守候", "w1")), headers={"Content-Type": RSS})
    cfg = write_config(f"  g:\n    s:\n      c: {url}\n")
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsdesk.cli", "watch", "-c", str(cfg)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while not posts(tmp_path):
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.1)
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    # The lock is released: a run can start right away.
    assert run_cli("run", "-c", str(cfg)).exit_code == 0


def test_demo_runs_offline(tmp_path: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "newsdesk.cli", "demo", "--out", str(tmp_path / "demo")],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    posts_dir = tmp_path / "demo/blog/source/_posts"
    assert len(list(posts_dir.glob("*.md"))) >= 15
    assert (tmp_path / "demo/public/index.html").exists()
    # It says where the posts are (rich may wrap the long path, so compare without spaces).
    assert str(posts_dir) in re.sub(r"\s+", "", result.stdout)
    # The closing hint works when copied after the demo ends: no ephemeral port in it.
    hint = result.stdout.split("Next:", 1)[1]
    assert re.findall(r"127\.0\.0\.1:(\d+)", hint) == ["8080"]
    assert "newsdesk demo --serve" in hint and "newsdesk init" in hint
