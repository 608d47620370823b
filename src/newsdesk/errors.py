"""The exception tree.

    NewsdeskError            anything newsdesk raises on purpose
    ├── ConfigError          bad config file: names the key and line (exit 2)
    ├── ParseError           a feed body that cannot be read as any feed format
    ├── StoreError           the database cannot be opened, migrated or locked
    │   └── LockedError      another ``newsdesk run`` holds the lock
    └── PublishError         an output folder cannot be written

Per-feed fetch failures are not exceptions: they are ``FetchResult.error`` values,
so that one broken feed never stops the run.
"""

from __future__ import annotations


class NewsdeskError(Exception):
    """Base of every error newsdesk raises on purpose."""


class ConfigError(NewsdeskError):
    """The configuration is invalid. The message names the key and, when known, the line."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        self.path = path
        self.line = line
        where = ""
        if path:
            where = f"{path}:{line}: " if line else f"{path}: "
        super().__init__(f"{where}{message}")


class ParseError(NewsdeskError):
    """A feed body could not be read as RSS, Atom or JSON Feed."""


class StoreError(NewsdeskError):
    """The store cannot be opened, migrated or written."""


class LockedError(StoreError):
    """Another newsdesk process holds the run lock."""


class PublishError(NewsdeskError):
    """Posts or site pages could not be written."""
