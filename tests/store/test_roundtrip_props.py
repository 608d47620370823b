"""Property: any aware published time comes back as the same instant in the same offset."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdesk.store import Store
from tests.store.conftest import FEED, make_article, save

_ids = itertools.count()

offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
instants = st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2200, 1, 1))


@settings(
    max_examples=40,
    deadline=None,
    # One store serves every example; each example saves under a fresh id.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    local=instants,
    zone=offsets,
    title=st.text(max_size=40),
    extra=st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=3),
)
def test_published_round_trips(
    store: Store, local: datetime, zone: timezone, title: str, extra: dict[str, str]
) -> None:
    article_id = f"p{next(_ids)}"
    # PostgreSQL text cannot hold NUL; feeds never carry it in a title.
    published = local.replace(tzinfo=zone)
    article = make_article(
        article_id, published=published, title=title.replace("\0", ""), extra=extra
    )
    save(store, [article])
    stored = store.get_article(FEED, article_id)
    assert stored is not None
    assert stored.published == published
    assert stored.published.utcoffset() == zone.utcoffset(None)
    assert stored.title == article.title
    assert stored.extra == extra
