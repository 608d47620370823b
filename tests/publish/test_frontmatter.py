"""YAML scalars and dates: tables for the known cases, Hypothesis for the rest."""

from __future__ import annotations

import email.utils
import html
import io
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from newsdesk.publish.frontmatter import (
    clean_text,
    quote,
    rfc822_gmt,
    rfc3339_utc,
    scalar,
    theme_text,
)
from tests.publish.strategies import nasty_text, published


def _load(document: str) -> object:
    return YAML(typ="safe", pure=True).load(io.StringIO(document))


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("ZAKER", "ZAKER"),
        ("新媒体", "新媒体"),
        ("source", "source"),
        ("Hacker News", "Hacker News"),
        ("v2.ex_a-b", "v2.ex_a-b"),
        ("cnBeta #1", "'cnBeta #1'"),
        ("null", "'null'"),
        ("True", "'True'"),
        ("yes", "'yes'"),
        ("~", "'~'"),
        ("36", "'36'"),
        ("36kr", "'36kr'"),
        ("@x", "'@x'"),
        ("a: b", "'a: b'"),
        ("- x", "'- x'"),
        ("%x", "'%x'"),
        ("!x", "'!x'"),
        (".inf", "'.inf'"),
        ("It's", "'It''s'"),
        ("two  spaces", "'two  spaces'"),
        ("trailing ", "'trailing '"),
        ("", "''"),
    ],
)
def test_scalar_is_plain_only_when_safe(text: str, written: str) -> None:
    assert scalar(text) == written


@pytest.mark.parametrize(
    ("title", "written"),
    [
        ("携手共促开放共享的服务经济", "'携手共促开放共享的服务经济'"),
        ("It's", "'It''s'"),
        ("a' #b: c", "'a'' #b: c'"),
        ("line\nbreak", "'line break'"),
        ("crlf \r\n  and more", "'crlf and more'"),
        ("ls\u2028ps\u2029nel\x85", "'ls ps nel '"),
        ("nul\x00bell\x07del\x7fc1\x9f", "'nulbelldelc1'"),
        ("lone \ud800 surrogate", "'lone  surrogate'"),
        ("tab\tkept", "'tab\tkept'"),
        ("{{ x }} {% raw %}", "'{{ x }} {% raw %}'"),
    ],
)
def test_title_quoting(title: str, written: str) -> None:
    assert quote(title) == written


@given(nasty_text)
@settings(max_examples=500)
def test_any_title_round_trips_through_yaml(text: str) -> None:
    assert _load(f"title: {quote(text)}\n") == {"title": clean_text(text)}


@given(st.one_of(nasty_text, st.text()))
@settings(max_examples=500)
def test_any_author_or_category_round_trips_through_yaml(text: str) -> None:
    document = f"author: {scalar(text)}\ncategories: \n - {scalar(text)}\n"
    assert _load(document) == {"author": clean_text(text), "categories": [clean_text(text)]}


def test_clean_text_leaves_one_line() -> None:
    assert clean_text("a\r\n\n b\rc") == "a b c"


@pytest.mark.parametrize(
    ("moment", "rfc822", "rfc3339"),
    [
        (
            datetime(2022, 9, 1, 3, 9, 17, tzinfo=UTC),
            "Thu, 01 Sep 2022 03:09:17 GMT",
            "2022-09-01T03:09:17Z",
        ),
        (
            datetime(2022, 9, 1, 11, 9, 17, 999999, tzinfo=timezone(timedelta(hours=8))),
            "Thu, 01 Sep 2022 03:09:17 GMT",
            "2022-09-01T03:09:17Z",
        ),
        (
            datetime(2021, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=5))),
            "Thu, 31 Dec 2020 19:30:00 GMT",
            "2020-12-31T19:30:00Z",
        ),
    ],
)
def test_dates(moment: datetime, rfc822: str, rfc3339: str) -> None:
    assert rfc822_gmt(moment) == rfc822
    assert rfc3339_utc(moment) == rfc3339


@given(published)
def test_rfc822_matches_the_stdlib_formatter(moment: datetime) -> None:
    # email.utils spells day and month names itself, so neither depends on the locale.
    utc = moment.astimezone(UTC).replace(microsecond=0)
    assert rfc822_gmt(moment) == email.utils.format_datetime(utc, usegmt=True)
    assert datetime.fromisoformat(rfc3339_utc(moment)) == utc


def test_naive_dates_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        rfc822_gmt(datetime(2022, 9, 1))


# --- theme text: front-matter strings no theme can read as markup or code ---------------


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("携手共促开放共享的服务经济", "携手共促开放共享的服务经济"),
        ("AT&T 发布 <5G> 报告", "AT&T 发布 ＜5G＞ 报告"),
        ("Q&A: R&D", "Q&A: R&D"),
        ("Vector<int> & a < b", "Vector＜int＞ & a ＜ b"),
        ("He said \"hi\", it's 'ok'", "He said “hi”, it’s ‘ok’"),
        ("<svg onload=alert(1)>", "＜svg onload=alert(1)＞"),
        ("x' onmouseover='a", "x’ onmouseover=’a"),
        ("</script><script>a()</script>", "＜/script＞＜script＞a()＜/script＞"),
        ("&lt;img src=x onerror=a()&gt;", "＆lt;img src=x onerror=a()＆gt;"),
        ("&#60;b&#x3e; &amp &copy;", "＆#60;b＆#x3e; ＆amp ＆copy;"),
        ("\\';a();//", "＼’;a();//"),
        ("`${a()}`", "｀＄{a()}｀"),
        ("{{ x }} {% raw %}", "{{ x }} {% raw %}"),
        ("line\nbreak", "line break"),
    ],
)
def test_theme_text(text: str, written: str) -> None:
    assert theme_text(text) == written


_SYNTAX = frozenset("<>\"'`\\")


@given(nasty_text)
@settings(max_examples=300)
def test_theme_text_holds_no_syntax_even_decoded(text: str) -> None:
    written = theme_text(text)
    # Nothing HTML or a JavaScript string reads as syntax, also after the browser decoded
    # character references once (volantis puts document.title back in as HTML).
    for form in (written, html.unescape(written)):
        assert not _SYNTAX & set(form), form
        assert "${" not in form
    assert html.unescape(written) == written  # nothing left to decode: raw == escaped
    assert theme_text(written) == written
    # The words stay: letters and digits are untouched, in order.
    assert [c for c in written if c.isalnum()] == [c for c in clean_text(text) if c.isalnum()]
    assert _load(f"t: {quote(written)}") == {"t": clean_text(written)}
