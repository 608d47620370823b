"""Which IP addresses the proxy may connect to.

The policy is applied to the address actually connected to (``newsdesk.netguard``), never
to a hostname, so DNS rebinding and redirects cannot slip past it. ``ip_from_host`` reads
IP literals in every spelling, so such URLs are refused before any lookup, with a clear
reason.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field

from newsdesk.netaddr import IPAddress, ip_from_host, why_not_public

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
