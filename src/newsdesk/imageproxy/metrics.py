"""Counters for ``/metrics``, rendered in the Prometheus text format."""

from __future__ import annotations

from collections import Counter

__all__ = ["Metrics"]

_HELP = {
    "imageproxy_requests_total": "Image requests by how they were answered.",
    "imageproxy_refusals_total": "Requests refused before or while fetching, by reason.",
    "imageproxy_upstream_requests_total": "Fetches sent upstream (one per coalesced miss).",
    "imageproxy_upstream_errors_total": "Upstream fetches that failed, by reason.",
    "imageproxy_bytes_served_total": "Image body bytes sent to clients.",
}


class Metrics:
    def __init__(self) -> None:
        # (name, ((label, value), ...)) -> count; labels are formatted only when rendered
        self.counts: Counter[tuple[str, tuple[tuple[str, str], ...]]] = Counter()
        self.gauges: dict[str, float] = {}

    def inc(self, name: str, amount: int = 1, **labels: str) -> None:
        self.counts[(name, tuple(labels.items()))] += amount

    def get(self, name: str, **labels: str) -> int:
        return self.counts[(name, tuple(labels.items()))]

    def render(self) -> str:
        lines: list[str] = []
        for name, help_text in _HELP.items():
            lines += [f"# HELP {name} {help_text}", f"# TYPE {name} counter"]
            rows = sorted((_labels(t), v) for (n, t), v in self.counts.items() if n == name)
            lines += [f"{name}{{{t}}} {v}" if t else f"{name} {v}" for t, v in rows]
            if not rows and name in (
                "imageproxy_bytes_served_total",
                "imageproxy_upstream_requests_total",
            ):
                lines.append(f"{name} 0")
        for name, value in sorted(self.gauges.items()):
            lines += [f"# TYPE {name} gauge", f"{name} {value:g}"]
        return "\n".join(lines) + "\n"


def _labels(pairs: tuple[tuple[str, str], ...]) -> str:
    return ",".join(f'{k}="{_escape(v)}"' for k, v in sorted(pairs))


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
