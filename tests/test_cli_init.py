"""`newsdesk init`: a starter config that loads, documents every key, and is never
written over an existing one."""

from __future__ import annotations

import re
from pathlib import Path

from newsdesk.config import TOP_KEYS, load_config, parse_config
from newsdesk.config.starter import starter_text
from tests.support.cli import run_cli


def test_init_writes_a_config_that_loads_and_says_what_next(tmp_path: Path) -> None:
    result = run_cli("init", str(tmp_path / "mysite"))
    assert result.exit_code == 0, result.output
    path = tmp_path / "mysite" / "newsdesk.yaml"
    config = load_config(path)
    assert len(config.sources) >= 3  # a small real tree
    assert all(s.url.startswith("https://") for s in config.sources)
    commands = [line.split("#")[0].strip() for line in result.output.splitlines()]
    commands = [c for c in commands if c.startswith("newsdesk ")]
    assert [c.split()[1] for c in commands] == ["run", "serve", "status"]
    assert all(f"-c {path}" in c for c in commands)


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    (tmp_path / "newsdesk.yaml").write_text("groups: {}\n", encoding="utf-8")
    result = run_cli("init", str(tmp_path))
    assert result.exit_code == 2
    assert "already exists" in result.output
    assert (tmp_path / "newsdesk.yaml").read_text(encoding="utf-8") == "groups: {}\n"


def test_starter_shows_every_top_level_key() -> None:
    text = starter_text()
    for key in TOP_KEYS:
        assert re.search(rf"^(# )?{key}:", text, re.MULTILINE), f"starter lacks {key}"


def _uncommented(text: str) -> str:
    """The starter with its commented keys switched on (the proxy example left out)."""
    out, in_proxy = [], False
    for line in text.splitlines():
        key = re.match(r"^# ( {2})?([a-z_]+):", line)
        if re.match(r"^# proxy_server:", line):
            in_proxy = True
        elif key and not key.group(1):
            in_proxy = False
        if key and not in_proxy:
            line = line[2:]
        out.append(line)
    return "\n".join(out) + "\n"


def test_every_commented_value_is_the_default(tmp_path: Path) -> None:
    text = starter_text()
    switched_on = _uncommented(text)
    assert switched_on.count("\nfetch:") == 1 and "\n  retries: 3" in switched_on
    plain = parse_config(text, path=tmp_path / "a.yaml", environ={})
    explicit = parse_config(switched_on, path=tmp_path / "a.yaml", environ={})
    assert explicit == plain
