"""Edges routed through the gaps of the grid, never through a box they do not connect.

Boxes sit in the cells of a grid (``graph.drawing.layout``); between the rows and the columns
run empty channels. An edge leaves its source through the top or bottom side, runs along the
horizontal channel next to it, if need be down or up a vertical channel and along a second
horizontal channel, and enters its target through the side facing it: at most five straight
segments, every one inside a channel or inside the cell of one of its own ends, so no route can
cross another box (the geometry tests check it at every date anyway).

Edges sharing a channel get their own lanes (interval colouring of their extents, as in VLSI
channel routing), and edges meeting a box side get their own ports, spread along the side in the
order of where they are heading, so three mergers into one box arrive as three arrows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

Point = tuple[float, float]
Rect = tuple[float, float, float, float]  # left, top, right, bottom


@dataclass(frozen=True)
class Cell:
    """A box in the grid: its row, column and rectangle."""

    row: int
    column: int
    left: float
    top: float
    right: float
    bottom: float


@dataclass(frozen=True)
class Channels:
    """The free strips of a grid. ``horizontal[j]`` is above row j (j = rows: below the last);
    ``vertical[k]`` is left of column k (k = columns: right of the last)."""

    horizontal: tuple[tuple[float, float], ...]  # (top, bottom)
    vertical: tuple[tuple[float, float], ...]  # (left, right)
    width: float


@dataclass(frozen=True)
class Link:
    id: str
    source: str
    target: str
    label_size: tuple[float, float] | None = None  # (width, height) of its label, if any


@dataclass(frozen=True)
class Route:
    points: tuple[Point, ...]
    label_at: Point | None = None


_MARGIN = 0.12  # of a channel's size kept free at each side


def route_all(cells: dict[str, Cell], links: list[Link], channels: Channels) -> dict[str, Route]:
    """A route for every link between two different cells (self-loops are not drawn)."""
    load: dict[int, list[tuple[float, float]]] = defaultdict(list)  # vertical runs so far
    plans = {link.id: _plan(link, cells, channels, load) for link in links
             if link.source != link.target and link.source in cells and link.target in cells}
    ports = _ports(plans, cells, channels)
    h_lanes = _lanes(plans, cells, channels, horizontal=True)
    v_lanes = _lanes(plans, cells, channels, horizontal=False)
    routes: dict[str, Route] = {}
    placed: list[Rect] = []
    for link in links:
        plan = plans.get(link.id)
        if plan is None:
            continue
        points = _points(plan, ports, h_lanes, v_lanes, cells)
        label_at = None
        if link.label_size is not None:
            label_at = _place_label(points, link.label_size, plan, channels, placed)
        routes[link.id] = Route(points, label_at)
    return routes


@dataclass(frozen=True)
class _Plan:
    id: str
    source: str
    target: str
    exit_side: str  # "top" | "bottom"
    entry_side: str
    first: int  # the horizontal channel next to the source
    last: int  # the horizontal channel next to the target (== first: no vertical run)
    vertical: int | None  # the vertical channel, when the route changes horizontal channel


def _plan(link: Link, cells: dict[str, Cell], channels: Channels,
          load: dict[int, list[tuple[float, float]]]) -> _Plan:
    a, b = cells[link.source], cells[link.target]
    if b.row > a.row:
        exit_side, entry_side, first, last = "bottom", "top", a.row + 1, b.row
    elif b.row < a.row:
        exit_side, entry_side, first, last = "top", "bottom", a.row, b.row + 1
    else:  # same row: along the channel below it
        exit_side, entry_side, first, last = "bottom", "bottom", a.row + 1, a.row + 1
    vertical = None
    if first != last:
        low, high = sorted((a.column, b.column))
        ax, bx = (a.left + a.right) / 2, (b.left + b.right) / 2
        top = min(channels.horizontal[first][0], channels.horizontal[last][0])
        bottom = max(channels.horizontal[first][1], channels.horizontal[last][1])
        pitch = (a.right - a.left) + (channels.vertical[0][1] - channels.vertical[0][0])

        def cost(k: int) -> tuple[float, int]:
            """Length, plus a third of a column for every run already alongside: a longer
            way round beats a bundle of lines that cannot be told apart."""
            x = sum(channels.vertical[k]) / 2
            crowd = sum(1 for y1, y2 in load[k] if y1 < bottom and top < y2)
            return (abs(x - ax) + abs(x - bx) + crowd * pitch / 3, k)

        candidates = range(max(0, low - 1), min(len(channels.vertical), high + 3))
        vertical = min(candidates, key=cost)
        load[vertical].append((top, bottom))
    return _Plan(link.id, link.source, link.target, exit_side, entry_side, first, last, vertical)


def _ports(plans: dict[str, _Plan], cells: dict[str, Cell],
           channels: Channels) -> dict[tuple[str, str], float]:
    """(link id, "exit"|"entry") -> x of its port: each box side's ports spread evenly, in
    the order of where their edges head, so they do not cross at the box."""
    sides: dict[tuple[str, str], list[tuple[float, str, str]]] = defaultdict(list)
    for plan in plans.values():
        a, b = cells[plan.source], cells[plan.target]
        towards_b = ((b.left + b.right) / 2 if plan.vertical is None
                     else sum(channels.vertical[plan.vertical]) / 2)
        towards_a = ((a.left + a.right) / 2 if plan.vertical is None
                     else sum(channels.vertical[plan.vertical]) / 2)
        sides[(plan.source, plan.exit_side)].append((towards_b, plan.id, "exit"))
        sides[(plan.target, plan.entry_side)].append((towards_a, plan.id, "entry"))
    ports = {}
    for (box, _side), ends in sides.items():
        cell = cells[box]
        ends.sort()
        span = cell.right - cell.left
        for i, (_heading, link_id, end) in enumerate(ends):
            ports[(link_id, end)] = cell.left + span * (i + 1) / (len(ends) + 1)
    return ports


def _lanes(plans: dict[str, _Plan], cells: dict[str, Cell], channels: Channels,
           horizontal: bool) -> dict[tuple[str, int], float]:
    """(link id, segment number) -> the lane's coordinate across its channel. Segments whose
    extents overlap (measured generously: a run's end at a vertical channel counts as the
    whole channel) get different lanes; lanes are spread evenly across the channel."""
    runs: dict[int, list[tuple[float, float, str, int]]] = defaultdict(list)
    for plan in plans.values():
        for number, channel, low, high in _extents(plan, cells, channels, horizontal):
            runs[channel].append((low, high, plan.id, number))
    lanes: dict[tuple[str, int], float] = {}
    strips = channels.horizontal if horizontal else channels.vertical
    for channel, segments in runs.items():
        segments.sort()
        track_end: list[float] = []
        track_of = []
        for low, high, link_id, number in segments:
            for t, end in enumerate(track_end):
                if end < low:
                    track_end[t] = high
                    break
            else:
                t = len(track_end)
                track_end.append(high)
            track_of.append((t, link_id, number))
        lo, hi = strips[channel]
        margin = (hi - lo) * _MARGIN
        step = (hi - lo - 2 * margin) / len(track_end)
        for t, link_id, number in track_of:
            lanes[(link_id, number)] = lo + margin + step * (t + 0.5)
    return lanes


def _extents(plan: _Plan, cells: dict[str, Cell], channels: Channels,
             horizontal: bool) -> list[tuple[int, int, float, float]]:
    """The runs of a plan in channels of one direction: (segment number, channel, low, high).
    Horizontal runs are numbered 0 (next to the source) and 1 (next to the target); the
    vertical run is 0. An end at a box counts as the box's whole side (its port is not known
    yet), an end at another channel as that channel's whole width."""
    a, b = cells[plan.source], cells[plan.target]
    if horizontal:
        if plan.vertical is None:
            return [(0, plan.first, min(a.left, b.left), max(a.right, b.right))]
        v_left, v_right = channels.vertical[plan.vertical]
        return [(0, plan.first, min(a.left, v_left), max(a.right, v_right)),
                (1, plan.last, min(b.left, v_left), max(b.right, v_right))]
    if plan.vertical is None:
        return []
    (top1, bottom1), (top2, bottom2) = channels.horizontal[plan.first], channels.horizontal[plan.last]
    return [(0, plan.vertical, min(top1, top2), max(bottom1, bottom2))]


def _points(plan: _Plan, ports, h_lanes, v_lanes, cells: dict[str, Cell]) -> tuple[Point, ...]:
    a, b = cells[plan.source], cells[plan.target]
    ax, bx = ports[(plan.id, "exit")], ports[(plan.id, "entry")]
    ay = a.bottom if plan.exit_side == "bottom" else a.top
    by = b.bottom if plan.entry_side == "bottom" else b.top
    y1 = h_lanes[(plan.id, 0)]
    if plan.vertical is None:
        points = [(ax, ay), (ax, y1), (bx, y1), (bx, by)]
    else:
        vx = v_lanes[(plan.id, 0)]
        y2 = h_lanes[(plan.id, 1)]
        points = [(ax, ay), (ax, y1), (vx, y1), (vx, y2), (bx, y2), (bx, by)]
    return tuple(_drop_repeats(points))


def _drop_repeats(points: list[Point]) -> list[Point]:
    """Without zero-length steps and without middle points on a straight run."""
    kept: list[Point] = []
    for point in points:
        if kept and abs(point[0] - kept[-1][0]) < 1e-9 and abs(point[1] - kept[-1][1]) < 1e-9:
            continue
        if len(kept) >= 2 and _collinear(kept[-2], kept[-1], point):
            kept[-1] = point
            continue
        kept.append(point)
    return kept


def _collinear(a: Point, b: Point, c: Point) -> bool:
    return (abs(a[0] - b[0]) < 1e-9 and abs(b[0] - c[0]) < 1e-9) or \
        (abs(a[1] - b[1]) < 1e-9 and abs(b[1] - c[1]) < 1e-9)


def _place_label(points: tuple[Point, ...], size: tuple[float, float], plan: _Plan,
                 channels: Channels, placed: list[Rect]) -> Point:
    """On a horizontal run, inside its channel, where it overlaps no label placed before
    (the least overlap when nothing is free)."""
    w, h = size
    candidates: list[tuple[float, float, float]] = []  # (x, y, channel top/bottom clamp)
    runs = [(points[i], points[i + 1]) for i in range(len(points) - 1)
            if abs(points[i][1] - points[i + 1][1]) < 1e-9]
    runs.sort(key=lambda run: -abs(run[1][0] - run[0][0]))
    for (x1, y), (x2, _) in runs:
        channel = _channel_at(channels, y)
        top, bottom = channels.horizontal[channel]
        cy = min(max(y, top + h / 2), bottom - h / 2) if bottom - top >= h else (top + bottom) / 2
        for fraction in (0.5, 0.3, 0.7, 0.15, 0.85, 0.0, 1.0):
            cx = x1 + (x2 - x1) * fraction
            cx = min(max(cx, w / 2), channels.width - w / 2)
            candidates.append((cx, cy, 0.0))
    if not candidates:  # a straight vertical route: beside it, where it crosses its channel
        top, bottom = channels.horizontal[plan.first]
        x = points[0][0]
        candidates = [(min(max(x + side * (w / 2 + 3), w / 2), channels.width - w / 2),
                       (top + bottom) / 2, 0.0) for side in (1, -1)]
    best, best_overlap = None, None
    for cx, cy, _ in candidates:
        rect = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
        overlap = sum(_overlap(rect, other) for other in placed)
        if best_overlap is None or overlap < best_overlap:
            best, best_overlap = rect, overlap
        if overlap == 0:
            break
    placed.append(best)
    return ((best[0] + best[2]) / 2, (best[1] + best[3]) / 2)


def _channel_at(channels: Channels, y: float) -> int:
    return min(range(len(channels.horizontal)),
               key=lambda j: 0 if channels.horizontal[j][0] <= y <= channels.horizontal[j][1]
               else min(abs(y - channels.horizontal[j][0]), abs(y - channels.horizontal[j][1])))


def _overlap(a: Rect, b: Rect) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0
