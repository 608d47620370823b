"""Why a request is not served: one exception carrying the HTTP status and a short reason.

The ``reason`` is a fixed token (``"address"``, ``"bad-signature"``…) used as the metrics
label; ``detail`` is the human sentence put in the response body.
"""

from __future__ import annotations

__all__ = ["Refusal"]


class Refusal(Exception):
    def __init__(self, status: int, reason: str, detail: str = "") -> None:
        super().__init__(f"{status} {reason}: {detail}" if detail else f"{status} {reason}")
        self.status = status
        self.reason = reason
        self.detail = detail or reason
