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

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from newsdesk.netaddr import IPAddress, is_private_address

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

AddressPolicy = Callable[[IPAddress], bool]


class AddressRefused(Exception):
    """The guard refused an address; the message is the per-feed error text."""


def allow_any_address(ip: IPAddress) -> bool:
    """The default address policy: feeds may live anywhere, the LAN included."""
    return True


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
