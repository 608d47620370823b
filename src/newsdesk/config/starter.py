"""``newsdesk init``: a commented starter config, every top-level key at its default."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["CONFIG_NAME", "starter_text", "write_starter"]

CONFIG_NAME = "newsdesk.yaml"


def starter_text() -> str:
    return (files("newsdesk.config") / "starter.yaml").read_text(encoding="utf-8")


def write_starter(directory: Path) -> Path:
    """Write ``directory/newsdesk.yaml`` (creating the folder); FileExistsError if it is
    there already, so nobody's config is ever overwritten."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / CONFIG_NAME
    with path.open("x", encoding="utf-8") as f:  # "x": fails if the file exists
        f.write(starter_text())
    return path
