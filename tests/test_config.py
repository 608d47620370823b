"""Config loading: defaults, resolution, and errors that name the key and the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.config import USE_PROXY_SERVER, load_config, parse_config
from newsdesk.errors import ConfigError

ISSUE_EXAMPLE = """\
rsshub: https://rsshub.app              # base for rsshub:// routes
image_proxy: "https://cors.example.workers.dev/?"
placeholder: "https://picsum.photos/400/300?random={n}"
hexo_dir: ./blog
database: ./newsdesk.db
groups:
  新媒体:
    ZAKER:
      source: rsshub://zaker/source/10376
      channel: rsshub://zaker/channel/13
    36kr:
      资讯: {url: rsshub://36kr/news/latest, image_proxy: false}
  编程:
    Dockone:
      周报: https://dockone.io/rss      # plain URLs work too
"""


def _parse(text: str, tmp_path: Path, environ: dict[str, str] | None = None):
    return parse_config(text, path=tmp_path / "newsdesk.yaml", environ=environ or {})


def test_issue_example_loads(tmp_path: Path) -> None:
    config = _parse(ISSUE_EXAMPLE, tmp_path)
    by_channel = {(s.source, s.channel): s for s in config.sources}
    zaker = by_channel[("ZAKER", "source")]
    assert zaker.key == "rsshub://zaker/source/10376"
    assert zaker.url == "https://rsshub.app/zaker/source/10376"
    assert zaker.group == "新媒体" and zaker.image_proxy == "https://cors.example.workers.dev/?"
    assert by_channel[("36kr", "资讯")].image_proxy is None
    assert by_channel[("Dockone", "周报")].url == "https://dockone.io/rss"
    assert config.hexo_dir == tmp_path.resolve() / "blog"
    assert config.posts_dir == tmp_path.resolve() / "blog/source/_posts"
    assert config.database == str(tmp_path.resolve() / "newsdesk.db")


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("fetch:\n  retries: many\n", 2, "whole number"),
        ("groups:\n  g:\n    s:\n      c: {url: http://x/, imag_proxy: 1}\n", 4, "did you mean"),
        ("hexo_dri: ./blog\n", 1, "unknown key"),
        ("timezone: Mars/Base\n", 1, "unknown time zone"),
        ("groups:\n  g:\n    s:\n      c: ftp://x/\n", 4, "not an http"),
        ("groups:\n  g:\n    s:\n      a: http://x/\n      b: http://x/\n", 5, "listed twice"),
        ("groups:\n  g:\n    s:\n      c: 42\n", 4, "must be a feed URL"),
        ("groups: [a, b]\n", 1, "must be a mapping"),
        ("site:\n  search_interval: soon\n", 2, "duration"),
        ("a: [unclosed\n", 2, "not valid YAML"),
        ("groups:\n  g:\n    s:\n      drop: ['p >']\n      c: http://x/\n", 4, "selector"),
    ],
)
def test_errors_name_key_and_line(text: str, line: int, words: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        _parse(text, tmp_path)
    assert f"newsdesk.yaml:{line}:" in str(err.value)
    assert words in str(err.value)


def test_names_that_yaml_reads_as_other_types_stay_text(tmp_path: Path) -> None:
    config = _parse("groups:\n  36:\n    null:\n      true: http://x/\n", tmp_path)
    (source,) = config.sources
    assert (source.group, source.source, source.channel) == ("36", "null", "true")


def test_proxy_server_makes_posts_use_it(tmp_path: Path) -> None:
    text = (
        "proxy_server:\n  public_url: https://img.example.org/\n"
        "groups:\n  g:\n    s:\n      c: http://x/\n"
    )
    (source,) = _parse(text, tmp_path).sources
    assert source.image_proxy == USE_PROXY_SERVER


def test_search_interval_zero_allowed(tmp_path: Path) -> None:
    assert _parse("site:\n  search_interval: 0\n", tmp_path).site.search_interval == 0
    assert _parse("site:\n  search_interval: 1h\n", tmp_path).site.search_interval == 3600


def test_feed_deadline_reaches_the_fetcher(tmp_path: Path) -> None:
    from newsdesk.pipeline import fetch_options

    config = _parse("fetch:\n  feed_deadline: 45\n", tmp_path)
    assert config.fetch.feed_deadline == 45
    assert fetch_options(config).feed_deadline == 45
    assert fetch_options(_parse("", tmp_path)).feed_deadline == 180


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "absent.yaml")


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("fetch:\n  user_agent: 新闻 bot\n", 2, "ASCII"),
        (
            "groups:\n  g:\n    s:\n      c: {url: http://x/, referer: http://例え.jp/}\n",
            4,
            "ASCII",
        ),
        ("fetch:\n  max_bytes: 0KB\n", 2, "size"),
        ("fetch:\n  max_bytes: 0.5\n", 2, "size"),
        ("fetch:\n  read_timeout: .nan\n", 2, "positive"),
        ("fetch:\n  feed_deadline: 0\n", 2, "positive"),
        (
            "groups:\n  g:\n    s:\n      include: ['ok']\n      exclude: ['(bad']\n"
            "      c: http://x/\n",
            5,
            "exclude",
        ),
    ],
)
def test_values_that_would_fail_mid_run_are_config_errors(
    text: str, line: int, words: str, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError) as err:
        _parse(text, tmp_path)
    assert f"newsdesk.yaml:{line}:" in str(err.value) and words in str(err.value)


def test_full_text_private_is_a_source_option(tmp_path: Path) -> None:
    text = (
        "groups:\n  g:\n    lan:\n      full_text: true\n      full_text_private: true\n"
        "      c: http://192.168.1.5/feed\n    web:\n      full_text: true\n"
        "      c: https://news.example/feed\n"
    )
    config = _parse(text, tmp_path)
    lan, web = sorted(config.sources, key=lambda s: s.source)
    assert [s.channel for s in config.sources] == ["c", "c"]  # not read as a channel
    assert config.options_for(lan).full_text_private is True
    assert config.options_for(web).full_text_private is False  # the default: refused


def test_full_text_private_must_be_a_boolean(tmp_path: Path) -> None:
    text = "groups:\n  g:\n    s:\n      full_text_private: sometimes\n      c: http://x/\n"
    with pytest.raises(ConfigError) as err:
        _parse(text, tmp_path)
    assert "newsdesk.yaml:4:" in str(err.value) and "full_text_private" in str(err.value)
