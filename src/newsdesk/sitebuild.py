"""Glue between the store and the static site: ``newsdesk build`` and ``newsdesk serve``."""

from __future__ import annotations

import time
from typing import Any

from rich.console import Console

from newsdesk.config import Config
from newsdesk.models import Article

__all__ = ["build_from_store", "serve_site", "site_options"]


def search_due(config: Config, *, forced: bool = False) -> bool:
    """Whether this build should (re)build the search index (``site.search_interval``)."""
    site = config.site
    if forced or (site.search and site.search_interval <= 0):
        return site.search or forced
    if not site.search:
        return False
    bundle = site.out_dir / "pagefind" / "pagefind.js"
    try:
        age = time.time() - bundle.stat().st_mtime
    except FileNotFoundError:
        return True
    return age >= site.search_interval


def site_options(config: Config, *, full: bool = False, search: bool | None = None) -> Any:
    from newsdesk.pipeline import image_url_for
    from newsdesk.publish.site import SiteOptions

    placeholder = config.placeholder if "{n}" not in config.placeholder else None
    return SiteOptions(
        title=config.site.title,
        base_url=config.site.base_url,
        base_path=config.site.base_path,
        per_page=config.site.per_page,
        # One mapping for the whole site: the global proxy (a feed's own prefix is for posts).
        image_url=image_url_for(config, None),
        placeholder=placeholder,
        theme_dir=config.site.theme_dir,
        timezone=config.timezone,
        force=full,
        search=search_due(config) if search is None else search,
    )


def build_from_store(config: Config, store: Any, *, full: bool = False,
                     search: bool | None = None) -> Any:
    """Build ``site.out_dir`` from the stored articles and feed health."""
    from newsdesk.publish.site import FeedHealth, build_site

    states = store.feed_states()
    feeds = []
    for s in config.sources:
        st = states.get(s.key)
        feeds.append(FeedHealth(
            url=s.url, group=s.group, source=s.source, channel=s.channel,
            last_success=st.last_success if st else None,
            last_error=st.last_error if st else None,
            error_streak=st.error_streak if st else 0,
            items=st.items if st else 0))

    def load_html(article: Article) -> str:
        return str(store.load_html(article))

    return build_site(config.site.out_dir, articles=store.iter_articles(with_html=False),
                      load_html=load_html, feeds=feeds,
                      options=site_options(config, full=full, search=search))


def serve_site(config: Config, listen: str, *, console: Console) -> None:
    """Serve the built site, and the image proxy under its base path, on one port."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.routing import Mount
    from starlette.staticfiles import StaticFiles

    out_dir = config.site.out_dir
    if not (out_dir / "index.html").exists():
        raise SystemExit(f"{out_dir} has no site yet: run `newsdesk build` first")
    routes: list[Any] = []
    proxy = config.proxy_server
    if proxy is not None:
        from newsdesk.imageproxy import create_app

        base = "/" + proxy.base_path.strip("/")
        if base == "/":
            raise SystemExit("proxy_server.base_path must be a sub-path (e.g. /_img/) to share "
                             "a port with the site; or run `newsdesk proxy serve` separately")
        routes.append(Mount(base, app=create_app(proxy)))
    routes.append(Mount("/", app=StaticFiles(directory=out_dir, html=True)))
    host, _, port = listen.rpartition(":")
    console.print(f"serving {out_dir} at http://{host or '127.0.0.1'}:{port}/", highlight=False)
    uvicorn.run(Starlette(routes=routes), host=host or "127.0.0.1", port=int(port),
                log_level="warning")
