"""render_post: profiles as data, image values, categories."""

from __future__ import annotations

import pytest

from newsdesk.imageproxy.rewrite import prefix_proxy
from newsdesk.publish.hexo import PROFILES, image_value, placeholder_url, render_post
from tests.publish.seed import PROXY_PREFIX, seed_article

PROXY = prefix_proxy(PROXY_PREFIX)


def _keys(text: str) -> list[str]:
    front = text.split("\n---\n")[1]
    return [line.split(":", 1)[0] for line in front.splitlines() if not line.startswith(" ")]


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_profile_key_order(profile: str) -> None:
    text = render_post(seed_article(), image_url=PROXY, placeholder="p", profile=profile)
    assert _keys(text) == list(PROFILES[profile])


def test_butterfly_images() -> None:
    text = render_post(seed_article(), image_url=PROXY, placeholder="p", profile="butterfly")
    url = PROXY_PREFIX + seed_article().head_image
    assert f"\ncover: '{url}'\ntop_img: '{url}'\n" in text


def test_unknown_profile_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown front-matter profile"):
        render_post(seed_article(), image_url=PROXY, placeholder="p", profile="nope")


def test_image_value_encodes_what_breaks_attributes_and_yaml() -> None:
    assert image_value('http://a/it\'s "x"<y>\\z\n.jpg') == (
        "http://a/it%27s%20%22x%22%3Cy%3E%5Cz%0A.jpg"
    )
    assert image_value("http://a/新\x85\u2028.jpg") == "http://a/新%C2%85%E2%80%A8.jpg"
    assert image_value("http://a/b?c=1&d=%27") == "http://a/b?c=1&d=%27"


def test_head_image_with_quote_is_percent_encoded_in_the_post() -> None:
    article = seed_article(head_image="http://img.example/it's.jpg")
    text = render_post(article, image_url=PROXY, placeholder="p")
    assert f"\nheadimg: '{PROXY_PREFIX}http://img.example/it%27s.jpg'\n" in text


def test_placeholder_number_is_stable_and_in_range() -> None:
    numbers = {placeholder_url("{n}", seed_article(article_id=str(i))) for i in range(300)}
    assert all(0 <= int(n) < 1000 for n in numbers) and len(numbers) > 200
    assert placeholder_url("x/{n}.jpg", seed_article()) == placeholder_url(
        "x/{n}.jpg", seed_article()
    )


@pytest.mark.parametrize(
    ("group", "source", "channel", "lines"),
    [
        ("新媒体", "ZAKER", "source", [" - 新媒体", " - ZAKER", " - source"]),
        ("g", "null", "36", [" - g", " - 'null'", " - '36'"]),
        ("g", "", "c", [" - g", " - c"]),  # an empty level is left out
    ],
)
def test_categories_chain(group: str, source: str, channel: str, lines: list[str]) -> None:
    article = seed_article(group=group, source=source, channel=channel)
    text = render_post(article, image_url=PROXY, placeholder="p")
    assert "\ncategories: \n" + "\n".join(lines) + "\nheadimg: " in text


def test_no_category_at_all() -> None:
    article = seed_article(group="", source=" ", channel="\n")
    assert "\ncategories: []\n" in render_post(article, image_url=PROXY, placeholder="p")


@pytest.mark.parametrize("profile", sorted(PROFILES))
@pytest.mark.parametrize(
    ("title", "line"),
    [
        ("<svg onload=alert(1)>", "title: '＜svg onload=alert(1)＞'"),
        ("x' onmouseover='a", "title: 'x’ onmouseover=’a'"),
        ('Vector<int> & "a"', "title: 'Vector＜int＞ & “a”'"),
        ("携手共促", "title: '携手共促'"),
    ],
)
def test_every_profile_writes_the_title_as_theme_text(profile: str, title: str, line: str) -> None:
    # volantis prints post.title raw and puts document.title back in as HTML; butterfly
    # puts it in a <script> string; a plain theme may do either (docs/security.md).
    post = render_post(seed_article(title=title), image_url=PROXY, placeholder="p", profile=profile)
    assert post.splitlines()[2] == line


def test_author_and_categories_are_theme_text() -> None:
    article = seed_article(group="<b>新媒体</b>", source="it's", channel="</script>", author="it's")
    post = render_post(article, image_url=PROXY, placeholder="p")
    assert "\n - '＜b＞新媒体＜/b＞'\n - 'it’s'\n - '＜/script＞'\n" in post
    assert "\nauthor: 'it’s'\n" in post
