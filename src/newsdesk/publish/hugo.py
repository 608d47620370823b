"""Hugo posts: ``content/posts/<name>.md`` with YAML front matter Hugo reads.

    render_post(article, image_url=…, placeholder=…) -> str
    post_filename(article) -> "<16 hex>.md"   (inside CONTENT_DIR)

The body is raw HTML inside a markdown file. Goldmark, Hugo's markdown renderer, replaces
raw HTML with ``<!-- raw HTML omitted -->`` unless the site config allows it:

    # config.toml (hugo.toml)
    buildFuture = true          # else a feed date ahead of the build clock hides the post
    [markup.goldmark.renderer]
      unsafe = true

The body gets the Hexo protection (``protect_body``): no blank line, so goldmark keeps the
whole ``<div>`` as one HTML block, and no ``{{`` so no shortcode (``{{< >}}``/``{{% %}}``)
is ever called from feed content.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePosixPath

from newsdesk.imageproxy.rewrite import rewrite_images
from newsdesk.models import Article
from newsdesk.publish.frontmatter import quote, rfc3339_utc, scalar, theme_text
from newsdesk.publish.hexo import (
    category_chain,
    head_image_value,
    protect_body,
)
from newsdesk.publish.hexo import (
    post_filename as hexo_filename,
)

__all__ = ["CONTENT_DIR", "SITE_CONFIG", "post_filename", "render_post"]

CONTENT_DIR = PurePosixPath("content/posts")
# What the Hugo site's config (TOML) needs: the HTML body rendered, not omitted, and
# posts whose feed date lies ahead of the build clock published rather than skipped.
SITE_CONFIG = "buildFuture = true\n\n[markup.goldmark.renderer]\n  unsafe = true\n"


def post_filename(article: Article) -> str:
    """Same stable name as the Hexo post: 16 hex digits of sha256(feed key, article id)."""
    return hexo_filename(article)


def render_post(article: Article, *, image_url: Callable[[str], str], placeholder: str) -> str:
    """The whole ``.md`` file: title, date (RFC 3339), categories, images, author, body."""

    lines = [
        "---",
        f"title: {quote(theme_text(article.title))}",
        f"date: {rfc3339_utc(article.published)}",
    ]
    names = category_chain(article)
    lines.append("categories:" if names else "categories: []")
    lines.extend(f"  - {scalar(name)}" for name in names)
    lines.append("images:")
    lines.append(f"  - {quote(head_image_value(article, image_url, placeholder))}")
    lines.append(f"author: {scalar(theme_text(article.author))}")
    lines.append("---")
    body = protect_body(rewrite_images(article.html, image_url))
    return "\n".join(lines) + "\n<div>\n" + (body + "\n" if body else "") + "</div>\n"
