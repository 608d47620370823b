from __future__ import annotations

import pytest

from newsdesk.imageproxy.hosts import host_matches, referer_for

RULES = (
    ("*.myzaker.com", "http://www.myzaker.com/"),
    ("dockone.io", ""),
    ("img.myzaker.com", "http://img/"),
    ("*", "http://default/"),
)


@pytest.mark.parametrize(
    ("host", "patterns", "expected"),
    [
        ("zkres1.myzaker.com", ["*.myzaker.com"], True),
        ("myzaker.com", ["*.myzaker.com"], False),
        ("evilmyzaker.com", ["*.myzaker.com"], False),
        ("ZKRES1.MyZaker.com.", ["*.myzaker.com"], True),
        ("dockone.io", ["dockone.io"], True),
        ("www.dockone.io", ["dockone.io"], False),
        ("anything", ["*"], True),
        ("anything", [], False),
    ],
)
def test_host_matches(host: str, patterns: list[str], expected: bool) -> None:
    assert host_matches(host, patterns) is expected


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("zkres1.myzaker.com", "http://www.myzaker.com/"),
        ("img.myzaker.com", "http://img/"),  # exact beats wildcard
        ("dockone.io", ""),
        ("example.org", "http://default/"),
    ],
)
def test_referer_for(host: str, expected: str) -> None:
    assert referer_for(host, RULES) == expected


def test_no_rule_means_no_referer() -> None:
    assert referer_for("example.org", RULES[:2]) is None
