"""The feed client: httpx over the connect-time address guard (``newsdesk.netguard``).

Redirects are not followed by httpx: ``fetcher.py`` follows them hop by hop, so that each
hop is counted and carries its own ``AddressGuard``.
"""

from __future__ import annotations

import ssl

import httpx

from newsdesk.fetch.addresses import policy_rule
from newsdesk.fetch.options import FetchOptions
from newsdesk.netguard import LookupFailed, Resolver, guarded_transport, system_resolver

__all__ = ["LookupFailed", "make_client"]

ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
# Exactly the encodings decode.py can undo within the size cap.
ACCEPT_ENCODING = "gzip, deflate, br"


def make_client(
    options: FetchOptions,
    *,
    verify: ssl.SSLContext | bool = True,
    transport: httpx.AsyncBaseTransport | None = None,
    resolver: Resolver = system_resolver,
) -> httpx.AsyncClient:
    """The client fetch_all expects: no automatic redirects, no env proxies, guarded dials.

    ``verify`` is httpx's: True (certifi, or ``SSL_CERT_FILE``) or an ``SSLContext``, e.g.
    one that trusts a self-hosted RSSHub's private CA. ``resolver`` replaces DNS (tests).
    ``transport`` replaces the network entirely (e.g. ``httpx.MockTransport`` in other
    stages' tests); the address checks are then not applied, as no address is dialled.
    """
    if transport is None:
        transport = guarded_transport(
            policy_rule(options.address_policy),
            resolver=resolver,
            ssl_context=httpx.create_ssl_context(verify=verify),
            max_connections=options.concurrency,
        )
    timeout = httpx.Timeout(
        connect=options.connect_timeout,
        read=options.read_timeout,
        write=options.read_timeout,
        pool=options.total_timeout,
    )
    return httpx.AsyncClient(
        transport=transport,
        follow_redirects=False,  # fetch follows them itself, to count and check each hop
        timeout=timeout,
        headers={
            "User-Agent": options.user_agent,
            "Accept": ACCEPT,
            "Accept-Encoding": ACCEPT_ENCODING,
        },
        trust_env=False,  # an env proxy would bypass the address checks
    )
