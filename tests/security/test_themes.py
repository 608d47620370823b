"""Nothing a feed or an OPML file sends runs where newsdesk publishes it (issue 12).

A hostile RSS feed, a hostile Atom feed and a hostile OPML file (tests/security/payloads.py:
every payload in every field) go through the real pipeline (import-opml, run, publish,
build), each output is built with its real generator and theme, and every generated page
is opened in headless Chromium with JavaScript on. A payload that runs reports its id
(source, field, payload); links that would run script when clicked are found in the DOM
after the theme's scripts ran. Per output the test records pages opened, payloads placed,
payloads that reached the pages as text, and payloads executed (test-artifacts/security/).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest

from .browser import HostileBrowser, Visit
from .conftest import REPORTS, serve
from .hostile import placements
from .payloads import decode_id
from .pipeline import Published
from .sites import HEXO_OUTPUTS, OUTPUTS, build_output

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "security"
# A page the test adds to every output: proves the browser catches both kinds of finding.
_CANARY = "<!DOCTYPE html><img src=x onerror=__pwn(1)><a href='javascript:__pwn(2)'>x</a>"
_MARK = re.compile(r"(?:__pwn|alert)\((\d+)\)")
_TEXT_FILES = ("*.html", "*.json", "*.xml", "*.js")


def _reached(public: Path) -> set[int]:
    """Payload ids whose code appears in the generated files (as text or otherwise)."""
    found: set[int] = set()
    for pattern in _TEXT_FILES:
        for path in public.rglob(pattern):
            found.update(int(m) for m in _MARK.findall(path.read_text(errors="replace")))
    return {pid for pid in found if decode_id(pid) is not None}


def _check_canary(browser: HostileBrowser, base: str, public: Path) -> None:
    (public / "__canary__.html").write_text(_CANARY, encoding="utf-8")
    visit = browser.visit(base + "__canary__.html")
    assert visit.executed == {1}, f"the browser missed the canary payload: {visit.executed}"
    assert sorted(c[1] for c in visit.clickable) == ["a", "img"], visit.clickable


def _params() -> list[object]:
    return [
        pytest.param(name, marks=pytest.mark.hexo) if name in HEXO_OUTPUTS else name
        for name in OUTPUTS
    ]


@pytest.mark.timeout(600)
@pytest.mark.parametrize("name", _params())
def test_no_payload_runs(
    name: str,
    published: Published,
    hostile_browser: HostileBrowser,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    install = request.getfixturevalue("hexo_install") if name in HEXO_OUTPUTS else Path()
    output = build_output(name, published, tmp_path / name, install)
    placed = placements()
    reached = _reached(output.public)
    executed: dict[int, set[str]] = {}
    clickable: list[tuple[str, list[str]]] = []
    unloaded: list[str] = []
    alive = 0
    with serve(output.public) as base:
        _check_canary(hostile_browser, base, output.public)
        visits = [(page, 0.0) for page in output.pages] + [(s, 1.0) for s in output.searches]
        for page, settle in visits:
            visit: Visit = hostile_browser.visit(
                base + quote(page, safe="/?=&"), settle=settle, alive=output.alive
            )
            for pid in visit.executed:
                executed.setdefault(pid, set()).add(page)
            clickable.extend((page, found) for found in visit.clickable)
            alive += visit.alive
            if not visit.loaded:
                unloaded.append(page)

    summary = (
        f"{name}: {len(output.pages)} pages opened (+{len(output.searches)} searches), "
        f"{len(placed)} payloads placed, {len(reached)} reached the pages, "
        f"{len(executed)} executed, {len(clickable)} script links or handlers left, "
        f"theme scripts ran on {alive} pages"
    )
    REPORTS[name] = summary
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    details = {
        "summary": summary,
        "executed": {str(decode_id(pid) or pid): sorted(pages) for pid, pages in executed.items()},
        "clickable": clickable,
        "unloaded": unloaded,
    }
    (ARTIFACTS / f"{name}.json").write_text(
        json.dumps(details, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    ran = sorted(
        f"{decode_id(pid) or pid} on {sorted(pages)[:2]}" for pid, pages in executed.items()
    )
    assert not ran, summary + "\n" + "\n".join(ran[:40])
    assert not clickable, summary + "\n" + "\n".join(map(str, clickable[:40]))
    assert not unloaded, unloaded
    assert alive, f"{name}: the theme's own scripts never ran ({output.alive})"
    assert len(placed) >= 30 * 10, summary
