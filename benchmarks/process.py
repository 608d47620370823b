"""Cost of the clean and process stages per article, next to feedparser's sanitizer.

    .venv/bin/python benchmarks/process.py [--rounds N]

Also the publish-time body work (image rewriting, Hexo body protection, the whole post),
each on the cleaned bodies, next to the parse-based path it replaces there (still the
path for markup that is not in the cleaner's canonical form: ``clean/canonical.py``).

Bodies: every item body of the fixture feeds (tests/fixtures/feeds), plus the seed post's
ZAKER body. Each figure is the fastest of N rounds over all bodies (the round least
disturbed by the machine), divided by the number of bodies. The baseline is what
feedparser 6.0.14 does to every entry body (relative URI resolution + its sgmllib
sanitizer), run on the same strings in the same process, so the ratio holds on any machine.
Prints figures only.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from feedparser.sanitizer import _sanitize_html
from feedparser.urls import resolve_relative_uris

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for the fixture-body helper of the tests

from newsdesk.clean import clean_html, first_image  # noqa: E402
from newsdesk.clean.cleaner import _first_image_tree, _prepare  # noqa: E402
from newsdesk.clean.policy import DEFAULT_POLICY  # noqa: E402
from newsdesk.clean.rules import rules_for  # noqa: E402
from newsdesk.clean.sanitize import sanitize  # noqa: E402
from newsdesk.imageproxy.rewrite import _rewrite_tree, prefix_proxy, rewrite_images  # noqa: E402
from newsdesk.models import Entry, FeedSource  # noqa: E402
from newsdesk.process import process_entry  # noqa: E402
from newsdesk.publish.hexo import _protect_tokens, protect_body, render_post  # noqa: E402
from tests.clean.bodies import fixture_bodies  # noqa: E402

SEED = ROOT / "tests" / "fixtures" / "seed_post.md"
SOURCE = FeedSource(key="k", url="https://rsshub.example/f", group="g", source="s", channel="c")
NOW = datetime(2026, 1, 1, tzinfo=UTC)
FALLBACK_BASE = "https://www.example.com/feed"
PLACEHOLDER = "https://img.example/placeholder/{n}.jpg"


def seed_body() -> str:
    text = SEED.read_text(encoding="utf-8")
    body = text[text.index("---\n\n", 5) + 5 :]
    return re.sub(r' src="[^"]*" referrerpolicy="no-referrer"', "", body)


def best_of(rounds: int, run: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    items = [(b.html, b.link or FALLBACK_BASE) for b in fixture_bodies()]
    seed = seed_body()
    items.append((seed, "http://www.myzaker.com/article/63107a"))
    n = len(items)
    size = sum(len(html.encode()) for html, _ in items)
    prepared = [_prepare(h, rules_for(b), b, DEFAULT_POLICY) for h, b in items]
    cleaned = [clean_html(h, b) for h, b in items]
    entries = [Entry(guid=None, link=b, title="t", content_html=h, summary_html=None)
               for h, b in items]  # fmt: skip
    proxy = prefix_proxy("https://cors.zfour.workers.dev/?")
    rewritten = [rewrite_images(c, proxy) for c in cleaned]
    articles = [process_entry(e, SOURCE, feed_link=None, now=NOW) for e in entries]

    def per_article(run: Callable[[], object]) -> float:
        return best_of(args.rounds, run) / n * 1e6

    def baseline() -> None:
        for html, base in items:
            _sanitize_html(resolve_relative_uris(html, base, "utf-8", "text/html"), "utf-8",
                           "text/html")  # fmt: skip

    figures = {
        "clean_html": per_article(lambda: [clean_html(h, b) for h, b in items]),
        "  tree pass (rules, lazy images, URLs)": per_article(
            lambda: [_prepare(h, rules_for(b), b, DEFAULT_POLICY) for h, b in items]
        ),
        "  sanitize (nh3)": per_article(lambda: [sanitize(p) for p in prepared]),
        "first_image": per_article(lambda: [first_image(c) for c in cleaned]),
        "  parsing instead (other markup)": per_article(
            lambda: [_first_image_tree(c) for c in cleaned]
        ),
        "process_entry": per_article(
            lambda: [process_entry(e, SOURCE, feed_link=None, now=NOW) for e in entries]
        ),
        "rewrite_images (publish time)": per_article(
            lambda: [rewrite_images(c, proxy) for c in cleaned]
        ),
        "  parsing instead  (other markup)": per_article(
            lambda: [_rewrite_tree(c, proxy) for c in cleaned]
        ),
        "protect_body (Hexo)": per_article(lambda: [protect_body(r) for r in rewritten]),
        "  token loop (other markup)": per_article(lambda: [_protect_tokens(r) for r in rewritten]),
        "render_post (whole Hexo post)": per_article(
            lambda: [render_post(a, image_url=proxy, placeholder=PLACEHOLDER) for a in articles]
        ),
        "baseline: feedparser resolve+sanitize": per_article(baseline),
    }
    seed_us = best_of(args.rounds * 200, lambda: clean_html(seed, "http://www.myzaker.com/a"))
    seed_process = best_of(
        args.rounds * 200,
        lambda: process_entry(entries[-1], SOURCE, feed_link=None, now=NOW),
    )

    print(f"{n} bodies, {size / 1024:.0f} KiB, mean {size / n / 1024:.1f} KiB/body, "
          f"best of {args.rounds} rounds")  # fmt: skip
    for name, us in figures.items():
        print(f"{name:<40} {us:8.1f} µs/article")
    ratio = figures["baseline: feedparser resolve+sanitize"] / figures["clean_html"]
    print(f"clean_html is {ratio:.1f}x faster than the feedparser baseline")
    print(f"seed body ({len(seed.encode()) / 1024:.1f} KiB): clean_html {seed_us * 1e6:.1f} µs, "
          f"process_entry {seed_process * 1e6:.1f} µs")  # fmt: skip


if __name__ == "__main__":
    main()
