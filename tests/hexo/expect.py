"""What Hexo must read back from a post we rendered, compared field by field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC

from newsdesk.models import Article
from newsdesk.publish.frontmatter import theme_text
from newsdesk.publish.hexo import PROFILES, image_value, placeholder_url
from tests.hexo.harness import HexoPost, ProbePage

__all__ = ["PLACEHOLDER", "body_as_written", "mismatches"]

PLACEHOLDER = "https://img.example/placeholder/{n}.jpg"


def body_as_written(post_text: str) -> str:
    """The post after its front matter; Hexo drops the one newline that opens it."""
    end = post_text.index("\n---\n", 1) + len("\n---\n")
    return post_text[end:].removeprefix("\n")


def _chain(article: Article) -> list[str]:
    names = [theme_text(n) for n in (article.group, article.source, article.channel)]
    return [n for n in names if n.strip()]


def mismatches(
    article: Article,
    post_text: str,
    got: HexoPost | None,
    page: ProbePage | None,
    *,
    image_url: Callable[[str], str],
    profile: str = "volantis",
) -> list[str]:
    """Every field Hexo read differently from what the article says, as messages."""
    if got is None:
        return ["post missing from db.json (dropped by Hexo)"]
    keys = PROFILES[profile]
    want_date = article.published.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    image = image_value(
        image_url(article.head_image)
        if article.head_image
        else placeholder_url(PLACEHOLDER, article)
    )
    expected: dict[str, object] = {
        # Every profile holds the title as theme text (docs/security.md); the hostile-title
        # test in test_volantis checks what the browser then shows.
        "title": theme_text(article.title),
        "date": want_date,
        "categories": _chain(article),
        "content": body_as_written(post_text),
    }
    if "author" in keys:
        expected["author"] = theme_text(article.author)
    actual: dict[str, object] = {
        "title": got.title,
        "date": got.date,
        "categories": got.categories,
        "content": got.content,
        "author": got.fields.get("author"),
    }
    for key in keys:
        if key in ("headimg", "thumbnail", "cover", "top_img"):
            expected[key] = image
            actual[key] = got.fields.get(key)
    if "comments" in keys:
        expected["comments"] = 0  # warehouse stores booleans as 0/1
        actual["comments"] = got.fields.get("comments")
    problems = [
        f"{key}: expected {expected[key]!r}, Hexo read {actual[key]!r}"
        for key in expected
        if expected[key] != actual[key]
    ]
    if page is not None:
        if page.content != expected["content"]:
            problems.append(f"page body: expected {expected['content']!r}, got {page.content!r}")
        if page.meta.get("title") != expected["title"]:
            problems.append(f"page title: {page.meta.get('title')!r}")
        if page.meta.get("date") != want_date:
            problems.append(f"page date: {page.meta.get('date')!r}")
        if page.categories != expected["categories"]:
            problems.append(f"page categories: {page.categories!r}")
        for key in ("headimg", "thumbnail"):
            if key in keys and page.meta.get(key) != image:
                problems.append(f"page {key}: {page.meta.get(key)!r}")
    return problems
