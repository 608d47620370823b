"""The URLs posts point at: what publishing calls to turn an image URL into a proxied one."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from newsdesk.clean.urls import is_http_url
from newsdesk.imageproxy.config import ProxyServerConfig
from newsdesk.imageproxy.signing import Signer

__all__ = ["sign_url", "url_builder"]


def sign_url(config: ProxyServerConfig, url: str) -> str:
    """The signed proxy URL for ``url``; needs at least one key in the config."""
    if not config.keys:
        raise ValueError("proxy_server has no keys: only the prefix form is available")
    return config.public_url + Signer(config.keys).sign(url)


def _signed(public_url: str, signer: Signer, url: str) -> str:
    return public_url + signer.sign(url) if _proxiable(public_url, url) else url


def _prefixed(public_url: str, url: str) -> str:
    return f"{public_url}?{url}" if _proxiable(public_url, url) else url


def _proxiable(public_url: str, url: str) -> bool:
    # data: URIs and relative links are left alone, the proxy only fetches http(s); and a
    # URL that already points at this proxy (signed or prefix form) is never wrapped again.
    return is_http_url(url) and not url.casefold().startswith(public_url.casefold())


def url_builder(config: ProxyServerConfig) -> Callable[[str], str]:
    """``image_url`` for publishing: signed form when keys exist, else ``public_url?url``."""
    if config.keys:
        return partial(_signed, config.public_url, Signer(config.keys))
    return partial(_prefixed, config.public_url)
