"""Build what newsdesk published with each real generator, and say which pages to open.

    build_output(name, published, workdir, hexo_install) -> Output

``OUTPUTS`` names every output: the Hexo profiles with their real themes (volantis 6.8.3
and butterfly from npm; ``plain`` with tests/hexo/site/themes/raw, which prints every
string raw), Hugo and Jekyll with the layouts in ``themes/`` (titles, author and
categories printed the usual way, plus a script that puts the title back in as HTML, as
many themes do), and the built-in site.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from newsdesk.publish.hugo import SITE_CONFIG as HUGO_CONFIG
from newsdesk.publish.jekyll import SITE_CONFIG as JEKYLL_CONFIG
from tests.hexo.harness import run_hexo

from .pipeline import Published

__all__ = ["HEXO_OUTPUTS", "OUTPUTS", "Output", "build_output"]

THEMES = Path(__file__).parent / "themes"


@dataclass(frozen=True)
class Output:
    name: str
    public: Path  # the folder a web server serves
    pages: list[str]  # every generated page, relative to ``public``
    # Pages opened with a query that makes the theme's search render its results, each
    # with JavaScript that holds once the results are on the page.
    searches: list[tuple[str, str]] = field(default_factory=list)
    alive: str = "true"  # JavaScript that holds once the theme's own scripts ran


# Hexo profile -> (config overlay, JavaScript proving the theme's scripts ran).
_HEXO = {
    # app.js fills the sub-navigation title from document.title (the case).
    "volantis": ("_config.volantis.yml", "!!document.querySelector('.nav-sub .title').innerHTML"),
    "butterfly": (
        "_config.butterfly.yml",
        "typeof GLOBAL_CONFIG_SITE === 'object' && !!window.btf",
    ),
    "plain": ("_config.raw.yml", "!!document.getElementById('reinsert').innerHTML"),
}
HEXO_OUTPUTS = tuple(_HEXO)
OUTPUTS = (*HEXO_OUTPUTS, "hugo", "jekyll", "site")
_REINSERTED = "!!document.getElementById('reinsert').innerHTML"


def _pages(public: Path) -> list[str]:
    return sorted(p.relative_to(public).as_posix() for p in public.rglob("*.html"))


def _run(args: list[str], cwd: Path | None = None) -> None:
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300)
    log = proc.stdout + proc.stderr
    if proc.returncode != 0 or re.search(r"\b(ERROR|Error|FATAL)\b", log):
        raise AssertionError(f"{args[0]} exited {proc.returncode}:\n{log[-4000:]}")


def _hexo(profile: str, published: Published, workdir: Path, install: Path) -> Output:
    overlay, alive = _HEXO[profile]
    posts = {
        p.name: p.read_text(encoding="utf-8")
        for p in sorted((published.hexo[profile] / "source" / "_posts").glob("*.md"))
    }
    run = run_hexo(install, workdir, posts, configs=("_config.yml", overlay))
    # volantis opens its search (over content.json) for ?s=…: titles, categories and
    # authors of every post come back through its innerHTML result list.
    found = "document.querySelectorAll('#u-search .result-link h3.title').length > 10"
    searches = [(f"index.html?s={q}", found) for q in ("pwn", "opml")]
    searches = searches if profile == "volantis" else []
    return Output(profile, run.public, _pages(run.public), searches, alive)


def _generate(
    tool: str, workdir: Path, posts: tuple[Path, str], config: tuple[str, str], *args: str
) -> Path:
    """Copy ``themes/<tool>`` and the posts into a site, write its config, build it."""
    found = shutil.which(tool)
    assert found, f"{tool} not on PATH"
    site, public = workdir / "site", workdir / "public"
    shutil.copytree(THEMES / tool, site)
    shutil.copytree(posts[0], site / posts[1])
    (site / config[0]).write_text(config[1], encoding="utf-8")
    _run([found, *args, "--quiet", "-s", str(site), "-d", str(public)])
    return public


def _hugo(published: Published, workdir: Path) -> Output:
    config = (
        'baseURL = "http://127.0.0.1/"\ntitle = "hostile"\ndisableKinds = ["RSS", "sitemap"]\n'
        + HUGO_CONFIG
    )
    public = _generate(
        "hugo", workdir, (published.hugo / "content", "content"), ("config.toml", config)
    )
    return Output("hugo", public, _pages(public), alive=_REINSERTED)


def _jekyll(published: Published, workdir: Path) -> Output:
    config = ("_config.yml", "title: hostile\n" + JEKYLL_CONFIG)
    posts = (published.jekyll / "_posts", "_posts")
    public = _generate("jekyll", workdir, posts, config, "build")
    return Output("jekyll", public, _pages(public), alive=_REINSERTED)


def build_output(name: str, published: Published, workdir: Path, hexo_install: Path) -> Output:
    if name in _HEXO:
        return _hexo(name, published, workdir, hexo_install)
    if name == "hugo":
        return _hugo(published, workdir)
    if name == "jekyll":
        return _jekyll(published, workdir)
    if name == "site":  # `newsdesk build` already wrote it; its search page reads ?q=
        found = "document.querySelectorAll('ol.results li').length > 10"
        return Output("site", published.site, _pages(published.site), [("search/?q=pwn", found)])
    raise ValueError(name)
