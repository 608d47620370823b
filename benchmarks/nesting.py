"""Processing time of hostile markup grows linearly with its size (issue 12).

    .venv/bin/python benchmarks/nesting.py [--sizes 10000,100000,1000000] [--rounds N]

Per size N, one article body is processed the way a feed item is (``process_entry``:
clean_html with its bounds, title, head image, hashes), three ways:

* nested: ``<div>`` x N, "x", ``</div>`` x N (before the bounds, 100,000 took ~46 s);
* flat: the same byte count of flat markup, N sibling ``<div></div>``: the same-run
  reference, what the same bytes cost when nothing is deep;
* attributes: one ``<img>`` with N/2 attributes (before: 50,000 took ~14 s), next to flat
  markup of its byte count.

Figures are CPU seconds (best of ``--rounds``), then per element in µs, and two ratios:
"vs flat" (the same bytes, flat) and "growth" (µs per element against the smallest size;
~1 at every size means linear). Prints figures only.

``--unbounded`` switches the bounds off, to show the quadratic growth they remove; use
small sizes with it (``--sizes 5000,10000,20000``): 100,000 would take minutes.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import UTC, datetime

import newsdesk.clean.cleaner
from newsdesk.clean.bounds import Bounded
from newsdesk.models import Entry, FeedSource
from newsdesk.process import process_entry

SOURCE = FeedSource(key="k", url="https://rsshub.example/f", group="g", source="s", channel="c")
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def nested(n: int) -> str:
    return "<div>" * n + "x" + "</div>" * n


def flat(size: int) -> str:
    unit = "<div></div>"
    body = unit * (size // len(unit))
    return body + "x" * (size - len(body))  # exactly ``size`` characters


def attributes(n: int) -> str:
    return '<img src="https://a.example/x.jpg" ' + " ".join(f"a{i}=1" for i in range(n)) + ">"


def cpu_seconds(rounds: int, run: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        run()
        best = min(best, time.process_time() - started)
    return best


def process(html: str) -> Callable[[], object]:
    entry = Entry(guid="g", link=None, title="t", content_html=html, summary_html=None)
    return lambda: process_entry(entry, SOURCE, feed_link=None, now=NOW)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="element counts")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--unbounded", action="store_true", help="switch the bounds off")
    args = parser.parse_args()
    if args.unbounded:
        newsdesk.clean.cleaner.bound_markup = lambda html, **limits: Bounded(html)  # type: ignore[assignment]
    sizes = [int(s) for s in args.sizes.split(",")]

    header = f"{'case':<12}{'elements':>10}{'KiB':>9}{'CPU s':>9}{'µs/elem':>9}"
    print(f"{header}{'vs flat':>9}{'growth':>8}")
    for case, build, elements in (
        ("nested", nested, lambda n: n),
        ("attributes", lambda n: attributes(n // 2), lambda n: n // 2),
    ):
        first: float | None = None
        for n in sizes:
            html = build(n)
            seconds = cpu_seconds(args.rounds, process(html))
            reference = cpu_seconds(args.rounds, process(flat(len(html))))
            per = seconds / elements(n) * 1e6
            first = first or per
            print(
                f"{case:<12}{elements(n):>10}{len(html) / 1024:>9.0f}{seconds:>9.3f}{per:>9.2f}"
                f"{seconds / reference:>9.2f}{per / first:>8.2f}"
            )
            print(f"{'  flat':<12}{'':>10}{len(html) / 1024:>9.0f}{reference:>9.3f}")


if __name__ == "__main__":
    main()
