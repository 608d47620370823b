"""Hypothesis strategies for Articles full of what breaks YAML, Nunjucks and markdown."""

from __future__ import annotations

import html
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import TypeVar

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from newsdesk.models import Article

T = TypeVar("T")

__all__ = ["FRAGMENTS", "articles", "body_html", "collect", "gather", "nasty_text", "published"]

# Each fragment broke something in some YAML reader, Nunjucks or a markdown pass.
FRAGMENTS = (
    "'",
    '"',
    ": ",
    "#",
    " #1",
    "- ",
    "-",
    "@",
    "%",
    "!",
    "&",
    "*",
    "|",
    ">",
    "?",
    "[",
    "]",
    "{",
    "}",
    ",",
    "`",
    "```",
    "~~~",
    "~",
    "\\",
    "\t",
    " ",
    "  ",
    "    ",
    "\x00",
    "\x07",
    "\x1b",
    "\x7f",
    "\x85",
    "\x9f",
    "\ufeff",
    "\ufffe",
    "\ud800",
    "\n",
    "\r\n",
    "\r",
    "\n\n",
    "\u2028",
    "\u2029",
    "\x0b",
    "\x0c",
    "---",
    "\n---\n",
    "...",
    "{{ x }}",
    "{{",
    "}}",
    "{% raw %}",
    "{% endraw %}",
    "{% x %}",
    "{#",
    "#}",
    "{%",
    "%}",
    "<!-- more -->",
    "<!--more-->",
    "null",
    "Null",
    "true",
    "false",
    "yes",
    "no",
    "on",
    "~",
    "36",
    "0x1F",
    "1e5",
    ".inf",
    "2021-10-28",
    "2021-10-28 14:08:07",
    "a: b",
    "key: value",
    "=",
    "<<",
    "😀",
    "👍🏽",
    "مرحبا بالعالم",
    "\u200f",
    "שלום",
    "新媒体",
    "ZAKER",
    "cnBeta",
    "&amp;",
    "&#123;",
    "<b>",
    "</p>",
    "\ufffc",
)

nasty_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=8).map(
    "".join
)

long_title = st.builds(
    lambda s, n: s * n, st.sampled_from(["标题很长", "long title ", "'#"]), st.integers(50, 300)
)


def _text_node(raw: str) -> str:
    return html.escape(raw, quote=False)


_inline = st.one_of(
    nasty_text.map(_text_node),
    st.sampled_from(FRAGMENTS),  # raw, as an unsanitized feed might leave it
    nasty_text.map(
        lambda t: f'<a href="https://example.com/?q={html.escape(t)}">{_text_node(t)}</a>'
    ),
    nasty_text.map(
        lambda t: f'<img src="http://img.example/{html.escape(t)}.jpg" alt="{html.escape(t)}">'
    ),
    nasty_text.map(lambda t: f"<code>{_text_node(t)}</code>"),
)

_block = st.one_of(
    st.lists(_inline, max_size=5).map(lambda parts: "<p>" + "".join(parts) + "</p>"),
    nasty_text.map(lambda t: "<pre>" + _text_node(t) + "\n\n    indented\n\n" + "</pre>"),
    nasty_text.map(lambda t: "<pre>\n" + _text_node(t) + "</pre>"),
    nasty_text.map(lambda t: "<pre><code>```js\n" + _text_node(t) + "\n```\n</code></pre>"),
    nasty_text.map(lambda t: f'<div title="{html.escape(t)}"\n   class="x">{_text_node(t)}</div>'),
    st.sampled_from(
        [
            "\n\n",
            "\n    indented code?\n",
            "\n# heading?\n",
            "\n*em?*\n",
            "\n- list?\n",
            "\n```\nfenced\n```\n",
            "<!-- more -->",
            "<script>{% bad %}</script>",
            "<style>{{ x }}</style>",
            "<!-- {% raw %} -->",
            "\n> quote\n",
            "\n1. item\n",
            "<p>a</p>\n\n\n<p>b</p>",
            "\n\t\n",
            "<br>\n<br/>",
            "<textarea>\nx\n\ny</textarea>",
        ]
    ),
)

body_html = st.lists(_block, max_size=8).map("".join)

published = st.builds(
    lambda dt, minutes: dt.replace(tzinfo=timezone(timedelta(minutes=minutes))),
    st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2099, 12, 30)),
    st.integers(-14 * 60, 14 * 60),
)


articles = st.builds(
    Article,
    feed_key=st.just("https://feeds.example/rss"),
    article_id=st.just("unset"),  # collect() numbers them: one file per article
    group=st.one_of(nasty_text, st.sampled_from(["新媒体", "null", "36", "@x", "a: b"])),
    source=st.one_of(nasty_text, st.sampled_from(["ZAKER", "cnBeta #1", "true", "- x"])),
    channel=st.one_of(nasty_text, st.sampled_from(["source", "%x", "!x", "~"])),
    title=st.one_of(nasty_text, long_title),
    link=st.none(),
    author=st.one_of(nasty_text, st.sampled_from(["ZAKER", "null", "36", "It's"])),
    published=published,
    html=body_html,
    head_image=st.one_of(st.none(), nasty_text.map(lambda t: f"http://img.example/it's/{t}.jpg")),
)


def gather(strategy: st.SearchStrategy[T], count: int) -> list[T]:
    """``count`` values drawn by Hypothesis in one go, for tests that check a whole batch.

    A real-Hexo (or Hugo, or node) run takes seconds, so instead of one run per example
    Hypothesis generates a batch once (no shrinking) and the test reports every value that
    fails.
    """
    batch: list[T] = []

    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def take(value: T) -> None:
        batch.append(value)

    take()
    return batch


def collect(strategy: st.SearchStrategy[Article], count: int) -> list[Article]:
    """``gather`` for articles, numbered so that no two map to the same file."""
    return [replace(a, article_id=f"item-{i}") for i, a in enumerate(gather(strategy, count))]
