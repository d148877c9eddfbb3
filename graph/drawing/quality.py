"""How readable a drawing is, measured on its geometry: edge crossings, false joins (two
unrelated lines on one track), lines drawn downward.

Every figure is counted on polylines, so the same functions measure our own routed drawing
and a peer's (Graphviz ``dot`` in ``bench/layout_peer.py``) on the same boxes and edges:

- a *crossing* is a pair of segments of two different edges that properly intersect
  (orientation test, strict: touching or overlapping does not count);
- a *false join* is a pair of collinear axis-parallel segments of two edges that share no end
  box, less than ``JOIN_GAP`` apart and overlapping by more than ``JOIN_OVERLAP``: a reader
  cannot tell them apart, so they read as one connector;
- a line is *downward* when its last point is more than 1 unit below its first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Point = tuple[float, float]
Segment = tuple[Point, Point]

JOIN_GAP = 1.0  # closer than this (pt or px), two parallel lines look like one
JOIN_OVERLAP = 2.0
_EPS = 1e-9


@dataclass(frozen=True)
class Line:
    """An edge as drawn: its id, its two end boxes and its polyline."""

    id: str
    source: str
    target: str
    points: tuple[Point, ...]

    @property
    def segments(self) -> list[Segment]:
        return list(zip(self.points, self.points[1:], strict=False))


def lines_of(drawing_json: dict) -> list[Line]:
    """The lines of a drawing as ``Drawing.json()`` (or the snapshot JSON's ``drawing``) has it."""
    return [Line(e["id"], e["from"], e["to"], tuple(tuple(p) for p in e["points"]))
            for e in drawing_json["edges"]]


def _orientation(a: Point, b: Point, c: Point) -> float:
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def _proper(s: Segment, t: Segment) -> bool:
    (a, b), (c, d) = s, t
    o1, o2 = _orientation(a, b, c), _orientation(a, b, d)
    o3, o4 = _orientation(c, d, a), _orientation(c, d, b)
    return ((o1 > _EPS and o2 < -_EPS) or (o1 < -_EPS and o2 > _EPS)) and \
        ((o3 > _EPS and o4 < -_EPS) or (o3 < -_EPS and o4 > _EPS))


def _box(segment: Segment) -> tuple[float, float, float, float]:
    (x1, y1), (x2, y2) = segment
    return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)


def crossings(lines: Sequence[Line]) -> int:
    """Pairs of segments of two different lines that properly cross."""
    boxed = [[(s, _box(s)) for s in line.segments] for line in lines]
    count = 0
    for i in range(len(lines)):
        for j in range(i + 1, len(lines)):
            for s, sb in boxed[i]:
                for t, tb in boxed[j]:
                    if sb[0] <= tb[2] and tb[0] <= sb[2] and sb[1] <= tb[3] and tb[1] <= sb[3] \
                            and _proper(s, t):
                        count += 1
    return count


def false_joins(lines: Sequence[Line], gap: float = JOIN_GAP,
                overlap: float = JOIN_OVERLAP) -> list[tuple[str, str]]:
    """Pairs of lines (ids) with no end box in common that share a track somewhere."""
    found: list[tuple[str, str]] = []
    runs = [(line, [s for s in line.segments if _axis(s)]) for line in lines]
    for i, (a, a_runs) in enumerate(runs):
        for b, b_runs in runs[i + 1:]:
            if {a.source, a.target} & {b.source, b.target}:
                continue
            if any(_on_one_track(s, t, gap, overlap) for s in a_runs for t in b_runs):
                found.append((a.id, b.id))
    return found


def shared_segments(a: Line, b: Line, gap: float = JOIN_GAP,
                    overlap: float = JOIN_OVERLAP) -> list[int]:
    """The indexes of ``b``'s segments that run on one track with a segment of ``a``."""
    a_runs = [s for s in a.segments if _axis(s)]
    return [i for i, t in enumerate(b.segments)
            if _axis(t) and any(_on_one_track(s, t, gap, overlap) for s in a_runs)]


def _axis(segment: Segment) -> str | None:
    (x1, y1), (x2, y2) = segment
    if abs(x1 - x2) < _EPS and abs(y1 - y2) > _EPS:
        return "v"
    if abs(y1 - y2) < _EPS and abs(x1 - x2) > _EPS:
        return "h"
    return None


def _on_one_track(s: Segment, t: Segment, gap: float, overlap: float) -> bool:
    axis = _axis(s)
    if axis != _axis(t):
        return False
    along, across = (1, 0) if axis == "v" else (0, 1)
    if abs(s[0][across] - t[0][across]) >= gap:
        return False
    low = max(min(s[0][along], s[1][along]), min(t[0][along], t[1][along]))
    high = min(max(s[0][along], s[1][along]), max(t[0][along], t[1][along]))
    return high - low > overlap


def downward(lines: Iterable[Line]) -> tuple[int, int]:
    """(lines drawn downward, lines) among ``lines``."""
    counted = [line.points[-1][1] > line.points[0][1] + 1 for line in lines]
    return sum(counted), len(counted)
