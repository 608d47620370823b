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


if __name__ == "__main__":
    saved = json.loads(Path(sys.argv[1]).read_text())
    plot(saved["rows"], saved.get("base_rate"), Path(sys.argv[2]))
