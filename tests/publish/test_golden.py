"""Golden files: tests/publish/golden/<case>.input.json -> <case>.{hexo.md,hugo.md,jekyll.html}.

Adding a case means adding one input file, then regenerating:

    NEWSDESK_REGEN_GOLDEN=1 .venv/bin/pytest tests/publish/test_golden.py

and reviewing the diff of the expected files like code.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from newsdesk.imageproxy.rewrite import prefix_proxy
from newsdesk.models import Article
from newsdesk.publish import hugo, jekyll
from newsdesk.publish.hexo import render_post

GOLDEN = Path(__file__).parent / "golden"
REGEN = os.environ.get("NEWSDESK_REGEN_GOLDEN") == "1"
PROXY = prefix_proxy("https://proxy.example/?")
PLACEHOLDER = "https://img.example/placeholder/{n}.jpg"

RENDERERS: dict[str, Callable[[Article], str]] = {
    "hexo.md": lambda a: render_post(a, image_url=PROXY, placeholder=PLACEHOLDER),
    "hugo.md": lambda a: hugo.render_post(a, image_url=PROXY, placeholder=PLACEHOLDER),
    "jekyll.html": lambda a: jekyll.render_post(a, image_url=PROXY, placeholder=PLACEHOLDER),
}
CASES = sorted(p.name.removesuffix(".input.json") for p in GOLDEN.glob("*.input.json"))


def load_case(case: str) -> Article:
    data = json.loads((GOLDEN / f"{case}.input.json").read_text(encoding="utf-8"))
    data["published"] = datetime.fromisoformat(data["published"])
    data.setdefault("link", None)
    return Article(**data)


def test_there_are_golden_cases() -> None:
    assert len(CASES) >= 4


@pytest.mark.parametrize("target", sorted(RENDERERS))
@pytest.mark.parametrize("case", CASES)
def test_golden(case: str, target: str) -> None:
    got = RENDERERS[target](load_case(case))
    expected_path = GOLDEN / f"{case}.{target}"
    if REGEN:
        expected_path.write_bytes(got.encode("utf-8"))
    assert expected_path.exists(), f"missing {expected_path.name}: run with NEWSDESK_REGEN_GOLDEN=1"
    assert got == expected_path.read_bytes().decode("utf-8")
