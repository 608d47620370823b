"""The fetch stage: feeds in, ``FetchResult`` values out.

    client = make_client(options)
    results = await fetch_all(client, sources, states, options, on_result=store_one)

Modules:

    options.py    FetchOptions (frozen; passed in, never global)
    transport.py  make_client: httpx over newsdesk.netguard's guarded transport
    addresses.py  address policy and private-address classifier (applied by netguard)
    fetcher.py    fetch_one: attempts, retries, redirects, conditional GET
    scheduler.py  fetch_all: concurrency overall and per host (slots.py)
    decode.py     body reading within the size cap, gzip/deflate/br undone piece by piece
    retry.py      Retry-After parsing, backoff with jitter
    failures.py   the one place exceptions become error text
"""

from __future__ import annotations

from newsdesk.fetch.addresses import (
    AddressPolicy,
    IPAddress,
    allow_any_address,
    is_private_address,
)
from newsdesk.fetch.fetcher import DISABLED_ERROR, fetch_one
from newsdesk.fetch.options import DEFAULT_USER_AGENT, FetchOptions
from newsdesk.fetch.scheduler import fetch_all
from newsdesk.fetch.transport import make_client

__all__ = [
    "DEFAULT_USER_AGENT",
    "DISABLED_ERROR",
    "AddressPolicy",
    "FetchOptions",
    "IPAddress",
    "allow_any_address",
    "fetch_all",
    "fetch_one",
    "is_private_address",
    "make_client",
]
