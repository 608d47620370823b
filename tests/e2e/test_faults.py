"""Fault injection through the whole pipeline: a real misbehaving server on loopback.

Per fault: the run finishes, the healthy feed beside it is published, the failing feed's
health records the cause, and a later good response recovers it.
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.conftest import run_cli
from tests.e2e.test_run import RSS, posts, rss
from tests.support.httpserver import LocalServer, Reply, Request

GOOD = rss(("恢复正常", "ok1"))


def _raw(req: Request, data: bytes) -> Reply:
    req.wfile.write(data)
    req.wfile.flush()
    return Reply.RAW


def stall(req: Request) -> Reply:
    req.wfile.write(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 1000\r\n\r\n"
    )
    req.wfile.flush()
    time.sleep(5)
    return Reply.RAW


def trickle(req: Request) -> Reply:
    req.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
    for _ in range(40):  # one byte every 0.2 s: each read is quick, the whole never ends
        try:
            req.wfile.write(b"<")
            req.wfile.flush()
        except OSError:
            break
        time.sleep(0.2)
    return Reply.RAW


def close_mid_body(req: Request) -> Reply:
    return _raw(req, b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n<rss><channel>")


def over_cap_with_length(req: Request) -> Reply:
    return Reply(200, b"<rss>" + b" " * 300_000 + b"</rss>", {"Content-Type": RSS})


def over_cap_chunked(req: Request) -> Reply:
    req.wfile.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b" " * 65536
    try:
        for _ in range(8):
            req.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        req.wfile.write(b"0\r\n\r\n")
    except OSError:
        pass
    return Reply.RAW


def gzip_bomb(req: Request) -> Reply:
    bomb = gzip.compress(b"<rss>" + b" " * 50_000_000, compresslevel=9)
    return Reply(200, bomb, {"Content-Type": RSS, "Content-Encoding": "gzip"})


def burst_500(req: Request) -> Reply:
    return Reply(503, b"busy")


def rate_limited(req: Request) -> Reply:
    return Reply(429, b"slow down", {"Retry-After": "3600"})


def not_found(req: Request) -> Reply:
    return Reply(404, b"gone away")


def redirect_loop(req: Request) -> Reply:
    return Reply(302, headers={"Location": req.path})


FAULTS: dict[str, tuple[Callable[[Request], Reply], str]] = {
    "headers-then-stall": (stall, "time"),
    "slowloris-trickle": (trickle, "longer than"),
    "closes-mid-body": (close_mid_body, "closed"),
    "over-cap-content-length": (over_cap_with_length, "cap"),
    "over-cap-chunked": (over_cap_chunked, "cap"),
    "gzip-bomb": (gzip_bomb, "cap"),
    "503-burst": (burst_500, "503"),
    "429-retry-after-too-long": (rate_limited, "429"),
    "404": (not_found, "404"),
    "redirect-loop": (redirect_loop, "redirect"),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_fault_is_recorded_and_recovered(
    fault: str, server: LocalServer, write_config, tmp_path: Path
) -> None:
    misbehave, cause = FAULTS[fault]
    healthy = server.route("/healthy", rss(("旁边的好源", "h1")), headers={"Content-Type": RSS})
    broken_first = {"on": True}

    def handler(req: Request) -> Reply:
        if broken_first["on"]:
            return misbehave(req)
        return Reply(200, GOOD, {"Content-Type": RSS})

    bad = server.route("/bad", handler=handler)
    cfg = write_config(f"  g:\n    s:\n      healthy: {healthy}\n      bad: {bad}\n")
    started = time.monotonic()
    first = run_cli("run", "-c", str(cfg))
    assert first.exit_code == 1, first.output
    assert time.monotonic() - started < 60
    texts = list(posts(tmp_path).values())
    assert len(texts) == 1 and "旁边的好源" in texts[0]
    status = {
        r["channel"]: r for r in json.loads(run_cli("status", "--json", "-c", str(cfg)).output)
    }
    assert cause.lower() in (status["bad"]["last_error"] or "").lower(), status["bad"]
    assert status["bad"]["error_streak"] == 1 and status["healthy"]["error_streak"] == 0

    broken_first["on"] = False
    second = run_cli("run", "-c", str(cfg))
    assert second.exit_code == 0, second.output
    status = {
        r["channel"]: r for r in json.loads(run_cli("status", "--json", "-c", str(cfg)).output)
    }
    assert status["bad"]["error_streak"] == 0 and status["bad"]["last_success"]
    assert any("恢复正常" in t for t in posts(tmp_path).values())


def test_connection_refused_then_recovered(write_config, tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on, then a server on that port
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cfg = write_config(f"  g:\n    s:\n      c: http://127.0.0.1:{port}/feed\n")
    assert run_cli("run", "-c", str(cfg)).exit_code == 1
    status = json.loads(run_cli("status", "--json", "-c", str(cfg)).output)[0]
    assert "refused" in status["last_error"]

    from tests.support.httpserver import LocalServer as Server

    srv = Server()
    srv.httpd.server_close()
    from http.server import ThreadingHTTPServer

    srv.httpd = ThreadingHTTPServer(("127.0.0.1", port), srv.httpd.RequestHandlerClass)
    srv.port = port
    import threading

    srv._thread = threading.Thread(target=srv.httpd.serve_forever, daemon=True)
    srv.route("/feed", GOOD, headers={"Content-Type": RSS})
    with srv:
        assert run_cli("run", "-c", str(cfg)).exit_code == 0
    assert len(posts(tmp_path)) == 1


def test_dns_failure_names_the_host(write_config) -> None:
    cfg = write_config("  g:\n    s:\n      c: http://no-such-host.invalid/feed\n")
    assert run_cli("run", "-c", str(cfg)).exit_code == 1
    status = json.loads(run_cli("status", "--json", "-c", str(cfg)).output)[0]
    assert "no-such-host.invalid" in status["last_error"]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol9 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">]>
<rss version="2.0"><channel><title>t</title><item><title>bomb &lol9;</title>
<guid>b1</guid><description>&lol9;</description></item></channel></rss>"""

XXE = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>t</title><item><title>xxe &x;</title><guid>x1</guid>
<description>&x;</description></item></channel></rss>"""


@pytest.mark.parametrize(
    ("body", "title"),
    [(BILLION_LAUGHS, "bomb"), (XXE, "xxe")],
    ids=["billion-laughs", "xxe-file"],
)
def test_xml_bombs_expand_nothing_and_read_no_file(
    body: bytes, title: str, server: LocalServer, write_config, tmp_path: Path
) -> None:
    url = server.route("/bomb", body, headers={"Content-Type": RSS})
    cfg = write_config(f"  g:\n    s:\n      c: {url}\n")
    result = run_cli("run", "-c", str(cfg))  # read, but never expanded
    assert result.exit_code == 0, result.output
    status = json.loads(run_cli("status", "--json", "-c", str(cfg)).output)[0]
    texts = list(posts(tmp_path).values())
    # The item is read, with the entity reference left as unexpanded text.
    assert status["last_error"] is None, status
    assert len(texts) == 1, (texts, status)
    text = texts[0]
    assert f"title: '{title} " in text, text
    assert "lollol" not in text and "root:" not in text
    assert len(text) < 10_000


def test_site_migration_changing_every_guid_adds_no_duplicates(
    server: LocalServer, write_config, tmp_path: Path
) -> None:
    def migrating(req: Request) -> Reply:
        prefix = "old" if req.count == 1 else "new"
        body = rss(*[(f"文章{i}", f"{prefix}-{i}") for i in range(4)])
        # Links stay the same; only the guids change.
        for i in range(4):
            body = body.replace(
                f"http://example.com/{prefix}-{i}".encode(), f"http://example.com/a{i}".encode()
            )
        return Reply(200, body, {"Content-Type": RSS})

    url = server.route("/migrating", handler=migrating)
    cfg = write_config(f"  g:\n    s:\n      c: {url}\n")
    assert run_cli("run", "-c", str(cfg)).exit_code == 0
    assert len(posts(tmp_path)) == 4
    second = run_cli("run", "-c", str(cfg))
    assert second.exit_code == 0
    assert len(posts(tmp_path)) == 4
    assert "ids changed" in second.output


def test_far_future_and_overflowing_dates_do_not_stop_the_run(
    server: LocalServer, write_config, tmp_path: Path
) -> None:
    feed = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        b"<item><title>overflow</title><guid>o1</guid>"
        b"<pubDate>9999-12-31T23:59:59-14:00</pubDate><description>x</description></item>"
        b"<item><title>epoch</title><guid>o2</guid><pubDate>Thu, 01 Jan 1970 00:00:00 GMT"
        b"</pubDate><description>y</description></item></channel></rss>"
    )
    odd = server.route("/odd", feed, headers={"Content-Type": RSS})
    fine = server.route("/fine", rss(("正常", "n1")), headers={"Content-Type": RSS})
    cfg = write_config(f"  g:\n    s:\n      odd: {odd}\n      fine: {fine}\n")
    result = run_cli("run", "-c", str(cfg))
    assert result.exit_code == 0, result.output
    texts = list(posts(tmp_path).values())
    assert len(texts) == 3
    assert not any("9999" in t or "1970" in t for t in texts)  # first-seen time instead


@pytest.mark.parametrize("page_host", ["127.0.0.2", "127.0.0.1"], ids=["other", "own"])
def test_full_text_refuses_a_private_page(
    server: LocalServer, write_config, tmp_path: Path, page_host: str
) -> None:
    # The feed is on 127.0.0.1: a LAN feed is fine. Its article page, on another private
    # host or on the feed's own, is not fetched unless the source sets full_text_private.
    with LocalServer(host=page_host) as pages:
        pages.route(
            "/secret",
            "<html><body><article><p>" + "内网机密内容。" * 20 + "</p></article></body></html>",
            headers={"Content-Type": "text/html; charset=utf-8"},
        )
        feed = (
            b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item>'
            b"<title>teaser</title><link>" + pages.url("/secret").encode() + b"</link>"
            b"<guid>p1</guid><description>summary only</description></item></channel></rss>"
        )
        url = server.route("/feed", feed, headers={"Content-Type": RSS})
        cfg = write_config(f"  g:\n    s:\n      full_text: true\n      c: {url}\n")
        assert run_cli("run", "-c", str(cfg)).exit_code == 0
        assert pages.requests("/secret") == []
    text = next(iter(posts(tmp_path).values()))
    assert "summary only" in text and "内网机密" not in text


def test_deeply_nested_item_is_published_flattened_with_a_note(
    server: LocalServer, write_config, tmp_path: Path
) -> None:
    body = "<div>" * 10_000 + "深层正文" + "</div>" * 10_000  # ~110 KB, under max_bytes
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item>'
        f"<title>深</title><guid>d1</guid><description><![CDATA[{body}]]></description>"
        "</item></channel></rss>"
    ).encode()
    url = server.route("/deep", feed, headers={"Content-Type": RSS})
    cfg = write_config(f"  g:\n    s:\n      c: {url}\n")
    result = run_cli("run", "-c", str(cfg))
    assert result.exit_code == 0, result.output
    table = " ".join(result.output.replace("│", " ").split())
    assert "深: markup nested deeper than 256 elements: 9744 tags flattened" in table
    text = next(iter(posts(tmp_path).values()))
    assert "深层正文" in text and text.count("<div>") <= 256 + 1  # + the post's own wrapper


def test_migrated_posts_keep_their_files_through_full_republish_and_reused_ids(
    server: LocalServer, write_config, tmp_path: Path
) -> None:
    def feed(req: Request) -> Reply:
        if req.count == 1:
            items = [("甲", "old-1"), ("乙", "old-2")]
        elif req.count == 2:  # site migration: same links, new guids
            items = [("甲", "new-1"), ("乙", "new-2")]
        else:  # later, a brand-new item reuses an old guid
            items = [("甲", "new-1"), ("乙", "new-2"), ("丙", "old-1")]
        body = rss(*items)
        for old, new in (("new-1", "old-1"), ("new-2", "old-2")):
            body = body.replace(
                f"http://example.com/{old}<".encode(), f"http://example.com/{new}<".encode()
            )
        if req.count >= 3:  # the reused guid gets a link of its own
            body = body.replace(
                b"http://example.com/old-1</link><guid>old-1",
                b"http://example.com/c3</link><guid>old-1",
                1,
            )
        return Reply(200, body, {"Content-Type": RSS})

    url = server.route("/m", handler=feed)
    cfg = write_config(f"  g:\n    s:\n      c: {url}\n")
    assert run_cli("run", "-c", str(cfg)).exit_code == 0
    first = set(posts(tmp_path))
    assert run_cli("run", "-c", str(cfg)).exit_code == 0
    assert run_cli("publish", "--full", "-c", str(cfg)).exit_code == 0
    assert set(posts(tmp_path)) == first  # no duplicate files, same names
    assert run_cli("run", "-c", str(cfg)).exit_code == 0
    texts = posts(tmp_path)
    assert len(texts) == 3
    assert sum("title: '甲'" in t for t in texts.values()) == 1
    assert sum("title: '丙'" in t for t in texts.values()) == 1


def test_repeated_guid_ids_do_not_depend_on_the_other_items(
    server: LocalServer, write_config, tmp_path: Path
) -> None:
    def item(title: str, link: str) -> str:
        return (
            f"<item><title>{title}</title><link>http://example.com/{link}</link>"
            f"<guid>g</guid><description>{title}</description></item>"
        )

    def feed(req: Request) -> Reply:
        items = {1: [item("甲", "a")], 2: [item("乙", "b"), item("甲", "a")], 3: [item("乙", "b")]}[
            min(req.count, 3)
        ]
        return Reply(
            200,
            (
                '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
                + "".join(items)
                + "</channel></rss>"
            ).encode(),
            {"Content-Type": RSS},
        )

    url = server.route("/guid", handler=feed)
    cfg = write_config(f"  g:\n    s:\n      c: {url}\n")
    for _ in range(3):
        assert run_cli("run", "-c", str(cfg)).exit_code == 0
    texts = posts(tmp_path)
    assert len(texts) == 2  # 甲 kept its file; 乙 got its own and never took 甲's
    assert sorted(t.split("\n")[2] for t in texts.values()) == ["title: '乙'", "title: '甲'"]


def test_undated_articles_keep_their_first_seen_date(
    server: LocalServer, write_config, tmp_path: Path
) -> None:
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item>'
        b"<title>no date</title><guid>u1</guid><description>x</description></item>"
        b"</channel></rss>"
    )
    url = server.route("/undated", body, headers={"Content-Type": RSS})
    cfg = write_config(f"  g:\n    s:\n      c: {url}\n")
    assert run_cli("run", "-c", str(cfg)).exit_code == 0
    before = {
        p.name: (p.read_text(), p.stat().st_mtime_ns)
        for p in (tmp_path / "blog/source/_posts").iterdir()
    }
    assert len(before) == 1, before
    time.sleep(1.1)  # the dates are to the second
    assert run_cli("run", "-c", str(cfg)).exit_code == 0
    after = {
        p.name: (p.read_text(), p.stat().st_mtime_ns)
        for p in (tmp_path / "blog/source/_posts").iterdir()
    }
    assert after == before
