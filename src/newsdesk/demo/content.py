"""Sample feeds that newsdesk writes itself, so the demo redistributes nobody's articles.

The articles are made up. Each feed shows one thing real sources do: ZAKER's lazy
images in ``data-original``, a GB2312-declared feed with zone-less dates, Atom, JSON Feed,
and a title full of the characters that break Hexo (quotes, ``: ``, ``{{ }}``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from xml.sax.saxutils import escape

__all__ = ["DEMO_FEEDS", "DemoFeed", "render_feed"]

_CST = timezone(timedelta(hours=8))
_START = datetime(2025, 11, 20, 9, 0, tzinfo=_CST)

_TITLES = [
    "城市更新进入新阶段：老街区如何留住烟火气",
    "一座小城的夜间经济实验",
    "开源社区年度报告：贡献者数量再创新高",
    "新能源车企的海外工厂选址逻辑",
    "从“能用”到“好用”：政务小程序的体验改造",
    "数据库迁移的十个坑，我们踩过其中九个",
    "前端构建工具的下一站在哪里？",
    "产品经理如何写一份让工程师满意的需求文档",
    "气象卫星如何提前三天预报一场暴雨",
    "图书馆里的 24 小时自习室",
    "芯片设计人才缺口调查",
    "一次线上故障复盘：缓存雪崩的 17 分钟",
]

_PARAGRAPHS = [
    "记者走访发现，越来越多的居民开始参与社区公共空间的讨论，从路灯的颜色到长椅的位置，都有人认真提出建议。",
    "业内人士认为，真正的挑战不在技术本身，而在于如何让不同部门在同一套规则下协作。",
    "数据显示，过去一年相关领域的投入同比增长超过两成，但区域之间的差距仍然明显。",
    "项目负责人表示，团队会在下一个版本中优先修复用户反馈最多的问题，并公开路线图。",
    "多位受访者提到，透明的流程和及时的反馈，比任何口号都更能建立信任。",
    "专家提醒，短期热度并不等于长期价值，判断一项新技术，还要看它能否经受住真实场景的考验。",
]


@dataclass(frozen=True)
class DemoFeed:
    path: str  # URL path on the demo server
    group: str
    source: str
    channel: str
    kind: str  # "rss-zaker", "rss-gb2312", "atom", "json", "rss-tricky"
    first: int  # index of its first article in _TITLES
    count: int


DEMO_FEEDS: tuple[DemoFeed, ...] = (
    DemoFeed("/zaker/source.xml", "新媒体", "ZAKER", "推荐", "rss-zaker", 0, 4),
    DemoFeed("/36kr/news.xml", "新媒体", "36氪", "快讯", "rss-gb2312", 3, 3),
    DemoFeed("/oschina/news.atom", "编程", "开源中国", "资讯", "atom", 2, 3),
    DemoFeed("/juejin/frontend.json", "编程", "掘金", "前端", "json", 5, 3),
    DemoFeed("/woshipm/design.xml", "产品", "人人都是产品经理", "设计", "rss-tricky", 7, 3),
    DemoFeed("/dockone/weekly.xml", "编程", "Dockone", "周报", "rss-zaker", 9, 3),
)


def _article(feed: DemoFeed, i: int, base: str) -> dict[str, str]:
    n = feed.first + i
    title = _TITLES[n % len(_TITLES)]
    if feed.kind == "rss-tricky" and i == 0:
        title = "“双引号”、'单引号' 和 {{ 模板 }}：标题里的 #特殊字符 不再让 Hexo 丢文章"
    paras = [_PARAGRAPHS[(n + k) % len(_PARAGRAPHS)] for k in range(3)]
    image = f"{base}/images/{n}.png"
    if feed.kind in ("rss-zaker",):
        figure = (
            f'<div class="img_box" id="id_imagebox_{i}"><div class="content_img_div">'
            f'<img class="lazy opacity_0 " id="img_{i}" data-original="{image}" '
            f'data-height="270" data-width="480"></div></div>'
        )
    elif feed.kind == "rss-tricky":
        blank = "data:image/gif;base64,R0lGODlhAQABAAAAACw="  # the lazy-load placeholder
        figure = f'<p><img data-src="{image}" src="{blank}" alt="配图"></p>'
    else:
        figure = f'<figure><img src="{image}" alt="配图"><figcaption>示意图</figcaption></figure>'
    body = f"<p>{paras[0]}</p>{figure}<p>{paras[1]}</p>"
    if feed.kind == "rss-tricky":
        body += (
            "<pre><code>{% raw %}\nconst total = {{ price }} * 2;\n\n"
            "    // 缩进四格的代码\n</code></pre>"
        )
    body += f"<p>{paras[2]}</p><p><em>（newsdesk 演示文章，内容虚构。）</em></p>"
    when = _START + timedelta(hours=7 * n + i)
    return {
        "title": title,
        "body": body,
        "id": f"{feed.path}#{i}",
        "link": f"{base}{feed.path.rsplit('.', 1)[0]}/{i}.html",
        "when": when.isoformat(),
        "rfc822": when.strftime("%a, %d %b %Y %H:%M:%S +0800"),
        "naive": when.strftime("%Y-%m-%d %H:%M:%S"),
    }


def render_feed(feed: DemoFeed, base: str) -> tuple[bytes, str]:
    """The feed's bytes and content type, with links pointing at ``base``."""
    items = [_article(feed, i, base) for i in range(feed.count)]
    if feed.kind == "json":
        doc = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": f"{feed.source} {feed.channel}",
            "home_page_url": base,
            "items": [
                {
                    "id": a["id"],
                    "url": a["link"],
                    "title": a["title"],
                    "content_html": a["body"],
                    "date_published": a["when"],
                }
                for a in items
            ],
        }
        return json.dumps(doc, ensure_ascii=False).encode(), "application/feed+json"
    if feed.kind == "atom":
        entries = "".join(
            f"<entry><id>{escape(a['id'])}</id><title>{escape(a['title'])}</title>"
            f'<link href="{escape(a["link"])}"/><updated>{a["when"]}</updated>'
            f'<content type="html">{escape(a["body"])}</content></entry>'
            for a in items
        )
        xml = (
            f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{feed.source}</title><id>{base}{feed.path}</id>"
            f"<updated>{items[0]['when']}</updated>{entries}</feed>"
        )
        return xml.encode(), "application/atom+xml"
    gb = feed.kind == "rss-gb2312"
    rows = "".join(
        f"<item><title>{escape(a['title'])}</title><link>{escape(a['link'])}</link>"
        f'<guid isPermaLink="false">{escape(a["id"])}</guid>'
        f"<pubDate>{a['naive'] if gb else a['rfc822']}</pubDate>"
        f"<description><![CDATA[{a['body']}]]></description></item>"
        for a in items
    )
    encoding = "gb2312" if gb else "utf-8"
    xml = (
        f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel>'
        f"<title>{feed.source} - {feed.channel}</title><link>{base}</link>"
        f"<description>newsdesk demo feed</description>{rows}</channel></rss>"
    )
    return xml.encode("gb18030" if gb else "utf-8"), f"application/rss+xml; charset={encoding}"
