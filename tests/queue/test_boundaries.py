"""The pipeline and the stages never import the queue: it sits on top of them."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "newsdesk"
ON_TOP = {"queue", "cli"}  # the queue itself, and the commands on top of everything


def test_only_the_queue_and_its_commands_import_it() -> None:
    importing = re.compile(r"^\s*(from|import)\s+(newsdesk\.queue\b|procrastinate\b)", re.M)
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if path.parts[len(SRC.parts)] not in ON_TOP
        and importing.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
