"""The only package that chains the stages: fetch → parse → process → store → publish.

- ``ingest``: each feed fetched, parsed, processed and stored as soon as it arrives
  (``fetch_and_store``; ``fetch_and_store_one`` is a queue job's unit);
- ``items``: which items are unchanged, which id and date an article keeps, filters;
- ``full_text``: article pages for feeds that send summaries;
- ``publishing``: pending articles into each target's post files (``publish``);
- ``outcomes``: what a run reports; ``crash``: the crash-safety tests' seam.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from newsdesk.config import Config
from newsdesk.models import FeedSource

from .ingest import fetch_and_store, fetch_and_store_async, fetch_and_store_one, fetch_options
from .outcomes import FeedOutcome, ProgressHook, PublishSummary, RunReport
from .publishing import image_url_for, publish, remove_published, target_fingerprint

__all__ = [
    "FeedOutcome",
    "ProgressHook",
    "PublishSummary",
    "RunReport",
    "fetch_and_store",
    "fetch_and_store_async",
    "fetch_and_store_one",
    "fetch_options",
    "image_url_for",
    "publish",
    "remove_published",
    "run",
    "target_fingerprint",
]


def run(
    config: Config,
    store: Any,
    *,
    now: datetime | None = None,
    progress: ProgressHook | None = None,
    only: Sequence[FeedSource] | None = None,
) -> RunReport:
    """Fetch every feed, store new articles, then publish to each configured target."""
    outcomes = fetch_and_store(config, store, now=now, progress=progress, only=only)
    return RunReport(feeds=outcomes, published=publish(config, store))
