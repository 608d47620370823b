"""Which IP addresses the proxy may connect to.

The policy is applied to the address actually connected to (see ``network.py``), never to a
hostname, so DNS rebinding and redirects cannot slip past it. ``ip_from_host`` also reads the
legacy IPv4 spellings (``2130706433``, ``0x7f000001``, ``0177.0.0.1``, ``127.1``) so such
URLs are refused before any lookup, with a clear reason.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from newsdesk.netaddr import IPAddress, why_not_public

__all__ = ["AddressPolicy", "IPAddress", "ip_from_host"]


@dataclass(frozen=True)
class AddressPolicy:
    """Refuses every non-public address unless it falls in ``allow`` (exact family match)."""

    allow: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = field(default=())

    @classmethod
    def from_cidrs(cls, cidrs: Iterable[str]) -> AddressPolicy:
        return cls(tuple(ipaddress.ip_network(c, strict=False) for c in cidrs))

    def refusal(self, ip: IPAddress) -> str | None:
        """Why ``ip`` is refused (``"loopback"``, ``"private"``…), or None when allowed."""
        if any(ip in net for net in self.allow if net.version == ip.version):
            return None
        return why_not_public(ip)


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
