"""The disk cache on its own: LRU under the cap, shared blobs, crash leftovers cleaned."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from newsdesk.imageproxy.cache import DiskCache, cache_key

pytestmark = pytest.mark.anyio


async def put(cache: DiskCache, url: str, body: bytes) -> None:
    writer = cache.writer()
    await writer.write(body)
    await cache.commit(cache_key(url), writer, type="image/png", etag="", lm="", url=url)


async def test_lru_eviction_keeps_recently_used(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path, max_bytes=250)
    cache.load()
    await put(cache, "a", b"a" * 100)
    await put(cache, "b", b"b" * 100)
    assert cache.get(cache_key("a")) is not None  # a is now the most recent
    await put(cache, "c", b"c" * 100)
    assert cache.get(cache_key("b")) is None
    assert cache.get(cache_key("a")) is not None and cache.get(cache_key("c")) is not None
    assert cache.total == 200
    assert len(list((tmp_path / "blobs").glob("*/*"))) == 2
    assert len(list((tmp_path / "index").glob("*/*.json"))) == 2


async def test_equal_bodies_share_one_blob(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path, max_bytes=10_000)
    cache.load()
    await put(cache, "http://a/1.png", b"same" * 10)
    await put(cache, "http://b/2.png", b"same" * 10)
    assert cache.total == 40
    assert len(list((tmp_path / "blobs").glob("*/*"))) == 1


async def test_index_survives_restart_in_use_order(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path, max_bytes=10_000)
    cache.load()
    await put(cache, "old", b"o" * 100)
    await put(cache, "new", b"n" * 100)
    old_index = next((tmp_path / "index").glob(f"*/{cache_key('old')}.json"))
    os.utime(old_index, (time.time() - 3600, time.time() - 3600))
    reopened = DiskCache(tmp_path, max_bytes=150)
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
