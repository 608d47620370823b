"""Fetch workers on several machines, sharing one PostgreSQL through Procrastinate.

The jobs live in the same database as the store, so there is no broker to run:

    newsdesk queue init     schema.py  creates/migrates Procrastinate's tables (and ours)
    newsdesk worker         worker.py  runs the jobs below until SIGTERM/SIGINT
    newsdesk enqueue        defer.py   defers every due feed now (``--all``: every feed)
    newsdesk status         status.py  queued / running / failed jobs per worker

The jobs (tasks.py, registered on the app by app.py):

    fetch_feed(feed_key)  one feed: fetch, parse, process, store (``pipeline.fetch_and_store_one``).
                          queueing lock ``feed:<key>`` (never queued twice); lock
                          ``host:<host>:<slot>`` with ``slot = hash(feed) % per_host``, so
                          one feed never runs twice at once and no host sees more than
                          ``per_host`` fetches from all workers together.
    publish_posts()       ``pipeline.publish`` (+ the site when ``site:`` is configured, then
                          ``watch.after_publish``); lock and queueing lock ``publish``: one
                          at a time, and a burst of stored articles queues one publish.
    schedule(timestamp)   periodic, every ``queue.tick``: defers the feeds that are due by
                          ``watch.due_feeds``, the decision ``watch`` takes too.
    recover(timestamp)    periodic: jobs of workers silent for ``queue.stalled_after``
                          go back to the queue; old failed jobs are deleted after a week.

Every worker runs the periodic deferrer; the database lets one job per tick through.
The pipeline and the stages never import this package.
"""

from __future__ import annotations

from newsdesk.queue.connection import is_postgres, needs_postgres

__all__ = ["is_postgres", "needs_postgres"]
