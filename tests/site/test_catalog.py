"""Pagination anchored at the oldest page, and folder names for Chinese categories."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import example, given
from hypothesis import strategies as st

from newsdesk.models import Article
from newsdesk.publish.site.catalog import Listing, make_catalog, paginate
from newsdesk.publish.site.paths import slugify, unique_slugs


def _listing(n: int) -> Listing:
    return Listing("home", "", "", list(range(n)))  # type: ignore[arg-type]


@given(st.integers(0, 400), st.integers(1, 50))
def test_pages_partition_the_list_in_order(n: int, per_page: int) -> None:
    pages = paginate(_listing(n), per_page)
    assert [x for p in pages for x in p.entries] == list(range(n))
    assert pages[0].folder == "" and pages[0].newer is None
    assert all(len(p.entries) == per_page for p in pages[1:])
    if n >= per_page:
        assert per_page <= len(pages[0].entries) < 2 * per_page


@given(st.integers(0, 400), st.integers(1, 50))
@example(5, 2)  # the page count grows: the old first page moves to a numbered folder
@example(6, 2)  # the page count stays
def test_a_new_item_changes_only_the_first_page(n: int, per_page: int) -> None:
    before = paginate(_listing(n), per_page)
    after = paginate(Listing("home", "", "", [-1, *range(n)]), per_page)  # type: ignore[arg-type]
    assert after[0].folder == before[0].folder and after[0].entries[0] == -1
    assert len(after) in (len(before), len(before) + 1)
    # Every older page keeps its folder, entries and older link, matched by number. (Its
    # newer link may change when the old first page gets a numbered folder.)
    by_number = {p.number: (p.folder, p.entries, p.older) for p in after}
    for p in before[1:]:
        assert by_number.get(p.number) == (p.folder, p.entries, p.older), p.number


def test_slugs_keep_chinese_and_drop_unsafe_characters() -> None:
    assert slugify("开源中国") == "开源中国"
    assert slugify("cnBeta") == "cnbeta"
    assert slugify("AI / 大模型?") == "ai-大模型"
    assert slugify("../..").startswith("x-")
    assert slugify("page") == "page"


def test_colliding_slugs_are_made_unique() -> None:
    slugs = unique_slugs({"CnBeta", "cnbeta", "page"})
    assert len(set(slugs.values())) == 3
    assert slugs["page"] != "page", "reserved for pagination folders"


def test_neighbours_stay_within_a_source() -> None:
    t = datetime(2026, 1, 1, tzinfo=UTC)

    def art(i: int, source: str) -> Article:
        return Article(
            f"f-{source}", str(i), "g", source, "c", f"t{i}", None, "", t + timedelta(hours=i), ""
        )

    cat = make_catalog([art(1, "A"), art(2, "B"), art(3, "A")], UTC)
    by_id = {e.article.article_id: e for e in cat.entries}
    assert by_id["3"].older is by_id["1"] and by_id["1"].newer is by_id["3"]
    assert by_id["2"].older is None and by_id["2"].newer is None
