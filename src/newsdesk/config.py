"""Load and validate ``newsdesk.yaml``.

``load_config(path, environ) -> Config`` checks everything up front: an unknown key, a
wrong type or a bad value is a ``ConfigError`` that names the key and its line, so a
typo never surfaces halfway through a run.

The category tree is the file's shape: ``groups`` → group → source → channel → feed.
A channel is a URL, or a mapping with ``url`` plus per-feed overrides. A few reserved
names at the source level are source options (``full_text``, ``include``, …), not
channels.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

from newsdesk.errors import ConfigError
from newsdesk.models import FeedSource

__all__ = [
    "DEFAULT_PLACEHOLDER",
    "DEFAULT_RSSHUB",
    "SOURCE_OPTION_KEYS",
    "USE_PROXY_SERVER",
    "Config",
    "FetchSettings",
    "SiteSettings",
    "SourceOptions",
    "WatchSettings",
    "load_config",
    "parse_config",
    "resolve_feed_url",
]

DEFAULT_RSSHUB = "https://rsshub.app"
# FeedSource.image_proxy value meaning "derive image URLs from the proxy_server section".
USE_PROXY_SERVER = "proxy_server:"
DEFAULT_PLACEHOLDER = "https://picsum.photos/400/300?random={n}"
FRONT_MATTER_PROFILES = ("volantis", "butterfly", "plain")
OUTPUT_TARGETS = ("hexo", "hugo", "jekyll")


@dataclass(frozen=True)
class FetchSettings:
    """The ``fetch:`` section; turned into ``fetch.FetchOptions`` by the pipeline."""

    concurrency: int = 16
    per_host: int = 2
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_bytes: int = 10 * 1024 * 1024
    retries: int = 3
    max_redirects: int = 5
    user_agent: str | None = None
    feed_deadline: float = 180.0  # one feed's budget across retries (Retry-After waits too)


@dataclass(frozen=True)
class SiteSettings:
    """The ``site:`` section, for ``newsdesk build``."""

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
    # What makes builds incremental; None: beside out_dir (never inside: out_dir is
    # what gets uploaded).
    state_file: Path | None = None


@dataclass(frozen=True)
class WatchSettings:
    """The ``watch:`` section, for ``newsdesk watch``."""

    interval: float = 1800.0  # seconds between polls of one feed
    min_interval: float = 300.0
    max_interval: float = 86400.0
    pause_after: int = 10  # consecutive failures before a feed is paused
    after_publish: str | None = None  # shell command run when anything changed
    after_publish_timeout: float = 600.0


@dataclass(frozen=True)
class SourceOptions:
    """Options a source carries beside its channels."""

    full_text: bool = False
    keep: tuple[str, ...] = ()  # CSS selectors to keep (scraper rules)
    drop: tuple[str, ...] = ()  # CSS selectors to drop
    include: tuple[str, ...] = ()  # regexes: keep only matching articles
    exclude: tuple[str, ...] = ()  # regexes: drop matching articles


@dataclass(frozen=True)
class Config:
    path: Path
    base_dir: Path
    rsshub: str
    image_proxy: str  # "" = images left alone
    placeholder: str
    hexo_dir: Path
    database: str  # a file path or a SQLAlchemy URL
    timezone: str
    front_matter: str
    outputs: tuple[str, ...]
    hugo_dir: Path
    jekyll_dir: Path
    fetch: FetchSettings
    site: SiteSettings
    watch: WatchSettings
    sources: tuple[FeedSource, ...]
    source_options: Mapping[tuple[str, str], SourceOptions] = field(default_factory=dict)
    keep_days: int | None = None
    keep_per_channel: int | None = None
    proxy_server: Any = None  # imageproxy.ProxyServerConfig when configured
    raw_proxy_server: Any = None

    def options_for(self, source: FeedSource) -> SourceOptions:
        return self.source_options.get((source.group, source.source), SourceOptions())

    @property
    def posts_dir(self) -> Path:
        return self.hexo_dir / "source" / "_posts"


_TOP_KEYS = {
    "rsshub",
    "image_proxy",
    "placeholder",
    "hexo_dir",
    "database",
    "timezone",
    "front_matter",
    "outputs",
    "hugo_dir",
    "jekyll_dir",
    "fetch",
    "site",
    "watch",
    "keep_days",
    "keep_per_channel",
    "proxy_server",
    "groups",
}
_CHANNEL_KEYS = {"url", "image_proxy", "user_agent", "referer", "timezone"}
SOURCE_OPTION_KEYS = {"full_text", "keep", "drop", "include", "exclude"}


def load_config(path: str | Path, environ: Mapping[str, str] | None = None) -> Config:
    """Read, validate and resolve a config file. Raises ``ConfigError``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            "config file not found (create one, or try `newsdesk demo`)", path=str(path)
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config: {exc}", path=str(path)) from None
    return parse_config(text, path=path, environ=environ or {})


def parse_config(text: str, *, path: Path, environ: Mapping[str, str]) -> Config:
    yaml = YAML(typ="rt")
    try:
        data = yaml.load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"not valid YAML: {problem}", path=str(path), line=line) from None
    if data is None:
        data = CommentedMap()
    v = _Validator(str(path))
    if not isinstance(data, Mapping):
        raise ConfigError("the top level must be a mapping of keys", path=str(path), line=1)
    v.known_keys(data, _TOP_KEYS, "top level")
    base_dir = path.resolve().parent

    rsshub = v.string(data, "rsshub", DEFAULT_RSSHUB).rstrip("/")
    v.check(
        rsshub.startswith(("http://", "https://")),
        data,
        "rsshub",
        "must be an http(s) URL such as https://rsshub.app",
    )
    image_proxy = v.string(data, "image_proxy", "")
    placeholder = v.string(data, "placeholder", DEFAULT_PLACEHOLDER)
    timezone = v.timezone(data, "timezone", "Asia/Shanghai")
    front_matter = v.choice(data, "front_matter", FRONT_MATTER_PROFILES, "volantis")
    outputs = tuple(v.string_list(data, "outputs", ["hexo"]))
    for out in outputs:
        v.check(
            out in OUTPUT_TARGETS,
            data,
            "outputs",
            f"unknown output {out!r}; choose from {', '.join(OUTPUT_TARGETS)}",
        )

    database = v.string(data, "database", "./newsdesk.db")
    if "://" not in database:
        database = str(_resolve(base_dir, database))

    fetch = _fetch_settings(v, data.get("fetch"), data)
    site = _site_settings(v, data.get("site"), data, base_dir)
    watch = _watch_settings(v, data.get("watch"), data)

    proxy_server = None
    raw_proxy = data.get("proxy_server")
    if raw_proxy is not None:
        v.check(isinstance(raw_proxy, Mapping), data, "proxy_server", "must be a mapping")
        from newsdesk.imageproxy.config import parse_proxy_server

        try:
            proxy_server = parse_proxy_server(dict(raw_proxy), base_dir=base_dir, environ=environ)
        except ConfigError as exc:
            if exc.path is None:  # its messages name the full key; add file and line
                raise ConfigError(
                    str(exc), path=str(path), line=_line_of(data, "proxy_server")
                ) from None
            raise

    # With a proxy_server and no explicit prefix, posts point at our own proxy.
    default_proxy = image_proxy or (USE_PROXY_SERVER if proxy_server is not None else "")
    sources, options = _sources(
        v, data.get("groups"), data, rsshub=rsshub, image_proxy=default_proxy, timezone=timezone
    )

    return Config(
        path=path,
        base_dir=base_dir,
        rsshub=rsshub,
        image_proxy=image_proxy,
        placeholder=placeholder,
        hexo_dir=_resolve(base_dir, v.string(data, "hexo_dir", "./blog")),
        database=database,
        timezone=timezone,
        front_matter=front_matter,
        outputs=outputs,
        hugo_dir=_resolve(base_dir, v.string(data, "hugo_dir", "./hugo")),
        jekyll_dir=_resolve(base_dir, v.string(data, "jekyll_dir", "./jekyll")),
        fetch=fetch,
        site=site,
        watch=watch,
        sources=tuple(sources),
        source_options=options,
        keep_days=v.optional_int(data, "keep_days", minimum=1),
        keep_per_channel=v.optional_int(data, "keep_per_channel", minimum=1),
        proxy_server=proxy_server,
        raw_proxy_server=raw_proxy,
    )


def resolve_feed_url(url: str, rsshub: str) -> str:
    """``rsshub://zaker/source/1`` → ``<rsshub>/zaker/source/1``; other URLs unchanged."""
    if url.startswith("rsshub://"):
        return rsshub.rstrip("/") + "/" + url[len("rsshub://") :].lstrip("/")
    return url


# --- sections ------------------------------------------------------------------------


def _fetch_settings(v: _Validator, raw: Any, parent: Mapping) -> FetchSettings:
    if raw is None:
        return FetchSettings()
    v.check(isinstance(raw, Mapping), parent, "fetch", "must be a mapping")
    v.known_keys(raw, set(FetchSettings.__dataclass_fields__), "fetch")
    d = FetchSettings()
    return FetchSettings(
        concurrency=v.integer(raw, "concurrency", d.concurrency, minimum=1),
        per_host=v.integer(raw, "per_host", d.per_host, minimum=1),
        connect_timeout=v.number(raw, "connect_timeout", d.connect_timeout),
        read_timeout=v.number(raw, "read_timeout", d.read_timeout),
        total_timeout=v.number(raw, "total_timeout", d.total_timeout),
        max_bytes=v.size(raw, "max_bytes", d.max_bytes),
        retries=v.integer(raw, "retries", d.retries, minimum=0),
        max_redirects=v.integer(raw, "max_redirects", d.max_redirects, minimum=0),
        user_agent=v.header(raw, "user_agent"),
        feed_deadline=v.number(raw, "feed_deadline", d.feed_deadline),
    )


def _site_settings(v: _Validator, raw: Any, parent: Mapping, base_dir: Path) -> SiteSettings:
    if raw is None:
        return SiteSettings(out_dir=base_dir / "public")
    v.check(isinstance(raw, Mapping), parent, "site", "must be a mapping")
    v.known_keys(
        raw,
        {
            "out_dir",
            "title",
            "base_url",
            "base_path",
            "per_page",
            "theme_dir",
            "listen",
            "search",
            "search_interval",
            "state_file",
        },
        "site",
    )
    theme = v.optional_string(raw, "theme_dir")
    state_file = v.optional_string(raw, "state_file")
    base_path = v.string(raw, "base_path", "/")
    if not base_path.endswith("/"):
        base_path += "/"
    return SiteSettings(
        out_dir=_resolve(base_dir, v.string(raw, "out_dir", "./public")),
        title=v.string(raw, "title", "newsdesk"),
        base_url=v.string(raw, "base_url", ""),
        base_path=base_path,
        per_page=v.integer(raw, "per_page", 30, minimum=1),
        theme_dir=_resolve(base_dir, theme) if theme else None,
        listen=v.string(raw, "listen", "127.0.0.1:8080"),
        search=v.boolean(raw, "search", True),
        search_interval=v.duration(raw, "search_interval", 0.0, allow_zero=True),
        state_file=_resolve(base_dir, state_file) if state_file else None,
    )


def _watch_settings(v: _Validator, raw: Any, parent: Mapping) -> WatchSettings:
    if raw is None:
        return WatchSettings()
    v.check(isinstance(raw, Mapping), parent, "watch", "must be a mapping")
    v.known_keys(raw, set(WatchSettings.__dataclass_fields__), "watch")
    d = WatchSettings()
    return WatchSettings(
        interval=v.duration(raw, "interval", d.interval),
        min_interval=v.duration(raw, "min_interval", d.min_interval),
        max_interval=v.duration(raw, "max_interval", d.max_interval),
        pause_after=v.integer(raw, "pause_after", d.pause_after, minimum=1),
        after_publish=v.optional_string(raw, "after_publish"),
        after_publish_timeout=v.duration(raw, "after_publish_timeout", d.after_publish_timeout),
    )


def _sources(
    v: _Validator, groups: Any, parent: Mapping, *, rsshub: str, image_proxy: str, timezone: str
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


def _source_options(v: _Validator, channels: Mapping) -> SourceOptions:
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
    v: _Validator,
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
        v.known_keys(spec, _CHANNEL_KEYS, f"channel {channel_name!r}")
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


def _resolve(base: Path, value: str) -> Path:
    p = Path(value).expanduser()
    return p if p.is_absolute() else (base / p)


def _line_of(mapping: Any, key: Any) -> int | None:
    lc = getattr(mapping, "lc", None)
    if lc is None:
        return None
    try:
        return lc.key(key)[0] + 1
    except (KeyError, TypeError, AttributeError):
        try:
            return lc.line + 1
        except AttributeError:
            return None


_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]?i?B?)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "B": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}
_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$", re.IGNORECASE)
_DURATION_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


class _Validator:
    """Typed getters that raise ConfigError naming the key and its line."""

    def __init__(self, path: str) -> None:
        self.path = path

    def error(self, mapping: Any, key: Any, message: str) -> ConfigError:
        return ConfigError(
            f"{key}: {message}" if not message.startswith(str(key)) else message,
            path=self.path,
            line=_line_of(mapping, key),
        )

    def check(self, ok: bool, mapping: Any, key: Any, message: str) -> None:
        if not ok:
            raise self.error(mapping, key, message)

    def known_keys(self, mapping: Mapping, allowed: set[str], where: str) -> None:
        for key in mapping:
            if key not in allowed:
                hint = _closest(str(key), allowed)
                raise self.error(
                    mapping,
                    key,
                    f"unknown key in {where}" + (f" (did you mean {hint!r}?)" if hint else ""),
                )

    def name(self, key: Any) -> str:
        # YAML reads `36` or `null` as non-strings; a category name is always text.
        if key is None:  # `null:` (or `~:`) as a name: keep the word the user most likely wrote
            return "null"
        if isinstance(key, bool):
            return "true" if key else "false"
        return str(key)

    def string(self, m: Mapping, key: str, default: str) -> str:
        if key not in m or m[key] is None:
            return default
        value = m[key]
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.error(m, key, f"must be text, got {type(value).__name__}")
        return str(value)

    def optional_string(self, m: Mapping, key: str) -> str | None:
        value = self.string(m, key, "")
        return value or None

    def header(self, m: Mapping, key: str) -> str | None:
        """A value sent as an HTTP header: ASCII only (write other text percent-encoded)."""
        value = self.optional_string(m, key)
        if value is not None and (not value.isascii() or any(c in value for c in "\r\n")):
            raise self.error(
                m,
                key,
                "must be ASCII on one line (it is sent as an HTTP header; "
                "percent-encode other characters)",
            )
        return value

    def string_list(self, m: Mapping, key: str, default: list[str]) -> list[str]:
        if key not in m or m[key] is None:
            return list(default)
        value = m[key]
        if isinstance(value, str):
            return [value]
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            raise self.error(m, key, "must be a list of text values")
        return list(value)

    def boolean(self, m: Mapping, key: str, default: bool) -> bool:
        if key not in m:
            return default
        if not isinstance(m[key], bool):
            raise self.error(m, key, "must be true or false")
        return bool(m[key])

    def integer(self, m: Mapping, key: str, default: int, *, minimum: int = 0) -> int:
        if key not in m:
            return default
        value = m[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(m, key, f"must be a whole number, got {value!r}")
        if value < minimum:
            raise self.error(m, key, f"must be at least {minimum}, got {value}")
        return int(value)

    def optional_int(self, m: Mapping, key: str, *, minimum: int) -> int | None:
        if key not in m or m[key] is None:
            return None
        return self.integer(m, key, 0, minimum=minimum)

    def number(self, m: Mapping, key: str, default: float) -> float:
        if key not in m:
            return default
        value = m[key]
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not 0 < value < float("inf")
        ):  # NaN fails both comparisons
            raise self.error(m, key, f"must be a positive number of seconds, got {value!r}")
        return float(value)

    def size(self, m: Mapping, key: str, default: int) -> int:
        if key not in m:
            return default
        value = m[key]
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
        match = _SIZE_RE.match(str(value))
        size = 0
        if match:
            unit = (match.group(2) or "").upper().replace("I", "").rstrip("B") or ""
            size = int(float(match.group(1)) * _SIZE_UNITS[unit])
        if size < 1:
            raise self.error(m, key, f"must be a size such as 10MB or 500KB, got {value!r}")
        return size

    def duration(self, m: Mapping, key: str, default: float, *, allow_zero: bool = False) -> float:
        if key not in m:
            return default
        value = m[key]
        floor = 0 if allow_zero else 1e-9
        if (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and floor <= value < float("inf")
        ):
            return float(value)
        match = _DURATION_RE.match(str(value))
        if not match or float(match.group(1)) < floor:
            raise self.error(m, key, f"must be a duration such as 30m, 2h or 90s, got {value!r}")
        return float(match.group(1)) * _DURATION_UNITS[(match.group(2) or "").lower()]

    def choice(self, m: Mapping, key: str, choices: tuple[str, ...], default: str) -> str:
        value = self.string(m, key, default)
        if value not in choices:
            raise self.error(m, key, f"must be one of {', '.join(choices)}, got {value!r}")
        return value

    def timezone(self, m: Mapping, key: str, default: str) -> str:
        value = self.string(m, key, default)
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise self.error(
                m,
                key,
                f"unknown time zone {value!r} (use an IANA name such as Asia/Shanghai or UTC)",
            ) from None
        return value


def _closest(key: str, allowed: set[str]) -> str | None:
    import difflib

    match = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.7)
    return match[0] if match else None
