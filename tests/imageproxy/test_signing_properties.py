"""Hypothesis properties of signing: round trip, and any one-character change fails."""

from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st

from newsdesk.imageproxy.signing import Signer

SIGNER = Signer([b"property-key-0123456789", b"older-key-0123456789"])
urls = st.text(min_size=1, max_size=300).map(lambda s: "http://img.example/" + s)
B64URL = string.ascii_letters + string.digits + "-_"


@given(urls)
def test_sign_then_verify_round_trips(url: str) -> None:
    signature, encoded = SIGNER.sign(url).split("/")
    assert SIGNER.verify(signature, encoded) == url


@given(urls, st.data())
def test_any_single_character_tamper_fails(url: str, data: st.DataObject) -> None:
    path = SIGNER.sign(url)
    index = data.draw(st.integers(0, len(path) - 1).filter(lambda i: path[i] != "/"))
    replacement = data.draw(st.sampled_from(B64URL + "=+/.%").filter(lambda c: c != path[index]))
    tampered = path[:index] + replacement + path[index + 1 :]
    parts = tampered.split("/")
    assert len(parts) != 2 or SIGNER.verify(*parts) is None


@given(urls, urls)
def test_signature_of_another_url_fails(url: str, other: str) -> None:
    signature = SIGNER.sign(other).split("/")[0]
    encoded = SIGNER.sign(url).split("/")[1]
    assert (SIGNER.verify(signature, encoded) is None) == (url != other)
