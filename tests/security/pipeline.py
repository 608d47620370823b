"""Run the hostile files through the real newsdesk: import-opml, run, publish, build.

    published = publish_hostile(workdir, server) -> Published

The feeds (two with items, 52 with a hostile title and no items) and the OPML file's feeds
are served from the loopback ``server``; the config
starts with the two hostile feeds, ``newsdesk import-opml`` adds the OPML tree, and
``newsdesk run`` writes Hexo (volantis profile), Hugo and Jekyll posts. ``newsdesk
publish --full`` then writes the butterfly and plain profiles into their own Hexo folders,
and ``newsdesk build`` the built-in site.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner, Result

from newsdesk.cli import main
from tests.support.httpserver import LocalServer

from .hostile import OPML_FEEDS, atom_feed, opml_feed, opml_file, rss_feed, title_feed
from .payloads import PAYLOADS

__all__ = ["Published", "publish_hostile"]

_RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}
_ATOM = {"Content-Type": "application/atom+xml; charset=utf-8"}
_CONFIG = """\
database: ./newsdesk.db
hexo_dir: ./hexo-volantis
hugo_dir: ./hugo
jekyll_dir: ./jekyll
outputs: [hexo, hugo, jekyll]
front_matter: {profile}
image_proxy: ""
placeholder: "http://127.0.0.1:9/placeholder.png?n={{n}}"
site:
  out_dir: ./site
  title: hostile
  search: true
fetch:
  connect_timeout: 5
  read_timeout: 5
  total_timeout: 20
  retries: 1
groups:
  hostile:
    feeds:
      rss: {rss}
      atom: {atom}
    titles:
{titles}
"""


@dataclass(frozen=True)
class Published:
    root: Path
    hexo: dict[str, Path]  # profile -> Hexo folder (source/_posts inside)
    hugo: Path
    jekyll: Path
    site: Path


def _cli(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    if result.exit_code != 0:
        raise AssertionError(
            f"newsdesk {' '.join(args)} exited {result.exit_code}:\n{result.output}"
        )
    return result


def _config(root: Path, server: LocalServer, profile: str) -> Path:
    titles = "\n".join(
        f"      t{k}: {server.url(f'/titles/{k}.xml')}" for k in range(len(PAYLOADS))
    )
    text = _CONFIG.format(
        profile=profile,
        rss=server.url("/hostile/rss.xml"),
        atom=server.url("/hostile/atom.xml"),
        titles=titles,
    )
    path = root / "newsdesk.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _serve(server: LocalServer) -> None:
    base = server.url("/")
    server.route("/hostile/rss.xml", rss_feed(base), headers=_RSS)
    server.route("/hostile/atom.xml", atom_feed(base), headers=_ATOM)
    for k in range(OPML_FEEDS):
        server.route(f"/opml/{k}.xml", opml_feed(k, base), headers=_RSS)
    for k in range(len(PAYLOADS)):
        server.route(f"/titles/{k}.xml", title_feed(k, base), headers=_RSS)


def publish_hostile(root: Path, server: LocalServer) -> Published:
    root.mkdir(parents=True, exist_ok=True)
    _serve(server)
    config = _config(root, server, "volantis")
    opml = root / "hostile.opml"
    opml.write_bytes(opml_file(server.url("/")))
    _cli("import-opml", "-c", str(config), str(opml))
    _cli("run", "-c", str(config))
    text = config.read_text(encoding="utf-8")
    hexo = {"volantis": root / "hexo-volantis"}
    for profile in ("butterfly", "plain"):
        # The imported tree stays: only the profile and the Hexo folder change.
        config.write_text(
            text.replace("front_matter: volantis", f"front_matter: {profile}").replace(
                "hexo_dir: ./hexo-volantis", f"hexo_dir: ./hexo-{profile}"
            ),
            encoding="utf-8",
        )
        _cli("publish", "--full", "-c", str(config))
        hexo[profile] = root / f"hexo-{profile}"
    config.write_text(text, encoding="utf-8")
    _cli("build", "-c", str(config))
    return Published(root, hexo, root / "hugo", root / "jekyll", root / "site")
