"""Editing the config's feed tree as text: only the changed lines change."""

from __future__ import annotations

import io

import pytest
from ruamel.yaml import YAML

from newsdesk.config.edit import ConfigDocument

CONFIG = """\
# my feeds
groups:
  新媒体:                                 # group
    ZAKER:                               # source
      source: rsshub://zaker/source/10376    # channel: url
      channel: rsshub://zaker/channel/13
    36kr:
      full_text: true
      资讯: {url: rsshub://36kr/news/latest, image_proxy: false}   # channel as a mapping

  # programming, below
  编程:
    Dockone:
      周报: https://dockone.io/rss   # weekly
# end of file
"""


def load(text: str) -> dict:
    return YAML(typ="safe", pure=True).load(io.StringIO(text))


def edited(change) -> tuple[list[str], list[str]]:
    doc = ConfigDocument(CONFIG)
    change(doc)
    return CONFIG.splitlines(), doc.text().splitlines()


def test_untouched_document_is_returned_byte_for_byte() -> None:
    assert ConfigDocument(CONFIG).text() == CONFIG


def test_add_feed_writes_one_line_and_keeps_comments() -> None:
    old, new = edited(lambda d: d.add_feed(("编程", "Dockone", "月报"), "https://x.example/m"))
    assert [line for line in new if line not in old] == ["      月报: https://x.example/m"]
    assert new.index("      月报: https://x.example/m") < new.index("# end of file")


def test_add_feed_refuses_an_existing_path_without_rename() -> None:
    doc = ConfigDocument(CONFIG)
    with pytest.raises(ValueError, match="already exists"):
        doc.add_feed(("编程", "Dockone", "周报"), "https://x.example/", rename=False)


def test_remove_channel_keeps_every_other_line() -> None:
    old, new = edited(lambda d: d.remove_feed(("新媒体", "ZAKER", "channel")))
    assert [line for line in old if line not in new] == ["      channel: rsshub://zaker/channel/13"]


def test_removing_a_sources_last_channel_removes_the_source_but_not_the_next_heading() -> None:
    old, new = edited(lambda d: d.remove_feed(("新媒体", "36kr", "资讯"), reserved={"full_text"}))
    gone = [line for line in old if line not in new]
    assert gone == [
        "    36kr:",
        "      full_text: true",
        "      资讯: {url: rsshub://36kr/news/latest, image_proxy: false}   # channel as a mapping",
    ]
    assert "  # programming, below" in new and "# end of file" in new
    assert new.index("  # programming, below") < new.index("  编程:")


def test_removing_a_groups_last_feed_removes_the_group() -> None:
    old, new = edited(lambda d: d.remove_feed(("编程", "Dockone", "周报")))
    assert load("\n".join(new))["groups"].keys() == {"新媒体"}
    assert [line for line in old if line not in new] == [
        "  编程:",
        "    Dockone:",
        "      周报: https://dockone.io/rss   # weekly",
    ]
    assert new[-1] == "# end of file"


def test_pause_and_resume_round_trip_to_the_same_text() -> None:
    doc = ConfigDocument(CONFIG)
    assert doc.set_paused(("编程", "Dockone", "周报"), True)
    paused = doc.text()
    assert "      周报: {url: https://dockone.io/rss, paused: true} # weekly" in paused.splitlines()
    assert not doc.set_paused(("编程", "Dockone", "周报"), True)  # already paused
    again = ConfigDocument(paused)
    assert again.set_paused(("编程", "Dockone", "周报"), False)
    assert load(again.text()) == load(CONFIG)


def test_resume_of_a_feed_that_was_not_paused_changes_nothing() -> None:
    doc = ConfigDocument(CONFIG)
    assert not doc.set_paused(("新媒体", "36kr", "资讯"), False)
    assert doc.text() == CONFIG


def test_windows_line_endings_survive_an_edit() -> None:
    doc = ConfigDocument(CONFIG.replace("\n", "\r\n"))
    doc.remove_feed(("新媒体", "ZAKER", "channel"))
    text = doc.text()
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")


@pytest.mark.parametrize(
    "text",
    [
        "groups:\n  # news first\n  g:\n    s:\n      c: http://x.example/   # c\n  # tail\n",
        "a: 1\ngroups:\n  g:\n    s:\n      c: http://x.example/ # c\n  # end\n# tail\nb: 2\n",
    ],
)
def test_removing_the_last_feed_leaves_valid_yaml(text: str) -> None:
    doc = ConfigDocument(text)
    assert doc.remove_feed(("g", "s", "c"))
    data = load(doc.text())
    assert data["groups"] == {}
    assert "# tail" in doc.text()
    again = ConfigDocument(doc.text())  # and a feed can be added to it again
    again.add_feed(("g", "s", "c"), "http://y.example/")
    assert load(again.text())["groups"] == {"g": {"s": {"c": "http://y.example/"}}}
