"""What counts as a public address: one classifier for the feed fetcher and the image proxy.

Both refuse private targets by the address actually connected to; they differ only in
when (the proxy always, the fetcher after a public hop), not in what "private" means.
"""

from __future__ import annotations

import ipaddress

__all__ = ["IPAddress", "embedded_ipv4", "is_private_address", "why_not_public"]

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
