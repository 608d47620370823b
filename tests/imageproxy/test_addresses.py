from __future__ import annotations

import ipaddress

import pytest

from newsdesk.imageproxy.addresses import AddressPolicy, ip_from_host

DEFAULT = AddressPolicy()


@pytest.mark.parametrize(
    ("host", "ip"),
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0X7F000001", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("0", "0.0.0.0"),
        ("[::1]", "::1"),
        ("::ffff:127.0.0.1", "::ffff:7f00:1"),
        ("127.0.0.1.", "127.0.0.1"),
        ("8.8.8.8", "8.8.8.8"),
    ],
)
def test_ip_spellings_read(host: str, ip: str) -> None:
    assert ip_from_host(host) == ipaddress.ip_address(ip)


@pytest.mark.parametrize(
    "host",
    [
        "example.com",
        "1.2.3.4.5",
        "08.0.0.1",
        "256.1.1.1",
        "0x1_0.0.0.1",
        "1.2.3.256",
        "",
        "127.0.0.1 x",
        "4294967296",
    ],
)
def test_non_ip_hosts(host: str) -> None:
    assert ip_from_host(host) is None


@pytest.mark.parametrize(
    ("ip", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.0.0.1", "private"),
        ("172.31.255.255", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("100.64.0.1", "cgnat"),
        ("100.127.255.254", "cgnat"),
        ("224.0.0.251", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("255.255.255.255", "reserved"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:10.0.0.1", "private"),
        ("::127.0.0.1", "loopback"),
        ("2002:7f00:1::", "loopback"),
        ("64:ff9b::7f00:1", "loopback"),
        ("64:ff9b:1::a00:1", "private"),
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", "loopback"),
        ("192.0.2.1", "private"),
        ("198.18.0.1", "private"),
    ],
)
def test_refused_addresses(ip: str, reason: str) -> None:
    assert DEFAULT.refusal(ipaddress.ip_address(ip)) == reason


@pytest.mark.parametrize(
    "ip",
    [
        "8.8.8.8",
        "1.1.1.1",
        "2606:4700:4700::1111",
        "::ffff:8.8.8.8",
        "2002:808:808::",
        "64:ff9b::808:808",
    ],
)
def test_public_addresses_allowed(ip: str) -> None:
    assert DEFAULT.refusal(ipaddress.ip_address(ip)) is None


def test_allow_networks_exempt_exactly() -> None:
    policy = AddressPolicy.from_cidrs(["127.0.0.1/32"])
    assert policy.refusal(ipaddress.ip_address("127.0.0.1")) is None
    assert policy.refusal(ipaddress.ip_address("127.0.0.2")) == "loopback"
    # the exemption is for the IPv4 address, not every spelling that reaches it
    assert policy.refusal(ipaddress.ip_address("::ffff:127.0.0.1")) == "loopback"
