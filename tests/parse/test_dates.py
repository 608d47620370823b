"""parse_date, one row per date shape seen in feeds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from newsdesk.parse.dates import parse_date


def tz(hours: float) -> timezone:
    return timezone(timedelta(hours=hours))


CASES: list[tuple[str, datetime | None]] = [
    # RFC 822 with numeric zones, named zones, no zone, two-digit year, padding
    ("Wed, 26 Oct 2016 16:53:42 +0800", datetime(2016, 10, 26, 16, 53, 42, tzinfo=tz(8))),
    ("Wed, 26 Oct 2016 16:53:42 +08:00", datetime(2016, 10, 26, 16, 53, 42, tzinfo=tz(8))),
    ("Wed, 03 Jan 2018 14:11:52 GMT\n      ", datetime(2018, 1, 3, 14, 11, 52, tzinfo=UTC)),
    ("Tue, 17 Oct 2017 22:17:00 EST", datetime(2017, 10, 17, 22, 17, tzinfo=tz(-5))),
    ("Mon, 16 Oct 2017 15:10:00 -0230", datetime(2017, 10, 16, 15, 10, tzinfo=tz(-2.5))),
    ("26 Oct 16 16:53 GMT+8", datetime(2016, 10, 26, 16, 53, tzinfo=tz(8))),
    ("Wed, 26 Oct 2016 21:53:13", datetime(2016, 10, 26, 21, 53, 13)),
    ("26 October 2016", datetime(2016, 10, 26)),
    ("Wed Oct 26 16:53:42 +0800 2016", datetime(2016, 10, 26, 16, 53, 42, tzinfo=tz(8))),
    # ISO 8601
    ("2015-09-24T08:21:00+08:00", datetime(2015, 9, 24, 8, 21, tzinfo=tz(8))),
    ("2014-04-30T13:00:00Z", datetime(2014, 4, 30, 13, tzinfo=UTC)),
    ("2010-07-13T14:15:00.000-07:00", datetime(2010, 7, 13, 14, 15, tzinfo=tz(-7))),
    ("2016-10-26T16:53:42", datetime(2016, 10, 26, 16, 53, 42)),
    # Chinese CMS shapes, all zone-less
    ("2018-09-18 14:38:10", datetime(2018, 9, 18, 14, 38, 10)),
    ("2021-10-28 14:08:07", datetime(2021, 10, 28, 14, 8, 7)),
    ("2018/09/18 14:38", datetime(2018, 9, 18, 14, 38)),
    ("2018-9-8 4:38", datetime(2018, 9, 8, 4, 38)),
    ("2021年10月28日 14:08", datetime(2021, 10, 28, 14, 8)),
    ("2021年10月28日14时08分", datetime(2021, 10, 28, 14, 8)),
    ("2021年10月28日", datetime(2021, 10, 28)),
    ("2018-09-18 14:38:10 +0800", datetime(2018, 9, 18, 14, 38, 10, tzinfo=tz(8))),
    # CST is US Central or China (+08:00, Java's Date.toString()): zone-less, the source's
    # configured zone decides. CDT is only ever US Central.
    ("Thu Sep 01 11:09:17 CST 2022", datetime(2022, 9, 1, 11, 9, 17)),
    ("Thu, 01 Sep 2022 11:09:17 CST", datetime(2022, 9, 1, 11, 9, 17)),
    ("2022-09-01 11:09:17 cst", datetime(2022, 9, 1, 11, 9, 17)),
    ("Thu, 01 Sep 2022 11:09:17 CDT", datetime(2022, 9, 1, 11, 9, 17, tzinfo=tz(-5))),
    # epoch seconds and milliseconds
    ("1518478934", datetime(2018, 2, 12, 23, 42, 14, tzinfo=UTC)),
    ("1518478934000", datetime(2018, 2, 12, 23, 42, 14, tzinfo=UTC)),
    # unreadable
    ("", None),
    ("   ", None),
    ("yesterday", None),
    ("2016-02-31", None),
    ("Wed, 26 Foo 2016 16:53:42 +0800", None),
    ("Wed, 26 Oct 2016 16:53:42 +9900", None),
    # an unknown zone name keeps the date, read in the feed's zone like CST
    ("Wed, 26 Oct 2016 16:53:42 XYZ", datetime(2016, 10, 26, 16, 53, 42)),
    ("Wed, 26 Oct 2016 16:53:42 XYZ+3", None),
    ("9" * 500, None),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:30] for c in CASES])
def test_parse_date(text: str, expected: datetime | None) -> None:
    got = parse_date(text)
    assert got == expected
    if expected is not None and got is not None:
        # equal instants are not enough: naive stays naive, the offset is kept
        assert got.utcoffset() == expected.utcoffset()


def test_none_is_none() -> None:
    assert parse_date(None) is None
