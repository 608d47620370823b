"""Typed getters over the parsed YAML that raise ``ConfigError`` naming the key and its line."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newsdesk.errors import ConfigError

__all__ = ["Validator", "closest", "line_of", "resolve_path"]


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


_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]?i?B?)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "B": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}
_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$", re.IGNORECASE)
_DURATION_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


class Validator:
    """Typed getters that raise ConfigError naming the key and its line."""

    def __init__(self, path: str) -> None:
        self.path = path

    def error(self, mapping: Any, key: Any, message: str) -> ConfigError:
        return ConfigError(
            f"{key}: {message}" if not message.startswith(str(key)) else message,
            path=self.path,
            line=line_of(mapping, key),
        )

    def check(self, ok: bool, mapping: Any, key: Any, message: str) -> None:
        if not ok:
            raise self.error(mapping, key, message)

    def known_keys(self, mapping: Mapping, allowed: set[str], where: str) -> None:
        for key in mapping:
            if key not in allowed:
                hint = closest(str(key), allowed)
                raise self.error(
                    mapping,
                    key,
                    f"unknown key in {where}" + (f" (did you mean {hint!r}?)" if hint else ""),
                )

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
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.error(m, key, f"must be text, got {type(value).__name__}")
        return str(value)

    def optional_string(self, m: Mapping, key: str) -> str | None:
        value = self.string(m, key, "")
        return value or None

    def header(self, m: Mapping, key: str) -> str | None:
        """A value sent as an HTTP header: ASCII only (write other text percent-encoded)."""
        value = self.optional_string(m, key)
        if value is not None and (not value.isascii() or any(c in value for c in "\r\n")):
            raise self.error(
                m,
                key,
                "must be ASCII on one line (it is sent as an HTTP header; "
                "percent-encode other characters)",
            )
        return value

    def string_list(self, m: Mapping, key: str, default: list[str]) -> list[str]:
        if key not in m or m[key] is None:
            return list(default)
        value = m[key]
        if isinstance(value, str):
            return [value]
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            raise self.error(m, key, "must be a list of text values")
        return list(value)

    def boolean(self, m: Mapping, key: str, default: bool) -> bool:
        if key not in m:
            return default
        if not isinstance(m[key], bool):
            raise self.error(m, key, "must be true or false")
        return bool(m[key])

    def integer(self, m: Mapping, key: str, default: int, *, minimum: int = 0) -> int:
        if key not in m:
            return default
        value = m[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(m, key, f"must be a whole number, got {value!r}")
        if value < minimum:
            raise self.error(m, key, f"must be at least {minimum}, got {value}")
        return int(value)

    def optional_int(self, m: Mapping, key: str, *, minimum: int) -> int | None:
        if key not in m or m[key] is None:
            return None
        return self.integer(m, key, 0, minimum=minimum)

    def number(self, m: Mapping, key: str, default: float) -> float:
        if key not in m:
            return default
        value = m[key]
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not 0 < value < float("inf")
        ):  # NaN fails both comparisons
            raise self.error(m, key, f"must be a positive number of seconds, got {value!r}")
        return float(value)

    def size(self, m: Mapping, key: str, default: int) -> int:
        if key not in m:
            return default
        value = m[key]
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
        match = _SIZE_RE.match(str(value))
        size = 0
        if match:
            unit = (match.group(2) or "").upper().replace("I", "").rstrip("B") or ""
            size = int(float(match.group(1)) * _SIZE_UNITS[unit])
        if size < 1:
            raise self.error(m, key, f"must be a size such as 10MB or 500KB, got {value!r}")
        return size

    def duration(self, m: Mapping, key: str, default: float, *, allow_zero: bool = False) -> float:
        if key not in m:
            return default
        value = m[key]
        floor = 0 if allow_zero else 1e-9
        if (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and floor <= value < float("inf")
        ):
            return float(value)
        match = _DURATION_RE.match(str(value))
        if not match or float(match.group(1)) < floor:
            raise self.error(m, key, f"must be a duration such as 30m, 2h or 90s, got {value!r}")
        return float(match.group(1)) * _DURATION_UNITS[(match.group(2) or "").lower()]

    def choice(self, m: Mapping, key: str, choices: tuple[str, ...], default: str) -> str:
        value = self.string(m, key, default)
        if value not in choices:
            raise self.error(m, key, f"must be one of {', '.join(choices)}, got {value!r}")
        return value

    def timezone(self, m: Mapping, key: str, default: str) -> str:
        value = self.string(m, key, default)
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise self.error(
                m,
                key,
                f"unknown time zone {value!r} (use an IANA name such as Asia/Shanghai or UTC)",
            ) from None
        return value


def closest(key: str, allowed: set[str]) -> str | None:
    import difflib

    match = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.7)
    return match[0] if match else None
