"""Image proxy: URL rewriting for published posts (``rewrite.py``, pure), signing of the
proxied URLs (``links.py``, ``signing.py``), and the ASGI service that serves them
(``app.py``, ``server.py``): target checks, guarded upstream fetching, a disk and a memory
cache, and ``/healthz`` and ``/metrics``."""

# The serving side, imported lazily: publishing imports ``rewrite`` through this package
# and should not pay for uvicorn/httpx unless it uses the proxy.
from importlib import import_module as _import_module
from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

__all__ = [
    "ProxyServerConfig",
    "create_app",
    "parse_proxy_server",
    "serve",
    "sign_url",
    "url_builder",
]

_LAZY = {
    "ProxyServerConfig": "config",
    "parse_proxy_server": "config",
    "create_app": "app",
    "serve": "server",
    "sign_url": "links",
    "url_builder": "links",
}

if _TYPE_CHECKING:
    from newsdesk.imageproxy.app import create_app
    from newsdesk.imageproxy.config import ProxyServerConfig, parse_proxy_server
    from newsdesk.imageproxy.links import sign_url, url_builder
    from newsdesk.imageproxy.server import serve


def __getattr__(name: str) -> _Any:
    if name in _LAZY:
        return getattr(_import_module(f"newsdesk.imageproxy.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'newsdesk.imageproxy' has no attribute {name!r}")
