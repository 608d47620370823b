"""Fetch settings: one frozen value passed in by the caller, never a global."""

from __future__ import annotations

from dataclasses import dataclass

from newsdesk import __version__
from newsdesk.fetch.addresses import AddressPolicy, allow_any_address, is_private_address

__all__ = ["DEFAULT_USER_AGENT", "MIB", "FetchOptions"]

MIB = 1024 * 1024
DEFAULT_USER_AGENT = f"newsdesk/{__version__} (+https://github.com/newsdesk)"


@dataclass(frozen=True)
class FetchOptions:
    """How feeds are fetched. Times are seconds; ``max_bytes`` counts decoded bytes."""

    concurrency: int = 16  # requests in flight at once, all hosts together
    per_host: int = 2  # requests in flight to one host
    connect_timeout: float = 10
    read_timeout: float = 20  # longest silence while waiting for bytes
    total_timeout: float = 60  # hard deadline per attempt: cuts slow trickles too
    max_bytes: int = 10 * MIB
    retries: int = 3  # extra attempts after the first, on timeouts, connection errors, 5xx
    backoff_base: float = 0.5  # first retry waits about this long, then doubles
    max_retry_after: float = 120  # a longer Retry-After fails the feed instead of waiting
    # One feed's whole budget, retries and their waits included, counted from its first
    # request (not from the queue): no retry starts that would end past it.
    feed_deadline: float = 180
    max_redirects: int = 5
    user_agent: str = DEFAULT_USER_AGENT
    address_policy: AddressPolicy = allow_any_address  # may this address be used at all?
    is_private: AddressPolicy = is_private_address  # for "no public -> private redirect"
    # Refuse private addresses from the first hop on: for URLs a remote party chose (the
    # article links of a feed), which must not reach into the user's network.
    public_only: bool = False

    def __post_init__(self) -> None:
        # Bad settings are a config bug: fail loudly here, not as a thousand feed errors.
        for name in ("concurrency", "per_host", "max_bytes"):
            if getattr(self, name) < 1:
                raise ValueError(f"FetchOptions.{name} must be at least 1")
        for name in ("connect_timeout", "read_timeout", "total_timeout", "feed_deadline"):
            if getattr(self, name) <= 0:
                raise ValueError(f"FetchOptions.{name} must be positive")
        for name in ("retries", "backoff_base", "max_retry_after", "max_redirects"):
            if getattr(self, name) < 0:
                raise ValueError(f"FetchOptions.{name} must not be negative")
