"""Real Jekyll reads our posts: title, date, categories, and the body Liquid left alone."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import UTC
from pathlib import Path

import pytest

from newsdesk.models import Article
from newsdesk.publish import jekyll
from newsdesk.publish.frontmatter import theme_text
from newsdesk.publish.hexo import category_chain
from newsdesk.publish.jekyll import POSTS_DIR, SITE_CONFIG
from tests.publish.strategies import articles, collect
from tests.publish.test_golden import CASES, PLACEHOLDER, PROXY, load_case

JEKYLL = shutil.which("jekyll")
pytestmark = pytest.mark.skipif(
    JEKYLL is None, reason="jekyll not on PATH (Debian ships it: apt-get install jekyll)"
)

_CONFIG = "title: probe\n" + SITE_CONFIG
_LAYOUT = """<!DOCTYPE html><html><body>
@@title@@{{ page.title | jsonify }}@@end@@
@@date@@{{ page.date | date_to_xmlschema }}@@end@@
@@categories@@{{ page.categories | jsonify }}@@end@@
@@content@@{{ content }}@@end@@
</body></html>
"""


def _field(page: str, name: str) -> str | None:
    found = re.search(f"@@{name}@@(.*?)@@end@@", page, re.DOTALL)
    return found.group(1) if found else None


def _build(tmp_path: Path, batch: list[Article]) -> dict[str, tuple[Article, str, str]]:
    site = tmp_path / "site"
    (site / "_layouts").mkdir(parents=True)
    (site / "_layouts" / "post.html").write_text(_LAYOUT)
    (site / "_config.yml").write_text(_CONFIG)
    written = {}
    for article in batch:
        text = jekyll.render_post(article, image_url=PROXY, placeholder=PLACEHOLDER)
        path = site / POSTS_DIR / jekyll.post_filename(article)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        written[path.name] = (article, text)
    proc = subprocess.run(
        [str(JEKYLL), "build", "--quiet", "-s", str(site), "-d", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log
    assert not re.search(r"\b(Error|ERROR|Warning|WARN)\b", log), log
    pages = {}
    for name, (article, text) in written.items():
        stem = name.removesuffix(".html")[len("YYYY-MM-DD-") :]
        day = article.published.astimezone(UTC).strftime("%Y/%m/%d")
        page = tmp_path / "out" / day / stem / "index.html"
        pages[name] = (article, text, page.read_text(encoding="utf-8"))
    return pages


def _problems(article: Article, text: str, page: str) -> list[str]:
    problems = []
    title = _field(page, "title")
    if title is None or json.loads(title) != theme_text(article.title):
        problems.append(f"title {title!r}")
    date = _field(page, "date")
    want = article.published.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    if date != want:
        problems.append(f"date {date!r} != {want!r}")
    cats = _field(page, "categories")
    want_cats = list(dict.fromkeys(category_chain(article)))  # a set in Jekyll
    if cats is None or json.loads(cats) != want_cats:
        problems.append(f"categories {cats!r} != {want_cats!r}")
    body = text.split("\n---\n", 1)[1]
    if _field(page, "content") != body:
        problems.append(f"body {_field(page, 'content')!r} != {body!r}")
    return problems


def test_jekyll_builds_golden_posts(tmp_path: Path) -> None:
    pages = _build(tmp_path, [load_case(case) for case in CASES])
    failed = {name: _problems(*value) for name, value in pages.items() if _problems(*value)}
    assert not failed, failed


def test_jekyll_reads_back_generated_posts(tmp_path: Path) -> None:
    pages = _build(tmp_path, collect(articles, 100))
    failed = {name: _problems(*value) for name, value in pages.items() if _problems(*value)}
    assert not failed, list(failed.items())[:5]
