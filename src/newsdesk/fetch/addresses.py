"""Which IP addresses a fetch may connect to.

Two separate ideas live here:

* an *address policy* ``(ip) -> bool`` says whether an address may be used at all. The
  default allows everything: users legitimately read feeds from a LAN RSSHub.
* a *private-address classifier* ``(ip) -> bool`` feeds one fixed rule: once a redirect
  chain has reached a public address, it may not continue to a private one. That stops a
  public feed from bouncing the fetcher into the user's network (SSRF).

Both are applied by the transport to the address actually connected to (see
``transport.py``), which closes the DNS-rebinding hole that a hostname check leaves open.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

__all__ = [
    "AddressGuard",
    "AddressPolicy",
    "AddressRefused",
    "IPAddress",
    "allow_any_address",
    "current_guard",
    "guarding",
    "is_private_address",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
AddressPolicy = Callable[[IPAddress], bool]

# NAT64's well-known prefix carries an IPv4 address in its last 32 bits.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class AddressRefused(Exception):
    """The guard refused an address; the message is the per-feed error text."""


def allow_any_address(ip: IPAddress) -> bool:
    """The default address policy: feeds may live anywhere, the LAN included."""
    return True


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address tunnels to, if any (mapped, 6to4, NAT64, compat)."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64 or (int(ip) >> 32 == 0 and int(ip) > 1):
        # ``::a.b.c.d`` (deprecated IPv4-compatible) and NAT64 both reach a.b.c.d.
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_private_address(ip: IPAddress) -> bool:
    """True for anything that is not a globally routable unicast address.

    Covers loopback, RFC 1918, link-local, CGNAT (100.64/10), ULA (fc00::/7), multicast,
    unspecified and reserved ranges, and IPv6 forms that tunnel to such an IPv4 address.
    """
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            return is_private_address(embedded)
    return not ip.is_global or ip.is_multicast


@dataclass
class AddressGuard:
    """Checks the addresses one request hop uses, and remembers the one it used.

    ``refuse_private`` is set when an earlier hop of the redirect chain reached a public
    address: from then on, a private address is refused.
    """

    is_private: AddressPolicy = is_private_address
    refuse_private: bool = False
    used: IPAddress | None = None

    def check(self, ip: IPAddress) -> None:
        if self.refuse_private and self.is_private(ip):
            raise AddressRefused(f"redirect to private address {ip} refused")
        self.used = ip


# The transport is shared by every feed, so the hop being fetched reaches it through a
# context variable: httpcore opens connections and writes requests in the calling task.
_current: ContextVar[AddressGuard | None] = ContextVar("newsdesk_fetch_guard", default=None)


def current_guard() -> AddressGuard | None:
    return _current.get()


@contextmanager
def guarding(guard: AddressGuard) -> Iterator[AddressGuard]:
    token = _current.set(guard)
    try:
        yield guard
    finally:
        _current.reset(token)
