"""Templates and static files: the bundled theme, overridden file by file from ``theme_dir``."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

__all__ = ["Theme", "load_theme"]

BUNDLED = Path(__file__).parent


@dataclass(frozen=True)
class Theme:
    env: Environment
    static: dict[str, bytes]  # file name -> bytes, user files winning
    fingerprint: str  # changes when any template or static file the site uses changes

    def asset_version(self, name: str) -> str:
        """A short content hash to put in asset URLs, so browsers never keep a stale copy."""
        return hashlib.blake2b(self.static[name], digest_size=4).hexdigest()


def load_theme(theme_dir: Path | None) -> Theme:
    """Compile-once Jinja environment whose loader looks in ``theme_dir`` first."""
    folders = [BUNDLED]
    if theme_dir is not None:
        folders.insert(0, Path(theme_dir))
    loader = ChoiceLoader(
        [FileSystemLoader(str(f / "templates")) for f in folders if (f / "templates").is_dir()]
    )
    env = Environment(
        loader=loader,
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        undefined=StrictUndefined,
        auto_reload=False,  # templates are read and compiled once per build
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    h = hashlib.blake2b(digest_size=12)
    for name in sorted(env.list_templates()):
        source, _, _ = loader.get_source(env, name)
        h.update(f"{name}\0{source}\0".encode())
    static: dict[str, bytes] = {}
    for folder in reversed(folders):  # bundled first, then the user's files replace them
        sdir = folder / "static"
        if sdir.is_dir():
            for f in sorted(sdir.iterdir()):
                if f.is_file() and not f.name.startswith("."):
                    static[f.name] = f.read_bytes()
    for name in sorted(static):
        h.update(name.encode() + b"\0" + static[name] + b"\0")
    return Theme(env, static, h.hexdigest())
