"""check_url and target_url on their own: no network, so these refusals come from the URL
checks alone (the connect-time check is the second line, tested in test_attacks.py)."""

from __future__ import annotations

import pytest

from newsdesk.imageproxy.addresses import AddressPolicy
from newsdesk.imageproxy.refusals import Refusal
from newsdesk.imageproxy.signing import Signer
from newsdesk.imageproxy.targets import check_url, target_url

POLICY = AddressPolicy()
SIGNER = Signer([b"targets-key-0123456789"])


@pytest.mark.parametrize(("url", "status", "reason"), [
    ("http://0177.0.0.1/a.png", 403, "address"),
    ("http://2130706433/a.png", 403, "address"),
    ("http://[::ffff:10.0.0.1]/a.png", 403, "address"),
    ("http://user:pw@example.org/a.png", 403, "credentials"),
    ("http://a\\@example.org/a.png", 403, "credentials"),
    ("javascript:alert(1)", 403, "scheme"),
    ("file:///etc/passwd", 403, "scheme"),
    ("http:///a.png", 400, "bad-url"),
    ("http://example.org:99999/a.png", 400, "bad-url"),
])
def test_check_url_refuses(url: str, status: int, reason: str) -> None:
    with pytest.raises(Refusal) as caught:
        check_url(url, POLICY)
    assert (caught.value.status, caught.value.reason) == (status, reason)


def test_legacy_ip_rewritten_to_canonical_form() -> None:
    allow = AddressPolicy.from_cidrs(["127.0.0.1/32"])
    assert str(check_url("http://0x7f000001:8080/a.png?x=1", allow)) == (
        "http://127.0.0.1:8080/a.png?x=1")


def test_ordinary_url_kept() -> None:
    url = check_url("https://zkres1.myzaker.com/202209/x_1024.jpg", POLICY)
    assert url.host == "zkres1.myzaker.com" and url.path == "/202209/x_1024.jpg"


def test_signed_form() -> None:
    path = "/" + SIGNER.sign("http://example.org/a b.png")
    url = target_url(path, b"", signer=SIGNER, allow_hosts=(), policy=POLICY)
    assert url.host == "example.org"


@pytest.mark.parametrize(("path", "query", "status"), [
    ("/a/b/c", b"", 403), ("/", b"", 403), ("/x/y", b"", 403), ("/onlyone", b"", 403),
    ("/x//", b"", 403),
    ("/", b"http://example.org/a.png", 403),  # prefix form, host not allowed
    ("/", b"\xff", 400),
])
def test_unusable_paths(path: str, query: bytes, status: int) -> None:
    with pytest.raises(Refusal) as caught:
        target_url(path, query, signer=SIGNER, allow_hosts=("*.myzaker.com",), policy=POLICY)
    assert caught.value.status == status


def test_prefix_form_with_encoded_url() -> None:
    url = target_url("/", b"http%3A%2F%2Fzkres1.myzaker.com%2Fa.jpg", signer=None,
                     allow_hosts=("*.myzaker.com",), policy=POLICY)
    assert str(url) == "http://zkres1.myzaker.com/a.jpg"
