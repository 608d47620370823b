"""Typed getters over the parsed YAML that collect every problem, each with its line.

A getter that finds a bad value records a problem (file, line, key, message) and returns
the default, so loading goes on and one run reports everything wrong with the file;
``Validator.raise_problems()`` then raises them together as ``ConfigProblems``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newsdesk.errors import ConfigError
from newsdesk.units import parse_duration

__all__ = ["ConfigProblems", "Validator", "closest", "did_you_mean", "line_of", "resolve_path"]


class ConfigProblems(ConfigError):
    """Several problems in one config file; ``problems`` holds each one (sorted by line)."""

    def __init__(self, problems: list[ConfigError]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.path or "", p.line or 0))
        first = self.problems[0]
        super().__init__(str(first))  # path and line are already in the message
        self.path, self.line = first.path, first.line
        if len(self.problems) > 1:
            lines = [f"{len(self.problems)} problems in {first.path}:"]
            lines += [f"  {p}" for p in self.problems]
            self.args = ("\n".join(lines),)


def resolve_path(base: Path, value: str) -> Path:
    p = Path(value).expanduser()
    return p if p.is_absolute() else (base / p)


def line_of(mapping: Any, key: Any) -> int | None:
    lc = getattr(mapping, "lc", None)
    if lc is None:
        return None
    try:
        return lc.key(key)[0] + 1
    except (KeyError, TypeError, AttributeError):
        try:
            return lc.line + 1
        except AttributeError:
            return None


def closest(key: str, allowed: Collection[str]) -> str | None:
    match = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.7)
    return match[0] if match else None


def did_you_mean(key: str, allowed: Collection[str]) -> str:
    """`` (did you mean 'x'?)`` when ``key`` is a near miss of an allowed name, else ""."""
    hint = closest(key, allowed)
    return f" (did you mean {hint!r}?)" if hint else ""


_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]?i?B?)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "B": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}


class Validator:
    """Typed getters that record a problem naming the key and its line, then go on."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[ConfigError] = []

    def error(self, mapping: Any, key: Any, message: str) -> ConfigError:
        return ConfigError(
            f"{key}: {message}" if not message.startswith(str(key)) else message,
            path=self.path,
            line=line_of(mapping, key),
        )

    def report(self, mapping: Any, key: Any, message: str) -> None:
        self.problems.append(self.error(mapping, key, message))

    def check(self, ok: bool, mapping: Any, key: Any, message: str) -> bool:
        if not ok:
            self.report(mapping, key, message)
        return ok

    def raise_problems(self) -> None:
        if self.problems:
            raise ConfigProblems(self.problems)

    def known_keys(self, mapping: Mapping, allowed: Collection[str], where: str) -> None:
        for key in mapping:
            if key not in allowed:
                self.report(mapping, key, f"unknown key in {where}" + did_you_mean(key, allowed))

    def name(self, key: Any) -> str:
        # YAML reads `36` or `null` as non-strings; a category name is always text.
        if key is None:  # `null:` (or `~:`) as a name: keep the word the user most likely wrote
            return "null"
        if isinstance(key, bool):
            return "true" if key else "false"
        return str(key)

    def string(self, m: Mapping, key: str, default: str) -> str:
        if key not in m or m[key] is None:
            return default
        value = m[key]
        if not isinstance(value, str):
            kind = "true/false" if isinstance(value, bool) else type(value).__name__
            self.report(m, key, f"must be text, got {kind} {value!r} (quote it if it is text)")
            return default
        return value

    def optional_string(self, m: Mapping, key: str) -> str | None:
        value = self.string(m, key, "")
        return value or None

    def header(self, m: Mapping, key: str) -> str | None:
        """A value sent as an HTTP header: ASCII only (write other text percent-encoded)."""
        value = self.optional_string(m, key)
        if value is not None and (not value.isascii() or any(c in value for c in "\r\n")):
            self.report(
                m,
                key,
                "must be ASCII on one line (it is sent as an HTTP header; "
                "percent-encode other characters)",
            )
            return None
        return value

    def string_list(self, m: Mapping, key: str, default: list[str]) -> list[str]:
        if key not in m or m[key] is None:
            return list(default)
        value = m[key]
        if isinstance(value, str):
            return [value]
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            self.report(m, key, "must be a list of text values")
            return list(default)
        return list(value)

    def boolean(self, m: Mapping, key: str, default: bool) -> bool:
        if key not in m:
            return default
        if not isinstance(m[key], bool):
            self.report(m, key, f"must be true or false, got {m[key]!r}")
            return default
        return bool(m[key])

    def integer(self, m: Mapping, key: str, default: int, *, minimum: int = 0) -> int:
        if key not in m:
            return default
        value = m[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.report(m, key, f"must be a whole number, got {value!r}")
            return default
        if value < minimum:
            self.report(m, key, f"must be at least {minimum}, got {value}")
            return default
        return int(value)

    def optional_int(self, m: Mapping, key: str, *, minimum: int) -> int | None:
        if key not in m or m[key] is None:
            return None
        value = self.integer(m, key, -1, minimum=minimum)
        return None if value == -1 else value

    def size(self, m: Mapping, key: str, default: int) -> int:
        if key not in m:
            return default
        value = m[key]
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
        match = _SIZE_RE.match(str(value)) if not isinstance(value, bool) else None
        size = 0
        if match:
            unit = (match.group(2) or "").upper().replace("I", "").rstrip("B") or ""
            size = int(float(match.group(1)) * _SIZE_UNITS[unit])
        if size < 1:
            self.report(m, key, f"must be a size such as 10MB or 500KB, got {value!r}")
            return default
        return size

    def duration(self, m: Mapping, key: str, default: float, *, allow_zero: bool = False) -> float:
        """Seconds, written as ``20``, ``20s``, ``30m`` or ``1h`` (the same everywhere)."""
        if key not in m:
            return default
        try:
            return parse_duration(m[key], allow_zero=allow_zero)
        except ValueError as exc:
            self.report(m, key, str(exc))
            return default

    def choice(self, m: Mapping, key: str, choices: tuple[str, ...], default: str) -> str:
        value = self.string(m, key, default)
        if value not in choices:
            self.report(
                m,
                key,
                f"must be one of {', '.join(choices)}, got {value!r}"
                + did_you_mean(value, choices),
            )
            return default
        return value

    def timezone(self, m: Mapping, key: str, default: str) -> str:
        value = self.string(m, key, default)
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            self.report(
                m,
                key,
                f"unknown time zone {value!r} (use an IANA name such as Asia/Shanghai or UTC)",
            )
            return default
        return value
