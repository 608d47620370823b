"""One content-hash formula: the store's fallback and the process stage agree."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from newsdesk.models import Entry
from newsdesk.process import process_entry
from newsdesk.store import Store
from tests.store.conftest import FEED, save
from tests.test_process import SOURCE


@pytest.mark.parametrize("dated", [True, False])
def test_store_computes_the_hash_process_computes(store: Store, dated: bool) -> None:
    entry = Entry(
        guid="g1",
        link="https://example.com/1",
        title="标题",
        content_html="<p>正文</p>",
        summary_html=None,
        published=datetime(2024, 5, 1, 9, 30, tzinfo=UTC) if dated else None,
    )
    now = datetime(2024, 5, 2, tzinfo=UTC)
    processed = replace(process_entry(entry, SOURCE, feed_link=None, now=now), feed_key=FEED)
    save(store, [replace(processed, content_hash="")])  # built elsewhere, hash left empty
    stored = store.get_article(FEED, processed.article_id)
    assert stored is not None and stored.content_hash == processed.content_hash
