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


def test_upper_case_schemes_are_proxied() -> None:
    url = "HTTPS://ZKRES1.MYZAKER.COM/A.JPG"
    assert url_builder(make_config())(url) == sign_url(make_config(), url)
    assert url_builder(make_config(keys=()))(url) == "https://img.example.org/?" + url


@pytest.mark.parametrize("keys", [True, False])
def test_a_url_already_through_the_proxy_is_left_alone(keys: bool) -> None:
    config = make_config() if keys else make_config(keys=())
    image_url = url_builder(config)
    once = image_url(ZAKER)
    assert once != ZAKER and image_url(once) == once
    shouting = "HTTPS://IMG.EXAMPLE.ORG/" + once.removeprefix("https://img.example.org/")
    assert image_url(shouting) == shouting


@pytest.mark.parametrize("url", ["https:javascript:alert(1)", "http:foo", "intent://x"])
def test_urls_without_a_web_host_are_left_alone(url: str) -> None:
    assert url_builder(make_config())(url) == url
