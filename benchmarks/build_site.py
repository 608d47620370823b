"""Time `build_site` on N synthetic Chinese articles: cold build, no-change rebuild, +1 article.

    .venv/bin/python benchmarks/build_site.py                 # 1,000 articles
    .venv/bin/python benchmarks/build_site.py 1000 10000 50000
    .venv/bin/python benchmarks/build_site.py 10000 --search --hugo --hexo tests/hexo/site

Each phase runs in its own subprocess, so its peak memory (ru_maxrss) is its own. Article
bodies are generated on demand by ``load_html``, as a store would load them, so the
articles handed to ``build_site`` are metadata only. ``--search`` adds the search index
(timed apart). ``--hugo`` / ``--hexo DIR`` build the same articles with Hugo / a Hexo site
folder (with node_modules) when present and print the ratios; otherwise they say "not run".
Hexo uses ``benchmarks/hexo-theme``, whose pages print what newsdesk's print.

``--store`` reads the articles from a real SQLite store instead (filled once, not timed),
as ``newsdesk build`` does: the cold phase streams every stored article once, the others
read the store's change feed (the last phase stores the new article first).
``benchmarks/scale.py`` measures whole commands at 100k–1M articles.

This machine's disk is rate-limited: after a few large builds, writes slow down two- to
three-fold. ``--dir /dev/shm`` builds in memory, so runs compare computing, not throttling.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from newsdesk.models import Article

CST = timezone(timedelta(hours=8))
TREE = {
    "科技": {
        "36氪": ["快讯", "深度", "创投"],
        "cnBeta": ["硬件", "软件"],
        "IT之家": ["手机", "数码"],
        "少数派": ["效率"],
    },
    "开发": {"开源中国": ["资讯", "博客"], "掘金": ["前端", "后端", "人工智能"], "InfoQ": ["架构"]},
    "财经": {"ZAKER": ["财经", "股市"], "界面": ["商业"], "财新": ["经济", "金融"]},
    "汽车": {"汽车之家": ["新车", "评测"], "懂车帝": ["资讯"]},
    "游戏": {"机核": ["播客", "文章"], "游研社": ["新闻"]},
}
CHANNELS = [(g, s, c) for g, sources in TREE.items() for s, chans in sources.items() for c in chans]
_WORD_TEXT = """
芯片 产能 新能源 汽车 销量 大模型 开源 社区 发布 版本 性能 提升 市场 投资 融资 用户
手机 系统 更新 数据 安全 隐私 云计算 服务器 显卡 价格 游戏 玩家 评测 体验 政策 监管
出口 消费 电池 续航 自动驾驶 机器人 算法 开发者 框架 编译器 数据库 分布式 网络
"""
WORDS = _WORD_TEXT.split()
BASE = datetime(2026, 11, 20, 12, 0, tzinfo=CST)


def _titles() -> list[str]:
    rnd = random.Random(7)
    return ["".join(rnd.choice(WORDS) for _ in range(rnd.randint(4, 8))) for _ in range(997)]


_TITLES = _titles()


def synthetic(i: int) -> Article:
    """Article i (negative i are newer than 0); cheap, as a store row would be."""
    group, source, channel = CHANNELS[(i * 7919) % len(CHANNELS)]
    link = f"https://{source}.example/p/{i}"
    return Article(
        feed_key=f"https://feeds.example/{source}/{channel}.xml",
        article_id=link,
        group=group,
        source=source,
        channel=channel,
        title=f"{_TITLES[i % 997]}（{i}）",
        link=link,
        author=f"作者{i % 50}",
        published=BASE - timedelta(minutes=7 * i + (i * 31) % 7),
        html="",
        head_image=f"https://img.example.com/{i % 97}/{i}.jpg" if i % 5 < 3 else None,
        content_hash=f"h{i}",
    )


def _paragraphs(seed: int) -> list[str]:
    rnd = random.Random(seed)
    return [
        "<p>"
        + "，".join(
            "".join(rnd.choice(WORDS) for _ in range(rnd.randint(3, 7)))
            for _ in range(rnd.randint(3, 6))
        )
        + "。</p>"
        for _ in range(rnd.randint(6, 10))
    ]


# Bodies come from a pool, so load_html costs about what a store read does, not more.
_POOL = [_paragraphs(-k) for k in range(256)]


def body(article: Article) -> str:
    """A 2–3 KB Chinese body, the same for the same article every time."""
    i = int(article.article_id.rsplit("/", 1)[1])
    paras = _POOL[i % len(_POOL)]
    image = f'<p><img src="{article.head_image}" alt="配图"></p>' if article.head_image else ""
    return f"<p>第 {i} 篇。</p>" + paras[0] + image + "".join(paras[1:])


def articles(n: int, extra: int = 0) -> Iterator[Article]:
    """N articles, plus ``extra`` newer ones (negative indexes are newer than 0)."""
    for i in range(-extra, n):
        yield synthetic(i)


def image_url(url: str) -> str:
    return "/proxy/?u=" + url


def fill_store(path: Path, n: int) -> None:
    """A SQLite store holding the N articles (the last phase adds one more)."""
    from newsdesk.models import FeedSource
    from newsdesk.store import open_store

    store = open_store(path)
    now = datetime.now(UTC)
    by_feed: dict[str, list[Article]] = {}
    for a in articles(n):
        by_feed.setdefault(a.feed_key, []).append(replace(a, html=body(a)))
    sources = [
        FeedSource(key=k, url=k, group=v[0].group, source=v[0].source, channel=v[0].channel)
        for k, v in by_feed.items()
    ]
    store.sync_feeds(sources)
    for key, items in by_feed.items():
        store.save_feed(key, etag=None, last_modified=None, status=200, articles=items, now=now)
    store.close()


def run_phase(
    phase: str, n: int, out: Path, search: bool, store: Path | None = None
) -> dict[str, float]:
    from newsdesk.publish.site import SiteOptions, build_site

    options = SiteOptions(
        title="新闻台",
        base_url="https://news.example.com/",
        per_page=30,
        image_url=image_url,
        search=search,
    )
    if store is None:
        report = build_site(
            out,
            articles=articles(n, 1 if phase == "one" else 0),
            load_html=body,
            feeds=[],
            options=options,
        )
    else:
        from newsdesk.publish.site import StoreSource
        from newsdesk.store import open_store

        db = open_store(store)
        if phase == "one":  # the newest article arrives
            new = replace(synthetic(-1), html=body(synthetic(-1)))
            now = datetime.now(UTC)
            db.save_feed(
                new.feed_key, etag=None, last_modified=None, status=200, articles=[new], now=now
            )
        report = build_site(out, source=StoreSource(db), feeds=[], options=options)
        db.close()
    result = {k: v for k, v in asdict(report).items() if isinstance(v, int | float)}
    result["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def phase(name: str, n: int, out: Path, search: bool, store: Path | None) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--phase", name, "--out", str(out), str(n)]
    if search:
        cmd.append("--search")
    if store is not None:
        cmd += ["--store-file", str(store)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def hugo_build(n: int, work: Path) -> float | None:
    exe = shutil.which("hugo")
    if exe is None:
        return None
    site = work / "hugo"
    (site / "content/posts").mkdir(parents=True)
    (site / "config.toml").write_text(
        'baseURL = "https://news.example.com/"\nlanguageCode = "zh-CN"\ntitle = "新闻台"\n'
        "paginate = 30\n[taxonomies]\ngroup = 'groups'\nsource = 'sources'\n"
        "channel = 'channels'\n[markup.goldmark.renderer]\nunsafe = true\n"
    )
    layouts = site / "layouts/_default"
    layouts.mkdir(parents=True)
    base = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}'
        '</title></head><body><main>{{ block "main" . }}{{ end }}</main></body></html>'
    )
    (layouts / "baseof.html").write_text(base)
    (layouts / "single.html").write_text(
        '{{ define "main" }}<article><h1>{{ .Title }}</h1><time>{{ .Date }}</time>'
        '{{ .Content }}{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>'
        "{{ end }}</article>{{ end }}"
    )
    listing = (
        '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Paginator.Pages }}'
        '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Summary }}</li>{{ end }}'
        "</ul>{{ end }}"
    )
    (layouts / "list.html").write_text(listing)
    (site / "layouts/index.html").write_text(
        listing.replace(
            ".Paginator.Pages", '(.Paginate (where .Site.RegularPages "Section" "posts")).Pages'
        )
    )
    for a in articles(n):
        front = {
            "title": a.title,
            "date": a.published.isoformat(),
            "groups": [a.group],
            "sources": [a.source],
            "channels": [a.channel],
        }
        (site / "content/posts" / f"{abs(hash(a.article_id))}.md").write_text(
            json.dumps(front, ensure_ascii=False) + "\n\n" + body(a) + "\n"
        )
    started = time.perf_counter()
    subprocess.run([exe, "--quiet", "-s", str(site)], check=True, capture_output=True)
    return time.perf_counter() - started


# A minimal Hexo theme printing what newsdesk's pages print (cards with excerpts, pager, ...).
HEXO_THEME = Path(__file__).parent / "hexo-theme"
# Merged over the site's _config.yml: 30 posts per list page, as newsdesk's per_page.
HEXO_CONFIG = """\
title: 新闻台
language: zh-CN
timezone: Asia/Shanghai
url: https://news.example.com
per_page: 30
index_generator: {path: '', per_page: 30, order_by: -date}
archive_generator: {per_page: 30, yearly: true, monthly: true, daily: false}
category_generator: {per_page: 30}
"""
HEXO_BAD = ("ERROR", "WARN ", "FATAL")


def _hexo_modules(template: Path) -> Path | None:
    """node_modules of the Hexo site: its own, else the one tests/hexo installs once."""
    if (template / "node_modules" / "hexo").is_dir():
        return template / "node_modules"
    cache = Path(os.environ.get("NEWSDESK_TEST_CACHE", Path.home() / ".cache/newsdesk-tests"))
    found = sorted(cache.glob("hexo-*/node_modules/hexo"))
    return found[-1].parent if found else None


def hexo_build(n: int, work: Path, template: Path, theme: str | None) -> float | None:
    """Time `hexo generate` on the same articles, with HEXO_THEME unless ``theme`` is given."""
    modules = _hexo_modules(template)
    if modules is None:
        return None
    site = work / "hexo"
    shutil.copytree(
        template, site, ignore=shutil.ignore_patterns("node_modules", "public", "db.json", "_posts")
    )
    (site / "node_modules").symlink_to(modules.resolve(), target_is_directory=True)
    configs = ["_config.yml"]
    if theme is None:
        theme = "newsdesk-bench"
        shutil.copytree(HEXO_THEME, site / "themes" / theme)
    elif (site / f"_config.{theme}.yml").is_file():  # e.g. the tests' _config.volantis.yml
        configs.append(f"_config.{theme}.yml")
    (site / "_config.bench.yml").write_text(f"theme: {theme}\n{HEXO_CONFIG}")
    configs.append("_config.bench.yml")
    posts = site / "source/_posts"
    posts.mkdir(parents=True, exist_ok=True)
    for a in articles(n):
        date = a.published.strftime("%Y-%m-%d %H:%M:%S")
        front = {"title": a.title, "author": a.author, "link": a.link, "thumbnail": a.head_image}
        yaml = "".join(f"{k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in front.items() if v)
        (posts / f"{abs(hash(a.article_id))}.md").write_text(
            f"---\n{yaml}date: {date}\n"
            f"categories:\n  - [{a.group}, {a.source}, {a.channel}]\n---\n\n{body(a)}\n"
        )
    started = time.perf_counter()
    done = subprocess.run(
        ["node", "node_modules/hexo/bin/hexo", "generate", "--config", ",".join(configs)],
        cwd=site,
        # Some themes (volantis) run `hexo -v` to check their environment.
        env={
            **os.environ,
            "PATH": f"{site / 'node_modules/.bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    # A template error only logs ERROR (exit code 0), and --silent would hide it.
    log = (done.stdout + done.stderr).splitlines()
    bad = [i for i, line in enumerate(log) if line[:5] in HEXO_BAD]
    if done.returncode != 0 or bad:
        why = " ".join(log[bad[0] : bad[0] + 4]) if bad else done.stderr[-300:]
        print(f"  hexo failed ({done.returncode}): {why.strip()}")
        return None
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000])
    parser.add_argument("--search", action="store_true", help="also build the search index")
    parser.add_argument("--hugo", action="store_true", help="compare with Hugo if installed")
    parser.add_argument("--hexo", type=Path, help="a Hexo site folder with node_modules")
    parser.add_argument("--hexo-theme", help="theme for the Hexo run, e.g. volantis")
    parser.add_argument("--dir", type=Path, help="where to build (default: a temporary folder)")
    parser.add_argument("--store", action="store_true", help="read articles from a SQLite store")
    parser.add_argument("--store-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--phase", choices=["cold", "same", "one"], help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        result = run_phase(args.phase, args.sizes[0], args.out, args.search, args.store_file)
        print(json.dumps(result))
        return
    print(f"cores: {os.cpu_count()}  python: {sys.version.split()[0]}")
    for n in args.sizes:
        with tempfile.TemporaryDirectory(prefix="newsdesk-bench-", dir=args.dir) as tmp:
            work = Path(tmp)
            out = work / "site"
            store = None
            if args.store:
                store = work / "store.sqlite"
                started = time.perf_counter()
                fill_store(store, n)
                print(f"store filled in {time.perf_counter() - started:.1f} s (not timed below)")
            cold = phase("cold", n, out, args.search, store)
            same = phase("same", n, out, args.search, store)
            one = phase("one", n, out, args.search, store)
            site_s = cold["seconds"] - cold["search_seconds"]
            print(f"\n== {n:,} articles ==")
            print(
                f"cold build      {cold['seconds']:7.2f} s  {cold['pages_written']:,} pages"
                f"  {cold['pages_written'] / site_s:,.0f} pages/s (site only)"
                f"  peak {cold['maxrss_mb']:.0f} MB"
            )
            if args.search:  # a cold build indexes as it renders (in a second process)
                print("  search index built alongside the pages")
            print(
                f"no-change       {same['seconds']:7.2f} s  written {same['pages_written']}"
                f"  peak {same['maxrss_mb']:.0f} MB"
            )
            print(
                f"one new article {one['seconds']:7.2f} s  written {one['pages_written']}"
                f"  deleted {one['pages_deleted']}  peak {one['maxrss_mb']:.0f} MB"
                + (f"  (search index {one['search_seconds']:.2f} s)" if args.search else "")
            )
            others = {
                "hugo": hugo_build(n, work) if args.hugo else None,
                "hexo": hexo_build(n, work, args.hexo, args.hexo_theme) if args.hexo else None,
            }
            for name, seconds in others.items():
                if seconds is None:
                    print(f"{name:<15} not run")
                else:
                    print(
                        f"{name:<15} {seconds:7.2f} s  newsdesk is {seconds / site_s:.1f}x "
                        "faster (site only)"
                    )


if __name__ == "__main__":
    main()
