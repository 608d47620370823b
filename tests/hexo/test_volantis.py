"""hexo-theme-volantis 6.8.3 shows our headimg and thumbnail (the profile's reason to be)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from newsdesk.imageproxy.rewrite import prefix_proxy
from newsdesk.models import Article
from newsdesk.publish.frontmatter import theme_text
from newsdesk.publish.hexo import head_image_value, post_filename, render_post
from tests.hexo.conftest import RunHexo
from tests.hexo.expect import PLACEHOLDER
from tests.publish.strategies import articles, collect, nasty_text

pytestmark = pytest.mark.hexo

PROXY = prefix_proxy("https://cors.zfour.workers.dev/?")
VOLANTIS = ("_config.yml", "_config.volantis.yml")

# Volantis writes both URLs raw (`<%- %>`) into single-quoted attributes, hence `'` ->
# %27; the page must hold our value byte for byte. (A URL that literally holds `&amp;`
# would still be decoded by the browser: that is the theme writing it unescaped.)
_HEADIMG = re.compile(r"class='headimg'[^>]*?src='([^']*)'")
_THUMBNAIL = re.compile(r"class='thumbnail' src='([^']*)'")


def _batch() -> list[Article]:
    # Titles stay tame here: volantis writes the title raw into alt="…" (its own quirk);
    # the head image URLs get everything that breaks attributes.
    with_images = st.builds(
        lambda a, url: replace(a, head_image=url),
        articles,
        st.one_of(st.none(), nasty_text.map(lambda t: f"http://img.example/it's/{t}.jpg")),
    )
    batch = [replace(a, title=f"post {a.article_id}") for a in collect(with_images, 25)]
    fixed = "http://img.example/a?x=1&amp;y=2&#123;{{ x }}{% raw %}<!-- more -->'.jpg"
    return [*batch, replace(batch[0], article_id="fixed", title="fixed", head_image=fixed)]


def test_volantis_shows_headimg_and_thumbnail(hexo: RunHexo) -> None:
    batch = _batch()
    posts = {
        post_filename(a): render_post(a, image_url=PROXY, placeholder=PLACEHOLDER) for a in batch
    }
    run = hexo(posts, configs=VOLANTIS)
    index = (run.public / "index.html").read_text(encoding="utf-8")
    on_index = set(_HEADIMG.findall(index))
    missing = []
    for article in batch:
        image = head_image_value(article, PROXY, PLACEHOLDER)
        if image not in on_index:
            missing.append(("index headimg", image))
        page = _post_page(run.public, post_filename(article))
        if _HEADIMG.findall(page) != [image]:
            missing.append(("post headimg", image, _HEADIMG.findall(page)))
        if _THUMBNAIL.findall(page) != [image]:
            missing.append(("post thumbnail", image, _THUMBNAIL.findall(page)))
    assert not missing, missing[:5]


def _post_page(public: Path, filename: str) -> str:
    slug = filename.removesuffix(".md")
    pages = list(public.glob(f"*/*/*/{slug}/index.html"))
    assert len(pages) == 1, (slug, pages)
    return pages[0].read_text(encoding="utf-8")


# Titles that would run script if volantis printed them as written: a tag, a quote that
# ends its `title='…'`/`alt="…"` attributes, and a script end inside its JSON-LD.
_HOSTILE_TITLES = (
    "<svg onload=alert(1)>",
    "x' onmouseover='alert(2)' y='",
    '"><img src=x onerror=alert(3)>',
    "</script><script>alert(4)</script>",
    "Vector<int> & a < b, &amp; kept",
)


def test_volantis_shows_hostile_titles_as_text(hexo: RunHexo) -> None:
    base = collect(articles, len(_HOSTILE_TITLES))
    batch = [
        replace(a, article_id=f"hostile{i}", title=title, head_image="http://img.example/a.jpg")
        for i, (a, title) in enumerate(zip(base, _HOSTILE_TITLES, strict=True))
    ]
    posts = {
        post_filename(a): render_post(a, image_url=PROXY, placeholder=PLACEHOLDER) for a in batch
    }
    run = hexo(posts, configs=VOLANTIS)
    injected = []
    for path in run.public.rglob("*.html"):
        for node in LexborHTMLParser(path.read_text(encoding="utf-8")).root.traverse():
            attrs = node.attributes
            if node.tag == "svg" or (node.tag == "img" and attrs.get("src") == "x"):
                injected.append((path.name, node.tag, attrs))
            if node.tag == "script" and (node.text() or "").strip() == "alert(4)":
                injected.append((path.name, "script"))
            for name, value in attrs.items():
                if name.startswith("on") and "alert(" in (value or ""):
                    injected.append((path.name, name, value))
    assert not injected, injected[:5]
    for article in batch:
        page = LexborHTMLParser(_post_page(run.public, post_filename(article)))
        # What the reader sees is the title's words (theme text: look-alike brackets and
        # typographic quotes), neither tags nor entity references.
        shown = [n.attributes.get("alt") for n in page.css("img.headimg")]
        assert shown == [theme_text(article.title)], (article.title, shown)
