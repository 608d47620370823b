"""Host patterns as written in config: ``example.org`` (that host), ``*.example.org`` (its
subdomains, not itself) and ``*`` (any host). Pure functions, tested by table."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["host_matches", "referer_for"]


def _matches(host: str, pattern: str) -> bool:
    if pattern == "*":
        return True
    if pattern.startswith("*."):
        return host.endswith(pattern[1:]) and len(host) > len(pattern) - 1
    return host == pattern


def host_matches(host: str, patterns: Iterable[str]) -> bool:
    host = host.lower().rstrip(".")
    return any(_matches(host, p) for p in patterns)


def _specificity(pattern: str) -> tuple[int, int]:
    # exact names beat wildcards, longer wildcards beat shorter ones, "*" comes last
    return (0 if not pattern.startswith("*") else 1, -len(pattern))


def referer_for(host: str, rules: Iterable[tuple[str, str]]) -> str | None:
    """The Referer to send to ``host`` ("" = none), or None when no rule matches."""
    host = host.lower().rstrip(".")
    for pattern, referer in sorted(rules, key=lambda rule: _specificity(rule[0])):
        if _matches(host, pattern):
            return referer
    return None
