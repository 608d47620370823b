"""Synthetic articles in the seed's shape, a store filled with them, and a loopback feed farm.

Used by ``benchmarks/scale.py``. Articles look like the seed's ZAKER posts once cleaned:
3-5 KB of Chinese paragraphs with lazy-loaded ``img_box`` figures. Words are drawn with
Zipf frequencies from a vocabulary cut out of the seed article and the demo's text, so
the search index sees common and rare tokens as real news does.
"""

from __future__ import annotations

import random
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import accumulate
from pathlib import Path
from typing import Any

from newsdesk.models import Article

CST = timezone(timedelta(hours=8))
START = datetime(2022, 1, 1, tzinfo=CST)  # article 0; article i is i minutes later
SEED = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "seed_post.md"
_EXTRA = (
    "芯片 产能 新能源 汽车 销量 大模型 开源 社区 发布 版本 性能 提升 市场 投资 融资 用户 手机 "
    "系统 更新 数据 安全 隐私 云计算 服务器 显卡 价格 游戏 玩家 评测 体验 政策 监管 出口 消费 "
    "电池 续航 自动驾驶 机器人 算法 开发者 框架 编译器 数据库 分布式 网络 城市 居民 社区 公共 "
    "空间 讨论 部门 协作 规则 投入 增长 差距 团队 版本 路线图 反馈 信任 专家 技术 场景 考验"
)
# A channel tree like a real mirror's: 8 groups, 40 sources, 100 channels.
GROUPS = ["科技", "财经", "汽车", "游戏", "开发", "新媒体", "生活", "国际"]


def _vocabulary() -> list[str]:
    words = _EXTRA.split()
    text = SEED.read_text(encoding="utf-8") if SEED.exists() else ""
    for run in re.findall(r"[\u4e00-\u9fff]+", text):
        words += [run[i : i + n] for n in (2, 3, 4) for i in range(0, len(run) - n + 1, n)]
    seen: dict[str, None] = {}
    for w in words:
        seen.setdefault(w, None)
    vocab = list(seen)
    random.Random(3).shuffle(vocab)
    return vocab


VOCAB = _vocabulary()
# Zipf: the k-th word is drawn with weight 1/k.
_CUMULATIVE = list(accumulate(1 / (k + 1) for k in range(len(VOCAB))))
_PAIRS = [i for i, w in enumerate(VOCAB) if len(w) == 2]
# The benchmark's queries: a common two-character word (in about 40 % of the articles),
# and two less common ones, both required (about 20 % each).
ONE_WORD = VOCAB[next(i for i in _PAIRS if i >= 80)]
TWO_WORDS = " ".join(VOCAB[i] for i in [i for i in _PAIRS if i >= 160][:2])


@dataclass(frozen=True)
class Feed:
    key: str
    group: str
    source: str
    channel: str


def feeds(base: str, count: int = 100) -> list[Feed]:
    """The mirror's feeds; their URLs are on the farm server (an empty feed each)."""
    out = []
    for i in range(count):
        group = GROUPS[i % len(GROUPS)]
        source = f"来源{i % 40:02d}"
        out.append(Feed(f"{base}/s/{i}.xml", group, source, f"频道{i:03d}"))
    return out


def _sentence(rnd: random.Random, words: int) -> str:
    return "".join(rnd.choices(VOCAB, cum_weights=_CUMULATIVE, k=words))


def body(i: int) -> str:
    """Article i's cleaned body: paragraphs and lazy figures, 3-5 KB."""
    rnd = random.Random(i)
    parts = []
    for p in range(rnd.randint(8, 14)):
        sentences = "，".join(_sentence(rnd, rnd.randint(4, 9)) for _ in range(rnd.randint(3, 6)))
        parts.append(f"<p>{sentences}。</p>")
        if p in (1, 4) and rnd.random() < 0.7:
            image = f"http://zkres1.myzaker.com/2022{i % 12 + 1:02d}/{i:024x}_{p}_1024.jpg"
            parts.append(
                f'<div class="img_box"><div class="content_img_div"><img src="{image}" '
                f'data-height="533" data-width="800"></div></div>'
            )
    return "".join(parts)


def article(i: int, feed: Feed) -> Article:
    rnd = random.Random(-i - 1)
    link = f"http://www.myzaker.com/article/{i:024x}"
    return Article(
        feed_key=feed.key,
        article_id=link,
        group=feed.group,
        source=feed.source,
        channel=feed.channel,
        title=_sentence(rnd, rnd.randint(3, 6)),
        link=link,
        author=feed.source,
        published=START + timedelta(minutes=i),
        html=body(i),
        content_hash=f"synthetic-{i}",
        head_image=f"http://zkres1.myzaker.com/2022{i % 12 + 1:02d}/{i:024x}_1_1024.jpg",
    )


def light(feed_key: str, article_id: str) -> Article:
    """An article with only its key (what a post's file name is made of)."""
    return Article(feed_key, article_id, "", "", "", "", None, "", START, "")


def fill(
    store: Any, start: int, stop: int, all_feeds: list[Feed], batch: int = 1000
) -> list[tuple[str, str, str]]:
    """Store articles start..stop-1 through the Store API, a batch per feed; returns
    their (feed_key, article_id, content_hash)."""
    keys = []
    store.sync_feeds([(f.key, f.key, f.group, f.source, f.channel) for f in all_feeds])
    now = datetime.now(UTC)
    pending: dict[str, list[Article]] = {}
    for i in range(start, stop):
        f = all_feeds[i % len(all_feeds)]
        items = pending.setdefault(f.key, [])
        a = article(i, f)
        items.append(a)
        keys.append((a.feed_key, a.article_id, a.content_hash))
        if len(items) >= batch:
            store.save_feed(
                f.key, etag=None, last_modified=None, status=200, articles=items, now=now
            )
            pending[f.key] = []
    for key, items in pending.items():
        if items:
            store.save_feed(key, etag=None, last_modified=None, status=200, articles=items, now=now)
    return keys


def config_text(database: str, all_feeds: list[Feed], extra: Sequence[str] = ()) -> str:
    """A newsdesk.yaml listing the feeds (and ``extra`` farm feed URLs in a group of their own);
    ``database``: a file path or a URL (never through Path, which would fold its ``//``)."""
    lines = [
        f"database: {database}",
        "hexo_dir: ./blog",
        'image_proxy: "https://cors.example.workers.dev/?"',
        "fetch:",
        "  concurrency: 32",
        "  per_host: 32",
        "site:",
        "  out_dir: ./public",
        "  title: 新闻台",
        "  base_url: https://news.example.org/",
        "groups:",
    ]
    tree: dict[str, dict[str, list[Feed]]] = {}
    for f in all_feeds:
        tree.setdefault(f.group, {}).setdefault(f.source, []).append(f)
    for group, sources in tree.items():
        lines.append(f"  {group}:")
        for source, chans in sources.items():
            lines.append(f"    {source}:")
            lines += [f"      {f.channel}: {f.key}" for f in chans]
    if extra:
        lines.append("  农场:")
        for n, url in enumerate(extra):
            lines += [f"    源{n}:", f"      频道: {url}"]
    return "\n".join(lines) + "\n"


# The feed farm: thousands of loopback RSS feeds, new items each round.


def _rss(n: int, round_: int, items: int) -> bytes:
    rows = []
    for k in range(items):
        i = 10_000_000 + (round_ * 100_000 + n) * items + k
        guid = f"farm-{round_}-{n}-{k}"
        rows.append(
            f"<item><title>{_sentence(random.Random(i), 5)}</title>"
            f"<link>http://farm.example/{guid}</link><guid>{guid}</guid>"
            f"<pubDate>Wed, 18 Nov 2020 08:{k % 60:02d}:00 +0800</pubDate>"
            f"<description><![CDATA[{body(i)}]]></description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        f"<link>http://farm.example/</link><description>d</description>{''.join(rows)}"
        "</channel></rss>"
    ).encode()


class Farm:
    """``count`` RSS feeds on 127.0.0.1 (``/f/<n>.xml``), every item new after each
    ``next_round()`` (dated 2020, older than the synthetic articles, so the benchmark's
    one new article is the newest); ``/s/<n>.xml`` are the mirror's own feeds, empty."""

    def __init__(self, count: int, items: int) -> None:
        self.count, self.items, self.round = count, items, 0
        self._bodies: dict[str, bytes] = {}
        farm = self
        empty = _rss(0, 0, 0)

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a: object) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                data = empty if path.startswith("/s/") else farm._bodies.get(path)
                self.send_response(200 if data is not None else 404)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(data or b"")))
                self.end_headers()
                self.wfile.write(data or b"")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def next_round(self) -> None:
        self.round += 1
        self._bodies = {f"/f/{n}.xml": _rss(n, self.round, self.items) for n in range(self.count)}

    def urls(self) -> list[str]:
        return [f"{self.base}/f/{n}.xml" for n in range(self.count)]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
