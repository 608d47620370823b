"""The seed post, reproduced through `newsdesk run` from an RSS item carrying its article."""

from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import escape

from tests.conftest import FIXTURES
from tests.e2e.conftest import run_cli
from tests.support.httpserver import LocalServer

SEED = (FIXTURES / "seed_post.md").read_text(encoding="utf-8")
PROXY = "https://cors.zfour.workers.dev/?"


def _seed_parts() -> tuple[str, str, str]:
    """(front matter block, title, original body) of the seed post."""
    front = SEED.split("\n---\n\n", 1)[0] + "\n---\n"
    title = re.search(r"^title: '(.*)'$", SEED, re.M).group(1).replace("''", "'")
    body = SEED.split("<div>   \n", 1)[1].rsplit("  \n</div>", 1)[0]
    # What the source fed: images only in data-original, no proxy (the seed system added it).
    original = re.sub(r' src="https://cors\.zfour\.workers\.dev/\?[^"]*"', "", body)
    original = original.replace(' referrerpolicy="no-referrer"', "")
    return front, title, original


def _rss(title: str, body: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        "<title>ZAKER</title><link>http://www.myzaker.com/</link><description>x</description>"
        f"<item><title>{escape(title)}</title><link>http://www.myzaker.com/article/63107a37</link>"
        "<guid>http://www.myzaker.com/article/63107a378e9f0902e337aad8</guid>"
        "<pubDate>Thu, 01 Sep 2022 11:09:17 +0800</pubDate>"
        f"<description><![CDATA[{body}]]></description></item></channel></rss>"
    ).encode()


def _img_tags(html: str) -> list[str]:
    return re.findall(r"<img\b[^>]*>", html)


def test_seed_post_reproduced(server: LocalServer, write_config, tmp_path: Path) -> None:
    front, title, body = _seed_parts()
    assert "data-original" in body and PROXY not in body
    url = server.route(
        "/zaker/source", _rss(title, body), headers={"Content-Type": "application/rss+xml"}
    )
    cfg = write_config(
        f"  新媒体:\n    ZAKER:\n      source: {url}\n", extra=f'image_proxy: "{PROXY}"\n'
    )
    result = run_cli("run", "-c", str(cfg))
    assert result.exit_code == 0, result.output
    posts = list((tmp_path / "blog/source/_posts").glob("*.md"))
    assert len(posts) == 1
    text = posts[0].read_text(encoding="utf-8")
    ours_front = text.split("\n---\n\n", 1)[0] + "\n---\n"
    assert ours_front == front
    # Same proxied images, in the same order, with the raw URL kept in data-original.
    assert _img_tags(text) == _img_tags(SEED)
    # The seed's layout around the body, byte for byte.
    assert text.startswith("\n---\ntitle: '")
    assert "\n---\n\n<div>   \n<p>" in text
    assert text.endswith("</p>  \n</div>\n            ")
