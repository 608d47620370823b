"""The `proxy` group: serve the image proxy, sign image URLs."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

import click

from newsdesk.cli.common import config_option, fail, listen_option, load, out, parse_listen

__all__ = ["proxy"]


@click.group()
def proxy() -> None:
    """The image proxy that makes hotlink-protected images load (see `proxy_server:`)."""


@proxy.command("serve")
@config_option
@listen_option("proxy_server.listen, 127.0.0.1:8081")
@click.pass_context
def proxy_serve(ctx: click.Context, listen: str | None) -> None:
    """Serve the image proxy; prints where it listens and whether signing is on."""
    from newsdesk.imageproxy import serve as serve_proxy

    config = load(ctx)
    settings = config.proxy_server
    if settings is None:
        fail(f"{config.path}: add a `proxy_server:` section to serve the image proxy")
    if listen is not None:
        host, port = parse_listen(listen)
        settings = replace(settings, listen_host=host, listen_port=port)
    shown = f"[{settings.listen_host}]" if ":" in settings.listen_host else settings.listen_host
    if settings.keys:
        signing = f"signing on ({len(settings.keys)} key(s)): only signed URLs are served"
    else:
        signing = (
            "signing off (no proxy_server.keys): prefix form <public_url>?<image URL>, "
            "for allow_hosts only"
        )
    out.print(
        f"image proxy listening on http://{shown}:{settings.listen_port}/ "
        f"(public URL {settings.public_url})\n{signing}\nCtrl-C stops it.",
        highlight=False,
        markup=False,
    )
    serve_proxy(settings)


@proxy.command("sign")
@config_option
@click.argument("url")
@click.pass_context
def proxy_sign(ctx: click.Context, url: str) -> None:
    """Print the proxied URL for an http(s) image URL."""
    from newsdesk.imageproxy import sign_url

    config = load(ctx)
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        fail(f"{url!r} is not an image URL: give an http:// or https:// URL")
    if config.proxy_server is None:
        fail(f"{config.path}: add a `proxy_server:` section to sign URLs")
    try:
        click.echo(sign_url(config.proxy_server, url.strip()))
    except ValueError as exc:
        fail(str(exc))
