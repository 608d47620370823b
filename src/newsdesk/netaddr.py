"""What counts as a public address, and which address a URL host spells.

One classifier for everything newsdesk fetches (feeds, full-text pages, proxied images);
``netguard`` applies it to the address actually connected to. The callers differ only in
when a private address is refused (the proxy always, full text unless the source opts in,
feeds after a public hop), not in what "private" means. ``ip_from_host`` also reads the
legacy IPv4 spellings (``2130706433``, ``0x7f000001``, ``0177.0.0.1``, ``127.1``) that
browsers and libc accept, so no such spelling slips past as a "name".
"""

from __future__ import annotations

import ipaddress
import re

__all__ = [
    "IPAddress",
    "embedded_ipv4",
    "ip_from_host",
    "is_private_address",
    "why_not_public",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Ranges `is_global` misses or gets wrong on some Python versions; listed to be explicit.
_REFUSED_V4 = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.88.99.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",
    )
)
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_V4_COMPAT = ipaddress.ip_network("::/96")


def why_not_public(ip: IPAddress) -> str | None:
    """Why ``ip`` is not public (``"loopback"``, ``"cgnat"``…), or None when it is."""
    if isinstance(ip, ipaddress.IPv6Address) and not (ip.is_loopback or ip.is_unspecified):
        embedded = embedded_ipv4(ip)
        if embedded is not None:
            # ::ffff:127.0.0.1 and friends reach the IPv4 host: judge that host.
            return why_not_public(embedded)
    for name in ("unspecified", "loopback", "link_local", "multicast", "reserved", "private"):
        if getattr(ip, f"is_{name}"):
            return name.replace("_", "-")
    if isinstance(ip, ipaddress.IPv4Address):
        if ip in _CGNAT:
            return "cgnat"
        if any(ip in net for net in _REFUSED_V4):
            return "reserved"
    if isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local:
        return "site-local"
    return None if ip.is_global else "non-global"


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 host an IPv6 address tunnels to (mapped, 6to4, Teredo, NAT64, compat)."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]  # the client address; the server one is public by design
    if ip in _V4_COMPAT or any(ip in net for net in _NAT64):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_private_address(ip: IPAddress) -> bool:
    """True for anything that is not a globally routable unicast address."""
    return why_not_public(ip) is not None


def ip_from_host(host: str) -> IPAddress | None:
    """The address a URL host denotes when it is an IP in any spelling, else None."""
    host = host.strip("[]").rstrip(".")
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return _legacy_ipv4(host)


def _legacy_ipv4(host: str) -> ipaddress.IPv4Address | None:
    # inet_aton() rules, as browsers and libc apply them: 1-4 parts, each decimal, 0x-hex
    # or 0-octal; the last part fills the remaining bytes.
    parts = host.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    numbers = []
    for part in parts:
        value = _number(part)
        if value is None:
            return None
        numbers.append(value)
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(numbers)):
        return None
    value = last
    for i, n in enumerate(head):
        value += n << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


def _number(part: str) -> int | None:
    lowered = part.lower()
    if re.fullmatch(r"0x[0-9a-f]*", lowered):
        return int(lowered[2:] or "0", 16)
    if re.fullmatch(r"0[0-7]+", part):
        return int(part, 8)
    if re.fullmatch(r"[1-9][0-9]*|0", part):
        return int(part, 10)
    return None
