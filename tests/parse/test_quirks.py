"""Every quirk fixture (tests/parse/quirks/<area>/<name>.xml) gives the fields its .toml expects.

Add a case by adding two files; see tests/parse/quirks.py for the keys.
"""

from __future__ import annotations

import pytest

from tests.parse.quirks import (
    ENTRY_FIELDS,
    FEED_FIELDS,
    QUIRKS,
    Quirk,
    expectations,
    extract_newsdesk,
    judge,
    load_quirks,
    orphans,
)

CORPUS = load_quirks()
_TOP_KEYS = {"why", "content_type", "format", "warning", "entry", *FEED_FIELDS}


def test_every_fixture_has_its_expectations() -> None:
    assert orphans() == []
    assert len(CORPUS) >= 200
    assert {q.area for q in CORPUS} == {p.name for p in QUIRKS.iterdir() if p.is_dir()}


@pytest.mark.parametrize("quirk", CORPUS, ids=lambda q: q.id)
def test_sidecar_is_well_formed(quirk: Quirk) -> None:
    assert set(quirk.expected) <= _TOP_KEYS, "unknown key"
    assert set(quirk.entry) <= set(ENTRY_FIELDS), "unknown [entry] key"
    assert quirk.expected.get("why"), "say which quirk this is"
    assert len(quirk.expected) > 1, "expects nothing"


@pytest.mark.parametrize("quirk", CORPUS, ids=lambda q: q.id)
def test_quirk(quirk: Quirk) -> None:
    reading = extract_newsdesk(quirk)
    if "error" not in quirk.expected:
        assert reading.error is None, f"refused: {reading.error}"
    wrong = {
        name: (want, reading.entry.get(name, getattr(reading, name, None)))
        for name, want in expectations(quirk)
        if not judge(name, want, reading)
    }
    assert wrong == {}, "field: (expected, got)"
    if "format" in quirk.expected:
        assert reading.format == quirk.expected["format"]
    if "warning" in quirk.expected:
        assert any(quirk.expected["warning"] in w for w in reading.warnings), reading.warnings
    if reading.error is None and reading.entries == 0:
        assert reading.warnings and reading.warnings[0].startswith("no entries: ")
