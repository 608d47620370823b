"""Run real Hexo on posts we render, and read back what it made of them.

    install_site(cache_root) -> folder holding node_modules, installed once per lock hash
    run_hexo(install_dir, workdir, posts, ...) -> HexoRun (db.json + probe pages + log)

The site under tests/hexo/site is copied into ``workdir`` for every run; its node_modules
is a symlink to the cached install, so a run costs one ``hexo generate`` and no npm.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

__all__ = [
    "SITE",
    "HexoError",
    "HexoPost",
    "HexoRun",
    "ProbePage",
    "install_site",
    "lock_hash",
    "run_hexo",
]

SITE = Path(__file__).parent / "site"
_COPIED = (
    "package.json",
    "_config.yml",
    "_config.volantis.yml",
    "_config.butterfly.yml",
    "_config.raw.yml",
    "_config.shanghai.yml",
    "themes",
)
# Hexo prints "ERROR …" / "WARN  …" / "FATAL …"; colour codes appear when forced.
_BAD_LINE = re.compile(r"^(?:\x1b\[[\d;]*m)*\s*(?:ERROR|WARN|FATAL)\b", re.MULTILINE)
_META = re.compile(r'<meta name="probe-([a-z-]+)" content="([^"]*)">')
_CATEGORY = re.compile(r'<li data-id="([^"]*)" data-parent="([^"]*)" data-name="([^"]*)">')
_CONTENT = re.compile(r"<!--probe-start-->(.*?)<!--probe-end-->", re.DOTALL)


class HexoError(AssertionError):
    """Hexo failed, or logged an ERROR/WARN line (a YAML error only logs, exit code 0)."""


@dataclass(frozen=True)
class HexoPost:
    """One post as db.json stores it."""

    source: str  # "_posts/<file name>"
    title: object
    date: str  # ISO 8601 in UTC, e.g. 2022-09-01T03:09:17.000Z
    categories: list[str]  # the nested chain, root first
    content: str
    fields: dict[str, object]  # every stored key (headimg, author, …)


@dataclass(frozen=True)
class ProbePage:
    """One post page rendered by the probe theme."""

    meta: dict[str, str]
    categories: list[str]
    content: str


@dataclass
class HexoRun:
    log: str
    db: dict[str, object]
    public: Path
    posts: dict[str, HexoPost] = field(default_factory=dict)  # by file name
    pages: dict[str, ProbePage] = field(default_factory=dict)  # by file name


def lock_hash() -> str:
    digest = hashlib.sha256()
    for name in ("package.json", "package-lock.json"):
        digest.update((SITE / name).read_bytes())
    return digest.hexdigest()[:16]


def install_site(cache_root: Path) -> Path:
    """``npm ci`` the test site into ``cache_root/hexo-<lock hash>``, once per lock."""
    target = cache_root / f"hexo-{lock_hash()}"
    if (target / ".installed").exists():
        return target
    cache_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="hexo-install-", dir=cache_root))
    try:
        for name in ("package.json", "package-lock.json"):
            shutil.copy2(SITE / name, staging / name)
        proc = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"],
            cwd=staging,
            capture_output=True,
            text=True,
            timeout=900,
        )
        if proc.returncode != 0:
            raise HexoError(f"npm ci failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
        (staging / ".installed").write_text(lock_hash())
        try:
            staging.rename(target)
        except OSError:  # another session installed it meanwhile
            if not (target / ".installed").exists():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _chain(post_id: str, db: Mapping[str, list[dict]]) -> list[str]:
    """The post's categories ordered root first, following ``parent`` links."""
    ids = {pc["category_id"] for pc in db["PostCategory"] if pc["post_id"] == post_id}
    cats = {c["_id"]: c for c in db["Category"] if c["_id"] in ids}
    by_parent = {c.get("parent"): c for c in cats.values() if c.get("parent") in cats}
    roots = [c for c in cats.values() if c.get("parent") not in cats]
    if len(roots) != 1 and cats:
        raise HexoError(f"categories of {post_id} are not one chain: {list(cats.values())}")
    chain = []
    node = roots[0] if roots else None
    while node is not None:
        chain.append(node["name"])
        node = by_parent.get(node["_id"])
    if len(chain) != len(cats):
        raise HexoError(f"categories of {post_id} are not one chain: {list(cats.values())}")
    return chain


def _page_chain(items: list[tuple[str, str, str]]) -> list[str]:
    by_parent = {parent: (cid, name) for cid, parent, name in items}
    ids = {cid for cid, _, _ in items}
    roots = [(cid, name) for cid, parent, name in items if parent not in ids]
    chain: list[str] = []
    node = roots[0] if len(roots) == 1 else None
    while node is not None:
        chain.append(node[1])
        node = by_parent.get(node[0])
    return chain


def _read_pages(public: Path) -> dict[str, ProbePage]:
    pages = {}
    for page in public.rglob("index.html"):
        html = page.read_text(encoding="utf-8")
        meta = {k: unquote(v) for k, v in _META.findall(html)}
        if "source" not in meta:
            continue
        cats = [(cid, parent, unquote(name)) for cid, parent, name in _CATEGORY.findall(html)]
        content = _CONTENT.search(html)
        pages[Path(meta["source"]).name] = ProbePage(
            meta=meta,
            categories=_page_chain(cats),
            content=content.group(1) if content else "",
        )
    return pages


def _prepare(workdir: Path, install_dir: Path, posts: Mapping[str, str]) -> None:
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    for name in _COPIED:
        src = SITE / name
        if src.is_dir():
            shutil.copytree(src, workdir / name)
        else:
            shutil.copy2(src, workdir / name)
    (workdir / "node_modules").symlink_to(install_dir / "node_modules", target_is_directory=True)
    posts_dir = workdir / "source" / "_posts"
    posts_dir.mkdir(parents=True)
    for name, text in posts.items():
        (posts_dir / name).write_bytes(text.encode("utf-8"))


def run_hexo(
    install_dir: Path,
    workdir: Path,
    posts: Mapping[str, str],
    *,
    configs: Sequence[str] = ("_config.yml",),
    tz: str = "UTC",
    timeout: float = 240,
) -> HexoRun:
    """Generate a fresh copy of the site holding ``posts`` (file name -> text)."""
    _prepare(workdir, install_dir, posts)
    env = {**os.environ, "TZ": tz, "NO_COLOR": "1"}
    env.pop("FORCE_COLOR", None)
    proc = subprocess.run(
        ["npx", "hexo", "generate", "--config", ",".join(configs)],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    log = proc.stdout + proc.stderr
    bad = [m.group() for m in _BAD_LINE.finditer(log)]
    if proc.returncode != 0 or bad:
        lines = [line for line in log.splitlines() if _BAD_LINE.match(line)]
        raise HexoError(
            f"hexo generate exited {proc.returncode} with {len(bad)} ERROR/WARN line(s):\n"
            + "\n".join(lines[:20])
            + "\n--- log tail ---\n"
            + log[-4000:]
        )
    db = json.loads((workdir / "db.json").read_text(encoding="utf-8"))
    models = db["models"]
    run = HexoRun(log=log, db=db, public=workdir / "public")
    for post in models["Post"]:
        name = Path(post["source"]).name
        run.posts[name] = HexoPost(
            source=post["source"],
            title=post.get("title"),
            date=post["date"],
            categories=_chain(post["_id"], models),
            content=post.get("content", ""),
            fields=post,
        )
    run.pages = _read_pages(run.public)
    return run
