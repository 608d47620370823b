"""The ``proxy_server`` section of newsdesk.yaml, validated up front.

Keys (all optional except ``public_url``), with their defaults::

    listen: 127.0.0.1:8081              public_url: https://img.example.org/
    keys: []                            # signing keys, newest first; "env:NAME" reads $NAME
                                        # each at least MIN_KEY_LENGTH (16) bytes
    allow_hosts: []                     # hosts the unsigned /?<url> form may fetch
    referers: {}                        # host pattern -> Referer to send ("" = none)
    allow_networks: []                  # CIDRs exempt from the private-address refusal
    cache_dir: null                     # null = no disk cache: stream through, no coalescing
    cache_max: 2GB                      cache_fsync: true
    memory_cache_max: 64MB              memory_item_max: 256KB
    max_bytes: 20MB                     max_redirects: 4
    connect_timeout: 5                  read_timeout: 10            total_timeout: 30
    upstream_connections: 32            base_path: (public_url's path)
    per_host_connections: 8             # at most this many in flight to one upstream host
    per_host_queue: 64                  # waiting for one; beyond that, 503 at once
    trusted_proxies: []                 # peers whose X-Forwarded-For/-Proto are believed
    svg: sandbox                        # or "refuse"
    cors_origin: "*"                    # null = no Access-Control-Allow-Origin
    user_agent: (a current desktop Chrome)

``per_host_connections`` (default 8, at most half of ``upstream_connections``) and
``per_host_queue`` give each upstream host a bounded share of the connection pool, so one
stalled host cannot starve the others (``fairness.py``).
``trusted_proxies`` only changes the client address written to the refusal log (the
``client`` field); no access decision uses the client address or scheme.
``cache_max`` counts each cached URL too (4 KiB plus the URL's length), not only image bytes.

Sizes take B/KB/MB/GB/TB suffixes, 1024-based; timeouts are durations written as
everywhere in the config (``20``, ``20s``, ``30m``, ``1h``). Host patterns: ``example.org``,
``*.example.org`` (subdomains only) and ``*``; an exact name beats a wildcard.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from newsdesk.errors import ConfigError
from newsdesk.imageproxy.signing import MIN_KEY_LENGTH
from newsdesk.units import parse_duration

__all__ = ["DEFAULT_USER_AGENT", "ProxyServerConfig", "parse_proxy_server", "parse_size"]

DEFAULT_USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
_UNITS = {
    "": 1,
    "B": 1,
    "K": 1024,
    "KB": 1024,
    "KIB": 1024,
    "M": 1024**2,
    "MB": 1024**2,
    "MIB": 1024**2,
    "G": 1024**3,
    "GB": 1024**3,
    "GIB": 1024**3,
    "T": 1024**4,
    "TB": 1024**4,
    "TIB": 1024**4,
}


@dataclass(frozen=True)
class ProxyServerConfig:
    public_url: str
    listen_host: str = "127.0.0.1"
    listen_port: int = 8081
    keys: tuple[bytes, ...] = ()
    allow_hosts: tuple[str, ...] = ()
    referers: tuple[tuple[str, str], ...] = ()
    allow_networks: tuple[str, ...] = ()
    cache_dir: Path | None = None
    cache_max: int = 2 * 1024**3
    cache_fsync: bool = True
    memory_cache_max: int = 64 * 1024**2
    memory_item_max: int = 256 * 1024
    max_bytes: int = 20 * 1024**2
    max_redirects: int = 4
    upstream_connections: int = 32
    per_host_connections: int = 8
    per_host_queue: int = 64
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    total_timeout: float = 30.0
    base_path: str = "/"
    trusted_proxies: tuple[str, ...] = ()
    svg: Literal["sandbox", "refuse"] = "sandbox"
    cors_origin: str | None = "*"
    user_agent: str = DEFAULT_USER_AGENT


def parse_size(value: object, key: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*", str(value))
    if not isinstance(value, str) or not match or match[2].upper() not in _UNITS:
        raise ConfigError(f"proxy_server.{key}: expected a size like 500MB or 2GB, got {value!r}")
    return int(float(match[1]) * _UNITS[match[2].upper()])


def parse_proxy_server(
    mapping: Mapping[str, Any], *, base_dir: Path, environ: Mapping[str, str]
) -> ProxyServerConfig:
    """Validate the ``proxy_server`` mapping; raise ConfigError naming the offending key."""
    if not isinstance(mapping, Mapping):
        raise ConfigError("proxy_server: expected a mapping")
    known = set(ProxyServerConfig.__dataclass_fields__) - {"listen_host", "listen_port"}
    for key in mapping:
        if key not in known | {"listen"}:
            from newsdesk.config.validate import did_you_mean

            hint = did_you_mean(str(key), known | {"listen"})
            raise ConfigError(f"proxy_server.{key}: unknown key{hint}")
    get = _Getter(mapping)
    public_url = get.string("public_url", required=True)
    parts = urlsplit(public_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"proxy_server.public_url: expected an http(s) URL, got {public_url!r}")
    if not public_url.endswith("/"):
        public_url += "/"
    host, port = _listen(get.string("listen") or "127.0.0.1:8081")
    cache_dir = mapping.get("cache_dir", None)
    if cache_dir is not None and not isinstance(cache_dir, str):
        raise ConfigError("proxy_server.cache_dir: expected a path")
    base_path = get.string("base_path") or urlsplit(public_url).path
    svg = get.string("svg") or "sandbox"
    if svg not in ("sandbox", "refuse"):
        raise ConfigError("proxy_server.svg: expected 'sandbox' or 'refuse'")
    fsync = mapping.get("cache_fsync", True)
    if not isinstance(fsync, bool):
        raise ConfigError("proxy_server.cache_fsync: expected true or false")
    cors = mapping.get("cors_origin", "*")
    if cors is not None and not isinstance(cors, str):
        raise ConfigError("proxy_server.cors_origin: expected a string or null")
    upstream = max(1, get.number("upstream_connections", 32, int))
    per_host = _per_host(mapping, get, upstream)
    config = ProxyServerConfig(
        public_url=public_url,
        listen_host=host,
        listen_port=port,
        keys=tuple(_key(k, i, environ) for i, k in enumerate(get.strings("keys"))),
        allow_hosts=tuple(h.lower() for h in get.strings("allow_hosts")),
        referers=get.referers(),
        allow_networks=tuple(_cidr(c, "allow_networks") for c in get.strings("allow_networks")),
        cache_dir=(base_dir / cache_dir).resolve() if cache_dir else None,
        cache_max=parse_size(mapping.get("cache_max", "2GB"), "cache_max"),
        cache_fsync=fsync,
        memory_cache_max=parse_size(mapping.get("memory_cache_max", "64MB"), "memory_cache_max"),
        memory_item_max=parse_size(mapping.get("memory_item_max", "256KB"), "memory_item_max"),
        max_bytes=parse_size(mapping.get("max_bytes", "20MB"), "max_bytes"),
        max_redirects=get.number("max_redirects", 4, int),
        upstream_connections=upstream,
        per_host_connections=per_host,
        per_host_queue=get.number("per_host_queue", 64, int),
        connect_timeout=get.duration("connect_timeout", 5.0),
        read_timeout=get.duration("read_timeout", 10.0),
        total_timeout=get.duration("total_timeout", 30.0),
        base_path="/" + base_path.strip("/") + ("/" if base_path.strip("/") else ""),
        trusted_proxies=tuple(_cidr(c, "trusted_proxies") for c in get.strings("trusted_proxies")),
        svg=svg,  # type: ignore[arg-type]
        cors_origin=cors,
        user_agent=get.string("user_agent") or DEFAULT_USER_AGENT,
    )
    if config.cache_dir and config.max_bytes > config.cache_max:
        raise ConfigError(
            "proxy_server.max_bytes: larger than cache_max, so the largest "
            "allowed image could never be cached"
        )
    return config


class _Getter:
    def __init__(self, mapping: Mapping[str, Any]) -> None:
        self.m = mapping

    def string(self, key: str, *, required: bool = False) -> str:
        value = self.m.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value:
            raise ConfigError(f"proxy_server.{key}: expected a non-empty string")
        return value

    def strings(self, key: str) -> list[str]:
        value = self.m.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"proxy_server.{key}: expected a list of strings")
        return value

    def number(self, key: str, default: Any, kind: type) -> Any:
        value = self.m.get(key, default)
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or value < 0
            or (kind is int and not isinstance(value, int))
        ):
            raise ConfigError(f"proxy_server.{key}: expected a non-negative {kind.__name__}")
        return kind(value)

    def duration(self, key: str, default: float) -> float:
        try:
            return parse_duration(self.m.get(key, default))
        except ValueError as exc:
            raise ConfigError(f"proxy_server.{key}: {exc}") from None

    def referers(self) -> tuple[tuple[str, str], ...]:
        value = self.m.get("referers") or {}
        if not isinstance(value, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise ConfigError("proxy_server.referers: expected a mapping of host -> referer")
        return tuple((k.lower(), v) for k, v in value.items())


def _per_host(mapping: Mapping[str, Any], get: _Getter, upstream: int) -> int:
    if "per_host_connections" not in mapping:
        return max(1, min(8, upstream // 2))
    per_host = get.number("per_host_connections", 8, int)
    if not 1 <= per_host <= upstream:
        raise ConfigError(
            f"proxy_server.per_host_connections: expected 1 to upstream_connections "
            f"({upstream}), got {per_host}"
        )
    return per_host


def _listen(value: str) -> tuple[str, int]:
    match = re.fullmatch(r"\[?([^\[\]]+?)\]?:(\d{1,5})", value)
    if not match or not 0 < int(match[2]) < 65536:
        raise ConfigError(f"proxy_server.listen: expected host:port, got {value!r}")
    return match[1], int(match[2])


def _key(value: str, index: int, environ: Mapping[str, str]) -> bytes:
    if value.startswith("env:"):
        name = value[4:]
        if name not in environ or not environ[name]:
            raise ConfigError(f"proxy_server.keys[{index}]: environment variable {name} is not set")
        value = environ[name]
    if len(value.encode()) < MIN_KEY_LENGTH:
        raise ConfigError(
            f"proxy_server.keys[{index}]: a key needs at least {MIN_KEY_LENGTH} bytes, "
            f"this one has {len(value.encode())} (make one with: "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
        )
    return value.encode("utf-8")


def _cidr(value: str, key: str) -> str:
    try:
        return str(ipaddress.ip_network(value, strict=False))
    except ValueError:
        raise ConfigError(f"proxy_server.{key}: {value!r} is not an IP network (CIDR)") from None
