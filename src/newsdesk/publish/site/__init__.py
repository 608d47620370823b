"""The standalone static site: ``build_site`` renders newsdesk's articles without Hexo or Node.

    report = build_site(out_dir, articles=store.iter_articles(), load_html=store.load_html,
                        feeds=health, options=SiteOptions(title="新闻台", per_page=30))

Output: ``index.html`` folders (``a/2026/11/<id>/``, ``g/<group>/<source>/<channel>/``,
``archive/2026/11/``, ``sources/``, ``search/``), ``atom.xml`` for the site and each source,
``static/``, the search index in ``search-index/``, and the manifest ``.newsdesk-site.sqlite``
that makes rebuilds incremental (delete it, or pass ``force=True``, to rebuild everything).
Dotfiles in out_dir (the manifest, temporary files) are not part of the site: ``newsdesk
serve`` refuses them, and a host that publishes out_dir by copying it (rsync, object storage)
should exclude them, e.g. ``rsync --exclude='.*'``.

Links and images from feeds are untrusted: an article's link and head image are printed only
when they are http(s) URLs (``paths.is_http``).

Theming: ``SiteOptions(theme_dir=Path("mytheme"))``; ``mytheme/templates/card.html`` or
``mytheme/static/site.css`` replace the bundled file of the same name, the rest still
comes from the bundle. Templates: base, _header, _footer, _crumbs, card, list, article,
archive, sources, search, 404.

Modules, in the order a build uses them:

    catalog.py   light metadata per article; home/group/source/channel/month listings
    theme.py     Jinja2 templates + static files, user folder first (ChoiceLoader)
    render.py    page bytes from catalog values
    atom.py      Atom feeds
    output.py    the only writer: atomic, change-only, with the incremental manifest
    search/      the incremental search index (tokens shared with static/search.js)
    build.py     build_site, deciding which pages need rendering
"""

from .build import build_site
from .options import BuildReport, FeedHealth, SiteOptions

__all__ = ["BuildReport", "FeedHealth", "SiteOptions", "build_site"]
