"""The `proxy` group: serve the image proxy, sign image URLs."""

from __future__ import annotations

import click

from newsdesk.cli.common import config_option, fail, load

__all__ = ["proxy"]


@click.group()
def proxy() -> None:
    """The image proxy that makes hotlink-protected images load (see `proxy_server:`)."""


@proxy.command("serve")
@config_option
@click.pass_context
def proxy_serve(ctx: click.Context) -> None:
    """Serve the image proxy on `proxy_server.listen`."""
    from newsdesk.imageproxy import serve as serve_proxy

    config = load(ctx)
    if config.proxy_server is None:
        fail(f"{config.path}: add a `proxy_server:` section to serve the image proxy")
    serve_proxy(config.proxy_server)


@proxy.command("sign")
@config_option
@click.argument("url")
@click.pass_context
def proxy_sign(ctx: click.Context, url: str) -> None:
    """Print the proxied URL for an image URL."""
    from newsdesk.imageproxy import sign_url

    config = load(ctx)
    if config.proxy_server is None:
        fail(f"{config.path}: add a `proxy_server:` section to sign URLs")
    try:
        click.echo(sign_url(config.proxy_server, url))
    except ValueError as exc:
        fail(str(exc))
