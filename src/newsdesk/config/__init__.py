"""Load and validate ``newsdesk.yaml``: ``load_config(path, environ) -> Config``.

load.py      load_config / parse_config, the top-level keys, ``Config``
validate.py  typed getters that name the key and its line (``Validator``)
fetch.py     the ``fetch:`` section        site.py   the ``site:`` section
watch.py     the ``watch:`` section        sources.py  the ``groups:`` tree
queue.py     the ``queue:`` section (``newsdesk worker``)
"""

from newsdesk.config.fetch import FetchSettings
from newsdesk.config.load import (
    DEFAULT_PLACEHOLDER,
    DEFAULT_RSSHUB,
    OUTPUT_TARGETS,
    TOP_KEYS,
    USE_PROXY_SERVER,
    Config,
    load_config,
    parse_config,
)
from newsdesk.config.queue import QueueSettings
from newsdesk.config.site import SiteSettings
from newsdesk.config.sources import (
    CHANNEL_KEYS,
    SOURCE_OPTION_KEYS,
    SourceOptions,
    resolve_feed_url,
)
from newsdesk.config.validate import ConfigProblems
from newsdesk.config.watch import WatchSettings

__all__ = [
    "CHANNEL_KEYS",
    "DEFAULT_PLACEHOLDER",
    "DEFAULT_RSSHUB",
    "OUTPUT_TARGETS",
    "SOURCE_OPTION_KEYS",
    "TOP_KEYS",
    "USE_PROXY_SERVER",
    "Config",
    "ConfigProblems",
    "FetchSettings",
    "QueueSettings",
    "SiteSettings",
    "SourceOptions",
    "WatchSettings",
    "load_config",
    "parse_config",
    "resolve_feed_url",
]
