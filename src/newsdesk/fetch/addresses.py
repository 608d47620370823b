"""Which IP addresses a feed fetch may connect to.

Two separate ideas live here:

* an *address policy* ``(ip) -> bool`` says whether an address may be used at all. The
  default allows everything: users legitimately read feeds from a LAN RSSHub.
* a *private-address classifier* ``(ip) -> bool`` feeds one fixed rule: once a redirect
  chain has reached a public address, it may not continue to a private one. That stops a
  public feed from bouncing the fetcher into the user's network (SSRF).

Both are applied to the address actually connected to by ``newsdesk.netguard`` (the
guard shared with full text and the image proxy), which closes the DNS-rebinding hole
that a hostname check leaves open.
"""

from __future__ import annotations

from collections.abc import Callable

from newsdesk.netaddr import IPAddress, is_private_address
from newsdesk.netguard import AddressGuard, AddressRefused, AddressRule, guarding

__all__ = [
    "AddressGuard",
    "AddressPolicy",
    "AddressRefused",
    "IPAddress",
    "allow_any_address",
    "guarding",
    "is_private_address",
    "policy_rule",
]

AddressPolicy = Callable[[IPAddress], bool]


def allow_any_address(ip: IPAddress) -> bool:
    """The default address policy: feeds may live anywhere, the LAN included."""
    return True


def policy_rule(policy: AddressPolicy) -> AddressRule:
    """The policy as the guard's rule (a refusal reason, or None)."""

    def rule(ip: IPAddress) -> str | None:
        return None if policy(ip) else "address policy"

    return rule
