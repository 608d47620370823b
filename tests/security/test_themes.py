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
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest

from .browser import HostileBrowser
from .conftest import REPORTS, serve
from .hostile import placements
from .payloads import FIELDS, PAYLOADS, decode_id
from .pipeline import Published
from .sites import HEXO_OUTPUTS, OUTPUTS, Output, build_output

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


@dataclass
class Findings:
    executed: dict[int, set[str]] = field(default_factory=dict)  # payload id -> pages
    clickable: list[tuple[str, list[str]]] = field(default_factory=list)
    unloaded: list[str] = field(default_factory=list)
    silent: list[str] = field(default_factory=list)  # searches that showed no results
    alive: int = 0  # pages on which the theme's own scripts ran


def _browse(browser: HostileBrowser, base: str, output: Output) -> Findings:
    """Open every page of ``output``, then its searches (which fetch and render late)."""
    found = Findings()
    visits = [(page, 0.0, output.alive) for page in output.pages]
    visits += [(url, 1.0, check) for url, check in output.searches]
    for page, settle, check in visits:
        visit = browser.visit(base + quote(page, safe="/?=&"), settle=settle, alive=check)
        for pid in visit.executed:
            found.executed.setdefault(pid, set()).add(page)
        found.clickable.extend((page, link) for link in visit.clickable)
        if not visit.loaded:
            found.unloaded.append(page)
        if settle:
            found.silent += [] if visit.alive else [page]
        else:
            found.alive += visit.alive
    return found


def _report(name: str, output: Output, found: Findings) -> str:
    summary = (
        f"{name}: {len(output.pages)} pages opened (+{len(output.searches)} searches), "
        f"{len(placements())} payloads placed, {len(_reached(output.public))} appear in "
        f"the generated files, {len(found.executed)} executed, {len(found.clickable)} script "
        f"links or handlers left, theme scripts ran on {found.alive} pages"
    )
    REPORTS[name] = summary
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    details = {
        "summary": summary,
        "executed": {
            str(decode_id(pid) or pid): sorted(pages) for pid, pages in found.executed.items()
        },
        "clickable": found.clickable,
        "unloaded": found.unloaded,
        "silent searches": found.silent,
    }
    text = json.dumps(details, ensure_ascii=False, indent=1)
    (ARTIFACTS / f"{name}.json").write_text(text, encoding="utf-8")
    return summary


def test_every_feed_field_carries_30_payloads() -> None:
    placed = placements().values()
    per_field = Counter(p.field for p in placed)
    feed_fields = [name for code, name in FIELDS.items() if code <= 10]
    assert all(per_field[name] >= 30 for name in feed_fields), per_field
    # The OPML file: every payload is the name of a group, a source or a channel.
    in_names = {p.payload for p in placed if p.field.startswith("opml ")}
    assert in_names == set(PAYLOADS), set(PAYLOADS) - in_names


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
    with serve(output.public) as base:
        _check_canary(hostile_browser, base, output.public)
        found = _browse(hostile_browser, base, output)
    summary = _report(name, output, found)
    ran = sorted(f"{decode_id(pid) or pid} on {sorted(p)[:2]}" for pid, p in found.executed.items())
    assert not ran, summary + "\n" + "\n".join(ran[:40])
    assert not found.clickable, summary + "\n" + "\n".join(map(str, found.clickable[:40]))
    assert not found.unloaded, found.unloaded
    assert not found.silent, f"{name}: these searches showed no results: {found.silent}"
    assert found.alive, f"{name}: the theme's own scripts never ran ({output.alive})"
