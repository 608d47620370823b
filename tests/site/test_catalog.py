"""Pagination anchored at the oldest page, sort keys, and folder names for Chinese categories."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import example, given
from hypothesis import strategies as st

from newsdesk.publish.site.catalog import page_count, page_of, page_span, sort_key
from newsdesk.publish.site.paths import free_slug, slugify


def _pages(n: int, per_page: int) -> list[tuple[int, list[int]]]:
    """(number, entries) of every page of a list of n entries (0 newest), first page first."""
    items = list(range(n))
    count = page_count(n, per_page)
    out = []
    for number in range(count, 0, -1):
        offset, length = page_span(number, count, n, per_page)
        out.append((number, items[offset : offset + length]))
    return out


@given(st.integers(0, 400), st.integers(1, 50))
def test_pages_partition_the_list_in_order(n: int, per_page: int) -> None:
    pages = _pages(n, per_page)
    assert [x for _, p in pages for x in p] == list(range(n))
    assert all(len(p) == per_page for _, p in pages[1:])
    if n >= per_page:
        assert per_page <= len(pages[0][1]) < 2 * per_page


@given(st.integers(0, 400), st.integers(1, 50))
@example(5, 2)  # the page count grows: the old first page moves to a numbered folder
@example(6, 2)  # the page count stays
def test_a_new_item_changes_only_the_first_page(n: int, per_page: int) -> None:
    before = dict(_pages(n, per_page))
    after = dict(_pages(n + 1, per_page))  # entry numbers shift: compare from the oldest
    first_before, first_after = max(before), max(after)
    assert first_after in (first_before, first_before + 1)
    for number, entries in before.items():
        if number != first_before:
            assert [x + 1 for x in entries] == after[number], number


@given(st.integers(1, 400), st.integers(1, 50), st.data())
def test_page_of_finds_the_page_holding_an_entry(
    n: int, per_page: int, data: st.DataObject
) -> None:
    older = data.draw(st.integers(0, n - 1))  # entries older than the one looked for
    count = page_count(n, per_page)
    number = page_of(older, count, per_page)
    offset, length = page_span(number, count, n, per_page)
    newest_first = n - 1 - older
    assert offset <= newest_first < offset + length


def test_sort_keys_order_newest_first_then_by_uid() -> None:
    t = datetime(2026, 1, 1, tzinfo=UTC)
    keys = [sort_key(t, "b"), sort_key(t + timedelta(seconds=1), "z"), sort_key(t, "a")]
    assert sorted(keys) == [keys[1], keys[2], keys[0]]


def test_slugs_keep_chinese_and_drop_unsafe_characters() -> None:
    assert slugify("开源中国") == "开源中国"
    assert slugify("cnBeta") == "cnbeta"
    assert slugify("AI / 大模型?") == "ai-大模型"
    assert slugify("../..").startswith("x-")
    assert slugify("page") == "page"


def test_colliding_slugs_are_made_unique() -> None:
    taken: set[str] = set()
    slugs = {}
    for name in ("CnBeta", "cnbeta", "page"):
        slugs[name] = free_slug(name, taken.__contains__)
        taken.add(slugs[name])
    assert len(set(slugs.values())) == 3
    assert slugs["page"] != "page", "reserved for pagination folders"
