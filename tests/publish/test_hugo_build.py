"""Real Hugo reads our posts: `hugo --quiet` builds and each page shows title and body."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from newsdesk.models import Article
from newsdesk.publish import hugo
from newsdesk.publish.frontmatter import theme_text
from newsdesk.publish.hexo import category_chain
from newsdesk.publish.hugo import CONTENT_DIR, SITE_CONFIG
from tests.publish.strategies import articles, collect
from tests.publish.test_golden import CASES, PLACEHOLDER, PROXY, load_case

HUGO = shutil.which("hugo")
pytestmark = pytest.mark.skipif(
    HUGO is None, reason="hugo not on PATH (Debian ships it: apt-get install hugo)"
)

_LAYOUT = """<!DOCTYPE html><html><body>
<h1 id="title">{{ .Title }}</h1>
<time>{{ .Date.UTC.Format "2006-01-02T15:04:05Z07:00" }}</time>
<ul>{{ range .Params.categories }}<li class="cat">{{ . }}</li>{{ end }}</ul>
{{ range .Params.images }}<meta name="image" content="{{ . }}">{{ end }}
<article>@@start@@{{ .Content }}@@end@@</article>
</body></html>
"""
_LIST = "<!DOCTYPE html><html><body>{{ range .Pages }}{{ .Title }}{{ end }}</body></html>\n"


def _site(root: Path) -> Path:
    (root / "layouts" / "_default").mkdir(parents=True)
    (root / "layouts" / "_default" / "single.html").write_text(_LAYOUT)
    (root / "layouts" / "_default" / "list.html").write_text(_LIST)
    (root / "layouts" / "index.html").write_text(_LIST)
    (root / "config.toml").write_text(
        'baseURL = "http://example.com/"\ntitle = "probe"\ndisableKinds = ["RSS", "sitemap"]\n'
        + SITE_CONFIG
    )
    return root


def _build(tmp_path: Path, articles: list[Article]) -> dict[str, tuple[Article, str, str]]:
    """Write ``articles`` into a fresh Hugo site, build it, return stem -> (article, file, page)."""
    site = _site(tmp_path / "site")
    written = {}
    for article in articles:
        text = hugo.render_post(article, image_url=PROXY, placeholder=PLACEHOLDER)
        path = site / CONTENT_DIR / hugo.post_filename(article)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        written[path.stem] = (article, text)
    proc = subprocess.run(
        [str(HUGO), "--quiet", "-s", str(site), "-d", str(tmp_path / "public")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not re.search(r"\b(ERROR|WARN)\b", proc.stdout + proc.stderr), proc.stdout + proc.stderr
    pages = {}
    for stem, (article, text) in written.items():
        page = tmp_path / "public" / "posts" / stem / "index.html"
        pages[stem] = (article, text, page.read_text(encoding="utf-8"))
    return pages


def _problems(article: Article, text: str, page: str) -> list[str]:
    problems = []
    title = re.search(r'<h1 id="title">(.*?)</h1>', page, re.DOTALL)
    if not title or html.unescape(title.group(1)) != theme_text(article.title):
        problems.append(f"title {title and title.group(1)!r}")
    content = re.search(r"@@start@@(.*?)@@end@@", page, re.DOTALL)
    if not content or content.group(1) != text.split("\n---\n", 1)[1]:
        problems.append(f"body {content and content.group(1)!r}")
    cats = [html.unescape(c) for c in re.findall(r'<li class="cat">(.*?)</li>', page, re.DOTALL)]
    if cats != category_chain(article):
        problems.append(f"categories {cats!r}")
    if "raw HTML omitted" in page:
        problems.append("goldmark omitted raw HTML")
    return problems


def test_hugo_builds_golden_posts(tmp_path: Path) -> None:
    pages = _build(tmp_path, [load_case(case) for case in CASES])
    for stem, (article, text, page) in pages.items():
        assert not _problems(article, text, page), (stem, _problems(article, text, page))


def test_hugo_reads_back_generated_posts(tmp_path: Path) -> None:
    pages = _build(tmp_path, collect(articles, 100))
    failed = {stem: _problems(*value) for stem, value in pages.items() if _problems(*value)}
    assert not failed, list(failed.items())[:5]
