"""A small in-memory LRU of hot images, bounded in bytes, in front of the disk cache.

Serving a file costs a thread hop per read; serving bytes already in memory does not, so
popular small images (at most ``item_max`` bytes each) are kept here with their response
headers prebuilt.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

__all__ = ["HotCache", "HotItem"]


@dataclass(frozen=True)
class HotItem:
    body: bytes
    headers: list[tuple[bytes, bytes]]
    etag: str
    lm: str


class HotCache:
    def __init__(self, max_bytes: int, item_max: int) -> None:
        self.max_bytes, self.item_max = max_bytes, item_max
        self._items: OrderedDict[str, HotItem] = OrderedDict()
        self.total = 0

    def get(self, key: str) -> HotItem | None:
        item = self._items.get(key)
        if item is not None:
            self._items.move_to_end(key)
        return item

    def fits(self, size: int) -> bool:
        return size <= min(self.item_max, self.max_bytes)

    def put(self, key: str, item: HotItem) -> None:
        if not self.fits(len(item.body)):
            return
        old = self._items.pop(key, None)
        if old is not None:
            self.total -= len(old.body)
        self._items[key] = item
        self.total += len(item.body)
        while self.total > self.max_bytes:
            _, dropped = self._items.popitem(last=False)
            self.total -= len(dropped.body)
