"""XML bombs and external entities: nothing is expanded, nothing is read from disk."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

import pytest

from newsdesk.errors import ParseError
from newsdesk.parse import parse_feed
from newsdesk.parse.xml import parse_xml
from tests.parse.conftest import FEED_URL
from tests.support.httpserver import LocalServer

SECRET = "NEWSDESK-SECRET-7f3a"

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE rss [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10 if n > 1 else "&lol;" * 10}">\n'
        for n in range(1, 10)
    )
    + ']>\n<rss version="2.0"><channel><title>&lol9;</title>'
    "<item><title>&lol9;</title><description>&lol9;</description></item></channel></rss>"
)


def assert_fast(started: float) -> None:
    assert time.perf_counter() - started < 2.0


def test_billion_laughs_is_not_expanded() -> None:
    started = time.perf_counter()
    feed = parse_feed(BILLION_LAUGHS.encode(), FEED_URL)
    assert_fast(started)
    assert feed.title == "&lol9;"
    assert feed.entries[0].title == "&lol9;"
    assert "lollol" not in (feed.entries[0].summary_html or "")
    assert any("DOCTYPE" in w for w in feed.warnings)


def test_quadratic_blowup_is_not_expanded() -> None:
    big = "x" * 100_000
    body = (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "{big}">]>\n'
        f'<rss version="2.0"><channel><title>{"&a;" * 20_000}</title></channel></rss>'
    )
    started = time.perf_counter()
    feed = parse_feed(body.encode(), FEED_URL)
    assert_fast(started)
    assert "xxxx" not in feed.title
    assert len(feed.title) == 3 * 20_000


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "passwd"
    path.write_text(f"root:{SECRET}:0:0\n")
    return path


def test_external_entity_pointing_at_a_local_file_is_not_read(secret_file: Path) -> None:
    body = (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret_file}">]>\n'
        '<rss version="2.0"><channel><title>a&xxe;b</title>'
        "<item><title>&xxe;</title><description>&xxe;</description></item></channel></rss>"
    )
    feed = parse_feed(body.encode(), FEED_URL)
    assert SECRET not in repr(feed)
    assert feed.title == "a&xxe;b"


def test_etc_passwd_external_entity_is_not_read() -> None:
    body = (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        b'<rss version="2.0"><channel><title>&xxe;</title></channel></rss>'
    )
    feed = parse_feed(body, FEED_URL)
    assert "root:" not in repr(feed)


def test_parameter_entity_and_external_dtd_are_not_read(secret_file: Path) -> None:
    dtd = secret_file.parent / "evil.dtd"
    dtd.write_text(f'<!ENTITY leak "{SECRET}">')
    body = (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "file://{dtd}" '
        f'[<!ENTITY % p SYSTEM "file://{dtd}"> %p;]>\n'
        '<rss version="2.0"><channel><title>&leak;</title></channel></rss>'
    )
    feed = parse_feed(body.encode(), FEED_URL)
    assert SECRET not in repr(feed)


def test_the_xml_parser_itself_never_loads_an_external_dtd(tmp_path: Path) -> None:
    # Below the DOCTYPE stripping: lxml must not even open the file. (lxml's
    # collect_ids=False makes it load external subsets; this guards that.)
    dtd = tmp_path / "broken.dtd"
    dtd.write_text("this is not a DTD <<<")
    root, warnings, _ = parse_xml(f'<!DOCTYPE r SYSTEM "file://{dtd}"><r>ok</r>'.encode(), FEED_URL)
    assert root.text == "ok"
    assert warnings == []


def test_the_xml_parser_itself_never_expands_entities(secret_file: Path) -> None:
    # Below the DOCTYPE stripping and entity rewriting: the lxml settings alone are safe.
    body = (
        f'<!DOCTYPE r [<!ENTITY e "EXPANDED"><!ENTITY f SYSTEM "file://{secret_file}">]>'
        "<r>&e;&f;</r>"
    )
    root, _, _ = parse_xml(body.encode(), FEED_URL)
    text = "".join(root.itertext())
    assert "EXPANDED" not in text
    assert SECRET not in text
    started = time.perf_counter()
    root, _, _ = parse_xml(BILLION_LAUGHS.encode(), FEED_URL)
    assert_fast(started)
    assert "lollol" not in "".join(root.itertext())


def test_xinclude_is_not_processed(secret_file: Path) -> None:
    body = (
        '<rss version="2.0" xmlns:xi="http://www.w3.org/2001/XInclude"><channel><item>'
        f'<description><xi:include href="file://{secret_file}" parse="text"/></description>'
        "</item></channel></rss>"
    )
    feed = parse_feed(body.encode(), FEED_URL)
    assert SECRET not in repr(feed)


def test_network_dtd_and_entity_are_not_fetched(server: LocalServer) -> None:
    dtd_url = server.route("/evil.dtd", f'<!ENTITY leak "{SECRET}">')
    body = (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "{dtd_url}" '
        f'[<!ENTITY net SYSTEM "{dtd_url}">]>\n'
        '<rss version="2.0"><channel><title>&net;&leak;</title></channel></rss>'
    )
    feed = parse_feed(body.encode(), FEED_URL)
    assert SECRET not in repr(feed)
    assert server.requests("/evil.dtd") == []


def test_deeply_nested_json_is_a_parse_error() -> None:
    with pytest.raises(ParseError):
        parse_feed(b"[" * 100_000 + b"]" * 100_000, FEED_URL)


def test_deeply_nested_xml_is_refused_or_read_without_crash() -> None:
    body = b"<rss>" + b"<a>" * 100_000 + b"</a>" * 100_000 + b"</rss>"
    started = time.perf_counter()
    with contextlib.suppress(ParseError):  # refusing is fine; crashing or hanging is not
        parse_feed(body, FEED_URL)
    assert_fast(started)


@pytest.mark.parametrize(
    "body",
    [
        b"<!--a-->" * 5000 + b"x",
        b"<!--a-->" * 5000 + b"<?xml version='1.0'?>",
        b"<?pi a?>" * 5000 + b"<html",
        b"<!--" * 20000,
        b"<!DOCTYPE rss [" + b"]" * 50000,
    ],
    ids=["comments-then-text", "comments-then-decl", "pis-then-html", "open-comments", "doctype"],
)
def test_prolog_scanning_stays_linear(body: bytes) -> None:
    started = time.perf_counter()
    with contextlib.suppress(ParseError):
        parse_feed(body, FEED_URL)
    assert time.perf_counter() - started < 0.5
