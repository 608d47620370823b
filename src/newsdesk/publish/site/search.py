"""Full-text search: run Pagefind (shipped on PyPI with its binary) over the built site.

The extended binary is preferred: it segments Chinese and Japanese text into words, so a
search for "芯片" finds it inside "国产芯片产能". Pagefind always re-indexes the whole site
(about 2 ms per article on 2 cores), so it runs only when article pages changed since the
last successful index (the manifest keeps that flag across builds run with search off); the
new bundle is built beside the old one and swapped in, so readers never see half an index.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

__all__ = ["BUNDLE", "SEARCH_GLOB", "pagefind_executable", "run_pagefind"]

log = logging.getLogger(__name__)

# Only article pages are indexed; list pages would repeat every excerpt.
SEARCH_GLOB = "a/**/*.html"
BUNDLE = "pagefind"  # folder of the search bundle in the site


def pagefind_executable() -> Path | None:
    """The Pagefind binary: extended wheel, plain wheel, then PATH."""
    for module in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            mod = __import__(module)
            exe = Path(mod.get_executable())
        except (ImportError, AttributeError, OSError, FileNotFoundError):
            continue
        if exe.is_file():
            return exe
    for name in ("pagefind_extended", "pagefind"):
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def run_pagefind(site: Path) -> bool:
    """Index ``site`` into ``site/pagefind/``; False (logged) when Pagefind is missing or fails."""
    exe = pagefind_executable()
    if exe is None:
        log.warning("pagefind not installed; search index not built")
        return False
    fresh, live, old = site / ".pagefind-new", site / BUNDLE, site / ".pagefind-old"
    for leftover in (fresh, old):
        shutil.rmtree(leftover, ignore_errors=True)
    cmd = [
        str(exe),
        "--site",
        str(site),
        "--glob",
        SEARCH_GLOB,
        "--output-path",
        str(fresh),
        "--silent",
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0 or not (fresh / "pagefind.js").is_file():
        shutil.rmtree(fresh, ignore_errors=True)
        log.warning(
            "pagefind failed", extra={"status": result.returncode, "stderr": result.stderr[-2000:]}
        )
        return False
    if live.exists():
        live.rename(old)
    fresh.rename(live)  # the swap: two renames, no window with a partial bundle
    shutil.rmtree(old, ignore_errors=True)
    return True
