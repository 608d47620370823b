"""The ``groups:`` tree: group → source → channel → feed, plus per-source options.

A channel is a URL, or a mapping with ``url`` plus per-feed overrides. A few reserved
names at the source level are source options (``full_text``, ``include``, …), not
channels.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from newsdesk.config.validate import Validator, closest, did_you_mean
from newsdesk.models import FeedSource

__all__ = [
    "CHANNEL_KEYS",
    "SOURCE_OPTION_KEYS",
    "FeedTree",
    "SourceOptions",
    "feed_tree",
    "resolve_feed_url",
]

CHANNEL_KEYS = {"url", "image_proxy", "user_agent", "referer", "timezone", "paused"}
SOURCE_OPTION_KEYS = {"full_text", "full_text_private", "keep", "drop", "include", "exclude"}
_URL_RE = re.compile(r"^(https?|rsshub)://\S+$")


@dataclass(frozen=True)
class SourceOptions:
    """Options a source carries beside its channels."""

    full_text: bool = False
    # Article pages on private addresses (LAN, loopback) may be fetched for full text;
    # off, a feed's links can never point newsdesk into the user's network.
    full_text_private: bool = False
    keep: tuple[str, ...] = ()  # CSS selectors to keep (scraper rules)
    drop: tuple[str, ...] = ()  # CSS selectors to drop
    include: tuple[str, ...] = ()  # regexes: keep only matching articles
    exclude: tuple[str, ...] = ()  # regexes: drop matching articles


def resolve_feed_url(url: str, rsshub: str) -> str:
    """``rsshub://zaker/source/1`` → ``<rsshub>/zaker/source/1``; other URLs unchanged."""
    if url.startswith("rsshub://"):
        return rsshub.rstrip("/") + "/" + url[len("rsshub://") :].lstrip("/")
    return url


@dataclass(frozen=True)
class FeedTree:
    """What the ``groups:`` tree holds."""

    sources: tuple[FeedSource, ...] = ()  # the feeds to fetch
    paused: tuple[FeedSource, ...] = ()  # `paused: true`: listed and exported, never fetched
    options: dict[tuple[str, str], SourceOptions] = field(default_factory=dict)
    all_feeds: tuple[FeedSource, ...] = ()  # both, in the config's order


def feed_tree(
    v: Validator,
    groups: Any,
    parent: Mapping,
    *,
    rsshub: str,
    image_proxy: str,
    timezone: str,
    top_keys: Collection[str] = (),
) -> FeedTree:
    """Every feed of the tree; problems are recorded on ``v`` and their feeds left out.

    ``top_keys`` are the top-level key names, to spot one indented under ``groups:``.
    """
    if groups is None:
        return FeedTree()
    if not v.check(
        isinstance(groups, Mapping),
        parent,
        "groups",
        "must be a mapping: group → source → channel → feed URL",
    ):
        return FeedTree()
    every: list[tuple[FeedSource, bool]] = []  # (feed, paused)
    options: dict[tuple[str, str], SourceOptions] = {}
    seen: dict[str, str] = {}
    for group, source_map in groups.items():
        group_name = v.name(group)
        if not isinstance(source_map, Mapping):
            v.report(
                groups,
                group,
                f"group {group_name!r} must be a mapping of sources"
                + _misplaced(group_name, group_name, top_keys),
            )
            continue
        for source, channels in source_map.items():
            source_name = v.name(source)
            if not isinstance(channels, Mapping):
                v.report(
                    source_map,
                    source,
                    f"source {source_name!r} must be a mapping of channels to feed URLs"
                    + _misplaced(source_name, group_name, top_keys),
                )
                continue
            opts = _source_options(v, channels)
            if opts != SourceOptions():
                options[(group_name, source_name)] = opts
            for channel, spec in channels.items():
                if channel in SOURCE_OPTION_KEYS:
                    continue
                channel_name = v.name(channel)
                found = _feed(
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
                if found is None:
                    continue
                feed, is_paused = found
                where = f"{group_name} > {source_name} > {channel_name}"
                if feed.key in seen:
                    v.report(
                        channels,
                        channel,
                        f"feed {feed.key} is listed twice ({seen[feed.key]} and {where})",
                    )
                    continue
                seen[feed.key] = where
                every.append((feed, is_paused))
    return FeedTree(
        sources=tuple(f for f, p in every if not p),
        paused=tuple(f for f, p in every if p),
        options=options,
        all_feeds=tuple(f for f, _ in every),
    )


def _misplaced(name: str, group: str, top_keys: Collection[str]) -> str:
    """A hint for a name in the tree that holds no feeds: a source option, or a top-level
    key (``group``, the group it sits in, or the name itself) indented too far."""
    option = name if name in SOURCE_OPTION_KEYS else closest(name, SOURCE_OPTION_KEYS)
    if option is not None:
        return f" ({option!r} is a source option: it goes inside a source, beside its channels)"
    top = group if group in top_keys else closest(group, top_keys)
    if top is not None:
        return f" (is the top-level key {top!r} indented under `groups:` by mistake?)"
    return ""


def _source_options(v: Validator, channels: Mapping) -> SourceOptions:
    def selectors(key: str) -> tuple[str, ...]:
        return tuple(v.string_list(channels, key, []))

    options = SourceOptions(
        full_text=v.boolean(channels, "full_text", False),
        full_text_private=v.boolean(channels, "full_text_private", False),
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
            v.report(channels, key, str(exc))
    for key in ("include", "exclude"):  # separately, so the error names the right line
        try:
            compile_rules(getattr(options, key), ())
        except ValueError as exc:
            v.report(channels, key, str(exc))
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
) -> tuple[FeedSource, bool] | None:
    """(the feed, whether it is paused), or None after recording why it is unusable."""
    proxy: str | None = image_proxy or None
    user_agent = referer = None
    tz = timezone
    paused = False
    if isinstance(spec, str):
        url = spec
    elif isinstance(spec, Mapping):
        for key in spec:
            if key in SOURCE_OPTION_KEYS:
                v.report(
                    spec,
                    key,
                    f"{key!r} is a source option: put it beside the channels of "
                    f"{source!r}, not inside channel {channel_name!r}",
                )
        # (source options were reported just above, as misplaced rather than unknown)
        v.known_keys(spec, CHANNEL_KEYS | SOURCE_OPTION_KEYS, f"channel {channel_name!r}")
        if not v.check("url" in spec, channels, channel, f"channel {channel_name!r} needs a `url`"):
            return None
        url = v.string(spec, "url", "")
        user_agent = v.header(spec, "user_agent")
        referer = v.header(spec, "referer")
        tz = v.timezone(spec, "timezone", timezone)
        paused = v.boolean(spec, "paused", False)
        if "image_proxy" in spec:
            value = spec["image_proxy"]
            if value is False or value == "":
                proxy = None
            elif value is True:
                proxy = image_proxy or None
            elif isinstance(value, str):
                proxy = value
            else:
                v.report(spec, "image_proxy", "must be true, false or a URL prefix")
    else:
        v.report(
            channels,
            channel,
            f"channel {channel_name!r} must be a feed URL or a mapping with `url`"
            + _option_hint(channel_name),
        )
        return None
    url = url.strip()
    if not v.check(
        bool(_URL_RE.match(url)),
        channels,
        channel,
        f"channel {channel_name!r}: {url!r} is not an http(s):// or rsshub:// URL"
        + _option_hint(channel_name),
    ):
        return None
    feed = FeedSource(
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
    return feed, paused


def _option_hint(channel_name: str) -> str:
    """A channel whose value is no URL may be a misspelt source option (``ful_text``)."""
    hint = did_you_mean(channel_name, SOURCE_OPTION_KEYS)
    return hint.replace("did you mean ", "did you mean the source option ") if hint else ""
