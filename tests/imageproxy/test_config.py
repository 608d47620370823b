from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.errors import ConfigError
from newsdesk.imageproxy.config import parse_proxy_server, parse_size

ENV = {"NEWSDESK_PROXY_KEY": "a-very-secret-key-123", "OLD_KEY": "an-older-secret-key-456"}
SEED = {
    "listen": "127.0.0.1:8081",
    "public_url": "https://img.example.org/",
    "keys": ["env:NEWSDESK_PROXY_KEY", "env:OLD_KEY"],
    "allow_hosts": ["zkres1.myzaker.com", "*.myzaker.com"],
    "referers": {"*.myzaker.com": "http://www.myzaker.com/", "dockone.io": ""},
    "allow_networks": [],
    "cache_dir": "./image-cache",
    "cache_max": "2GB",
}


def parse(mapping: dict, environ: dict | None = None):
    return parse_proxy_server(
        mapping, base_dir=Path("/srv/news"), environ=ENV if environ is None else environ
    )


def test_issue_example_parses() -> None:
    config = parse(SEED)
    assert (config.listen_host, config.listen_port) == ("127.0.0.1", 8081)
    assert config.keys == (b"a-very-secret-key-123", b"an-older-secret-key-456")
    assert config.allow_hosts == ("zkres1.myzaker.com", "*.myzaker.com")
    assert dict(config.referers) == {"*.myzaker.com": "http://www.myzaker.com/", "dockone.io": ""}
    assert config.cache_dir == Path("/srv/news/image-cache")
    assert config.cache_max == 2 * 1024**3
    assert config.base_path == "/"


def test_minimal_config_has_defaults() -> None:
    config = parse({"public_url": "https://img.example.org/img"})
    assert config.public_url == "https://img.example.org/img/"
    assert config.base_path == "/img/"
    assert config.keys == ()
    assert config.cache_dir is None
    assert config.svg == "sandbox" and config.cors_origin == "*"


def test_optional_keys() -> None:
    config = parse(
        {
            **SEED,
            "listen": "[::1]:9000",
            "max_bytes": "500KB",
            "max_redirects": 2,
            "connect_timeout": 1,
            "read_timeout": 2.5,
            "total_timeout": 9,
            "base_path": "/proxy",
            "trusted_proxies": ["10.0.0.0/8"],
            "svg": "refuse",
            "cors_origin": None,
            "user_agent": "newsdesk",
            "memory_cache_max": "1MB",
            "memory_item_max": 1000,
        }
    )
    assert (config.listen_host, config.listen_port) == ("::1", 9000)
    assert config.max_bytes == 500 * 1024
    assert config.read_timeout == 2.5
    assert config.base_path == "/proxy/"
    assert config.trusted_proxies == ("10.0.0.0/8",)
    assert config.cors_origin is None
    assert config.memory_item_max == 1000


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("2GB", 2 * 1024**3),
        ("500MB", 500 * 1024**2),
        ("1.5 KB", 1536),
        ("10", 10),
        (42, 42),
        ("3kib", 3072),
    ],
)
def test_sizes(text: object, size: int) -> None:
    assert parse_size(text, "cache_max") == size


@pytest.mark.parametrize(
    ("patch", "names"),
    [
        ({"cache_maxx": "1GB"}, "proxy_server.cache_maxx"),
        ({"cache_max": "lots"}, "proxy_server.cache_max"),
        ({"cache_max": True}, "proxy_server.cache_max"),
        ({"keys": "env:NEWSDESK_PROXY_KEY"}, "proxy_server.keys"),
        ({"keys": ["short"]}, "proxy_server.keys[0]"),
        ({"allow_hosts": [1]}, "proxy_server.allow_hosts"),
        ({"referers": ["a"]}, "proxy_server.referers"),
        ({"allow_networks": ["not-a-net"]}, "proxy_server.allow_networks"),
        ({"listen": "8081"}, "proxy_server.listen"),
        ({"public_url": "ftp://x/"}, "proxy_server.public_url"),
        ({"max_redirects": 2.5}, "proxy_server.max_redirects"),
        ({"read_timeout": "soon"}, "proxy_server.read_timeout"),
        ({"svg": "maybe"}, "proxy_server.svg"),
        ({"cache_dir": 3}, "proxy_server.cache_dir"),
        ({"max_bytes": "3GB"}, "proxy_server.max_bytes"),
        ({"per_host_connections": 0}, "proxy_server.per_host_connections"),
        ({"per_host_connections": 33}, "proxy_server.per_host_connections"),
        ({"per_host_queue": -1}, "proxy_server.per_host_queue"),
    ],
)
def test_errors_name_the_key(patch: dict, names: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse({**SEED, **patch})
    assert names in str(caught.value)


@pytest.mark.parametrize(
    ("patch", "per_host", "queue"),
    [
        ({}, 8, 64),
        ({"upstream_connections": 6}, 3, 64),  # the default share stays at most half the pool
        ({"upstream_connections": 1}, 1, 64),
        ({"per_host_connections": 2, "per_host_queue": 0}, 2, 0),
        ({"upstream_connections": 4, "per_host_connections": 4}, 4, 64),
    ],
)
def test_per_host_share(patch: dict, per_host: int, queue: int) -> None:
    config = parse({**SEED, **patch})
    assert (config.per_host_connections, config.per_host_queue) == (per_host, queue)


def test_missing_public_url() -> None:
    with pytest.raises(ConfigError, match=r"proxy_server\.public_url"):
        parse({"listen": "127.0.0.1:8081"})


def test_missing_environment_variable_is_a_clear_error() -> None:
    with pytest.raises(ConfigError) as caught:
        parse(SEED, environ={"NEWSDESK_PROXY_KEY": "a-very-secret-key-123"})
    assert "proxy_server.keys[1]" in str(caught.value)
    assert "OLD_KEY is not set" in str(caught.value)
