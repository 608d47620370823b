from __future__ import annotations

from pathlib import Path

FEEDS = Path(__file__).parent.parent / "fixtures" / "feeds"
FEED_FILES = sorted(p for p in FEEDS.iterdir() if p.suffix in (".xml", ".json"))
FEED_URL = "https://example.com/feed.xml"


def feed_bytes(name: str) -> bytes:
    return (FEEDS / name).read_bytes()
