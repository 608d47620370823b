"""The ``groups:`` tree: group → source → channel → feed, plus per-source options.

A channel is a URL, or a mapping with ``url`` plus per-feed overrides. A few reserved
names at the source level are source options (``full_text``, ``include``, …), not
channels.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from newsdesk.config.validate import Validator
from newsdesk.models import FeedSource

__all__ = ["SOURCE_OPTION_KEYS", "SourceOptions", "feed_sources", "resolve_feed_url"]

CHANNEL_KEYS = {"url", "image_proxy", "user_agent", "referer", "timezone"}
SOURCE_OPTION_KEYS = {"full_text", "keep", "drop", "include", "exclude"}


@dataclass(frozen=True)
class SourceOptions:
    """Options a source carries beside its channels."""

    full_text: bool = False
    keep: tuple[str, ...] = ()  # CSS selectors to keep (scraper rules)
    drop: tuple[str, ...] = ()  # CSS selectors to drop
    include: tuple[str, ...] = ()  # regexes: keep only matching articles
    exclude: tuple[str, ...] = ()  # regexes: drop matching articles


def resolve_feed_url(url: str, rsshub: str) -> str:
    """``rsshub://zaker/source/1`` → ``<rsshub>/zaker/source/1``; other URLs unchanged."""
    if url.startswith("rsshub://"):
        return rsshub.rstrip("/") + "/" + url[len("rsshub://") :].lstrip("/")
    return url


def feed_sources(
    v: Validator, groups: Any, parent: Mapping, *, rsshub: str, image_proxy: str, timezone: str
) -> tuple[list[FeedSource], dict[tuple[str, str], SourceOptions]]:
    if groups is None:
        return [], {}
    v.check(
        isinstance(groups, Mapping),
        parent,
        "groups",
        "must be a mapping: group → source → channel → feed URL",
    )
    sources: list[FeedSource] = []
    options: dict[tuple[str, str], SourceOptions] = {}
    seen: dict[str, str] = {}
    for group, source_map in groups.items():
        group_name = v.name(group)
        v.check(
            isinstance(source_map, Mapping),
            groups,
            group,
            f"group {group_name!r} must be a mapping of sources",
        )
        for source, channels in source_map.items():
            source_name = v.name(source)
            v.check(
                isinstance(channels, Mapping),
                source_map,
                source,
                f"source {source_name!r} must be a mapping of channels to feed URLs",
            )
            opts = _source_options(v, channels)
            if opts != SourceOptions():
                options[(group_name, source_name)] = opts
            for channel, spec in channels.items():
                if channel in SOURCE_OPTION_KEYS:
                    continue
                channel_name = v.name(channel)
                feed = _feed(
                    v,
                    channels,
                    channel,
                    spec,
                    rsshub=rsshub,
                    image_proxy=image_proxy,
                    timezone=timezone,
                    group=group_name,
                    source=source_name,
                    channel_name=channel_name,
                )
                where = f"{group_name} > {source_name} > {channel_name}"
                if feed.key in seen:
                    raise v.error(
                        channels,
                        channel,
                        f"feed {feed.key} is listed twice ({seen[feed.key]} and {where})",
                    )
                seen[feed.key] = where
                sources.append(feed)
    return sources, options


def _source_options(v: Validator, channels: Mapping) -> SourceOptions:
    def selectors(key: str) -> tuple[str, ...]:
        return tuple(v.string_list(channels, key, []))

    options = SourceOptions(
        full_text=v.boolean(channels, "full_text", False),
        keep=selectors("keep"),
        drop=selectors("drop"),
        include=selectors("include"),
        exclude=selectors("exclude"),
    )
    # Bad selectors and patterns are config errors now, not failures halfway through a run.
    from newsdesk.filters import compile_rules
    from newsdesk.fulltext import check_selectors

    for key in ("keep", "drop"):
        try:
            check_selectors(getattr(options, key))
        except ValueError as exc:
            raise v.error(channels, key, str(exc)) from None
    for key in ("include", "exclude"):  # separately, so the error names the right line
        try:
            compile_rules(getattr(options, key), ())
        except ValueError as exc:
            raise v.error(channels, key, str(exc)) from None
    return options


def _feed(
    v: Validator,
    channels: Mapping,
    channel: Any,
    spec: Any,
    *,
    rsshub: str,
    image_proxy: str,
    timezone: str,
    group: str,
    source: str,
    channel_name: str,
) -> FeedSource:
    proxy: str | None = image_proxy or None
    user_agent = referer = None
    tz = timezone
    if isinstance(spec, str):
        url = spec
    elif isinstance(spec, Mapping):
        v.known_keys(spec, CHANNEL_KEYS, f"channel {channel_name!r}")
        v.check("url" in spec, channels, channel, f"channel {channel_name!r} needs a `url`")
        url = v.string(spec, "url", "")
        user_agent = v.header(spec, "user_agent")
        referer = v.header(spec, "referer")
        tz = v.timezone(spec, "timezone", timezone)
        if "image_proxy" in spec:
            value = spec["image_proxy"]
            if value is False or value == "":
                proxy = None
            elif value is True:
                proxy = image_proxy or None
            elif isinstance(value, str):
                proxy = value
            else:
                raise v.error(spec, "image_proxy", "must be true, false or a URL prefix")
    else:
        raise v.error(
            channels,
            channel,
            f"channel {channel_name!r} must be a feed URL or a mapping with `url`",
        )
    url = url.strip()
    v.check(
        bool(re.match(r"^(https?|rsshub)://\S+$", url)),
        channels,
        channel,
        f"channel {channel_name!r}: {url!r} is not an http(s):// or rsshub:// URL",
    )
    return FeedSource(
        key=url,
        url=resolve_feed_url(url, rsshub),
        group=group,
        source=source,
        channel=channel_name,
        image_proxy=proxy,
        user_agent=user_agent,
        referer=referer,
        timezone=tz,
    )
