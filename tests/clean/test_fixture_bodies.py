"""Every body of the fixture feeds goes through clean_html safely and stably."""

from __future__ import annotations

import pytest

from newsdesk.clean import clean_html
from tests.clean.bodies import Body, fixture_bodies
from tests.clean.invariants import foreign_iframes, handlers, has_script_element, script_urls

BODIES = fixture_bodies()


def _id(body: Body) -> str:
    return body.feed


@pytest.fixture(scope="module")
def cleaned() -> list[tuple[Body, str]]:
    return [(body, clean_html(body.html, body.link)) for body in BODIES]


def test_there_are_many_bodies() -> None:
    assert len(BODIES) > 500


def test_fixture_outputs_hold_the_invariants(cleaned: list[tuple[Body, str]]) -> None:
    for body, out in cleaned:
        assert not has_script_element(out), body.feed
        assert handlers(out) == [], body.feed
        assert script_urls(out) == [], body.feed
        assert foreign_iframes(out) == [], body.feed


def test_fixture_outputs_are_stable(cleaned: list[tuple[Body, str]]) -> None:
    unstable = [body.feed for body, out in cleaned if clean_html(out, body.link) != out]
    assert unstable == []


def test_cnbeta_bodies_lose_their_blank_runs_and_widgets(
    cleaned: list[tuple[Body, str]],
) -> None:
    cnbeta = [(b, out) for b, out in cleaned if b.feed.startswith("zh-cnbeta-regenerated")]
    assert len(cnbeta) == 63
    for body, out in cnbeta:
        assert "article-global" in body.html or "<p" in body.html
        assert "article-global" not in out
        assert "     " not in out, body.link


def test_youtube_and_bilibili_embeds_survive(cleaned: list[tuple[Body, str]]) -> None:
    outs = "".join(out for _, out in cleaned)
    assert 'src="https://www.youtube.com/embed/HwoZg3BCigU"' in outs
    assert 'src="https://player.bilibili.com/player.html?aid=226779671' in outs
    assert 'src="https://player.youku.com/embed/' in outs


def test_images_kept(cleaned: list[tuple[Body, str]]) -> None:
    before = sum(body.html.lower().count("<img") for body, _ in cleaned)
    after = sum(out.count("<img") for _, out in cleaned)
    assert after >= before * 0.95, (before, after)
