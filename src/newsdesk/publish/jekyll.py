"""Jekyll posts: ``_posts/YYYY-MM-DD-<name>.html`` with YAML front matter.

    render_jekyll_post(article, image_url=…, placeholder=…) -> str
    jekyll_filename(article) -> "2022-09-01-<16 hex>.html"   (inside POSTS_DIR)

An ``.html`` post skips kramdown but still goes through Liquid, which would run any
``{{ }}``/``{% %}`` in feed content; ``protect_body`` writes that ``{`` as ``&#123;``. The
YAML reader is Psych (YAML 1.1: ``yes``/``on`` are booleans), which ``scalar`` quotes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from pathlib import PurePosixPath

from newsdesk.models import Article
from newsdesk.publish.frontmatter import quote, scalar
from newsdesk.publish.hexo import category_chain, head_image_value, post_filename, protect_body

__all__ = ["POSTS_DIR", "jekyll_filename", "render_jekyll_post"]

POSTS_DIR = PurePosixPath("_posts")


def jekyll_filename(article: Article) -> str:
    """Jekyll takes the post date from the name; we use the UTC date of ``published``."""
    day = article.published.astimezone(UTC).strftime("%Y-%m-%d")
    return f"{day}-{post_filename(article).removesuffix('.md')}.html"


def _jekyll_date(article: Article) -> str:
    u = article.published.astimezone(UTC)
    return (
        f"{u.year:04d}-{u.month:02d}-{u.day:02d} {u.hour:02d}:{u.minute:02d}:{u.second:02d} +0000"
    )


def render_jekyll_post(
    article: Article, *, image_url: Callable[[str], str], placeholder: str
) -> str:
    """The whole ``.html`` file: layout, title, date, categories, author, image, body."""
    from newsdesk.imageproxy.rewrite import rewrite_images

    lines = [
        "---",
        "layout: post",
        f"title: {quote(article.title)}",
        f"date: {_jekyll_date(article)}",
    ]
    names = category_chain(article)
    lines.append("categories:" if names else "categories: []")
    lines.extend(f"  - {scalar(name)}" for name in names)
    lines.append(f"author: {scalar(article.author)}")
    lines.append(f"image: {quote(head_image_value(article, image_url, placeholder))}")
    lines.append("---")
    body = protect_body(rewrite_images(article.html, image_url))
    return "\n".join(lines) + "\n<div>\n" + (body + "\n" if body else "") + "</div>\n"
