"""Jekyll posts: ``_posts/YYYY-MM-DD-<name>.html`` with YAML front matter.

    render_post(article, image_url=…, placeholder=…) -> str
    post_filename(article) -> "2022-09-01-<16 hex>.html"   (inside POSTS_DIR)

An ``.html`` post skips kramdown but still goes through Liquid, which would run any
``{{ }}``/``{% %}`` in feed content; ``protect_body`` writes that ``{`` as ``&#123;``. The
YAML reader is Psych (YAML 1.1: ``yes``/``on`` are booleans), which ``scalar`` quotes.

The site's ``_config.yml`` should carry ``SITE_CONFIG``: ``future: true`` (else a feed date
ahead of the build clock hides the post) and a permalink without ``:categories`` (else
every category name, whatever characters it holds, becomes a folder of the URL).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from pathlib import PurePosixPath

from newsdesk.imageproxy.rewrite import rewrite_images
from newsdesk.models import Article
from newsdesk.publish.frontmatter import quote, scalar, theme_text
from newsdesk.publish.hexo import category_chain, head_image_value, protect_body
from newsdesk.publish.hexo import post_filename as hexo_filename

__all__ = ["POSTS_DIR", "SITE_CONFIG", "post_filename", "render_post"]

POSTS_DIR = PurePosixPath("_posts")
SITE_CONFIG = "future: true\npermalink: /:year/:month/:day/:title/\n"


def post_filename(article: Article) -> str:
    """Jekyll takes the post date from the name; we use the UTC date of ``published``."""
    day = article.published.astimezone(UTC).strftime("%Y-%m-%d")
    return f"{day}-{hexo_filename(article).removesuffix('.md')}.html"


def _jekyll_date(article: Article) -> str:
    u = article.published.astimezone(UTC)
    return (
        f"{u.year:04d}-{u.month:02d}-{u.day:02d} {u.hour:02d}:{u.minute:02d}:{u.second:02d} +0000"
    )


def render_post(article: Article, *, image_url: Callable[[str], str], placeholder: str) -> str:
    """The whole ``.html`` file: layout, title, date, categories, author, image, body."""

    lines = [
        "---",
        "layout: post",
        f"title: {quote(theme_text(article.title))}",
        f"date: {_jekyll_date(article)}",
    ]
    names = list(dict.fromkeys(category_chain(article)))  # Jekyll keeps categories as a set
    lines.append("categories:" if names else "categories: []")
    lines.extend(f"  - {scalar(name)}" for name in names)
    lines.append(f"author: {scalar(theme_text(article.author))}")
    lines.append(f"image: {quote(head_image_value(article, image_url, placeholder))}")
    lines.append("---")
    body = protect_body(rewrite_images(article.html, image_url))
    return "\n".join(lines) + "\n<div>\n" + (body + "\n" if body else "") + "</div>\n"
