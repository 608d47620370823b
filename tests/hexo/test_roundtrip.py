"""Real Hexo 8 reads back exactly what render_post wrote (see tests/hexo/harness.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.imageproxy.rewrite import prefix_proxy
from newsdesk.models import Article
from newsdesk.publish.hexo import post_filename, render_post
from tests.hexo.conftest import RunHexo
from tests.hexo.expect import PLACEHOLDER, body_as_written, mismatches
from tests.publish.strategies import articles, collect

pytestmark = pytest.mark.hexo

PROXY = prefix_proxy("https://cors.zfour.workers.dev/?")
BATCH = 200


def _render_all(batch: list[Article], profile: str = "volantis") -> dict[str, tuple[Article, str]]:
    return {
        post_filename(a): (
            a,
            render_post(a, image_url=PROXY, placeholder=PLACEHOLDER, profile=profile),
        )
        for a in batch
    }


def _short(value: object, limit: int = 400) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _failures(rendered: dict[str, tuple[Article, str]], run, profile: str = "volantis") -> str:
    """One paragraph per post Hexo read back differently, with the post's text."""
    report = []
    for name, (article, text) in rendered.items():
        problems = mismatches(
            article,
            text,
            run.posts.get(name),
            run.pages.get(name),
            image_url=PROXY,
            profile=profile,
        )
        if problems:
            report.append(
                f"--- {name}: {_short(text, 1500)}\n  " + "\n  ".join(_short(p) for p in problems)
            )
    return "\n".join(report[:5]) + (f"\n… {len(report)} posts failed" if report else "")


def test_seed_post_reads_back_exactly(hexo: RunHexo, fixtures_dir: Path) -> None:
    seed = (fixtures_dir / "seed_post.md").read_text(encoding="utf-8")
    run = hexo({"seed.md": seed})
    post = run.posts["seed.md"]
    assert post.title == "携手共促开放共享的服务经济"
    assert post.date == "2022-09-01T03:09:17.000Z"
    assert post.categories == ["新媒体", "ZAKER", "source"]
    assert post.fields["author"] == "ZAKER"
    assert post.content == body_as_written(seed)
    assert run.pages["seed.md"].content == body_as_written(seed)


@pytest.mark.parametrize("tz", ["UTC", "Asia/Shanghai", "America/New_York"])
def test_generated_posts_read_back_exactly(hexo: RunHexo, tz: str) -> None:
    """~200 Hypothesis articles per run; the machine TZ must not move any date."""
    rendered = _render_all(collect(articles, BATCH))
    run = hexo({name: text for name, (_, text) in rendered.items()}, tz=tz)
    assert not _failures(rendered, run), _failures(rendered, run)
    assert len(run.posts) == len(rendered)


@pytest.mark.parametrize("profile", ["butterfly", "plain"])
def test_other_profiles_read_back(hexo: RunHexo, profile: str) -> None:
    rendered = _render_all(collect(articles, 60), profile=profile)
    run = hexo({name: text for name, (_, text) in rendered.items()})
    assert not _failures(rendered, run, profile), _failures(rendered, run, profile)
