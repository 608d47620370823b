"""The standalone static site: ``build_site`` renders newsdesk's articles without Hexo or Node.

    report = build_site(out_dir, articles=store.iter_articles(), load_html=store.load_html,
                        feeds=health, options=SiteOptions(title="新闻台", per_page=30))

Modules, in the order a build uses them:

    catalog.py   light metadata per article; home/group/source/channel/month listings
    theme.py     Jinja2 templates + static files, user folder first (ChoiceLoader)
    render.py    page bytes from catalog values
    atom.py      Atom feeds
    output.py    the only writer: atomic, change-only, with the incremental manifest
    search.py    Pagefind over the output
    build.py     build_site, deciding which pages need rendering
"""

from .build import build_site
from .options import BuildReport, FeedHealth, SiteOptions

__all__ = ["BuildReport", "FeedHealth", "SiteOptions", "build_site"]
