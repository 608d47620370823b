"""The private-address classifier, as a table."""

from __future__ import annotations

from ipaddress import ip_address

import pytest

from newsdesk.fetch import is_private_address

PRIVATE = [
    "127.0.0.1",
    "127.0.0.2",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.10",  # loopback, RFC 1918
    "169.254.169.254",  # link-local: cloud metadata
    "100.64.0.1",
    "100.127.255.254",  # CGNAT
    "0.0.0.0",
    "255.255.255.255",
    "224.0.0.1",
    "240.0.0.1",  # unspecified, broadcast, …
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd12:3456::1",
    "ff02::1",  # IPv6 specials, ULA
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",  # IPv4-mapped
    "64:ff9b::7f00:1",
    "2002:7f00:1::",
    "::7f00:1",  # NAT64, 6to4, IPv4-compatible
]
PUBLIC = [
    "8.8.8.8",
    "1.1.1.1",
    "100.128.0.1",
    "172.32.0.1",
    "2001:4860:4860::8888",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
    "2002:808:808::",
]


@pytest.mark.parametrize("text", PRIVATE)
def test_private(text: str) -> None:
    assert is_private_address(ip_address(text))


@pytest.mark.parametrize("text", PUBLIC)
def test_public(text: str) -> None:
    assert not is_private_address(ip_address(text))
