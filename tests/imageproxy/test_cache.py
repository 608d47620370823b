"""The disk cache on its own: LRU under the cap, shared blobs, crash leftovers cleaned."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from newsdesk.imageproxy.cache import ENTRY_COST, CacheEntry, DiskCache, cache_key

pytestmark = pytest.mark.anyio


async def put(cache: DiskCache, url: str, body: bytes) -> CacheEntry:
    writer = cache.writer()
    await writer.write(body)
    return await cache.commit(cache_key(url), writer, type="image/png", etag="", lm="", url=url)


def cost(url: str, size: int) -> int:
    """What one entry with its own blob counts toward the cap."""
    return size + len(url) + ENTRY_COST


async def test_lru_eviction_keeps_recently_used(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path, max_bytes=2 * cost("a", 100) + 50)
    cache.load()
    await put(cache, "a", b"a" * 100)
    await put(cache, "b", b"b" * 100)
    assert cache.get(cache_key("a")) is not None  # a is now the most recent
    await put(cache, "c", b"c" * 100)
    assert cache.get(cache_key("b")) is None
    assert cache.get(cache_key("a")) is not None and cache.get(cache_key("c")) is not None
    assert cache.total == 2 * cost("a", 100)
    assert len(list((tmp_path / "blobs").glob("*/*"))) == 2
    assert len(list((tmp_path / "index").glob("*/*.json"))) == 2


async def test_equal_bodies_share_one_blob(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path, max_bytes=10_000)
    cache.load()
    await put(cache, "http://a/1.png", b"same" * 10)
    await put(cache, "http://b/2.png", b"same" * 10)
    assert cache.total == 40 + cost("http://a/1.png", 0) + cost("http://b/2.png", 0)
    assert len(list((tmp_path / "blobs").glob("*/*"))) == 1


async def test_index_survives_restart_in_use_order(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path, max_bytes=10_000)
    cache.load()
    await put(cache, "old", b"o" * 100)
    await put(cache, "new", b"n" * 100)
    old_index = next((tmp_path / "index").glob(f"*/{cache_key('old')}.json"))
    os.utime(old_index, (time.time() - 3600, time.time() - 3600))
    reopened = DiskCache(tmp_path, max_bytes=cost("new", 100) + 50)
    reopened.load()  # over the cap: the least recently used goes
    assert reopened.get(cache_key("old")) is None
    assert reopened.get(cache_key("new")) is not None


async def test_crash_leftovers_removed_on_load(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path, max_bytes=10_000)
    cache.load()
    await put(cache, "kept", b"k" * 10)
    (tmp_path / "tmp" / "fill-123").write_bytes(b"partial")
    orphan = tmp_path / "blobs" / "ff" / ("f" * 64)
    orphan.parent.mkdir()
    orphan.write_bytes(b"never indexed")
    broken = tmp_path / "index" / "00" / ("0" * 64 + ".json")
    broken.parent.mkdir()
    broken.write_text("{not json")
    reopened = DiskCache(tmp_path, max_bytes=10_000)
    reopened.load()
    assert list((tmp_path / "tmp").iterdir()) == []
    assert not orphan.exists() and not broken.exists()
    assert reopened.get(cache_key("kept")) is not None


async def test_discarded_write_leaves_nothing(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path, max_bytes=10_000)
    cache.load()
    writer = cache.writer()
    await writer.write(b"half an image")
    writer.discard()
    assert list((tmp_path / "tmp").iterdir()) == []
    assert cache.total == 0


async def test_entries_sharing_one_blob_still_count_toward_the_cap(tmp_path: Path) -> None:
    # Many URLs (query junk on a host that ignores it) for the same bytes: each index entry
    # costs memory and an index file, so each must count, or eviction never runs.
    cache = DiskCache(tmp_path, max_bytes=5 * cost("http://a.test/x.png?junk=00", 0))
    cache.load()
    for i in range(100):
        entry = await put(cache, f"http://a.test/x.png?junk={i:02}", b"same" * 10)
    assert cache.total <= cache.max_bytes
    assert len(list((tmp_path / "index").glob("*/*.json"))) <= 5
    assert cache.get(cache_key("http://a.test/x.png?junk=99")) is not None
    assert cache.get(cache_key("http://a.test/x.png?junk=00")) is None
    assert not hasattr(entry, "url")  # written to the index file, not kept in memory
    reopened = DiskCache(tmp_path, max_bytes=cache.max_bytes)
    reopened.load()
    assert reopened.total == cache.total


SIG = "Ab" + "c" * 41  # the shape of a signature; DiskCache trusts the caller verified it


async def test_public_link_is_the_blob_and_goes_with_its_entry(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path, max_bytes=cost("a", 100) + 50, signed_by=lambda s, u: True)
    cache.load()
    entry = await put(cache, "a", b"a" * 100)
    await cache.link(cache_key("a"), SIG)
    link = tmp_path / "public" / "Ab" / f"{SIG}.png"
    assert link.stat().st_ino == cache.blob_path(entry.blob).stat().st_ino
    assert cache.is_linked(cache_key("a"), SIG)
    await put(cache, "b", b"b" * 100)  # evicts a
    assert not link.exists() and list((tmp_path / "public").glob("*/*")) == []


async def test_only_signature_shaped_names_and_raster_types_are_linked(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path, max_bytes=10_000)
    cache.load()
    await put(cache, "a", b"a" * 10)
    for bad in ("../../../etc/passwd" + "x" * 24, "A" * 42, "A" * 44, "A" * 42 + "/"):
        await cache.link(cache_key("a"), bad)
    writer = cache.writer()
    await writer.write(b"<svg/>")
    await cache.commit(cache_key("s"), writer, type="image/svg+xml", etag="", lm="", url="s")
    await cache.link(cache_key("s"), SIG)
    assert list((tmp_path / "public").rglob("*.*")) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blobs", "index", "public", "tmp"]


async def test_load_keeps_only_links_a_current_key_made(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path, max_bytes=10_000, signed_by=lambda s, u: True)
    cache.load()
    await put(cache, "a", b"a" * 10)
    await cache.link(cache_key("a"), SIG)
    retired = "Zz" + "z" * 41
    await cache.link(cache_key("a"), retired)
    stray = tmp_path / "public" / "Qq" / ("Q" * 43 + ".png")
    stray.parent.mkdir()
    stray.write_bytes(b"left by a crash")
    reopened = DiskCache(tmp_path, max_bytes=10_000, signed_by=lambda s, u: s == SIG)
    reopened.load()
    names = sorted(p.name for p in (tmp_path / "public").glob("*/*"))
    assert names == [f"{SIG}.png"]
    assert reopened.is_linked(cache_key("a"), SIG)
    assert not reopened.is_linked(cache_key("a"), retired)
