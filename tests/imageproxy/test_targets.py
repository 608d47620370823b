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


@pytest.mark.parametrize(
    ("url", "status", "reason"),
    [
        ("http://0177.0.0.1/a.png", 403, "address"),
        ("http://2130706433/a.png", 403, "address"),
        ("http://[::ffff:10.0.0.1]/a.png", 403, "address"),
        ("http://user:pw@example.org/a.png", 403, "credentials"),
        ("http://a\\@example.org/a.png", 403, "credentials"),
        ("javascript:alert(1)", 403, "scheme"),
        ("file:///etc/passwd", 403, "scheme"),
        ("http:///a.png", 400, "bad-url"),
        ("http://example.org:99999/a.png", 400, "bad-url"),
    ],
)
def test_check_url_refuses(url: str, status: int, reason: str) -> None:
    with pytest.raises(Refusal) as caught:
        check_url(url, POLICY)
    assert (caught.value.status, caught.value.reason) == (status, reason)


def test_legacy_ip_rewritten_to_canonical_form() -> None:
    allow = AddressPolicy.from_cidrs(["127.0.0.1/32"])
    assert str(check_url("http://0x7f000001:8080/a.png?x=1", allow)) == (
        "http://127.0.0.1:8080/a.png?x=1"
    )


def test_ordinary_url_kept() -> None:
    url = check_url("https://zkres1.myzaker.com/202209/x_1024.jpg", POLICY)
    assert url.host == "zkres1.myzaker.com" and url.path == "/202209/x_1024.jpg"


def test_signed_form() -> None:
    path = "/" + SIGNER.sign("http://example.org/a b.png")
    url = target_url(path, b"", signer=SIGNER, allow_hosts=(), policy=POLICY)
    assert url.host == "example.org"


@pytest.mark.parametrize(
    ("path", "query", "status"),
    [
        ("/a/b/c", b"", 403),
        ("/", b"", 403),
        ("/x/y", b"", 403),
        ("/onlyone", b"", 403),
        ("/x//", b"", 403),
        ("/", b"http://example.org/a.png", 403),  # prefix form, host not allowed
        ("/", b"\xff", 400),
    ],
)
def test_unusable_paths(path: str, query: bytes, status: int) -> None:
    with pytest.raises(Refusal) as caught:
        target_url(path, query, signer=SIGNER, allow_hosts=("*.myzaker.com",), policy=POLICY)
    assert caught.value.status == status


def test_prefix_form_with_encoded_url() -> None:
    url = target_url(
        "/",
        b"http%3A%2F%2Fzkres1.myzaker.com%2Fa.jpg",
        signer=None,
        allow_hosts=("*.myzaker.com",),
        policy=POLICY,
    )
    assert str(url) == "http://zkres1.myzaker.com/a.jpg"


@pytest.mark.parametrize(
    "url",
    [
        "http://xn--/a.png",  # IDNA refuses it only when httpx decodes the host
        "http://evil.com\\.allowed.com/a.png",  # a backslash: browsers read it as a slash
        "http://127\u30020\u30020\u30021/a.png",  # ideographic full stops, IDNA-mapped to dots
        "http://127\uff0e0\uff0e0\uff0e1/a.png",  # fullwidth full stops
        "http://a b.example/a.png",
        "http://127%2e0.0.1/a.png",
    ],
)
def test_check_url_refuses_hosts_outside_ldh_or_idna(url: str) -> None:
    with pytest.raises(Refusal) as caught:
        check_url(url, POLICY)
    assert (caught.value.status, caught.value.reason) == (400, "bad-url")


@pytest.mark.parametrize(
    "url",
    [
        "http://b\u00fccher.example/a.png",  # a real IDN
        "http://xn--bcher-kva.example/a.png",  # the same, already punycoded
        "http://cdn_1.example.org/a.png",  # underscores are not LDH but exist in the wild
        "http://EXAMPLE.org./a.png",
    ],
)
def test_check_url_keeps_ordinary_names(url: str) -> None:
    assert check_url(url, POLICY).scheme == "http"


def test_prefix_form_backslash_host_not_matched_to_allow_hosts() -> None:
    with pytest.raises(Refusal) as caught:
        target_url(
            "/",
            b"http://evil.com\\.allowed.com/a.png",
            signer=None,
            allow_hosts=("*.allowed.com",),
            policy=POLICY,
        )
    assert caught.value.status == 400


def test_idn_with_combining_marks_kept() -> None:
    name = "\u0939\u093f\u0928\u094d\u0926\u0940.example"  # vowel signs and virama
    url = check_url(f"http://{name}/a.png", POLICY)
    assert url.host == name
    # Punycode of all six code points; dropping the marks would give xn--j2bd4c.
    assert url.raw_host == b"xn--j2bd4cyah0f.example"
