"""What ``clean_html`` may keep, as one value passed in (no module-level switches)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from newsdesk.clean.bounds import MAX_ATTRIBUTES, MAX_DEPTH
from newsdesk.clean.rules import SITE_RULES, SiteRules
from newsdesk.clean.sanitize import IFRAME_HOSTS

__all__ = ["DEFAULT_POLICY", "CleanPolicy"]


@dataclass(frozen=True)
class CleanPolicy:
    site_rules: Mapping[str, SiteRules] = field(default_factory=lambda: SITE_RULES, hash=False)
    iframe_hosts: frozenset[str] = IFRAME_HOSTS
    # Above this many times the input size (plus a constant), the HTML tree builder has
    # cloned formatting elements into every paragraph (``<p><b class=…><p>x<p>x…``): the
    # body is cleaned again with its formatting tags stripped.
    max_growth: int = 8
    # Past these, markup is flattened / attributes cut (``bounds.py``), so that cleaning
    # costs time linear in the input's size.
    max_depth: int = MAX_DEPTH
    max_attributes: int = MAX_ATTRIBUTES


DEFAULT_POLICY = CleanPolicy()
