from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from ruamel.yaml import YAML

from newsdesk.opml import ImportReport, export_opml, import_opml

BASE = "https://rsshub.app"

CONFIG = """\
rsshub: https://rsshub.app              # base for rsshub:// routes
image_proxy: "https://cors.example.workers.dev/?"
hexo_dir: ./blog
database: ./newsdesk.db
groups:
  新媒体:                                 # group
    ZAKER:                               # source
      source: rsshub://zaker/source/10376    # channel: url
      channel: rsshub://zaker/channel/13
    36kr:
      资讯: {url: rsshub://36kr/news/latest, image_proxy: false}   # channel as a mapping

  # programming, below
  编程:
    Dockone:
      周报: https://dockone.io/rss   # weekly
# end of file
"""


def opml(body: str, head: str = "<head><title>t</title></head>") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">{head}'
        f"<body>{body}</body></opml>"
    ).encode()


def load(text: str) -> dict:
    return YAML(typ="safe", pure=True).load(io.StringIO(text))


def urls_of_opml(xml: str | bytes) -> list[str]:
    root = etree.fromstring(xml.encode() if isinstance(xml, str) else xml)
    return [o.get("xmlUrl") for o in root.iter("outline") if o.get("xmlUrl")]


def is_subsequence(lines: list[str], within: list[str]) -> bool:
    it = iter(within)
    return all(line in it for line in lines)


# -- mapping of nesting levels -----------------------------------------------------------


def test_three_levels_map_to_group_source_channel():
    text, report = import_opml(
        opml(
            '<outline text="科技"><outline text="36kr">'
            '<outline type="rss" text="快讯" xmlUrl="https://36kr.com/feed-newsflash"/>'
            '<outline type="rss" title="资讯" text="ignored" xmlUrl="https://36kr.com/feed"/>'
            "</outline></outline>"
        ),
        "groups:\n",
        default_group="f",
    )
    assert load(text)["groups"] == {
        "科技": {
            "36kr": {"快讯": "https://36kr.com/feed-newsflash", "资讯": "https://36kr.com/feed"}
        }
    }
    assert report == ImportReport(added=2)


def test_two_levels_make_the_feed_its_own_source():
    text, _ = import_opml(
        opml(
            '<outline text="编程"><outline text="Go blog" xmlUrl="https://go.dev/blog/feed.atom"/>'
            "</outline>"
        ),
        "groups:\n",
        default_group="f",
    )
    assert load(text)["groups"] == {
        "编程": {"Go blog": {"Go blog": "https://go.dev/blog/feed.atom"}}
    }


def test_flat_list_goes_under_default_group():
    text, _ = import_opml(
        opml(
            '<outline text="A" xmlUrl="https://a.example/rss"/>'
            '<outline text="B" xmlUrl="https://b.example/rss"/>'
        ),
        "",
        default_group="my-feeds",
    )
    assert load(text) == {
        "groups": {
            "my-feeds": {
                "A": {"A": "https://a.example/rss"},
                "B": {"B": "https://b.example/rss"},
            }
        }
    }


def test_deeper_nesting_joins_inner_folders_into_the_source():
    text, _ = import_opml(
        opml(
            '<outline text="G"><outline text="a"><outline text="b">'
            '<outline text="feed" xmlUrl="https://x.example/rss"/></outline></outline></outline>'
        ),
        "",
        default_group="f",
    )
    assert load(text)["groups"] == {"G": {"a / b": {"feed": "https://x.example/rss"}}}


def test_untitled_feed_is_named_by_its_host_and_titles_are_collapsed():
    text, _ = import_opml(
        opml('<outline text="  新\n  闻  "><outline xmlUrl="https://news.example/rss"/></outline>'),
        "",
        default_group="f",
    )
    assert load(text)["groups"] == {
        "新 闻": {"news.example": {"news.example": "https://news.example/rss"}}
    }


def test_clashing_channel_name_gets_a_suffix():
    config = "groups:\n  G:\n    S:\n      daily: https://a.example/1\n"
    text, _ = import_opml(
        opml(
            '<outline text="G"><outline text="S">'
            '<outline text="daily" xmlUrl="https://a.example/2"/>'
            '<outline text="full_text" xmlUrl="https://a.example/3"/></outline></outline>'
        ),
        config,
        default_group="f",
        reserved_keys={"full_text"},
    )
    assert load(text)["groups"]["G"]["S"] == {
        "daily": "https://a.example/1",
        "daily (2)": "https://a.example/2",
        "full_text (2)": "https://a.example/3",
    }


def test_reserved_name_renamed_in_a_new_source_too():
    text, _ = import_opml(
        opml(
            '<outline text="G"><outline text="S">'
            '<outline text="keep" xmlUrl="https://a.example/1"/>'
            "</outline></outline>"
        ),
        "",
        default_group="f",
        reserved_keys={"keep"},
    )
    assert load(text)["groups"] == {"G": {"S": {"keep (2)": "https://a.example/1"}}}


def test_windows_line_endings_kept():
    config = "groups:\r\n  G:\r\n    S:\r\n      a: https://a.example/1\r\n"
    text, _ = import_opml(
        opml(
            '<outline text="G"><outline text="S">'
            '<outline text="b" xmlUrl="https://a.example/2"/></outline>'
            "</outline>"
        ),
        config,
        default_group="f",
    )
    assert text == config + "      b: https://a.example/2\r\n"


@pytest.mark.parametrize(
    "head",
    [
        "# my feeds\n---\n",
        "%YAML 1.2\n---\n",
        "\ufeff# bom\n\n--- # start\n",
        "# just a comment\n",
        "\ufeff",
    ],
)
def test_document_start_and_its_comments_kept(head):
    config = head + "groups:\n  G:\n    S:\n      a: https://a.example/1\n"
    text, _ = import_opml(
        opml(
            '<outline text="G"><outline text="S">'
            '<outline text="b" xmlUrl="https://a.example/2"/></outline>'
            "</outline>"
        ),
        config,
        default_group="f",
    )
    assert text == config + "      b: https://a.example/2\n"


def test_reserved_source_options_are_not_feed_urls():
    config = "groups:\n  G:\n    S:\n      referer: https://a.example/rss\n"
    _, report = import_opml(
        opml('<outline text="x" xmlUrl="https://a.example/rss"/>'),
        config,
        default_group="f",
        reserved_keys={"referer"},
    )
    assert report.added == 1


# -- duplicates and invalid entries ------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://dockone.io/rss",
        "HTTPS://DOCKONE.IO:443/rss/",  # case of scheme/host, default port, trailing slash
        "https://rsshub.app/zaker/channel/13",  # rsshub:// in config, resolved in OPML
        "https://rsshub.app/36kr/news/latest",  # the mapping form {url: ...} counts too
        "rsshub://zaker/source/10376",
        "https://dockone.io/rss#fragment",
    ],
)
def test_duplicates_skipped_and_counted(url):
    text, report = import_opml(
        opml(f'<outline text="x" xmlUrl="{url}"/>'), CONFIG, default_group="f"
    )
    assert report == ImportReport(skipped_duplicates=1, details=report.details)
    assert text == CONFIG  # nothing added: byte-identical


def test_duplicates_within_the_opml_counted_once():
    _, report = import_opml(
        opml(
            '<outline text="x" xmlUrl="https://a.example/rss"/>'
            '<outline text="y" xmlUrl="https://a.example/rss/"/>'
        ),
        "",
        default_group="f",
    )
    assert (report.added, report.skipped_duplicates) == (1, 1)


def test_rsshub_base_from_the_parameter_overrides_the_config():
    _, report = import_opml(
        opml('<outline text="x" xmlUrl="https://hub.local/zaker/channel/13"/>'),
        CONFIG,
        default_group="f",
        rsshub_base="https://hub.local",
    )
    assert report.skipped_duplicates == 1


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "",
        "   ",
        "ftp://x.example/rss",
        "/relative/rss",
        "http://",
        "https://[::1/rss",
    ],
)
def test_invalid_urls_skipped_and_counted(url):
    _, report = import_opml(opml(f'<outline text="x" xmlUrl="{url}"/>'), "", default_group="f")
    assert (report.added, report.skipped_invalid) == (0, 1)
    assert "invalid URL" in report.details[0]


def test_feed_type_outline_without_url_is_invalid():
    _, report = import_opml(opml('<outline type="rss" text="x"/>'), "", default_group="f")
    assert report.skipped_invalid == 1


def test_feed_scheme_spellings_accepted():
    text, _ = import_opml(
        opml(
            '<outline text="a" xmlUrl="feed://a.example/rss"/>'
            '<outline text="b" xmlurl="feed:https://b.example/rss"/>'
        ),
        "",
        default_group="f",
    )
    assert load(text)["groups"]["f"] == {
        "a": {"a": "http://a.example/rss"},
        "b": {"b": "https://b.example/rss"},
    }


def test_urls_under_the_rsshub_base_become_routes():
    text, _ = import_opml(
        opml('<outline text="a" xmlUrl="https://rsshub.app/36kr/hot?limit=5"/>'),
        CONFIG,
        default_group="f",
    )
    assert load(text)["groups"]["f"]["a"]["a"] == "rsshub://36kr/hot?limit=5"
    text, _ = import_opml(
        opml('<outline text="a" xmlUrl="https://rsshub.app/36kr/hot"/>'),
        CONFIG,
        default_group="f",
        compact_rsshub=False,
    )
    assert load(text)["groups"]["f"]["a"]["a"] == "https://rsshub.app/36kr/hot"


# -- the user's formatting survives ------------------------------------------------------


def test_comments_order_and_formatting_kept():
    text, report = import_opml(
        opml(
            '<outline text="新媒体"><outline text="36kr">'
            '<outline text="快讯" xmlUrl="rsshub://36kr/newsflashes"/></outline></outline>'
            '<outline text="编程"><outline text="Dockone">'
            '<outline text="月报" xmlUrl="https://dockone.io/monthly"/></outline></outline>'
            '<outline text="外刊"><outline text="BBC" xmlUrl="https://feeds.bbci.co.uk/rss"/>'
            "</outline>"
        ),
        CONFIG,
        default_group="f",
    )
    assert report.added == 3
    old, new = CONFIG.splitlines(), text.splitlines()
    assert is_subsequence(old, new)  # every original line, verbatim and in order
    assert len(new) == len(old) + 5
    # new entries land inside their block, before the comments that follow it
    assert new.index("      快讯: rsshub://36kr/newsflashes") < new.index("  # programming, below")
    assert new.index("      月报: https://dockone.io/monthly") > new.index("  编程:")
    assert new[-1] == "# end of file"
    assert new[-3:-1] == ["    BBC:", "      BBC: https://feeds.bbci.co.uk/rss"]


def test_four_space_indentation_kept():
    config = "groups:\n    G:\n        S:\n            a: https://a.example/1  # one\n"
    text, _ = import_opml(
        opml(
            '<outline text="G"><outline text="S">'
            '<outline text="b" xmlUrl="https://a.example/2"/></outline>'
            "</outline>"
        ),
        config,
        default_group="f",
    )
    assert text == config + "            b: https://a.example/2\n"


def test_empty_group_filled_in_place():
    config = "groups:\n  编程:   # later\n\n  # news\n  新闻: {}\n"
    text, _ = import_opml(
        opml(
            '<outline text="编程"><outline text="S">'
            '<outline text="b" xmlUrl="https://a.example/2"/></outline>'
            '</outline><outline text="新闻"><outline text="T">'
            '<outline text="c" xmlUrl="https://a.example/3"/></outline>'
            "</outline>"
        ),
        config,
        default_group="f",
    )
    assert text == (
        "groups:\n  编程:   # later\n    S:\n      b: https://a.example/2\n\n  # news\n"
        "  新闻:\n    T:\n      c: https://a.example/3\n"
    )


def test_groups_key_created_when_missing():
    text, _ = import_opml(
        opml('<outline text="a" xmlUrl="https://a.example/1"/>'),
        "hexo_dir: ./blog  # output\n",
        default_group="f",
    )
    assert text.startswith("hexo_dir: ./blog  # output\n")
    assert load(text)["groups"] == {"f": {"a": {"a": "https://a.example/1"}}}


@pytest.mark.parametrize(
    ("config", "reason"),
    [
        ("groups: [a, b]\n", "'groups' is not a mapping"),
        ("- a\n", "not a mapping"),
        ("groups: {a: [\n", "not valid YAML"),
    ],
)
def test_bad_config_is_a_value_error(config, reason):
    with pytest.raises(ValueError, match=reason):
        import_opml(
            opml('<outline text="a" xmlUrl="https://a.example/1"/>'), config, default_group="f"
        )


# -- bad and hostile OPML ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "not well-formed"),
        (b"<opml><body><outline></body></opml>", "not well-formed"),
        (b"<rss version='2.0'><channel/></rss>", "root element is <rss>"),
        (b"<opml version='2.0'><head/></opml>", "no <body>"),
    ],
)
def test_bad_opml_is_a_value_error(data, reason):
    with pytest.raises(ValueError, match=reason):
        import_opml(data, "", default_group="f")


def test_entity_expansion_refused():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        b'<opml><body><outline text="&c;" xmlUrl="https://a.example/"/></body></opml>'
    )
    with pytest.raises(ValueError, match="entities"):
        import_opml(bomb, "", default_group="f")


def test_external_entity_not_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    for where in (
        '<outline text="&x;" xmlUrl="https://a.example/"/>',
        '<outline text="a" xmlUrl="https://a.example/">&x;</outline>',
    ):
        xxe = (
            f'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file://{secret}">]>'
            f"<opml><body>{where}</body></opml>"
        )
        with pytest.raises(ValueError, match="entit") as caught:
            import_opml(xxe.encode(), "", default_group="f")
        assert "TOP-SECRET" not in str(caught.value)


def test_gbk_encoded_opml_is_read():
    data = (
        '<?xml version="1.0" encoding="GBK"?><opml><body>'
        '<outline text="新闻" xmlUrl="https://a.example/"/></body></opml>'
    ).encode("gbk")
    text, _ = import_opml(data, "", default_group="f")
    assert "新闻" in load(text)["groups"]["f"]


# -- export ------------------------------------------------------------------------------


def test_export_nests_outlines_and_resolves_rsshub_routes():
    xml = export_opml(
        {
            "新媒体": {
                "ZAKER": {
                    "source": "rsshub://zaker/source/1",
                    "资讯": {"url": "https://a.example/?a=1&b=2"},
                }
            }
        },
        title="我的 & 订阅",
        rsshub_base="https://hub.example/",
    )
    root = etree.fromstring(xml.encode())
    assert root.get("version") == "2.0"
    assert root.findtext("head/title") == "我的 & 订阅"
    group = root.find("body/outline")
    assert group.get("text") == "新媒体"
    source = group.find("outline")
    assert source.get("title") == "ZAKER"
    feeds = source.findall("outline")
    assert [(f.get("title"), f.get("type"), f.get("xmlUrl")) for f in feeds] == [
        ("source", "rss", "https://hub.example/zaker/source/1"),
        ("资讯", "rss", "https://a.example/?a=1&b=2"),
    ]


def test_export_drops_characters_xml_cannot_carry():
    xml = export_opml({"a\x01b": {"s": {"c": "https://a.example/"}}}, title="t", rsshub_base=BASE)
    assert urls_of_opml(xml) == ["https://a.example/"]
    assert 'text="ab"' in xml


def test_import_then_export_keeps_every_feed_url():
    body = (
        '<outline text="新媒体"><outline text="36kr">'
        '<outline text="快讯" xmlUrl="https://rsshub.app/36kr/newsflashes"/></outline>'
        '</outline><outline text="x" xmlUrl="https://a.example/rss?x=1&amp;y=&quot;2&quot;"/>'
    )
    text, _ = import_opml(opml(body), CONFIG, default_group="f")
    tree = load(text)["groups"]
    exported = set(urls_of_opml(export_opml(tree, title="t", rsshub_base=BASE)))
    assert set(urls_of_opml(opml(body))) <= exported
    assert {
        "https://rsshub.app/zaker/source/10376",
        "https://rsshub.app/36kr/news/latest",
        "https://dockone.io/rss",
    } <= exported


# -- round trip property -----------------------------------------------------------------

_CHARS = st.one_of(
    st.sampled_from(list("ab Z09&\"'<>:#-?,[]{}!|%@`*~=\\/中文新闻资讯科技ー한")),
    st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")),
)
NAMES = st.text(_CHARS, min_size=1, max_size=12).map(lambda s: " ".join(s.split())).filter(bool)


@st.composite
def trees(draw) -> dict[str, dict[str, dict[str, str]]]:
    shape = draw(
        st.dictionaries(
            NAMES,
            st.dictionaries(
                NAMES, st.lists(NAMES, min_size=1, max_size=3, unique=True), min_size=1, max_size=3
            ),
            min_size=1,
            max_size=3,
        )
    )
    n = 0
    tree: dict[str, dict[str, dict[str, str]]] = {}
    for group, sources in shape.items():
        for source, channels in sources.items():
            for channel in channels:
                n += 1
                url = (
                    f"rsshub://route/{n}?a=1&b='x'"
                    if n % 3 == 0
                    else f'https://feeds.example/{n}?a=1&b="x"#frag'
                )
                tree.setdefault(group, {}).setdefault(source, {})[channel] = url
    return tree


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=trees())
def test_export_then_import_round_trips_the_tree(tree):
    xml = export_opml(tree, title="t", rsshub_base=BASE)
    text, report = import_opml(
        xml.encode(), "groups: {}\n", default_group="unused", rsshub_base=BASE
    )
    assert report.added == sum(len(c) for s in tree.values() for c in s.values())
    assert load(text)["groups"] == tree
    # and once more: the same feeds are all duplicates now, the text does not change
    again, report = import_opml(xml.encode(), text, default_group="unused", rsshub_base=BASE)
    assert again == text
    assert report.added == 0


@pytest.mark.parametrize(
    "name",
    [
        "<<",
        "null",
        "~",
        "yes",
        "No",
        "- a",
        "? b",
        "'q'",
        '"dq"',
        "#c",
        "a: b",
        "a #b",
        "1",
        "0x1F",
        "1.0",
        "!tag",
        "&anchor",
        "*alias",
        "@",
        "`",
        "%x",
        "[x]",
        "{y}",
        "|",
        ">",
        "=",
        "2026-11-26",
        "Go & Rust",
        "中文: “引号”",
        "...",
    ],
)
def test_yaml_special_names_survive(name):
    tree = {name: {name: {name: "https://a.example/rss"}}}
    xml = export_opml(tree, title="t", rsshub_base=BASE)
    text, _ = import_opml(xml.encode(), "groups:\n", default_group="unused")
    assert load(text)["groups"] == tree
