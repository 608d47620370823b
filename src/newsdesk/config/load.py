"""Load ``newsdesk.yaml`` into a ``Config``: the top level, and the sections put together.

``load_config(path, environ) -> Config`` checks everything up front: an unknown key, a
wrong type or a bad value is a ``ConfigError`` that names the key and its line, so a
typo never surfaces halfway through a run. Each section's schema lives in its own
module (fetch.py, site.py, watch.py, sources.py); validate.py holds the typed getters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

from newsdesk.config.fetch import FetchSettings, fetch_settings
from newsdesk.config.queue import QueueSettings, queue_settings
from newsdesk.config.site import SiteSettings, site_settings
from newsdesk.config.sources import SourceOptions, feed_tree
from newsdesk.config.validate import ConfigProblems, Validator, line_of, resolve_path
from newsdesk.config.watch import WatchSettings, watch_settings
from newsdesk.errors import ConfigError
from newsdesk.models import FeedSource

__all__ = [
    "DEFAULT_PLACEHOLDER",
    "DEFAULT_RSSHUB",
    "OUTPUT_TARGETS",
    "TOP_KEYS",
    "USE_PROXY_SERVER",
    "Config",
    "load_config",
    "parse_config",
]

DEFAULT_RSSHUB = "https://rsshub.app"
# FeedSource.image_proxy value meaning "derive image URLs from the proxy_server section".
USE_PROXY_SERVER = "proxy_server:"
DEFAULT_PLACEHOLDER = "https://picsum.photos/400/300?random={n}"
DEFAULT_TIMEZONE = "Asia/Shanghai"
FRONT_MATTER_PROFILES = ("volantis", "butterfly", "plain")
POST_TARGETS = ("hexo", "hugo", "jekyll")
# `outputs:` may also name "site": the static site is rebuilt after publishing.
OUTPUT_TARGETS = (*POST_TARGETS, "site")


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
    outputs: tuple[str, ...]  # post targets (hexo, hugo, jekyll); "site" sets build_site
    hugo_dir: Path
    jekyll_dir: Path
    fetch: FetchSettings
    site: SiteSettings
    watch: WatchSettings
    sources: tuple[FeedSource, ...]  # the feeds to fetch (paused ones are not among them)
    source_options: Mapping[tuple[str, str], SourceOptions] = field(default_factory=dict)
    keep_days: int | None = None
    keep_per_channel: int | None = None
    proxy_server: Any = None  # imageproxy.ProxyServerConfig when configured
    raw_proxy_server: Any = None
    queue: QueueSettings = field(default_factory=QueueSettings)
    paused: tuple[FeedSource, ...] = ()  # `paused: true` in the config
    all_feeds: tuple[FeedSource, ...] = ()  # sources and paused, in the config's order
    build_site: bool = False  # `outputs` names "site": run and publish rebuild it

    def options_for(self, source: FeedSource) -> SourceOptions:
        return self.source_options.get((source.group, source.source), SourceOptions())

    @property
    def posts_dir(self) -> Path:
        return self.hexo_dir / "source" / "_posts"


TOP_KEYS = (
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
    "queue",
    "keep_days",
    "keep_per_channel",
    "proxy_server",
    "groups",
)


def load_config(path: str | Path, environ: Mapping[str, str] | None = None) -> Config:
    """Read, validate and resolve a config file. Raises ``ConfigError`` (``ConfigProblems``
    when there are several problems: every one is reported, each with its line)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            "config file not found (create one with `newsdesk init`, or try `newsdesk demo`)",
            path=str(path),
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
    v = Validator(str(path))
    if not isinstance(data, Mapping):
        raise ConfigError("the top level must be a mapping of keys", path=str(path), line=1)
    v.known_keys(data, TOP_KEYS, "top level")
    base_dir = path.resolve().parent

    rsshub = v.string(data, "rsshub", DEFAULT_RSSHUB).rstrip("/")
    if not rsshub.startswith(("http://", "https://")):
        v.report(data, "rsshub", "must be an http(s) URL such as https://rsshub.app")
        rsshub = DEFAULT_RSSHUB
    image_proxy = v.string(data, "image_proxy", "")
    placeholder = v.string(data, "placeholder", DEFAULT_PLACEHOLDER)
    timezone = v.timezone(data, "timezone", DEFAULT_TIMEZONE)
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
        database = str(resolve_path(base_dir, database))

    proxy_server = _proxy_server(v, data, base_dir=base_dir, environ=environ)
    # With a proxy_server and no explicit prefix, posts point at our own proxy.
    default_proxy = image_proxy or (USE_PROXY_SERVER if proxy_server is not None else "")
    tree = feed_tree(
        v,
        data.get("groups"),
        data,
        rsshub=rsshub,
        image_proxy=default_proxy,
        timezone=timezone,
        top_keys=TOP_KEYS,
    )
    config = Config(
        path=path,
        base_dir=base_dir,
        rsshub=rsshub,
        image_proxy=image_proxy,
        placeholder=placeholder,
        hexo_dir=resolve_path(base_dir, v.string(data, "hexo_dir", "./blog")),
        database=database,
        timezone=timezone,
        front_matter=front_matter,
        outputs=tuple(o for o in outputs if o in POST_TARGETS),
        hugo_dir=resolve_path(base_dir, v.string(data, "hugo_dir", "./hugo")),
        jekyll_dir=resolve_path(base_dir, v.string(data, "jekyll_dir", "./jekyll")),
        fetch=fetch_settings(v, data.get("fetch"), data),
        site=site_settings(v, data.get("site"), data, base_dir, timezone=timezone),
        watch=watch_settings(v, data.get("watch"), data),
        sources=tree.sources,
        source_options=tree.options,
        keep_days=v.optional_int(data, "keep_days", minimum=1),
        keep_per_channel=v.optional_int(data, "keep_per_channel", minimum=1),
        proxy_server=proxy_server,
        raw_proxy_server=data.get("proxy_server"),
        paused=tree.paused,
        all_feeds=tree.all_feeds,
        build_site="site" in outputs,
        queue=queue_settings(v, data.get("queue"), data),
    )
    v.raise_problems()
    return config


def _proxy_server(
    v: Validator, data: Mapping, *, base_dir: Path, environ: Mapping[str, str]
) -> Any:
    """The ``proxy_server`` section parsed by the image proxy's own validator, or None."""
    raw = data.get("proxy_server")
    if raw is None or not v.check(
        isinstance(raw, Mapping), data, "proxy_server", "must be a mapping"
    ):
        return None
    from newsdesk.imageproxy.config import parse_proxy_server

    try:
        return parse_proxy_server(dict(raw), base_dir=base_dir, environ=environ)
    except ConfigProblems:
        raise
    except ConfigError as exc:
        if exc.path is not None:
            raise
        # Its messages name the full key ("proxy_server.keys[0]: …"); add file and line.
        key = str(exc).split(":", 1)[0].removeprefix("proxy_server.").split("[", 1)[0]
        where = raw if key in raw else data
        v.problems.append(
            ConfigError(
                str(exc), path=v.path, line=line_of(where, key if key in raw else "proxy_server")
            )
        )
        return None
