"""How the site writes a time: one zone for every page, and the zone named.

``2026-12-04 10:25 CST`` (the zone's abbreviation when it has one in letters), else
``2026-12-04 10:25 UTC+8``. The ``datetime`` attribute is the same instant in the same
zone, so text and attribute agree. Home, article, search results and the sources page
all take their text from here.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

__all__ = ["TIME_FORMAT", "display_text", "display_time", "zone_label"]

# Part of what the search index is fingerprinted by: its results carry display times.
TIME_FORMAT = "YYYY-MM-DD HH:MM ZONE"


def zone_label(local: datetime) -> str:
    """``CST``, ``UTC``, ``CET``; or ``UTC+8``, ``UTC+5:30``, ``UTC-3`` when the zone's
    only name is numeric (as tzdata writes many: "+08")."""
    name = local.tzname() or ""
    if name[:1].isalpha():
        return name
    offset = local.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def display_time(moment: datetime, zone: tzinfo) -> tuple[str, str]:
    """(``datetime`` attribute, text) of ``moment`` in ``zone``."""
    iso = moment.astimezone(zone).isoformat()
    return iso, display_text(iso, zone)


_labels: dict[tuple[tzinfo, str, str], str] = {}


def display_text(iso: str, zone: tzinfo) -> str:
    """The text of ``display_time`` from its ``datetime`` attribute (an isoformat already
    in ``zone``), as the site state keeps it. The zone's name depends on the year and the
    offset only, so it is computed once per pair (a cold build restores every entry)."""
    offset = iso[19:]
    if offset[:1] == ".":  # microseconds
        offset = offset[7:]
    key = (zone, iso[:4], offset)
    label = _labels.get(key)
    if label is None:
        label = _labels[key] = zone_label(datetime.fromisoformat(iso).astimezone(zone))
    return f"{iso[:10]} {iso[11:16]} {label}"
