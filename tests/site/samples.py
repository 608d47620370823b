"""Hand-written articles for the site tests: 2 groups, 3 sources, 4 channels, Chinese text.

科技 / 36氪 / 快讯, 深度
科技 / cnBeta / 硬件
开发 / 开源中国 / 资讯
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import quote

from newsdesk.models import Article
from newsdesk.publish.site import FeedHealth, SiteOptions

CST = timezone(timedelta(hours=8))
IMAGE = "https://img.36kr.example/2026/chip.png"


def _article(
    n: int,
    group: str,
    source: str,
    channel: str,
    title: str,
    html: str,
    when: datetime,
    image: str | None = None,
) -> Article:
    link = f"https://{source.lower()}.example/p/{n}"
    return Article(
        feed_key=f"https://{source.lower()}.example/{channel}.xml",
        article_id=link,
        group=group,
        source=source,
        channel=channel,
        title=title,
        link=link,
        author="" if n % 2 else "编辑部",
        published=when,
        html=html,
        head_image=image,
        content_hash=hashlib.sha1(f"{title}{html}{link}".encode()).hexdigest(),
    )


def sample_articles(image: str = IMAGE) -> list[Article]:
    """Eight articles across two months, one with an image, one with characters to escape."""
    d = datetime(2026, 11, 20, 9, 30, tzinfo=CST)
    return [
        _article(
            1,
            "科技",
            "36氪",
            "快讯",
            "国产芯片产能持续提升，多家厂商扩产",
            f'<p>据报道，国产芯片产能在第三季度持续提升。</p><p><img src="{image}" '
            'alt="晶圆厂内景"></p><p>业内人士表示，扩产将缓解供应紧张。</p>',
            d,
            image,
        ),
        _article(
            2,
            "科技",
            "36氪",
            "快讯",
            "新能源汽车十月销量创新高",
            "<p>十月新能源汽车销量同比增长三成，渗透率突破五成。</p>",
            d - timedelta(hours=5),
        ),
        _article(
            3,
            "科技",
            "36氪",
            "深度",
            "大模型落地：从演示到生产的距离",
            "<h2>引言</h2><p>大模型正在从实验室走向生产环境，成本与可靠性成为关键。</p>"
            "<blockquote><p>“真正的难点在数据。”</p></blockquote>",
            d - timedelta(days=1),
        ),
        _article(
            4,
            "科技",
            "cnBeta",
            "硬件",
            "显卡价格回落 <RTX> & “甜品卡”再受关注",
            "<p>显卡价格近期回落，&lt;甜品卡&gt; 再次受到玩家关注。</p>",
            d - timedelta(days=2, hours=3),
        ),
        _article(
            5,
            "科技",
            "cnBeta",
            "硬件",
            "固态硬盘迎来降价潮",
            "<p>多款 PCIe 4.0 固态硬盘价格跌破历史低点。</p>",
            d - timedelta(days=25),
        ),
        _article(
            6,
            "开发",
            "开源中国",
            "资讯",
            "Python 3.15 发布，自由线程模式更成熟",
            "<p>Python 3.15 正式发布。</p><pre><code>def f():\n    return 42\n"
            "</code></pre><p>自由线程模式的性能进一步提升。</p>",
            d - timedelta(days=3),
        ),
        _article(
            7,
            "开发",
            "开源中国",
            "资讯",
            "Rust 在嵌入式领域的采用率上升",
            "<p>调查显示，越来越多的团队在嵌入式项目中采用 Rust。</p>",
            d - timedelta(days=26),
        ),
        _article(
            8,
            "开发",
            "开源中国",
            "资讯",
            "Linux 内核 7.0 合并窗口关闭",
            "<p>本次合并窗口共收到一万余个补丁。</p>",
            d - timedelta(days=27),
        ),
    ]


def new_article() -> Article:
    """The one article a rebuild adds: newest of all, in 36氪 / 快讯."""
    return _article(
        9,
        "科技",
        "36氪",
        "快讯",
        "量子计算公司完成新一轮融资",
        "<p>一家量子计算初创公司宣布完成数亿元融资。</p>",
        datetime(2026, 11, 20, 12, 0, tzinfo=CST),
    )


def metadata_only(articles: list[Article]) -> tuple[list[Article], dict[str, str]]:
    """Articles with ``html`` emptied, and the bodies keyed by article_id for ``load_html``."""
    return [replace(a, html="") for a in articles], {a.article_id: a.html for a in articles}


def sample_feeds() -> list[FeedHealth]:
    ok = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)
    return [
        FeedHealth("https://36kr.example/快讯.xml", "科技", "36氪", "快讯", ok, None, 0, 3),
        FeedHealth("https://36kr.example/深度.xml", "科技", "36氪", "深度", ok, None, 0, 1),
        FeedHealth(
            "https://cnbeta.example/硬件.xml",
            "科技",
            "cnBeta",
            "硬件",
            ok - timedelta(days=1),
            "HTTP 503 after 3 attempts <retry>",
            4,
            2,
        ),
        FeedHealth(
            "https://开源中国.example/资讯.xml", "开发", "开源中国", "资讯", None, "timed out", 1, 0
        ),
    ]


def proxy(url: str) -> str:
    """A deterministic stand-in for the image proxy's URL builder."""
    return "/img/?u=" + quote(url, safe="")


def sample_options(**overrides: object) -> SiteOptions:
    values: dict[str, object] = {
        "title": "新闻台",
        "description": "中文科技新闻聚合",
        "per_page": 3,
        "image_url": proxy,
        "search": False,
        "base_url": "https://news.example.test/",
    }
    values.update(overrides)
    return SiteOptions(**values)  # type: ignore[arg-type]
