"""Glue between the store and the static site: ``newsdesk build`` and ``newsdesk serve``."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from rich.console import Console

from newsdesk.config import Config

__all__ = ["build_from_store", "serve_site", "site_app", "site_options"]


def search_due(config: Config) -> bool:
    """Whether this build should update the search index (``site.search_interval``)."""
    from newsdesk.publish.site.search.index import FOLDER, MANIFEST

    site = config.site
    if not site.search or site.search_interval <= 0:
        return site.search
    try:
        age = time.time() - (site.out_dir / FOLDER / MANIFEST).stat().st_mtime
    except FileNotFoundError:
        return True
    return age >= site.search_interval


def site_base_path(base_path: str) -> str:
    """``site.base_path`` for SiteOptions: "" (use base_url's path) when it is unset.

    The config defaults base_path to "/", which cannot be told from unset; a site whose
    base_url has a path ("https://x.org/news/") is served under that path.
    """
    return "" if not base_path.strip("/") else base_path


def site_options(config: Config, *, full: bool = False, search: bool | None = None) -> Any:
    from newsdesk.pipeline import image_url_for
    from newsdesk.publish.site import SiteOptions

    placeholder = config.placeholder if "{n}" not in config.placeholder else None
    return SiteOptions(
        title=config.site.title,
        base_url=config.site.base_url,
        base_path=site_base_path(config.site.base_path),
        per_page=config.site.per_page,
        image_url=image_url_for(config, None),
        feed_image_urls={s.key: image_url_for(config, s) for s in config.sources},
        placeholder=placeholder,
        theme_dir=config.site.theme_dir,
        timezone=config.site.timezone,
        force=full,
        search=search_due(config) if search is None else search,
        search_enabled=config.site.search,
    )


def build_from_store(
    config: Config,
    store: Any,
    *,
    full: bool = False,
    search: bool | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> Any:
    """Build ``site.out_dir`` from the stored articles and feed health.

    Incremental: the state file (``site.state_file``, by default beside out_dir) holds
    the store position the last build reached, and only what changed after it is read.
    """
    from newsdesk.publish.site import FeedHealth, StoreSource, build_site

    states = store.feed_states()
    feeds = []
    for s in config.sources:
        st = states.get(s.key)
        feeds.append(
            FeedHealth(
                url=s.url,
                group=s.group,
                source=s.source,
                channel=s.channel,
                last_success=st.last_success if st else None,
                last_error=st.last_error if st else None,
                error_streak=st.error_streak if st else 0,
                items=st.items if st else 0,
            )
        )

    return build_site(
        config.site.out_dir,
        source=StoreSource(store),
        feeds=feeds,
        options=site_options(config, full=full, search=search),
        state_file=config.site.state_file,
        progress=progress,
    )


def site_app(out_dir: Path, mounts: Sequence[tuple[str, Any]] = ()) -> Any:
    """The ASGI app ``newsdesk serve`` runs: ``mounts`` (path, ASGI app) first, then out_dir.

    Dotfiles are never served (temporary files, or the build state older versions kept
    in out_dir); hosts that publish out_dir by copying it should exclude them too.
    """
    import stat
    from contextlib import AsyncExitStack, asynccontextmanager

    import anyio
    from starlette.applications import Starlette
    from starlette.exceptions import HTTPException
    from starlette.responses import FileResponse, Response
    from starlette.routing import Mount
    from starlette.staticfiles import StaticFiles

    class PublicFiles(StaticFiles):
        async def get_response(self, path: str, scope: Any) -> Response:
            # ``path`` is normalized ("a/../.x" -> ".x"): any dot segment is hidden.
            if any(part.startswith(".") for part in Path(path).parts):
                full, st = await anyio.to_thread.run_sync(self.lookup_path, "404.html")
                if st is not None and stat.S_ISREG(st.st_mode):
                    return FileResponse(full, stat_result=st, status_code=404)
                raise HTTPException(status_code=404)
            return await super().get_response(path, scope)

    @asynccontextmanager
    async def lifespan(_: Any) -> AsyncIterator[None]:
        # Mount does not pass lifespan events on: start and stop the mounted apps here,
        # so e.g. the image proxy loads its disk cache before serving and closes its client.
        async with AsyncExitStack() as stack:
            for _path, app in mounts:
                await stack.enter_async_context(_asgi_lifespan(app))
            yield

    routes: list[Any] = [Mount(path, app=app) for path, app in mounts]
    routes.append(Mount("/", app=PublicFiles(directory=out_dir, html=True)))
    return Starlette(routes=routes, lifespan=lifespan)


@asynccontextmanager
async def _asgi_lifespan(app: Any) -> AsyncIterator[None]:
    """Run ``app``'s ASGI lifespan protocol: startup on entry, shutdown on exit.

    An app that does not speak it (returns or raises at once) is simply not started.
    """
    import anyio

    to_app, app_inbox = anyio.create_memory_object_stream[dict[str, Any]](1)
    app_outbox, from_app = anyio.create_memory_object_stream[dict[str, Any]](1)
    scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": {}}

    async def run() -> None:
        async with app_outbox:  # closing it tells us the app is done
            with contextlib.suppress(Exception):  # the spec's "lifespan not supported"
                await app(scope, app_inbox.receive, app_outbox.send)

    async with anyio.create_task_group() as tg, to_app, from_app:
        tg.start_soon(run)
        await to_app.send({"type": "lifespan.startup"})
        try:
            reply = await from_app.receive()
        except anyio.EndOfStream:
            reply = {"type": "unsupported"}
        if reply["type"] == "lifespan.startup.failed":
            raise RuntimeError(f"mounted app failed to start: {reply.get('message', '')}")
        try:
            yield
        finally:
            if reply["type"] == "lifespan.startup.complete":
                await to_app.send({"type": "lifespan.shutdown"})
                with contextlib.suppress(anyio.EndOfStream):
                    await from_app.receive()  # shutdown.complete (or .failed)


def serve_site(config: Config, listen: str, *, console: Console) -> None:
    """Serve the built site, and the image proxy under its base path, on one port."""
    import uvicorn

    out_dir = config.site.out_dir
    if not (out_dir / "index.html").exists():
        raise SystemExit(f"{out_dir} has no site yet: run `newsdesk build` first")
    mounts: list[tuple[str, Any]] = []
    proxy = config.proxy_server
    if proxy is not None:
        from newsdesk.imageproxy import create_app

        base = "/" + proxy.base_path.strip("/")
        if base == "/":
            raise SystemExit(
                "proxy_server.base_path must be a sub-path (e.g. /_img/) to share "
                "a port with the site; or run `newsdesk proxy serve` separately"
            )
        mounts.append((base, create_app(proxy)))
    host, _, port = listen.rpartition(":")
    console.print(f"serving {out_dir} at http://{host or '127.0.0.1'}:{port}/", highlight=False)
    uvicorn.run(
        site_app(out_dir, mounts), host=host or "127.0.0.1", port=int(port), log_level="warning"
    )
