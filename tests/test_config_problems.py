"""Config problems: all of them in one run, each with its line and a "did you mean"."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.config import ConfigProblems, parse_config
from newsdesk.errors import ConfigError


def _parse(text: str, tmp_path: Path):
    return parse_config(text, path=tmp_path / "newsdesk.yaml", environ={})


MANY_PROBLEMS = """\
hexo_dri: ./blog
database: 5
fetch:
  read_timout: 20
  connect_timeout: soon
watch:
  interval: 1 hour
groups:
  tech:
    full_text: true
    hn:
      ful_text: true
      news: https://news.ycombinator.com/rss
      jobs: {url: https://x.example/jobs, urll: x}
    lwn:
      feed: {url: https://lwn.net/rss, full_text: true}
"""


def test_every_problem_is_reported_in_one_run(tmp_path: Path) -> None:
    with pytest.raises(ConfigProblems) as caught:
        _parse(MANY_PROBLEMS, tmp_path)
    problems = [str(p) for p in caught.value.problems]
    text = str(caught.value)
    assert text.startswith(f"{len(problems)} problems in ")
    expected = {
        1: "did you mean 'hexo_dir'?",  # top level
        2: "must be text, got int 5",  # a wrong type
        4: "did you mean 'read_timeout'?",  # a section
        5: "20, 20s, 30m or 1h",  # one duration format everywhere
        7: "20, 20s, 30m or 1h",
        10: "'full_text' is a source option",  # group level: misplaced option
        12: "did you mean the source option 'full_text'?",  # source level
        14: "did you mean 'url'?",  # channel level
        16: "'full_text' is a source option: put it beside the channels",
    }
    for line, words in expected.items():
        matching = [p for p in problems if f"newsdesk.yaml:{line}: " in p]
        assert matching, f"no problem reported for line {line}: {problems}"
        assert any(words in p for p in matching), (line, matching)
    assert len(problems) == len(expected)


@pytest.mark.parametrize(
    ("text", "line", "hint"),
    [
        ("groups:\n  full_text: true\n", 2, "'full_text' is a source option"),
        ("groups:\n  g:\n    s: ok\n  watch:\n    interval: 5m\n", 5, "'watch' indented under"),
        ("groups:\n  sites: {title: x}\n", 2, "top-level key 'site' indented under"),
    ],
)
def test_group_level_names_that_belong_elsewhere_get_a_hint(
    text: str, line: int, hint: str, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError) as caught:
        _parse(text, tmp_path)
    assert any(
        f"newsdesk.yaml:{line}: " in str(p) and hint in str(p)
        for p in getattr(caught.value, "problems", [caught.value])
    ), str(caught.value)


def test_one_problem_reads_as_before(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        _parse("fetch:\n  retries: many\n", tmp_path)
    assert str(caught.value).startswith(f"{tmp_path / 'newsdesk.yaml'}:2: retries: ")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("database", "5"),
        ("hexo_dir", "true"),
        ("rsshub", "[a]"),
        ("placeholder", "3.5"),
        ("timezone", "8"),
    ],
)
def test_wrong_types_are_refused(key: str, value: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=f"newsdesk.yaml:1: {key}: must be"):
        _parse(f"{key}: {value}\n", tmp_path)


@pytest.mark.parametrize(
    ("written", "seconds"), [("20", 20), ("20s", 20), ("30m", 1800), ("1h", 3600)]
)
def test_durations_read_the_same_in_every_section(
    written: str, seconds: float, tmp_path: Path
) -> None:
    text = (
        f"fetch:\n  read_timeout: {written}\n  feed_deadline: {written}\n"
        f"watch:\n  interval: {written}\n  after_publish_timeout: {written}\n"
        f"site:\n  search_interval: {written}\n"
        "proxy_server:\n  public_url: https://img.example.org/\n"
        f"  connect_timeout: {written}\n  total_timeout: {written}\n"
    )
    config = _parse(text, tmp_path)
    assert config.fetch.read_timeout == config.fetch.feed_deadline == seconds
    assert config.watch.interval == config.watch.after_publish_timeout == seconds
    assert config.site.search_interval == seconds
    assert config.proxy_server.connect_timeout == config.proxy_server.total_timeout == seconds


def test_proxy_problems_join_the_others_with_their_line(tmp_path: Path) -> None:
    text = (
        "hexo_dri: x\n"
        "proxy_server:\n  public_url: https://img.example.org/\n  keys: [short]\n"
        "  conect_timeout: 5\n"
    )
    with pytest.raises(ConfigProblems) as caught:
        _parse(text, tmp_path)
    (top, proxy) = caught.value.problems
    assert top.line == 1
    assert proxy.line in (4, 5) and "proxy_server." in str(proxy)


def test_proxy_key_error_names_the_minimum_length(tmp_path: Path) -> None:
    text = "proxy_server:\n  public_url: https://img.example.org/\n  keys: [short]\n"
    with pytest.raises(ConfigError, match=r"at least 16 bytes, this one has 5") as caught:
        _parse(text, tmp_path)
    assert "newsdesk.yaml:3:" in str(caught.value)


def test_proxy_unknown_key_gets_a_hint(tmp_path: Path) -> None:
    text = "proxy_server:\n  public_url: https://img.example.org/\n  conect_timeout: 5\n"
    with pytest.raises(ConfigError, match="did you mean 'connect_timeout'"):
        _parse(text, tmp_path)


def test_site_timezone_defaults_to_the_config_zone(tmp_path: Path) -> None:
    assert _parse("timezone: Europe/Paris\n", tmp_path).site.timezone == "Europe/Paris"
    config = _parse("timezone: Europe/Paris\nsite:\n  timezone: UTC\n", tmp_path)
    assert (config.timezone, config.site.timezone) == ("Europe/Paris", "UTC")
    assert _parse("", tmp_path).site.timezone == "Asia/Shanghai"


def test_site_as_an_output_means_build_after_publishing(tmp_path: Path) -> None:
    config = _parse("outputs: [hexo, site]\n", tmp_path)
    assert config.outputs == ("hexo",) and config.build_site
    assert not _parse("", tmp_path).build_site
    assert _parse("watch:\n  build: true\n", tmp_path).watch.build


def test_paused_feed_is_listed_but_not_fetched(tmp_path: Path) -> None:
    text = (
        "groups:\n  g:\n    s:\n      a: http://x.example/a\n"
        "      b: {url: http://x.example/b, paused: true}\n"
    )
    config = _parse(text, tmp_path)
    assert [s.channel for s in config.sources] == ["a"]
    assert [s.channel for s in config.paused] == ["b"]
    assert [s.channel for s in config.all_feeds] == ["a", "b"]
