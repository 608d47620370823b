"""How often newsdesk and feedparser read each field of the quirk corpus as expected.

    .venv/bin/python benchmarks/quirks.py [--areas] [--misses newsdesk|feedparser]

The corpus is tests/parse/quirks/<area>/<quirk>.xml with the expected fields beside each
fixture (see tests/parse/quirks.py). Both parsers get the same bytes and are judged by
the same rules; feedparser 6.0.14 is the baseline. A date without a zone is "the feed's
zone" for newsdesk, and UTC for feedparser (which reads it so). Prints figures only.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the corpus helpers live beside the tests

from tests.parse.quirks import (  # noqa: E402
    ENTRY_FIELDS,
    FEED_FIELDS,
    Extractor,
    Quirk,
    Reading,
    expectations,
    extract_feedparser,
    extract_newsdesk,
    judge,
    load_quirks,
)

PARSERS = ("newsdesk", "feedparser")


def _read(extract: Extractor, quirk: Quirk) -> Reading:
    try:
        return extract(quirk)
    except Exception as exc:  # a crash is a wrong reading: count it, carry on
        return Reading(error=f"crashed: {exc!r}")


def run(corpus: list[Quirk]) -> list[tuple[Quirk, str, bool, bool]]:
    """(quirk, field, newsdesk right, feedparser right) for every expectation."""
    rows = []
    for quirk in corpus:
        ours = _read(extract_newsdesk, quirk)
        theirs = _read(extract_feedparser, quirk)
        for name, want in expectations(quirk):
            rows.append(
                (
                    quirk,
                    name,
                    judge(name, want, ours),
                    judge(name, want, theirs, baseline=True),
                )
            )
    return rows


def _table(title: str, rows: list[tuple[Quirk, str, bool, bool]], key: str) -> None:
    cases: Counter[str] = Counter()
    right = {p: Counter[str]() for p in PARSERS}
    for quirk, name, ours, theirs in rows:
        group = name if key == "field" else quirk.area
        cases[group] += 1
        right["newsdesk"][group] += ours
        right["feedparser"][group] += theirs
    order = [*FEED_FIELDS, *ENTRY_FIELDS] if key == "field" else sorted(cases)
    print(f"{title:<14} {'cases':>6} {'newsdesk':>14} {'feedparser':>14}")
    for group in (g for g in order if cases[g]):
        n = cases[group]
        print(
            f"{group:<14} {n:>6} "
            + " ".join(f"{right[p][group]:>6} {right[p][group] / n:>6.0%}" for p in PARSERS)
        )
    total = sum(cases.values())
    print(
        f"{'all':<14} {total:>6} "
        + " ".join(
            f"{sum(right[p].values()):>6} {sum(right[p].values()) / total:>6.0%}" for p in PARSERS
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--areas", action="store_true", help="also break the figures down by area")
    parser.add_argument("--misses", choices=PARSERS, help="list the cases this parser gets wrong")
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # feedparser warns about some fixtures

    corpus = load_quirks()
    rows = run(corpus)
    areas = ", ".join(f"{a} {n}" for a, n in sorted(Counter(q.area for q in corpus).items()))
    print(f"quirk corpus: {len(corpus)} fixtures ({areas})")
    print(f"{len(rows)} expected values; a case is one field of one fixture\n")
    _table("field", rows, "field")
    if args.areas:
        print()
        _table("area", rows, "area")
    if args.misses:
        column = 2 if args.misses == "newsdesk" else 3
        print(f"\ncases {args.misses} gets wrong:")
        for row in rows:
            if not row[column]:
                print(f"  {row[0].id}: {row[1]}")


if __name__ == "__main__":
    main()
