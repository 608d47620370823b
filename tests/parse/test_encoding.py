"""decode_body: which encoding wins, and that every guess is reported."""

from __future__ import annotations

import pytest

from newsdesk.parse.encoding import decode_body

TITLE = "新闻国内：习近平为何如此强调崇尚英雄？"


def doc(decl: str | None, title: str = TITLE) -> str:
    head = f'<?xml version="1.0" encoding="{decl}"?>' if decl else ""
    return f"{head}<rss><channel><title>{title}</title></channel></rss>"


@pytest.mark.parametrize(
    ("body", "content_type", "encoding"),
    [
        (doc("utf-8").encode(), None, "utf-8"),
        (doc(None).encode(), None, "utf-8"),
        (doc("gb2312").encode("gb18030"), None, "gb18030"),
        (doc("GBK").encode("gbk"), None, "gb18030"),
        (doc(None).encode("gbk"), "text/xml; charset=GBK", "gb18030"),
        (doc("big5", "新聞").encode("big5"), None, "big5hkscs"),
        (doc("utf-8").encode("utf-16"), None, "utf-16-le"),
        (b"\xef\xbb\xbf" + doc("utf-8").encode(), None, "utf-8"),
    ],
)
def test_declared_or_marked_encoding_is_used(
    body: bytes, content_type: str | None, encoding: str
) -> None:
    decoded = decode_body(body, content_type)
    assert decoded.encoding == encoding
    assert decoded.warnings == ()
    assert "<title>" in decoded.utf8.decode()


def test_gbk_bytes_declared_utf8_are_still_read_with_a_warning() -> None:
    decoded = decode_body(doc("utf-8").encode("gbk"))
    assert decoded.encoding == "gb18030"
    assert TITLE in decoded.utf8.decode()
    assert any("do not decode" in w for w in decoded.warnings)


def test_gbk_bytes_with_utf8_http_charset_fall_back_to_the_declaration() -> None:
    decoded = decode_body(doc("gbk").encode("gbk"), "application/rss+xml; charset=utf-8")
    assert decoded.encoding == "gb18030"
    assert TITLE in decoded.utf8.decode()
    assert any("HTTP charset" in w for w in decoded.warnings)


def test_latin1_http_default_loses_to_real_utf8() -> None:
    decoded = decode_body(doc("utf-8").encode(), "text/xml; charset=ISO-8859-1")
    assert decoded.encoding == "utf-8"
    assert TITLE in decoded.utf8.decode()
    assert decoded.warnings


def test_unknown_declared_encoding_is_reported_and_utf8_used() -> None:
    decoded = decode_body(doc("x-no-such-charset").encode())
    assert decoded.encoding == "utf-8"
    assert any("unknown encoding" in w for w in decoded.warnings)


def test_stray_cp1252_byte_in_utf8() -> None:
    decoded = decode_body(
        doc(None, "“Quoted” don\x92t").encode("utf-8").replace(b"\xc2\x92", b"\x92")
    )
    assert "“Quoted” don’t" in decoded.utf8.decode()
    assert decoded.warnings


def test_c1_controls_are_read_as_cp1252() -> None:
    decoded = decode_body(doc(None, "don\x92t \x85").encode())
    assert "don’t …" in decoded.utf8.decode()


def test_iso_8859_1_declaration_reads_cp1252_quotes() -> None:
    decoded = decode_body(doc("iso-8859-1", "don’t é").encode("cp1252"))
    assert "don’t é" in decoded.utf8.decode()


def test_utf16_declared_on_8bit_bytes_is_ignored() -> None:
    decoded = decode_body(doc("UTF-16").encode())
    assert decoded.encoding == "utf-8"
    assert TITLE in decoded.utf8.decode()
    assert decoded.warnings == ("XML declaration says UTF-16 but the bytes are 8-bit",)


# Codecs that are no charset: bytes-to-bytes (LookupError on decode), str-to-str, the
# "undefined" codec (UnicodeError), and escape codecs that would rewrite the content.
@pytest.mark.parametrize(
    "name",
    ["base64", "hex", "rot13", "zlib", "bz2", "uu", "quopri", "undefined", "unicode_escape",
     "raw_unicode_escape", "utf-7", "idna", "punycode"],
)  # fmt: skip
@pytest.mark.parametrize("where", ["xml", "http"])
def test_non_text_codecs_are_refused(name: str, where: str) -> None:
    body = doc(name if where == "xml" else None, title="a\\u0041+ADw-b").encode()
    decoded = decode_body(body, f"text/xml; charset={name}" if where == "http" else None)
    assert decoded.encoding == "utf-8"
    assert "<title>a\\u0041+ADw-b</title>" in decoded.utf8.decode()  # read as written
    assert any(name in w for w in decoded.warnings)
