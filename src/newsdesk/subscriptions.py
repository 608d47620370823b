"""The feeds of a config file: find one, add, remove, pause, resume, test-fetch.

What ``newsdesk feeds …`` calls. Edits go into the YAML text (comments and layout kept,
see ``config.edit``) and the file is replaced only when the result loads.

A feed is named by its path ``GROUP/SOURCE/CHANNEL``, or by its URL as written in the
config (``rsshub://…`` too) or as fetched.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from newsdesk.config import SOURCE_OPTION_KEYS, Config
from newsdesk.config.edit import ConfigDocument, FeedPath, write_config
from newsdesk.models import FeedSource
from newsdesk.opml.urls import canonical

__all__ = [
    "CheckResult",
    "add_feed",
    "check_feed",
    "feed_path",
    "find_feed",
    "parse_path",
    "remove_feed",
    "set_paused",
    "validate_url",
]


def feed_path(source: FeedSource) -> str:
    return f"{source.group}/{source.source}/{source.channel}"


def parse_path(text: str) -> FeedPath:
    """``GROUP/SOURCE/CHANNEL`` → its three names; ValueError says what is expected."""
    parts = text.split("/")
    if len(parts) != 3 or not all(p.strip() for p in parts):
        raise ValueError(
            f"{text!r} is not a feed path: write GROUP/SOURCE/CHANNEL, e.g. tech/lwn/headlines"
        )
    return parts[0].strip(), parts[1].strip(), parts[2].strip()


def find_feed(config: Config, ref: str) -> FeedSource:
    """The configured feed (paused ones included) named by a path or a URL; LookupError."""
    for source in config.all_feeds:
        if ref in (feed_path(source), source.key, source.url):
            return source
    wanted = canonical(ref, config.rsshub)
    if wanted is not None:
        for source in config.all_feeds:
            if canonical(source.url, config.rsshub) == wanted:
                return source
    raise LookupError(f"{ref} is not a feed in {config.path} (see `newsdesk feeds list`)")


def validate_url(url: str) -> str:
    """An http(s):// or rsshub:// feed URL, stripped; ValueError says why not."""
    from urllib.parse import urlsplit

    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise ValueError(f"{url!r} is not a URL: {exc}") from None
    if parts.scheme == "rsshub" and (parts.netloc or parts.path.strip("/")):
        return url
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in url:
        raise ValueError(
            f"{url!r} is not a feed URL: it must start with http://, https:// or rsshub://"
        )
    return url


def _existing(config: Config, url: str) -> FeedSource | None:
    wanted = canonical(url, config.rsshub)
    for source in config.all_feeds:
        if canonical(source.url, config.rsshub) == wanted:
            return source
    return None


def add_feed(config: Config, path: FeedPath, url: str, environ: Mapping[str, str]) -> FeedPath:
    """Write ``url`` at ``path`` into the config file. ValueError: bad URL, a feed already
    there, or the URL already configured elsewhere; ConfigError: the result would not load."""
    url = validate_url(url)
    duplicate = _existing(config, url)
    if duplicate is not None:
        raise ValueError(f"{url} is already in the config, as {feed_path(duplicate)}")
    if path[2] in SOURCE_OPTION_KEYS:
        raise ValueError(f"{path[2]!r} is a source option; choose another channel name")
    doc = _document(config)
    placed = doc.add_feed(path, url, SOURCE_OPTION_KEYS, rename=False)
    write_config(config.path, doc.text(), environ)
    return placed


def remove_feed(config: Config, source: FeedSource, environ: Mapping[str, str]) -> None:
    """Take a feed out of the config file (its stored articles stay until pruned)."""
    doc = _document(config)
    if not doc.remove_feed(_path_of(source), SOURCE_OPTION_KEYS):
        raise LookupError(f"{feed_path(source)} is not in {config.path}")
    write_config(config.path, doc.text(), environ)


def set_paused(
    config: Config, source: FeedSource, paused: bool, environ: Mapping[str, str]
) -> bool:
    """Write or drop ``paused: true`` on the feed; False when it already was that way."""
    doc = _document(config)
    if not doc.set_paused(_path_of(source), paused):
        return False
    write_config(config.path, doc.text(), environ)
    return True


def _document(config: Config) -> ConfigDocument:
    return ConfigDocument(config.path.read_text(encoding="utf-8"))


def _path_of(source: FeedSource) -> FeedPath:
    return (source.group, source.source, source.channel)


@dataclass(frozen=True)
class CheckResult:
    """What a test fetch found: the feed's title and how many items it lists."""

    url: str
    title: str
    items: int
    warnings: tuple[str, ...] = ()


def check_feed(config: Config, url: str) -> CheckResult:
    """Fetch and parse ``url`` once with the config's fetch settings (no retries).

    ValueError carries the cause in words ("HTTP 404", "not a feed: …").
    """
    from newsdesk.config import resolve_feed_url
    from newsdesk.errors import ParseError
    from newsdesk.fetch import fetch_one, make_client
    from newsdesk.parse import parse_feed
    from newsdesk.pipeline import fetch_options

    resolved = resolve_feed_url(url, config.rsshub)
    source = FeedSource(key=url, url=resolved, group="", source="", channel="")
    options = replace(fetch_options(config), retries=0)

    async def fetch() -> Any:
        async with make_client(options) as client:
            return await fetch_one(client, source, None, options)

    result = asyncio.run(fetch())
    if result.error is not None:
        raise ValueError(f"{resolved}: {result.error}")
    try:
        parsed = parse_feed(result.body or b"", result.final_url or resolved, result.content_type)
    except ParseError as exc:
        raise ValueError(f"{resolved}: not a feed: {exc}") from None
    return CheckResult(resolved, parsed.title or "", len(parsed.entries), tuple(parsed.warnings))
