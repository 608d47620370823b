"""Packaging: package data names only files that exist, and every data file is shipped."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "newsdesk"


def _patterns() -> list[str]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return list(pyproject["tool"]["setuptools"]["package-data"]["newsdesk"])


def test_every_package_data_pattern_matches_a_file() -> None:
    for pattern in _patterns():
        assert [p for p in PACKAGE.glob(pattern) if p.is_file()], f"{pattern} matches nothing"


def test_every_data_file_is_shipped() -> None:
    shipped = {p for pattern in _patterns() for p in PACKAGE.glob(pattern)}
    data = {
        p
        for p in PACKAGE.rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    }
    assert data - shipped == set(), "add these to [tool.setuptools.package-data]"
