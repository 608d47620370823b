"""Times on the site: one zone for every page, the zone named, attribute and text agreeing."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from newsdesk.publish.site.times import display_time, zone_label

from .conftest import SiteBuilder, html_files

MOMENT = datetime(2026, 12, 4, 2, 25, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "text"),
    [
        ("Asia/Shanghai", "2026-12-04 10:25 CST"),
        ("UTC", "2026-12-04 02:25 UTC"),
        ("Europe/Paris", "2026-12-04 03:25 CET"),
        ("Asia/Dubai", "2026-12-04 06:25 UTC+4"),  # tzdata calls it "+04"
        ("Asia/Kathmandu", "2026-12-04 08:10 UTC+5:45"),
        ("America/Sao_Paulo", "2026-12-03 23:25 UTC-3"),
    ],
)
def test_display_names_the_zone(zone: str, text: str) -> None:
    iso, shown = display_time(MOMENT, ZoneInfo(zone))
    assert shown == text
    # The attribute is the same instant, written in the same zone as the text.
    assert datetime.fromisoformat(iso) == MOMENT
    assert iso[:16].replace("T", " ") == shown[:16]


def test_zone_label_falls_back_to_the_offset() -> None:
    assert zone_label(MOMENT) == "UTC"
    assert zone_label(MOMENT.astimezone(ZoneInfo("Asia/Dubai"))) == "UTC+4"


def _times(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<time datetime="([^"]+)">([^<]+)</time>', html)


def test_every_page_and_the_search_index_use_the_sites_zone(site: SiteBuilder) -> None:
    site.build(timezone="Asia/Dubai", search=True)
    seen: list[tuple[str, str]] = []
    for page in html_files(site.out):
        seen += _times(page.read_text(encoding="utf-8"))
    assert seen, "the pages show times"
    for iso, text in seen:
        assert iso.endswith("+04:00") and text.endswith(" UTC+4"), (iso, text)
        assert iso[:16].replace("T", " ") == text[:16]
    sources = _times((site.out / "sources/index.html").read_text(encoding="utf-8"))
    assert ("2026-11-20T08:00:00+04:00", "2026-11-20 08:00 UTC+4") in sources
    results = [
        row
        for f in Path(site.out / "search-index").rglob("r*.json")
        for row in json.loads(f.read_text(encoding="utf-8"))
    ]
    assert results and all(r[2].endswith(" UTC+4") and r[5].endswith("+04:00") for r in results)
    assert {(r[5], r[2]) for r in results} <= set(seen)


def test_site_zone_comes_from_site_timezone_else_the_configs(tmp_path: Path) -> None:
    from newsdesk.config import parse_config
    from newsdesk.sitebuild import site_options

    def zone(text: str) -> str:
        config = parse_config(text, path=tmp_path / "newsdesk.yaml", environ={})
        return str(site_options(config).timezone)

    assert zone("") == "Asia/Shanghai"
    assert zone("timezone: Europe/Paris\n") == "Europe/Paris"
    assert zone("timezone: Europe/Paris\nsite:\n  timezone: UTC\n") == "UTC"
