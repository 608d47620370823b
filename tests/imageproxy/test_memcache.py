from __future__ import annotations

from newsdesk.imageproxy.memcache import HotCache, HotItem


def item(size: int) -> HotItem:
    return HotItem(b"x" * size, [], "", "")


def test_bounded_in_bytes_least_recent_dropped() -> None:
    hot = HotCache(max_bytes=250, item_max=100)
    hot.put("a", item(100))
    hot.put("b", item(100))
    assert hot.get("a") is not None
    hot.put("c", item(100))
    assert hot.get("b") is None
    assert hot.get("a") is not None and hot.get("c") is not None
    assert hot.total == 200


def test_large_items_not_kept() -> None:
    hot = HotCache(max_bytes=1000, item_max=100)
    hot.put("big", item(101))
    assert hot.get("big") is None and hot.total == 0


def test_replacing_an_item_keeps_the_count_right() -> None:
    hot = HotCache(max_bytes=1000, item_max=100)
    hot.put("a", item(100))
    hot.put("a", item(50))
    assert hot.total == 50
