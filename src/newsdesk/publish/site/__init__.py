"""The standalone static site: ``build_site`` renders newsdesk's articles without Hexo or Node.

    report = build_site(out_dir, source=StoreSource(store), feeds=health,
                        options=SiteOptions(title="新闻台", per_page=30))

Output: ``index.html`` folders (``a/2026/11/<id>/``, ``g/<group>/<source>/<channel>/``,
``archive/2026/11/``, ``sources/``, ``search/``), ``atom.xml`` for the site and each source,
``static/``, and the search index in ``search-index/``. What makes rebuilds incremental
lives in a state file outside out_dir (``state_file``; by default beside it, see
``default_state_file``): out_dir holds only the site, ready to upload. A build reads only
what changed since the last one (a store's change feed; a plain list of articles is
compared with the state) and renders only the pages that reach; delete the state file,
or pass ``force=True``, to rebuild everything (a cold build, resumable if interrupted).

Links and images from feeds are untrusted: an article's link and head image are printed only
when they are http(s) URLs (``paths.is_http``).

Theming: ``SiteOptions(theme_dir=Path("mytheme"))``; ``mytheme/templates/card.html`` or
``mytheme/static/site.css`` replace the bundled file of the same name, the rest still
comes from the bundle. Templates: base, _header, _footer, _crumbs, card, list, article,
archive, sources, search, 404.

Modules, in the order a build uses them:

    source.py       where articles come from: a store (with its change feed) or a list
    state.py        the state file: entries, lists and pages, read through indexes
    catalog.py      Entry, Listing and page arithmetic (lists paginated from the oldest)
    theme.py        Jinja2 templates + static files, user folder first (ChoiceLoader)
    render.py       page bytes from entries and lists
    atom.py         Atom feeds
    pages.py        every kind of page, from the state and the source
    output.py       the only writer: atomic, change-only, recorded in the state
    cold.py         a build of everything, in one resumable pass
    incremental.py  a build of what changed
    search/         the incremental search index (tokens shared with static/search.js)
    build.py        build_site: which of the two, then the search index
"""

from .build import build_site
from .options import BuildReport, FeedHealth, SiteOptions
from .source import ListSource, StoreSource
from .state import default_state_file

__all__ = [
    "BuildReport",
    "FeedHealth",
    "ListSource",
    "SiteOptions",
    "StoreSource",
    "build_site",
    "default_state_file",
]
