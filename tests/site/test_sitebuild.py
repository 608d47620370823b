"""The glue of ``newsdesk build`` / ``newsdesk serve``: options from config, the served app."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from newsdesk import sitebuild
from newsdesk.config import parse_config
from newsdesk.publish.site.build import OLD_MANIFEST
from newsdesk.publish.site.state import default_state_file

from .conftest import SiteBuilder
from .samples import IMAGE, sample_articles, sample_options


def _client(app: Any) -> Any:
    with warnings.catch_warnings():  # "use httpx2": deprecated but still working
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
    return TestClient(app)


def _config(tmp_path: Path, site: str) -> Any:
    text = f"site:\n{site}groups:\n  g:\n    s:\n      c: http://x.example/\n"
    return parse_config(text, path=tmp_path / "newsdesk.yaml", environ={})


@pytest.mark.parametrize(
    ("site", "root"),
    [
        ("  base_url: https://x.example/news/\n", "/news/"),  # base_path unset: base_url's path
        ("  base_url: https://x.example/news/\n  base_path: /other/\n", "/other/"),
        ("  base_url: https://x.example/\n", "/"),
        ("  title: t\n", "/"),
    ],
)
def test_root_falls_back_to_the_path_of_base_url(tmp_path: Path, site: str, root: str) -> None:
    assert sitebuild.site_options(_config(tmp_path, site), search=False).root == root


def test_dotfiles_are_not_served(site: SiteBuilder) -> None:
    site.build()
    (site.out / ".hidden").mkdir()
    (site.out / ".hidden" / "x.txt").write_text("secret")
    (site.out / OLD_MANIFEST).write_bytes(b"SQLite format 3\0")
    with _client(sitebuild.site_app(site.out)) as client:
        assert client.get("/").status_code == 200
        assert client.get("/static/site.css").status_code == 200
        for path in (f"/{OLD_MANIFEST}", "/%2Enewsdesk-site.sqlite", "/.hidden/x.txt", "/a/.x"):
            response = client.get(path)
            assert response.status_code == 404, path
            assert b"SQLite" not in response.content and b"secret" not in response.content


def test_the_build_state_lives_outside_the_uploaded_folder(site: SiteBuilder) -> None:
    site.build()
    state = default_state_file(site.out)
    assert state.is_file() and site.out not in state.parents
    assert [p.name for p in site.out.rglob(".*")] == [], "out_dir holds the site only"


def test_a_state_left_inside_out_dir_by_an_older_version_is_moved_out(
    site: SiteBuilder,
) -> None:
    import marshal
    import sqlite3

    first = site.build()
    state = default_state_file(site.out)
    # What versions before kept in out_dir: a manifest whose page records end with a
    # hash of the bytes written, which the new state takes over.
    pages = dict(sqlite3.connect(state).execute("SELECT path, out FROM pages").fetchall())
    state.unlink()
    old = sqlite3.connect(site.out / OLD_MANIFEST)
    old.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
    blob = {"pages": {p: "inputs" + out.hex() for p, out in pages.items()}}
    old.execute("INSERT INTO meta VALUES ('state', ?)", (marshal.dumps(blob),))
    old.execute("PRAGMA user_version = 4")
    old.commit()
    old.close()
    again = site.build()
    assert not (site.out / OLD_MANIFEST).exists() and state.is_file()
    assert again.pages_written == 0, "every page's bytes were known: none rewritten"
    assert again.pages_unchanged == first.pages_written


def test_state_file_is_a_site_key(tmp_path: Path) -> None:
    config = _config(tmp_path, "  state_file: cache/site.sqlite\n")
    assert config.site.state_file == tmp_path / "cache/site.sqlite"
    assert _config(tmp_path, "  title: t\n").site.state_file is None


class _Recorder:
    """An ASGI app that records the lifespan messages it receives."""

    def __init__(self) -> None:
        self.events: list[str] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "lifespan":
            return
        while True:
            message = await receive()
            self.events.append(message["type"])
            await send({"type": message["type"] + ".complete"})
            if message["type"] == "lifespan.shutdown":
                return


async def _no_lifespan(scope: dict[str, Any], receive: Any, send: Any) -> None:
    assert scope["type"] == "http"  # like StaticFiles: lifespan is not supported


def test_mounted_apps_get_startup_and_shutdown(site: SiteBuilder) -> None:
    site.build()
    recorder = _Recorder()
    app = sitebuild.site_app(site.out, [("/_x", _no_lifespan), ("/_img", recorder)])
    with _client(app) as client:
        assert recorder.events == ["lifespan.startup"]
        assert client.get("/").status_code == 200
    assert recorder.events == ["lifespan.startup", "lifespan.shutdown"]


def test_image_proxy_starts_and_closes_under_serve(site: SiteBuilder, tmp_path: Path) -> None:
    from newsdesk.imageproxy import create_app

    from ..imageproxy.helpers import make_config, proxy_of

    site.build()
    proxy = create_app(make_config(base_path="/_img/", cache_dir=tmp_path / "cache"))
    inner = proxy_of(proxy)
    with _client(sitebuild.site_app(site.out, [("/_img", proxy)])) as client:
        assert inner._client is not None, "started (disk cache loaded) before any request"
        assert client.get("/_img/healthz").text == "ok\n"
    assert inner._client is None, "aclose ran at shutdown"


def test_a_feed_with_its_own_image_proxy_keeps_it_on_the_site(tmp_path: Path) -> None:
    text = (
        'image_proxy: "https://global.example/?"\n'
        "groups:\n  g:\n    s:\n"
        "      plain: http://x.example/a\n"
        '      own: {url: "http://x.example/b", image_proxy: "https://own.example/?"}\n'
        "      none: {url: http://x.example/c, image_proxy: false}\n"
    )
    config = parse_config(text, path=tmp_path / "newsdesk.yaml", environ={})
    options = sitebuild.site_options(config, search=False)
    keys = {s.channel: s.key for s in config.sources}
    img = "https://img.example/a.jpg"
    assert options.image_url(img) == "https://global.example/?" + img
    assert options.image_url_of(keys["own"])(img) == "https://own.example/?" + img
    assert options.image_url_of(keys["none"])(img) == img
    assert options.image_url_of(keys["plain"])(img) == "https://global.example/?" + img


def test_per_feed_image_mappings_reach_cards_and_bodies(site: SiteBuilder) -> None:
    chip = sample_articles()[0]
    own = {chip.feed_key: lambda u: "https://own.example/?" + u}
    site.build(feed_image_urls=own)
    article = (site.out / _folder(chip) / "index.html").read_text()
    assert f'src="https://own.example/?{IMAGE}"' in article
    home = (site.out / "index.html").read_text()
    assert f"https://own.example/?{IMAGE}" in home
    # A mapping that does what the global one does (an ordinary feed) changes nothing.
    other = next(a for a in sample_articles() if a.feed_key != chip.feed_key)
    same = {**own, other.feed_key: sample_options().image_url}
    assert site.build(feed_image_urls=same).pages_written == 0 and site.loads == []
    # Changing a feed's mapping changes the pages it shows.
    report = site.build(feed_image_urls={chip.feed_key: lambda u: "https://two.example/?" + u})
    assert any(p.startswith("a/") for p in report.written)
    assert "https://two.example/?" in (site.out / _folder(chip) / "index.html").read_text()


def _folder(article: Any) -> str:
    from newsdesk.publish.site.catalog import Entry

    return Entry(article, ZoneInfo("Asia/Shanghai")).folder


def test_search_due_follows_search_and_search_interval(tmp_path: Path) -> None:
    import os
    import time

    def due(site: str) -> bool:
        return sitebuild.search_due(_config(tmp_path, site))

    assert due("  search: false\n") is False
    assert due("  search: true\n") is True, "interval 0: every build"
    assert due("  search_interval: 1h\n") is True, "no index yet"
    index = tmp_path / "public" / "search-index" / "index.json"
    index.parent.mkdir(parents=True)
    index.write_text("{}")
    assert due("  search_interval: 1h\n") is False, "updated just now"
    old = time.time() - 7200
    os.utime(index, (old, old))
    assert due("  search_interval: 1h\n") is True
    assert due("  search: false\n  search_interval: 1h\n") is False
