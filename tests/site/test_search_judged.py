"""Search quality on the demo corpus: 30 queries with the results a reader should get.

The corpus is what ``newsdesk demo`` publishes (19 articles from src/newsdesk/demo, run
through the real pipeline and site build); queries go through the search page's own
search.js under Node. Each judgment lists the expected results as groups in rank order:
the titles of a group fill the next places in any order (copies of one article in
several feeds score alike), and ``exactly`` says nothing else may match.

What the set checks: title matches rank above body matches; a CJK query is a phrase (its
characters adjacent, not merely all present); one character, Latin words and prefixes,
text inside code blocks, several words (all required), and queries matching nothing.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from rich.console import Console

from .test_search import _node, _Quiet, needs_node

CACHE = "一次线上故障复盘：缓存雪崩的 17 分钟"
CHIP = "芯片设计人才缺口调查"
LIBRARY = "图书馆里的 24 小时自习室"
WEATHER = "气象卫星如何提前三天预报一场暴雨"
SPEC = "产品经理如何写一份让工程师满意的需求文档"
FRONTEND = "前端构建工具的下一站在哪里？"
DATABASE = "数据库迁移的十个坑，我们踩过其中九个"
GOV = "从“能用”到“好用”：政务小程序的体验改造"
FACTORY = "新能源车企的海外工厂选址逻辑"
OPEN = "开源社区年度报告：贡献者数量再创新高"
NIGHT = "一座小城的夜间经济实验"
CITY = "城市更新进入新阶段：老街区如何留住烟火气"
TRICKY = "“双引号”、'单引号' 和 {{ 模板 }}：标题里的 #特殊字符 不再让 Hexo 丢文章"
ALL = [CACHE, CHIP, LIBRARY, LIBRARY, WEATHER, SPEC, TRICKY, FRONTEND, DATABASE, DATABASE]
ALL += [GOV, GOV, FACTORY, FACTORY, FACTORY, OPEN, OPEN, NIGHT, CITY]


@dataclass(frozen=True)
class Judged:
    query: str
    groups: tuple[tuple[str, ...], ...]  # expected titles, group by group, in rank order
    exactly: bool = True  # nothing but the groups matches
    why: str = ""


JUDGED = [
    # A title phrase finds its article (and every feed's copy of it), nothing else.
    Judged("缓存雪崩", ((CACHE,),)),
    Judged("芯片设计", ((CHIP,),), why="设计 alone is also a channel name"),
    Judged("自习室", ((LIBRARY, LIBRARY),)),
    Judged("气象卫星", ((WEATHER,),)),
    Judged("需求文档", ((SPEC,),)),
    Judged("前端构建工具", ((FRONTEND,),), why="前端 alone is a channel of 掘金"),
    Judged("数据库迁移", ((DATABASE, DATABASE),)),
    Judged("政务小程序", ((GOV, GOV),)),
    Judged("海外工厂", ((FACTORY, FACTORY, FACTORY),)),
    Judged("贡献者", ((OPEN, OPEN),)),
    Judged("夜间经济", ((NIGHT,),)),
    Judged("烟火气", ((CITY,),)),
    Judged("新能源", ((FACTORY, FACTORY, FACTORY),)),
    Judged("特殊字符", ((TRICKY,),)),
    # Latin words, matched whole or by prefix, case-folded.
    Judged("Hexo", ((TRICKY,),)),
    Judged("hex", ((TRICKY,),), why="a prefix of Hexo"),
    # Title matches above matches in the body or the source's name.
    Judged(
        "产品经理",
        ((SPEC,), (TRICKY, WEATHER, LIBRARY)),
        why="the other three are from the source 人人都是产品经理",
    ),
    Judged("开源", ((OPEN, OPEN), (FACTORY, GOV)), why="then the rest of 开源中国's feed"),
    # Body text: every article with the paragraph that mentions street lights.
    Judged("路灯", ((CITY, GOV, GOV, DATABASE, DATABASE, FRONTEND, CHIP, CACHE),)),
    Judged("演示文章", (tuple(ALL),), why="every demo article says it is one"),
    # Phrases: the characters must be adjacent, not merely all present.
    Judged("下一年", (), why="下一 and 一年 both occur, never together"),
    Judged("公开源", (), why="公开 and 开源 both occur in 开源中国's articles"),
    Judged("雪崩缓存", (), why="the words of a title, in the wrong order"),
    # One character.
    Judged("暴", ((WEATHER,),)),
    Judged("满", ((SPEC,),)),
    # Several words: all of them must match, anywhere.
    Judged("24 小时", ((LIBRARY, LIBRARY),)),
    Judged("小城 实验", ((NIGHT,),)),
    Judged("数据库 投入", (), why="投入 is in a paragraph the database articles lack"),
    # Code blocks are searched too: every article of the tricky feed ends with one.
    Judged("缩进四格", ((TRICKY, WEATHER, LIBRARY),)),
    Judged("price", ((TRICKY, WEATHER, LIBRARY),), why="inside <pre><code>"),
]


def test_the_judged_set_has_thirty_distinct_queries() -> None:
    assert len({j.query for j in JUDGED}) == len(JUDGED) == 30


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from newsdesk.demo import run_demo

    out = tmp_path_factory.mktemp("demo")
    assert run_demo(out, console=Console(file=open("/dev/null", "w"))) == 0  # noqa: SIM115
    handler = functools.partial(_Quiet, directory=str(out / "public"))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/search-index/index.json"
    httpd.shutdown()
    httpd.server_close()


@needs_node
def test_judged_queries_get_their_expected_results(demo_site: str, tmp_path: Path) -> None:
    ranked = _node(tmp_path, "ranked", [j.query for j in JUDGED], demo_site)
    wrong = []
    for judged, results in zip(JUDGED, ranked, strict=True):
        titles = [title for _, title in results]
        at = 0
        ok = True
        for group in judged.groups:
            ok = ok and sorted(titles[at : at + len(group)]) == sorted(group)
            at += len(group)
        if judged.exactly:
            ok = ok and len(titles) == at
        if not ok:
            wrong.append(f"{judged.query!r}: got {titles} ({judged.why})")
    assert wrong == []
