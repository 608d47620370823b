"""Draw ``benchmarks/scale.py``'s figures as one small PNG (matplotlib: the ``bench`` extra).

.venv/bin/python benchmarks/scale_plot.py results.json docs/scale.png
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def plot(rows: list[dict[str, Any]], base_rate: float | None, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [r for r in rows if "ref" not in r]
    sizes = [r["size"] / 1000 for r in rows]
    fig, axes = plt.subplots(2, 2, figsize=(9, 6), dpi=100)
    ax = axes[0][0]
    ax.plot(sizes, [r["cold"]["s"] / 60 for r in rows], "o-", label="cold build")
    ax.axhline(10, color="grey", linestyle="--", linewidth=1, label="target 10 min")
    ax.set(title="cold newsdesk build", ylabel="minutes")
    ax.legend(fontsize=8)
    ax = axes[0][1]
    for key, name in (("one", "one new article"), ("same", "nothing changed")):
        ax.plot(
            sizes,
            [r[key]["publish"]["s"] + r[key]["build"]["s"] for r in rows],
            "o-",
            label=name,
        )
    ax.axhline(1, color="grey", linestyle="--", linewidth=1, label="target 1 s")
    ax.set(title="newsdesk publish + newsdesk build", ylabel="seconds", ylim=(0, None))
    ax.legend(fontsize=8)
    ax = axes[1][0]
    peaks = [
        max(
            r["cold"]["mb"], *(r[k][c]["mb"] for k in ("one", "same") for c in ("publish", "build"))
        )
        for r in rows
    ]
    ax.plot(sizes, peaks, "o-", label="peak of any command")
    trees = [
        max(
            r["cold"].get("tree_mb", 0),
            *(r[k][c].get("tree_mb", 0) for k in ("one", "same") for c in ("publish", "build")),
        )
        for r in rows
    ]
    ax.plot(sizes, trees, "o--", label="with its search workers")
    if all("run" in r for r in rows):
        ax.plot(sizes, [r["run"]["mb"] for r in rows], "o-", label="newsdesk run")
    ax.axhline(1024, color="grey", linestyle="--", linewidth=1, label="target 1 GB")
    ax.set(title="peak memory", ylabel="MB", xlabel="thousand articles stored", ylim=(0, None))
    ax.legend(fontsize=8)
    ax = axes[1][1]
    if all("search" in r for r in rows):
        for key, name in (("one", "one word"), ("two", "two words")):
            ax.plot(sizes, [r["search"][key]["ms"] for r in rows], "o-", label=f"search, {name}")
        ax.axhline(300, color="grey", linestyle="--", linewidth=1, label="target 300 ms")
        ax.set(ylabel="ms")
    if all("run" in r for r in rows) and base_rate:
        twin = ax.twinx()
        twin.plot(
            sizes, [r["run"]["rate"] / base_rate for r in rows], "s:", color="C3", label="run"
        )
        twin.set(ylabel="newsdesk run items/s (× rate at 10k)", ylim=(0, 1.5))
        twin.legend(fontsize=8, loc="lower right")
    ax.set(title="search in Chromium; newsdesk run", xlabel="thousand articles stored")
    ax.legend(fontsize=8, loc="upper left")
    for row_axes in axes:
        for a in row_axes:
            a.set_xscale("log")
            a.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)


def table(rows: list[dict[str, Any]], base_rate: float | None) -> str:
    """The figures as a Markdown table, one column per run (a baseline ref first)."""

    def pair(r: dict[str, Any], key: str) -> str:
        d = r[key]
        total = d["publish"]["s"] + d["build"]["s"]
        return f"{total:.2f} s ({d['publish']['s']:.2f} + {d['build']['s']:.2f})"

    def peak(r: dict[str, Any]) -> str:
        cmds = [r["cold"], *(r[k][c] for k in ("one", "same") for c in ("publish", "build"))]
        one = max(c["mb"] for c in cmds)
        tree = max(c.get("tree_mb", 0) for c in cmds)
        return f"{one:.0f} MB ({tree:.0f} MB with workers)"

    def search(r: dict[str, Any], key: str) -> str:
        if "search" not in r:
            return "–"
        s = r["search"][key]
        return f"{s['kb']:.0f} KB, {s['ms']:.0f} ms"

    def run(r: dict[str, Any]) -> str:
        if "run" not in r:
            return "–"
        rate = r["run"]["rate"]
        return f"{rate:.0f} items/s" + (f" ({rate / base_rate:.2f}×)" if base_rate else "")

    lines = [
        ("articles stored", lambda r: f"{r['size']:,}" + (f" ({r['ref']})" if "ref" in r else "")),
        ("cold `newsdesk build` (target < 600 s)", lambda r: f"{r['cold']['s']:.0f} s"),
        ("one new article: publish + build (< 1 s)", lambda r: pair(r, "one")),
        ("nothing changed: publish + build (< 1 s)", lambda r: pair(r, "same")),
        ("peak memory of a command (< 1 GB)", peak),
        ("search, one word (< 500 KB, < 300 ms)", lambda r: search(r, "one")),
        ("search, two words (< 500 KB, < 300 ms)", lambda r: search(r, "two")),
        ("`newsdesk run` over the farm (× rate at 10k)", run),
    ]
    out = ["| what | " + " | ".join(lines[0][1](r) for r in rows) + " |"]
    out.append("|---|" + "---|" * len(rows))
    out += [f"| {name} | " + " | ".join(fn(r) for r in rows) + " |" for name, fn in lines[1:]]
    return "\n".join(out)


if __name__ == "__main__":
    saved = json.loads(Path(sys.argv[1]).read_text())
    plot(saved["rows"], saved.get("base_rate"), Path(sys.argv[2]))
    print(table(saved["rows"], saved.get("base_rate")))
