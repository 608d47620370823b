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
    # A "/" put in makes three segments; no way of cutting it into signature and URL verifies.
    cuts = [i for i, c in enumerate(tampered) if c == "/"]
    assert len(cuts) == (2 if replacement == "/" else 1)
    for cut in cuts:
        assert SIGNER.verify(tampered[:cut], tampered[cut + 1 :]) is None, (tampered, cut)


@given(urls, urls)
def test_signature_of_another_url_fails(url: str, other: str) -> None:
    signature = SIGNER.sign(other).split("/")[0]
    encoded = SIGNER.sign(url).split("/")[1]
    assert (SIGNER.verify(signature, encoded) is None) == (url != other)
