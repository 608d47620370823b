from __future__ import annotations

import time

import pytest

from newsdesk.filters import FilterRules, compile_rules

AD_TITLE = "【广告】双十一限时特惠"
NEWS_TITLE = "十月工业增加值同比增长5.3%"


@pytest.mark.parametrize(
    ("include", "exclude", "title", "text", "kept"),
    [
        # no rules: everything passes
        ([], [], NEWS_TITLE, "正文", True),
        # exclude on the title, on the text, or neither
        ([], ["广告"], AD_TITLE, "正文", False),
        ([], ["广告"], NEWS_TITLE, "本文含广告链接", False),
        ([], ["广告"], NEWS_TITLE, "正文", True),
        # include: at least one must match, in title or text
        (["工业", "经济"], [], NEWS_TITLE, "", True),
        (["经济"], [], NEWS_TITLE, "宏观经济数据", True),
        (["体育"], [], NEWS_TITLE, "正文", False),
        # exclude wins over include
        (["特惠"], ["广告"], AD_TITLE, "", False),
        # case-sensitive as written; (?i) opts out
        ([], ["sponsored"], "Sponsored: buy now", "", True),
        ([], ["(?i)sponsored"], "Sponsored: buy now", "", False),
        # search anywhere, anchors work
        ([], ["^【广告】"], AD_TITLE, "", False),
        ([], ["^【广告】"], "今日【广告】汇总", "", True),
        # empty title and text with include rules: nothing to match
        (["x"], [], "", "", False),
    ],
)
def test_include_exclude_semantics(include, exclude, title, text, kept):
    assert compile_rules(include, exclude).keep(title, text) is kept


def test_invalid_pattern_names_the_pattern():
    with pytest.raises(ValueError, match=r"invalid filter pattern '\(unclosed'"):
        compile_rules(["ok", "(unclosed"], [])


def test_lookaround_refused_with_reason():
    with pytest.raises(ValueError, match=r"\(\?=ad\).*no lookaround"):
        compile_rules([], ["(?=ad)"])


def test_bare_string_refused():
    with pytest.raises(ValueError, match="not a string"):
        compile_rules("广告", [])  # type: ignore[arg-type]


def test_catastrophic_pattern_returns_promptly():
    # (a+)+$ backtracks exponentially in Python's re; RE2 runs in linear time.
    rules = compile_rules([], ["(a+)+$", "(x+x+)+y"])
    text = "a" * 200_000 + "b"
    start = time.perf_counter()
    assert rules.keep("x" * 50_000, text) is True
    assert time.perf_counter() - start < 1.0


def test_catastrophic_pattern_still_matches():
    rules = compile_rules([], ["(a+)+$"])
    assert rules.keep("", "a" * 100_000) is False


def test_empty_rules_flag():
    assert compile_rules([], []).empty
    assert not compile_rules([], ["ad"]).empty
    assert FilterRules().keep("any", "thing")


def test_rules_compare_by_patterns():
    assert compile_rules(["a"], ["b"]) == compile_rules(("a",), ("b",))
