"""Re-measure what /work/shared/HEXO.md claims, so the protections are shown to be needed.

Each test writes posts that skip one protection and asserts real Hexo mangles them, next
to the protected form that reads back exactly.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from hypothesis import strategies as st

from newsdesk.publish.frontmatter import clean_text, quote, scalar
from newsdesk.publish.hexo import protect_body
from tests.hexo.conftest import RunHexo
from tests.hexo.harness import HexoError
from tests.publish.strategies import FRAGMENTS, gather, nasty_text

pytestmark = pytest.mark.hexo

_OPEN, _CLOSE = "\n<div>   \n", "  \n</div>\n" + " " * 12


def _post(body: str, *, title: str = "'t'", author: str = "ZAKER") -> str:
    """A post in the seed's layout, with the front-matter values written as given."""
    return (
        f"\n---\ntitle: {title}\ncategories: \n - g\n - s\n - c\nauthor: {author}\n"
        f"comments: false\ndate: Thu, 01 Sep 2022 03:09:17 GMT\n---\n{_OPEN}{body}{_CLOSE}"
    )


HAZARDS = {
    "mustache": "<p>{{ x }} and {# c #} and {% raw %}r{% endraw %}</p>",
    "indented-after-blank": "<p>a</p>\n\n    code?\n\n<p>*em* # h</p>",
    "fence": "<p>x</p>\n```\nfenced\n```\n<p>y</p>",
    "more": "<p>a</p><!-- more --><p>b</p>",
    "pre-blank-lines": "<pre>a\n\n    b\n\nc</pre>",
}


def test_unprotected_bodies_are_mangled_and_protected_ones_are_not(hexo: RunHexo) -> None:
    posts = {f"raw-{k}.md": _post(v) for k, v in HAZARDS.items()}
    posts |= {f"safe-{k}.md": _post(protect_body(v)) for k, v in HAZARDS.items()}
    run = hexo(posts)
    for key, body in HAZARDS.items():
        written = f"{_OPEN}{body}{_CLOSE}".removeprefix("\n")
        assert run.posts[f"raw-{key}.md"].content != written, key
        protected = f"{_OPEN}{protect_body(body)}{_CLOSE}".removeprefix("\n")
        assert run.posts[f"safe-{key}.md"].content == protected, key


def test_unknown_nunjucks_tag_aborts_the_whole_build(hexo: RunHexo) -> None:
    posts = {"ok.md": _post("<p>fine</p>"), "bad.md": _post("<p>{% bogus %}</p>")}
    with pytest.raises(HexoError, match=r"exited [1-9]"):
        hexo(posts)
    assert hexo({**posts, "bad.md": _post(protect_body("<p>{% bogus %}</p>"))}).posts


@pytest.mark.parametrize(
    ("written", "title"),
    [
        ("'It's'", "It's"),  # undoubled quote
        ("'x\n---\ny'", "x\n---\ny"),  # a line of --- inside the front matter
        ("'bell\x07'", "bell\x07"),  # raw control character
        ("@x", "@x"),  # reserved indicator, unquoted
        ("a: b", "a: b"),  # nested mapping, unquoted
    ],
)
def test_yaml_error_only_logs_and_is_caught(hexo: RunHexo, written: str, title: str) -> None:
    """Hexo drops the post, exits 0 and logs ERROR: the harness must still fail."""
    with pytest.raises(HexoError, match=r"exited 0 .*\n.*ERROR Process failed"):
        hexo({"bad.md": _post("<p>x</p>", title=written)})
    run = hexo({"good.md": _post("<p>x</p>", title=quote(title))})
    assert run.posts["good.md"].title == clean_text(title)


def _dated(date: str) -> str:
    return _post("<p>x</p>").replace("date: Thu, 01 Sep 2022 03:09:17 GMT", f"date: {date}")


@pytest.mark.parametrize(
    ("machine_tz", "configs", "gmt_read_as"),
    [
        ("UTC", ("_config.yml",), "2022-09-01T03:09:17.000Z"),
        ("Asia/Shanghai", ("_config.yml",), "2022-09-01T03:09:17.000Z"),
        ("Asia/Shanghai", ("_config.yml", "_config.shanghai.yml"), "2022-09-01T03:09:17.000Z"),
        # Hexo shifts by (machine offset - config offset): 8 hours early here.
        ("UTC", ("_config.yml", "_config.shanghai.yml"), "2022-08-31T19:09:17.000Z"),
    ],
)
def test_rfc822_gmt_date_is_exact_unless_config_timezone_differs_from_the_machine(
    hexo: RunHexo, machine_tz: str, configs: tuple[str, ...], gmt_read_as: str
) -> None:
    """The seed's date form is exact on any machine with `timezone: ''` (our _config.yml)."""
    run = hexo({"gmt.md": _dated("Thu, 01 Sep 2022 03:09:17 GMT")}, tz=machine_tz, configs=configs)
    assert run.posts["gmt.md"].date == gmt_read_as


def test_unquoted_scalars_are_mangled(hexo: RunHexo) -> None:
    values = {"null": None, "36": 36, "cnBeta #1": "cnBeta", "'a' #b: c'": "a"}
    posts = {f"raw{i}.md": _post("<p>x</p>", author=v) for i, v in enumerate(values)}
    posts |= {f"safe{i}.md": _post("<p>x</p>", author=scalar(v)) for i, v in enumerate(values)}
    run = hexo(posts)
    for i, (value, mangled) in enumerate(values.items()):
        assert run.posts[f"raw{i}.md"].fields.get("author") == mangled
        assert run.posts[f"safe{i}.md"].fields.get("author") == value


_JS_YAML = """
const yaml = require(process.argv[1]);
const docs = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const load = d => { try { return yaml.load(d); } catch (e) { return {error: String(e)}; } };
const out = docs.map(load);
process.stdout.write(JSON.stringify(out));
"""


def test_js_yaml_reads_every_scalar_back(hexo_install: Path) -> None:
    """Hexo's own js-yaml (4.3.2) on ~2,000 generated titles, authors and categories."""
    texts = [*FRAGMENTS, *gather(st.one_of(nasty_text, st.text()), 2000)]
    docs = [
        f"title: {quote(t)}\nauthor: {scalar(t)}\ncategories: \n - {scalar(t)}\n" for t in texts
    ]
    proc = subprocess.run(
        ["node", "-e", _JS_YAML, str(hexo_install / "node_modules" / "js-yaml")],
        input=json.dumps(docs),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    got = json.loads(proc.stdout)
    wrong = [
        (t, g)
        for t, g in zip(texts, got, strict=True)
        if g != {"title": clean_text(t), "author": clean_text(t), "categories": [clean_text(t)]}
    ]
    assert not wrong, wrong[:5]
