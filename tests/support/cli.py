"""Driving the real CLI in tests: run a command in-process, write a config, serve RSS."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from newsdesk.cli import main

RSS = "application/rss+xml; charset=utf-8"


def run_cli(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner(env=env).invoke(main, list(args), catch_exceptions=False)


def write_config(folder: Path, groups_yaml: str, extra: str = "") -> Path:
    """newsdesk.yaml in ``folder`` from a `groups:` fragment plus top-level extras."""
    path = folder / "newsdesk.yaml"
    path.write_text(
        "hexo_dir: ./blog\n"
        "database: ./newsdesk.db\n"
        "fetch:\n  connect_timeout: 2s\n  read_timeout: 2s\n  total_timeout: 5s\n"
        "  retries: 0\n" + extra + "groups:\n" + groups_yaml,
        encoding="utf-8",
    )
    return path


def rss(*items: tuple[str, str], title: str = "t") -> bytes:
    """An RSS 2.0 feed of (title, guid) items, each with a short Chinese body."""
    body = "".join(
        f"<item><title><![CDATA[{t}]]></title><link>http://example.com/{g}</link>"
        f"<guid>{g}</guid><pubDate>Tue, 18 Nov 2025 08:00:00 +0800</pubDate>"
        f"<description><![CDATA[<p>正文 {g}</p>]]></description></item>"
        for t, g in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>http://example.com/</link><description>d</description>"
        f"{body}</channel></rss>"
    ).encode()
