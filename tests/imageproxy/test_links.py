from __future__ import annotations

import pytest

from newsdesk.imageproxy.links import sign_url, url_builder
from newsdesk.imageproxy.signing import Signer
from tests.imageproxy.helpers import KEY, make_config

ZAKER = "http://zkres1.myzaker.com/202209/x_1024.jpg"


def test_prefix_form_without_keys() -> None:
    image_url = url_builder(make_config(keys=(), public_url="https://cors.zfour.workers.dev/"))
    assert image_url(ZAKER) == "https://cors.zfour.workers.dev/?" + ZAKER


def test_signed_form_with_keys() -> None:
    image_url = url_builder(make_config())
    proxied = image_url(ZAKER)
    assert proxied.startswith("https://img.example.org/")
    signature, encoded = proxied.removeprefix("https://img.example.org/").split("/")
    assert Signer([KEY]).verify(signature, encoded) == ZAKER
    assert proxied == sign_url(make_config(), ZAKER)


@pytest.mark.parametrize("url", ["data:image/png;base64,AAAA", "/relative.png", ""])
def test_non_http_urls_left_alone(url: str) -> None:
    assert url_builder(make_config())(url) == url
    assert url_builder(make_config(keys=()))(url) == url


def test_sign_url_needs_a_key() -> None:
    with pytest.raises(ValueError):
        sign_url(make_config(keys=()), ZAKER)
