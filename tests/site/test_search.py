"""The search index: updated incrementally, merged in tiers, and queried by the page's own JS.

Queries run ``static/search.js`` under Node against the built site served over loopback,
so what is tested is what a reader's browser runs (test_browser covers the page itself).
"""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdesk.models import Article
from newsdesk.publish.site.search import index as search_index
from newsdesk.publish.site.search.tokens import shard_key, shard_of, tokens
from newsdesk.publish.site.state import SiteState

from .conftest import SiteBuilder
from .samples import new_article, sample_articles

STATIC = Path(search_index.__file__).parents[1] / "static" / "search.js"
RUNNER = Path(__file__).with_name("search_node.mjs")
NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def served(site: SiteBuilder, tmp_path: Path) -> Iterator[str]:
    """The site folder over loopback (it may not exist yet: it is served as it grows)."""
    site.out.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(_Quiet, directory=str(site.out))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def _node(tmp: Path, mode: str, payload: list[str], *args: str) -> list:
    module = tmp / "search.mjs"
    if not module.exists():
        shutil.copyfile(STATIC, module)
    done = subprocess.run(
        [str(NODE), str(RUNNER), str(module), mode, *args],
        input=json.dumps(payload, ensure_ascii=False),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def search(tmp: Path, base: str, *queries: str) -> list[list[str]]:
    """The result URLs, best first, for each query, as the search page would list them."""
    return _node(tmp, "search", list(queries), base + "search-index/index.json")


def _url(article: Article) -> str:
    from newsdesk.publish.site.paths import article_id

    return article_id(article.feed_key, article.article_id)


def _found(results: list[str], article: Article) -> bool:
    return any(_url(article) in r for r in results)


def _manifest(site: SiteBuilder) -> dict:
    return json.loads((site.out / "search-index" / "index.json").read_text())


# Tokens


def test_chinese_is_indexed_as_pairs_and_single_characters() -> None:
    assert tokens("国产芯片") == {"国产", "产芯", "芯片", "国", "产", "芯", "片"}
    assert tokens("芯") == {"芯"}
    # NFKC folds full-width letters; words are lowercased; single letters are dropped.
    assert tokens("ＡＩ芯片 iPhone 15 a") == {"ai", "芯片", "芯", "片", "iphone", "15"}
    assert tokens("Ünïcode Привет") == {"ünïcode", "привет"}
    assert tokens("x" * 80) == {"x" * 32}


def test_tokens_of_one_key_share_a_shard() -> None:
    assert shard_key("芯片") == "芯片" and shard_key("iphone") == "ip"
    assert shard_of("芯", 1) == 0
    assert {shard_of(k, 256) for k in "的一是了我不人在他有这个上们来到时大地为"} != {0}


_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x20, max_codepoint=0x24F),
        st.characters(min_codepoint=0x3000, max_codepoint=0x30FF),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x4E80),
        st.characters(min_codepoint=0xAC00, max_codepoint=0xAC40),
        st.characters(min_codepoint=0xFF00, max_codepoint=0xFF60),  # full-width forms
        st.sampled_from("İıẞß ﬁ　\u00a0\u2028"),
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_skipping_nfkc_for_stable_text_changes_no_token(text: str) -> None:
    import re

    from newsdesk.publish.site.search import tokens as tokens_module

    fast = tokens(text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tokens_module, "_STABLE", re.compile("(?!)"))  # always normalize
        assert tokens(text) == fast


@needs_node
@settings(max_examples=1, deadline=None)
@given(st.lists(_TEXT, min_size=300, max_size=300))
def test_python_and_the_search_page_tokenize_alike(tmp_path_factory, texts: list[str]) -> None:
    # One Node run checks a batch; Hypothesis varies the batch.
    texts = [*texts, "国产芯片产能 iPhone15 ＡＩ", "İstanbul ǅemal ﬁle"]
    tmp = tmp_path_factory.mktemp("tokens")
    for text, js in zip(texts, _node(tmp, "tokens", texts), strict=True):
        mine = sorted(tokens(text))
        assert js["tokens"] == mine, text
        assert js["shards"] == [shard_of(shard_key(t), 256) for t in mine], text


# The index, end to end


@needs_node
def test_search_finds_titles_bodies_and_single_characters(
    site: SiteBuilder, served: str, tmp_path: Path
) -> None:
    report = site.build(search=True)
    assert report.search_indexed
    chip, *_ = sample_articles()
    by_title, in_body, one_char, nothing, words = search(
        tmp_path, served, "芯片", "供应紧张", "芯", "鳄鱼潜水艇", "国产 扩产"
    )
    assert _found(by_title, chip) and _found(in_body, chip) and _found(one_char, chip)
    assert _found(words, chip)
    assert nothing == []
    assert all(r.startswith("/a/") for r in by_title)


@needs_node
def test_code_blocks_are_searchable(site: SiteBuilder, served: str, tmp_path: Path) -> None:
    site.build(search=True)
    python = sample_articles()[5]  # "<pre><code>def f():\n    return 42</code></pre>"
    (results,) = search(tmp_path, served, "return 42")
    assert _found(results, python)


@needs_node
def test_a_worker_process_indexes_a_big_cold_build(
    site: SiteBuilder, served: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsdesk.publish.site.search import worker

    monkeypatch.setattr(worker, "WORKER_MIN_DOCS", 0)  # "big": index in worker processes
    monkeypatch.setattr(search_index, "COLD_SEGMENT_DOCS", 3)
    monkeypatch.setattr(search_index, "MERGE_FACTOR", 100)  # keep the segments apart
    assert site.build(search=True).search_indexed
    # Two workers take the articles in turn: 0 2 4 | 6 and 1 3 5 | 7.
    assert sorted(s["docs"] for s in _manifest(site)["segments"]) == [1, 1, 3, 3]
    chip = sample_articles()[0]
    (results,) = search(tmp_path, served, "芯片")
    assert _found(results[:1], chip)


@needs_node
def test_segments_spilled_to_disk_answer_like_segments_built_in_memory(
    site: SiteBuilder, served: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsdesk.publish.site.search import segment

    queries = ["芯片", "新能源汽车", "大模型 生产", "python", "显卡", "合并窗口", "鳄鱼"]
    site.build(search=True)
    in_memory = search(tmp_path, served, *queries)
    monkeypatch.setattr(segment, "_SPILL_DOCS", 2)  # runs of two documents each
    shutil.rmtree(site.out / "search-index")
    site.build(search=True, force=True)  # a cold build that writes the index anew
    assert not list((site.out / "search-index").rglob(".run*")), "runs are removed"
    assert search(tmp_path, served, *queries) == in_memory
    assert any(in_memory) and not in_memory[-1]


@needs_node
def test_odd_queries_find_nothing_without_failing(
    site: SiteBuilder, served: str, tmp_path: Path
) -> None:
    site.build(search=True)
    odd = ["constructor", "__proto__", "hasOwnProperty", "", "！？", "a", "<script>"]
    assert search(tmp_path, served, *odd) == [[]] * len(odd)


@needs_node
def test_title_matches_rank_first(site: SiteBuilder, served: str, tmp_path: Path) -> None:
    first, second, *rest = sample_articles()
    in_body = replace(second, html=second.html + "<p>关于芯片的评论。</p>", content_hash="x1")
    site.build([first, in_body, *rest], search=True)
    (results,) = search(tmp_path, served, "芯片")
    assert [_found([r], first) for r in results[:1]] == [True]
    assert _found(results, in_body)


def _twins(n: int, body: str, hours: int = 1) -> list[Article]:
    """Articles alike in everything a search scores, ``hours`` apart, oldest last."""
    base = new_article()
    return [
        replace(
            base,
            article_id=f"{base.article_id}-{i}",
            title=f"第{i}号快讯",
            html=body,
            published=base.published - timedelta(hours=hours * i),
            content_hash=f"t{i}",
        )
        for i in range(n)
    ]


@needs_node
def test_equal_scores_go_to_the_newer_article(
    site: SiteBuilder, served: str, tmp_path: Path
) -> None:
    twins = _twins(3, "<p>固态电池的量产时间表公布。</p>")
    site.build([*sample_articles(), twins[2], twins[0], twins[1]], search=True)
    (results,) = search(tmp_path, served, "固态电池")
    assert [next(i for i, t in enumerate(twins) if _found([r], t)) for r in results] == [0, 1, 2]


@needs_node
def test_more_occurrences_rank_higher_than_newer(
    site: SiteBuilder, served: str, tmp_path: Path
) -> None:
    newer, older = _twins(2, "<p>固态电池。</p>" + "<p>其他消息。</p>" * 3)
    older = replace(older, html="<p>固态电池。</p>" * 3 + "<p>其他消息。</p>", content_hash="x")
    site.build([*sample_articles(), newer, older], search=True)
    (results,) = search(tmp_path, served, "固态电池")
    assert _found(results[:1], older) and _found(results[1:], newer)


@needs_node
def test_one_new_article_adds_one_small_segment(
    site: SiteBuilder, served: str, tmp_path: Path
) -> None:
    site.build(search=True)
    before = _manifest(site)["segments"]
    files = {p: p.read_bytes() for p in (site.out / "search-index").rglob("*.json")}
    again = site.build(search=True)
    assert not again.search_indexed, "nothing changed: the index is left alone"
    added = site.build([*sample_articles(), new_article()], search=True)
    assert added.search_indexed
    segments = _manifest(site)["segments"]
    assert segments[0]["docs"] == 1 and segments[1:] == before, "newest first, old one kept"
    for path, data in files.items():
        if path.name != "index.json":
            assert path.read_bytes() == data, f"{path} was rewritten"
    (results,) = search(tmp_path, served, "量子计算")
    assert results and _found(results, new_article())


@needs_node
def test_changed_and_removed_articles_leave_the_results(
    site: SiteBuilder, served: str, tmp_path: Path
) -> None:
    chip, second, *rest = sample_articles()
    site.build(search=True)
    rewritten = replace(chip, html="<p>内容已更新：存储器价格上涨。</p>", content_hash="v2")
    site.build([rewritten, *rest], search=True)  # second removed, chip changed
    old_text, new_text, gone = search(tmp_path, served, "供应紧张", "存储器", second.title)
    assert old_text == []
    assert _found(new_text, chip) and len(new_text) == 1
    assert not _found(gone, second)
    deleted = sum(len(s["deleted"]) for s in _manifest(site)["segments"])
    assert deleted == 2


@needs_node
def test_segments_merge_in_tiers_and_stay_few(
    site: SiteBuilder, served: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_index, "_SMALL_TIER", 4)
    monkeypatch.setattr(search_index, "SEGMENT_DOCS", 32)
    articles = sample_articles()
    base = new_article()
    counts = []
    for i in range(60):  # one article per build, as a scheduled run often adds
        articles.append(
            replace(
                base,
                article_id=f"{base.article_id}-{i}",
                link=f"{base.link}-{i}",
                title=f"第{i}号新闻 token{i}x",
                published=base.published + timedelta(minutes=i),
                content_hash=f"n{i}",
            )
        )
        site.build(list(articles), search=True)
        counts.append(len(_manifest(site)["segments"]))
    folders = {p.name for p in (site.out / "search-index").iterdir() if p.is_dir()}
    live = {s["id"] for s in _manifest(site)["segments"]}
    assert live <= folders and len(folders - live) <= 4, "retired segments are deleted"
    # At most MERGE_FACTOR - 1 segments per tier (<4, <16, <32 docs), plus the full ones.
    assert max(counts) <= 3 * 3 + len(articles) // 32, counts
    sizes = sorted(s["docs"] for s in _manifest(site)["segments"])
    assert sum(sizes) == len(articles) and sizes[-1] <= 32
    queries = [f"token{i}x" for i in range(60)]
    assert [len(r) for r in search(tmp_path, served, *queries)] == [1] * 60


@needs_node
def test_changes_built_without_search_are_indexed_later(
    site: SiteBuilder, served: str, tmp_path: Path
) -> None:
    # site.search_interval: builds in between run with search off.
    assert site.build(search=True).search_indexed
    added = site.build([*sample_articles(), new_article()], search=False)
    assert any(p.startswith("a/") for p in added.written) and not added.search_indexed
    caught_up = site.build([*sample_articles(), new_article()], search=True)
    assert caught_up.pages_written == 0 and caught_up.search_indexed
    (results,) = search(tmp_path, served, "量子计算")
    assert _found(results, new_article())


@needs_node
def test_a_crash_before_the_state_is_saved_is_repaired(
    site: SiteBuilder, served: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.build(search=True)

    def crash(self: SiteState) -> None:
        raise OSError("disk full")

    # The new segment and index.json are written; the state saying so is not.
    monkeypatch.setattr(SiteState, "commit", crash)
    with pytest.raises(OSError):
        site.build([*sample_articles(), new_article()], search=True)
    monkeypatch.undo()
    assert site.build([*sample_articles(), new_article()], search=True).search_indexed
    live = {s["id"] for s in _manifest(site)["segments"]}
    folders = {p.name for p in (site.out / "search-index").iterdir() if p.is_dir()}
    assert folders == live, "the crashed build's segment was swept"
    (results,) = search(tmp_path, served, "量子计算")
    assert len(results) == 1


@needs_node
def test_new_options_rebuild_the_index(site: SiteBuilder, served: str, tmp_path: Path) -> None:
    site.build(search=True)
    old = {s["id"] for s in _manifest(site)["segments"]}
    site.build(search=True, base_path="/news/")
    segments = _manifest(site)["segments"]
    assert not old & {s["id"] for s in segments}
    site.build([*sample_articles(), new_article()], search=True, base_path="/news/")
    folders = {p.name for p in (site.out / "search-index").iterdir() if p.is_dir()}
    assert not old & folders, "the old segments are gone one build later"
    (results,) = search(tmp_path, served, "芯片")
    assert results and all(r.startswith("/news/a/") for r in results)


@needs_node
def test_a_deleted_index_is_rebuilt(site: SiteBuilder, served: str, tmp_path: Path) -> None:
    site.build(search=True)
    shutil.rmtree(site.out / "search-index")
    assert site.build(search=True).search_indexed
    (results,) = search(tmp_path, served, "芯片")
    assert results


def test_options_results_do_not_show_leave_the_index_alone(site: SiteBuilder) -> None:
    site.build(search=True)
    before = _manifest(site)
    report = site.build(search=True, title="另一个名字", per_page=5)
    assert report.pages_written > 0 and not report.search_indexed
    assert _manifest(site) == before


def test_without_search_no_index_is_written(site: SiteBuilder) -> None:
    site.build(search=False)
    assert not (site.out / "search-index").exists()


def test_big_updates_fill_whole_segments_newest_remainder_first() -> None:
    chunks = search_index._chunks([str(i) for i in range(10)], 4)
    assert [len(c) for c in chunks] == [2, 4, 4] and chunks[0] == ["0", "1"]
    assert search_index._chunks([], 4) == []
    assert [len(c) for c in search_index._chunks(list("abcdefgh"), 4)] == [4, 4]


def test_cold_build_of_many_articles_writes_full_segments(
    site: SiteBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_index, "COLD_SEGMENT_DOCS", 3)
    site.build(search=True)  # 8 articles, newest first: 3 + 3 + 2
    sizes = [s["docs"] for s in _manifest(site)["segments"]]
    assert sizes == [3, 3, 2]
    for seg in _manifest(site)["segments"]:
        files = {p.name for p in (site.out / "search-index" / seg["id"]).iterdir()}
        shards = {f"d{k}.json" for k in range(seg["shards"])}
        assert files <= shards | {"r0.json", "b", "x"} and files & shards


def test_progress_reports_article_pages_lists_and_indexing(site: SiteBuilder) -> None:
    from newsdesk.publish.site import build_site

    from .samples import metadata_only, sample_feeds, sample_options

    def build(articles: list[Article]) -> list[tuple[str, int, int]]:
        seen: list[tuple[str, int, int]] = []
        light, bodies = metadata_only(articles)
        build_site(
            site.out,
            articles=light,
            load_html=lambda a: bodies[a.article_id],
            feeds=sample_feeds(),
            options=sample_options(search=True),
            progress=lambda *event: seen.append(event),
        )
        return seen

    cold = build(sample_articles())
    assert {stage for stage, _, _ in cold} == {"articles", "lists"}
    assert ("articles", 8, 8) in cold and ("lists", 8, 8) in cold
    one = build([*sample_articles(), new_article()])
    assert ("search", 1, 1) in one and ("articles", 2, 2) in one
