"""How the benchmark measures and reports: medians of wall time, rows beside a baseline measured
in the same run with their ratio, and the targets each row is held to."""

from __future__ import annotations

import contextlib
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

MB = 1024 ** 2
# measure (or its start) -> (limit, the size it applies to: a label's start); issue 17's
# targets at 10,000 organisations, with issue 10's and 14's that still hold
TARGETS: dict[str, tuple[float, str]] = {
    "validate": (1.0, "10,000"),
    "validate + embedded load, cold": (2.5, "10,000"),
    "warm start, CLI to first answer": (0.5, "10,000"),
    "at(date), new date": (0.005, "10,000"),
    "diff(a, b), new dates": (0.015, "10,000"),
    "diff in words (describe.changes), new dates": (0.05, "10,000"),  # issue 26
    "embedded load": (0.3, "bundled"),
    "slowest saved query": (0.1, "10,000"),
    "peak memory": (600 * MB, "10,000"),
    "slider move (page view)": (0.2, "10,000"),
    "routed view of 300 boxes, cold": (1.0, ""),
}
# measure -> the least ratio (baseline ÷ median) it must reach, at the same sizes
RATIO_TARGETS: dict[str, tuple[float, str]] = {"at(date) against Raphtory": (5.0, "10,000")}


@dataclass
class Row:
    size: str
    measure: str
    value: float  # seconds, or bytes for memory
    baseline: str = ""
    baseline_value: float | None = None
    unit: str = "s"

    def ratio(self) -> str:
        """Baseline ÷ median: above 1 the measured way is faster (or, for memory, smaller)."""
        if self.baseline_value is None or self.value <= 0:
            return ""
        ratio = self.baseline_value / self.value
        return f"ratio {ratio:,.1f}" if ratio >= 1 and self.unit == "s" else f"ratio {ratio:.2g}"

    def _is(self, name: str) -> bool:
        # "slowest saved query: merged-into-icb" and "... first answer (query)" are named ones
        return self.measure == name or self.measure.startswith((f"{name}:", f"{name} ("))

    def target(self) -> str:
        for name, (least, size) in RATIO_TARGETS.items():
            if self._is(name) and self.size.startswith(size):
                reached = self.baseline_value is not None and self.baseline_value >= least * self.value
                return f"ratio ≥ {least:g}: {'met' if reached else 'MISSED'}"
        for name, (limit, size) in TARGETS.items():
            if self._is(name) and self.size.startswith(size):
                met = "met" if self.value < limit else "MISSED"
                return f"< {amount(limit, self.unit)}: {met}"
        return ""

    def line(self) -> str:
        return (f"| {self.size} | {self.measure} | {amount(self.value, self.unit)} | "
                f"{self.baseline} | {amount(self.baseline_value, self.unit)} | {self.ratio()} | "
                f"{self.target()} |")


def amount(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if unit == "B":
        return f"{value / MB:,.0f} MB"
    if value >= 1:
        return f"{value:,.2f} s"
    if value >= 0.001:
        return f"{value * 1000:,.1f} ms"
    return f"{value * 1e6:,.1f} µs"


class Rows(list):
    """The rows of one size, printed as they are measured."""

    def __init__(self, size: str):
        super().__init__()
        self.size = size
        self.notes: list[str] = []

    def add(self, measure: str, value: float, baseline: str = "",
            baseline_value: float | None = None, unit: str = "s") -> Row:
        row = Row(self.size, measure, value, baseline, baseline_value, unit)
        self.append(row)
        print(f"  {measure}: {amount(value, unit)}"
              + (f" (baseline {baseline}: {amount(baseline_value, unit)}, {row.ratio()})"
                 if baseline_value is not None else ""), flush=True)
        return row

    def note(self, text: str) -> None:
        self.notes.append(f"{self.size}: {text}")
        print(f"  note: {text}", flush=True)


def median_time(work: Callable[[], object], repeat: int,
                before: Callable[[], object] | None = None) -> float:
    """The median wall time of ``work`` over ``repeat`` runs; ``before`` runs untimed first."""
    times = []
    for _ in range(repeat):
        if before:
            before()
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def per_call(work: Callable[[object], object], items: list, repeat: int,
             before: Callable[[], object] | None = None) -> float:
    """The median over ``repeat`` rounds of the mean time per item of ``work(item)``."""
    def round_() -> None:
        for item in items:
            work(item)
    return median_time(round_, repeat, before) / max(len(items), 1)


def peak_rss() -> int:
    """This process's peak resident memory in bytes.

    ``VmHWM`` is the peak of this process's own memory since ``exec``; ``ru_maxrss`` (used
    where /proc is missing) also counts the parent's peak, inherited across fork and exec
    on Linux, so a child started by a large benchmark process would report the parent's size.
    """
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
