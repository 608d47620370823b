"""``newsdesk proxy serve``: run the app under uvicorn on ``listen``."""

from __future__ import annotations

import uvicorn

from newsdesk.imageproxy.app import create_app
from newsdesk.imageproxy.config import ProxyServerConfig

__all__ = ["serve", "uvicorn_config"]


def uvicorn_config(config: ProxyServerConfig, **overrides: object) -> uvicorn.Config:
    options: dict[str, object] = {
        "host": config.listen_host,
        "port": config.listen_port,
        "lifespan": "on",
        # ForwardedMiddleware alone decides whom to trust; uvicorn's own copy stays off.
        "proxy_headers": False,
        "server_header": False,
        "access_log": False,
        "log_config": None,  # cli.py configures logging
    }
    options.update(overrides)
    return uvicorn.Config(create_app(config), **options)  # type: ignore[arg-type]


def serve(config: ProxyServerConfig) -> None:
    """Blocks until interrupted."""
    uvicorn.Server(uvicorn_config(config)).run()
