"""``newsdesk demo``: the whole pipeline, offline, on sample feeds served from 127.0.0.1.

The demo writes an ordinary config file into its output folder, so what it does is
exactly what ``newsdesk run`` and ``newsdesk build`` do with that file.
"""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

from rich.console import Console

from newsdesk.demo.content import DEMO_FEEDS
from newsdesk.demo.server import DemoSiteServer

__all__ = ["demo_config_text", "run_demo"]

_GENERATED = (
    "newsdesk.db",
    "newsdesk.db-wal",
    "newsdesk.db-shm",
    "newsdesk.db.lock",
    "blog",
    "public",
    "image-cache",
    "newsdesk.yaml",
)


def _free_port(preferred: int) -> int:
    for port in (preferred, 0):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(s.getsockname()[1])
    raise OSError("no free port on 127.0.0.1")


def demo_config_text(feeds_base: str, proxy_port: int) -> str:
    """The demo's newsdesk.yaml: a normal config pointing at the loopback demo sites."""
    lines = [
        "# Written by `newsdesk demo`: a normal newsdesk config pointing at sample feeds",
        "# served on 127.0.0.1 while the demo runs (their port changes every time).",
        "# For a config of your own, start with `newsdesk init`.",
        "hexo_dir: ./blog                 # posts go to ./blog/source/_posts/",
        "database: ./newsdesk.db",
        'placeholder: "https://picsum.photos/400/300?random={n}"',
        "site:",
        "  out_dir: ./public",
        "  title: newsdesk 演示",
        "proxy_server:                    # images go through newsdesk's own image proxy",
        f"  listen: 127.0.0.1:{proxy_port}",
        f"  public_url: http://127.0.0.1:{proxy_port}/_img/",
        "  base_path: /_img/              # shares a port with the site under `--serve`",
        "  allow_hosts: [127.0.0.1]",
        "  allow_networks: [127.0.0.1/32]  # the demo's image host is on loopback",
        "  cache_dir: ./image-cache",
        "groups:",
    ]
    tree: dict[str, dict[str, list[tuple[str, str]]]] = {}
    for f in DEMO_FEEDS:
        tree.setdefault(f.group, {}).setdefault(f.source, []).append((f.channel, f.path))
    for group, sources in tree.items():
        lines.append(f"  {group}:")
        for source, channels in sources.items():
            lines.append(f"    {source}:")
            lines.extend(f"      {channel}: {feeds_base}{path}" for channel, path in channels)
    return "\n".join(lines) + "\n"


def run_demo(out_dir: Path, *, console: Console, serve: bool = False, port: int = 8080) -> int:
    """Run the demo into ``out_dir``; returns the exit status."""
    from newsdesk import pipeline
    from newsdesk.config import load_config
    from newsdesk.sitebuild import build_from_store, serve_site
    from newsdesk.store import open_store

    out_dir.mkdir(parents=True, exist_ok=True)
    for name in _GENERATED:  # a fresh start: the demo sites' ports may differ between runs
        target = out_dir / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()

    with DemoSiteServer() as sites:
        proxy_port = port if serve else _free_port(18081)
        config_path = out_dir / "newsdesk.yaml"
        config_path.write_text(demo_config_text(sites.base_url, proxy_port), encoding="utf-8")
        config = load_config(config_path, {})
        console.print(
            f"[bold]newsdesk demo[/]: {len(config.sources)} sample feeds served at "
            f"{sites.base_url}",
            highlight=False,
        )
        store = open_store(config.database)
        try:
            report = pipeline.run(config, store)
            site = build_from_store(config, store)
        finally:
            store.close()

        for o in report.feeds:
            mark = "[red]✗[/]" if o.failed else "[green]✓[/]"
            console.print(
                f"  {mark} {o.source.group} › {o.source.source} › {o.source.channel}: "
                f"{o.new} new" + (f" — {o.error}" if o.error else ""),
                highlight=False,
            )
        posts = sorted(config.posts_dir.glob("*.md"))
        console.print(f"\n[bold]Hexo posts[/] ({len(posts)}): {config.posts_dir}", highlight=False)
        if posts:
            console.print(f"  e.g. {posts[0]}", highlight=False)
        console.print(
            f"[bold]Static site[/] ({site.pages_written} pages): "
            f"{config.site.out_dir / 'index.html'}",
            highlight=False,
        )
        console.print(f"[bold]Config[/]: {config_path}", highlight=False)
        if serve:
            console.print(
                f"\nServing the site and image proxy at http://127.0.0.1:{port}/ — Ctrl-C to stop.",
                highlight=False,
            )
            serve_site(config, f"127.0.0.1:{port}", console=console)
        else:
            # Only commands that work once the demo's sample sites are gone: no ports.
            console.print(
                "\nNext:\n"
                "  newsdesk demo --serve     browse the site, images included, at "
                "http://127.0.0.1:8080/\n"
                "  newsdesk init mysite      start your own config with real feeds",
                highlight=False,
                markup=False,
            )
    return report.exit_code
