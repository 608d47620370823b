"""Logging for the CLI: one line per event on stderr, context as key=value.

Text from the network in a message or its context is escaped (``report.safe_text``).
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

__all__ = ["REPORTED_IN_TABLE", "hide_reported_failures", "setup_logging"]

_STD_ATTRS = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}
_LOG_CHARS = 4000

# Per-feed failures that `run` and `fetch` show in their feed table (with the cause):
# logged as well only with -v, so that each failure is reported once.
REPORTED_IN_TABLE = frozenset({"feed fetch failed", "feed parse failed"})


class _EventFormatter(logging.Formatter):
    """One line per event: time, level, fixed message, then the context as key=value."""

    def format(self, record: logging.LogRecord) -> str:
        from newsdesk.cli.report import safe_text

        extras = {k: v for k, v in record.__dict__.items() if k not in _STD_ATTRS}
        ctx = " ".join(
            f"{k}={json.dumps(v, ensure_ascii=False, default=str)}" for k, v in extras.items()
        )
        when = datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        line = f"{when} {record.levelname.lower()} {record.name}: {record.getMessage()}"
        if ctx:
            line += " " + ctx
        line = safe_text(line, _LOG_CHARS)
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class _HideReported(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.msg not in REPORTED_IN_TABLE


def setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.DEBUG if verbose else (logging.ERROR if quiet else logging.WARNING)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_EventFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request at INFO; only worth seeing with -v.
    logging.getLogger("httpx").setLevel(logging.DEBUG if verbose > 1 else logging.WARNING)


def hide_reported_failures() -> None:
    """For commands that print the feed table: failures shown there are not logged too
    (unless -v asked for every event)."""
    root = logging.getLogger()
    if root.level > logging.DEBUG:
        for handler in root.handlers:
            handler.addFilter(_HideReported())
