"""The ``site:`` section, for ``newsdesk build`` and ``newsdesk serve``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsdesk.config.validate import Validator, resolve_path

__all__ = ["SiteSettings", "site_settings"]


@dataclass(frozen=True)
class SiteSettings:
    """The ``site:`` section, for ``newsdesk build`` and ``newsdesk serve``."""

    out_dir: Path
    title: str = "newsdesk"
    base_url: str = ""  # absolute URL of the site, for Atom feeds ("https://news.example.org/")
    base_path: str = "/"
    per_page: int = 30
    theme_dir: Path | None = None
    listen: str = "127.0.0.1:8080"
    search: bool = True  # keep the site's search index up to date
    # Update the index at most this often (seconds); 0 = every build. Updates are
    # incremental (new articles only), so this is rarely worth setting.
    search_interval: float = 0.0
    timezone: str = "Asia/Shanghai"  # every time on the site is shown in this zone
    # What makes builds incremental; None: beside out_dir (never inside: out_dir is
    # what gets uploaded).
    state_file: Path | None = None


SITE_KEYS = (
    "out_dir",
    "title",
    "base_url",
    "base_path",
    "per_page",
    "theme_dir",
    "listen",
    "search",
    "search_interval",
    "timezone",
    "state_file",
)


def site_settings(
    v: Validator, raw: Any, parent: Mapping, base_dir: Path, *, timezone: str
) -> SiteSettings:
    """``timezone`` is the config's own (the default for ``site.timezone``)."""
    if raw is None or not v.check(isinstance(raw, Mapping), parent, "site", "must be a mapping"):
        return SiteSettings(out_dir=base_dir / "public", timezone=timezone)
    v.known_keys(raw, SITE_KEYS, "site")
    theme = v.optional_string(raw, "theme_dir")
    state_file = v.optional_string(raw, "state_file")
    base_path = v.string(raw, "base_path", "/")
    if not base_path.endswith("/"):
        base_path += "/"
    return SiteSettings(
        out_dir=resolve_path(base_dir, v.string(raw, "out_dir", "./public")),
        title=v.string(raw, "title", "newsdesk"),
        base_url=v.string(raw, "base_url", ""),
        base_path=base_path,
        per_page=v.integer(raw, "per_page", 30, minimum=1),
        theme_dir=resolve_path(base_dir, theme) if theme else None,
        listen=v.string(raw, "listen", "127.0.0.1:8080"),
        search=v.boolean(raw, "search", True),
        search_interval=v.duration(raw, "search_interval", 0.0, allow_zero=True),
        timezone=v.timezone(raw, "timezone", timezone),
        state_file=resolve_path(base_dir, state_file) if state_file else None,
    )
