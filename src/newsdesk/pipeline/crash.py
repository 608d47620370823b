"""A test seam: die at a named point of a run, as a power cut would."""

from __future__ import annotations

import os
import signal

__all__ = ["checkpoint"]

_CRASH_AT = os.environ.get("NEWSDESK_CRASH_AT", "")  # test seam, e.g. "written:3"
_checkpoint_hits: dict[str, int] = {}


def checkpoint(name: str) -> None:
    """Die here (SIGKILL) when NEWSDESK_CRASH_AT names this point: the crash-safety tests."""
    if not _CRASH_AT:
        return
    _checkpoint_hits[name] = _checkpoint_hits.get(name, 0) + 1
    point, _, nth = _CRASH_AT.partition(":")
    if point == name and _checkpoint_hits[name] == int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
