"""The console's limits on a query, known without importing a store (for ``--help``).

Each limit is a setting (``python -m graph query --timeout/--memory/--limit``, the page's console
settings) with bounds: a value that is not a finite number inside them is one line saying so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from loaders.query.result import QueryError

DEFAULT_TIMEOUT_S = 10.0
DEFAULT_ROW_CAP = 5000
DEFAULT_MEMORY_MB = 512
# (lowest, highest) of each setting: below, nothing useful runs; above, a query could hold the
# host for an hour or take memory the machine does not have to spare.
TIMEOUT_BOUNDS = (0.1, 3600.0)
MEMORY_BOUNDS = (64, 16384)
ROW_CAP_BOUNDS = (1, 1_000_000)


@dataclass(frozen=True)
class Limits:
    """How long a query may run (seconds), how much memory it may take on top of what the
    worker running it holds already (MB), and how many rows come back."""

    timeout_s: float = DEFAULT_TIMEOUT_S
    memory_mb: int = DEFAULT_MEMORY_MB
    row_cap: int = DEFAULT_ROW_CAP

    def __post_init__(self) -> None:
        check_number(self.timeout_s, "the time limit", "seconds", TIMEOUT_BOUNDS)
        check_number(self.memory_mb, "the memory limit", "MB", MEMORY_BOUNDS)
        check_number(self.row_cap, "the row cap", "rows", ROW_CAP_BOUNDS)


def check_number(value: object, what: str, unit: str, bounds: tuple[float, float]) -> None:
    """``QueryError`` (one line) unless ``value`` is a finite number within ``bounds``."""
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not math.isfinite(value) or not low <= value <= high:
        raise QueryError(f"{what} must be a number of {unit} from {_shown(low)} to "
                         f"{_shown(high)}, not {value!r}")


def _shown(bound: float) -> str:
    return f"{int(bound):,}" if bound == int(bound) else f"{bound:g}"


def _number(text: str, option: str, unit: str, bounds: tuple[float, float],
            whole: bool) -> float:
    """A setting typed as text: plain ASCII decimal only (no 'inf', 'nan', '1e30', '١٠')."""
    low, high = bounds
    cleaned = text.strip()
    plain = cleaned.isascii() and len(cleaned) <= 12 and cleaned.replace(".", "", 1).isdigit()
    if whole and "." in cleaned:
        plain = False
    value = float(cleaned) if plain else math.nan
    if not low <= value <= high:  # also false for nan
        kind = "a whole number" if whole else "a number"
        raise QueryError(f"{option} '{text}' is not {kind} of {unit} from {_shown(low)} to "
                         f"{_shown(high)}")
    return value


def time_limit(text: str, option: str = "--timeout") -> float:
    """Seconds, from ``--timeout`` or a setting typed as text."""
    return _number(text, option, "seconds", TIMEOUT_BOUNDS, whole=False)


def memory_limit(text: str, option: str = "--memory") -> int:
    """Megabytes, from ``--memory`` or a setting typed as text."""
    return int(_number(text, option, "MB", MEMORY_BOUNDS, whole=True))


def row_cap(text: str, option: str = "--limit") -> int:
    """Rows, from ``--limit`` or a setting typed as text."""
    return int(_number(text, option, "rows", ROW_CAP_BOUNDS, whole=True))
