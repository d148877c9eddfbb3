"""Graphviz orders the layers of a view and routes its lines.

We decide the layers (``graph.drawing.layers``: tiers from the kinds, people beside their
post) and place the boxes compactly in columns, so a view fits a screen or a sheet; Graphviz
does what it is good at:

- ``order``: ``dot``'s crossing minimisation (mincross, long links through virtual nodes)
  orders each layer. It runs once over all of history, so an organisation keeps its place
  among the others at every date (the reader's mental map).
- ``route``: ``neato -n2`` takes the boxes where we put them and routes every line as a
  polyline round the other boxes (its router, with the boxes as obstacles); then each line
  that crosses others is drawn again where it crosses fewer (``graph.drawing.reroute``). Its cost grows
  with about the cube of the boxes (13 s for 321 boxes before the first line; routing in
  batches round the boxes near each line was tried and was slower: a packed view has 50 to
  190 boxes near any long line).

Routes come back in our units with y growing downward, ending at the arrow's tip; each role
label goes along its line where it covers no box and as few other labels as can be.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass

from graph.drawing import label_place, reroute
from graph.drawing.quality import Line, false_joins, shared_segments

DOT = "dot"
NEATO = "neato"
SAMPLES = 8  # points per Bézier piece (a polyline's pieces are straight: any sample is on it)
TIMEOUT_S = 120
Rect = tuple[float, float, float, float]  # left, top, right, bottom
Point = tuple[float, float]


class LayoutEngineMissing(RuntimeError):
    """Graphviz is not installed: the README's setup commands install it."""


@dataclass(frozen=True)
class Routed:
    """Each line's polyline (tail to arrow tip) and each label's centre."""

    routes: dict[str, tuple[Point, ...]]
    label_at: dict[str, tuple[Point, int]]  # the label's centre and which of its forms fits


@dataclass(frozen=True)
class Wire:
    id: str
    source: str
    target: str
    # (width, height) of its label, then of shorter forms of it to try where it does not fit
    label_sizes: tuple[tuple[float, float], ...] = ()


def _run(program: str, text: str, *flags: str) -> dict:
    if shutil.which(program) is None:
        raise LayoutEngineMissing(
            f"Graphviz `{program}` is not installed: run the README's setup command "
            "(it runs `apt-get install graphviz`)")
    done = subprocess.run([program, *flags, "-Tjson"], input=text, capture_output=True,
                          text=True, timeout=TIMEOUT_S, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"Graphviz {program} failed: {done.stderr.strip()[:300]}")
    return json.loads(done.stdout)


def order(rows: Sequence[Sequence[str]], links: Sequence[tuple[str, str]],
          keep: Sequence[Sequence[str]] = ()) -> dict[str, float]:
    """Node id -> its horizontal place as ``dot`` orders ``rows`` (top to bottom, each row one
    rank) to cross as few of ``links`` as it can, each sequence in ``keep`` left to right."""
    names: dict[str, str] = {}
    lines = ["digraph G {", "graph [newrank=true];",
             'node [shape=box, fixedsize=true, width=1.2, height=0.4, label=""];']
    for row in rows:
        for node_id in row:
            names[node_id] = f"n{len(names)}"
        lines.append("{rank=same; " + " ".join(names[i] for i in row) + ";}")
    for upper, lower in zip(rows, rows[1:], strict=False):  # the rows, top to bottom
        lines.append(f"{names[upper[0]]} -> {names[lower[0]]} [style=invis];")
    for source, target in links:
        if source in names and target in names and source != target:
            lines.append(f"{names[source]} -> {names[target]};")
    for chain in keep:  # within one rank, so these flat edges only fix the order
        for left, right in zip(chain, chain[1:], strict=False):
            lines.append(f"{names[left]} -> {names[right]} [style=invis, weight=0];")
    lines.append("}")
    laid = _run(DOT, "\n".join(lines))
    by_name = {v: k for k, v in names.items()}
    return {by_name[o["name"]]: float(o["pos"].split(",")[0])
            for o in laid.get("objects", []) if o.get("name") in by_name and "pos" in o}


def route(boxes: dict[str, Rect], wires: Sequence[Wire], height: float,
          width: float | None = None) -> Routed:
    """Polyline routes for ``wires`` between ``boxes`` (y down, the drawing ``height`` tall)
    that go round every other box, and a place for each label clear of the boxes. Where
    Graphviz's polyline router leaves a line through a box (it does, rarely, without a
    word), that line is taken from its spline router instead, or else its orthogonal one."""
    drawn = [w for w in wires if w.source in boxes and w.target in boxes
             and w.source != w.target]
    rects = _as_array(boxes)
    routes = _routes(boxes, drawn, height, "polyline")
    for splines in ("true", "ortho"):
        astray = [w for w in drawn if _through(routes[w.id], rects)]
        if not astray:
            break
        other = _routes(boxes, astray, height, splines)  # only those, round the same boxes
        routes.update({w.id: other[w.id] for w in astray
                       if w.id in other and not _through(other[w.id], rects)})
    if width is not None:  # then lines that cross others drawn again where they cross fewer
        routes = reroute.reroute(routes, boxes, {w.id: (w.source, w.target) for w in drawn},
                                 width)
    before = dict(routes)
    _spread_ends(routes, drawn, boxes)
    _separate(routes, drawn, rects)
    for wire in drawn:  # a line the spreading sent through a box goes back as it came
        points = list(routes[wire.id])
        if len(points) >= 2:
            points[0] = _leave(points[0], points[1], boxes[wire.source])
            points[-1] = _leave(points[-1], points[-2], boxes[wire.target])
            routes[wire.id] = tuple(points)
        if _through(routes[wire.id], rects) and not _through(before[wire.id], rects):
            routes[wire.id] = before[wire.id]
    label_at: dict[str, tuple[Point, int]] = {}
    taken: list[Rect] = []
    walls = rects
    if width is not None:  # a label stays on the sheet: beyond its sides count as boxes
        far = 1e6
        walls = _as_array({**boxes, "\0left": (-far, -far, 0.0, far),
                           "\0right": (width, -far, width + far, far)})
    for wire in drawn:
        if wire.label_sizes and len(routes.get(wire.id, ())) >= 2:
            for form, size in enumerate(wire.label_sizes):
                centre, clear = label_place.place(routes[wire.id], size, walls, taken)
                if clear or form == len(wire.label_sizes) - 1:
                    label_at[wire.id] = (centre, form)
                    taken.append(label_place.rect(centre, size))
                    break
    return Routed(routes, label_at)


def _routes(boxes: dict[str, Rect], drawn: Sequence[Wire], height: float,
            splines: str) -> dict[str, tuple[Point, ...]]:
    names = {box_id: f"n{i}" for i, box_id in enumerate(boxes)}
    lines = ["digraph G {", f'graph [splines={splines}, outputorder=edgesfirst, esep="+2"];',
             'node [shape=box, fixedsize=true, label=""];',
             "edge [arrowhead=normal, arrowsize=0.5];"]
    for box_id, (left, top, right, bottom) in boxes.items():
        lines.append(f'{names[box_id]} [pos="{(left + right) / 2:.3f},'
                     f'{height - (top + bottom) / 2:.3f}!", width={(right - left) / 72:.5f}, '
                     f"height={(bottom - top) / 72:.5f}];")
    for index, wire in enumerate(drawn):
        lines.append(f"{names[wire.source]} -> {names[wire.target]} [id=w{index}];")
    lines.append("}")
    laid = _run(NEATO, "\n".join(lines), "-n2")
    # neato moves the picture so that its bounding box starts at the origin: undo that
    by_name = {v: k for k, v in names.items()}
    shift_x = shift_y = 0.0
    for obj in laid.get("objects", []):
        if obj.get("name") in by_name and "pos" in obj:
            left, top, right, bottom = boxes[by_name[obj["name"]]]
            x, y = (float(v) for v in obj["pos"].split(","))
            shift_x, shift_y = (left + right) / 2 - x, (height - (top + bottom) / 2) - y
            break
    routes: dict[str, tuple[Point, ...]] = {}
    for edge in laid.get("edges", []):
        wire = drawn[int(edge["id"][1:])]
        curve, tip = _spline(edge.get("pos", ""))
        points = [(x + shift_x, height - (y + shift_y))
                  for x, y in [*curve, *([tip] if tip else [])]]
        if len(points) >= 2:  # Graphviz clips to its own rounding of a box: clip to ours
            points[0] = _leave(points[0], points[1], boxes[wire.source])
            points[-1] = _leave(points[-1], points[-2], boxes[wire.target])
        routes[wire.id] = tuple(points)
    return routes


SPREAD = 5.0  # units between two lines that would meet a box at one point


def _spread_ends(routes: dict[str, tuple[Point, ...]], drawn: Sequence[Wire],
                 boxes: dict[str, Rect]) -> None:
    """Lines that would leave or reach a box at the same point are moved apart along its
    border, so three mergers into one box arrive as three arrows."""
    for end in (0, -1):
        meeting: dict[tuple[str, int, int], list[str]] = {}
        for wire in drawn:
            points = routes.get(wire.id, ())
            if len(points) >= 2:
                box = wire.source if end == 0 else wire.target
                meeting.setdefault((box, round(points[end][0]), round(points[end][1])),
                                   []).append(wire.id)
        for (box_id, _, _), ids in meeting.items():
            if len(ids) < 2:
                continue
            left, top, right, bottom = boxes[box_id]
            x, y = routes[ids[0]][end]
            along_x = abs(y - top) < 1e-3 or abs(y - bottom) < 1e-3  # on the top or bottom
            low, high = (left, right) if along_x else (top, bottom)
            step = min(SPREAD, (high - low) / (len(ids) + 1))
            # in the order of where they go from here, so they fan out without crossing
            for k, wire_id in enumerate(sorted(ids, key=lambda i: (
                    _heading(routes[i], end, along_x), i))):
                offset = (k - (len(ids) - 1) / 2) * step
                points = list(routes[wire_id])
                px, py = points[end]
                points[end] = (min(max(px + offset, low), high), py) if along_x else \
                    (px, min(max(py + offset, low), high))
                routes[wire_id] = tuple(points)


def _heading(points: tuple[Point, ...], end: int, along_x: bool) -> float:
    """Where a line goes from its end on a box side, as a key along that side: how far its
    first segment away from the box moves along the side per unit away from it."""
    x, y = points[end]
    next_x, next_y = points[1] if end == 0 else points[-2]
    if along_x:
        return (next_x - x) / (abs(next_y - y) or 1e-9)
    return (next_y - y) / (abs(next_x - x) or 1e-9)


NUDGES = (3.0, -3.0, 6.0, -6.0)  # units a line is moved off a track it shares


def _separate(routes: dict[str, tuple[Point, ...]], drawn: Sequence[Wire], rects) -> None:
    """Two lines with no end box in common never run on one track: where Graphviz's router
    sends them round the same corner, the later one's shared run is moved a few units aside
    (its inner points only, so it stays on its boxes), where that sends it through no box."""
    by_id = {w.id: w for w in drawn}
    for _ in range(3):
        lines = [Line(w.id, w.source, w.target, routes[w.id]) for w in drawn if w.id in routes]
        joins = false_joins(lines)
        if not joins:
            return
        for a_id, b_id in joins:
            a = Line(a_id, by_id[a_id].source, by_id[a_id].target, routes[a_id])
            b = Line(b_id, by_id[b_id].source, by_id[b_id].target, routes[b_id])
            others = [Line(w.id, w.source, w.target, routes[w.id]) for w in drawn
                      if w.id in routes and w.id != b_id]
            for index in shared_segments(a, b):
                routes[b_id] = _nudged(routes[b_id], index, rects, b, others)


def _nudged(points: tuple[Point, ...], index: int, rects, line: Line,
            others: Sequence[Line]) -> tuple[Point, ...]:
    """``points`` with the run at ``index`` moved aside, where that sends the line through no
    box and onto no other unrelated line's track (else as it was)."""
    vertical = abs(points[index][0] - points[index + 1][0]) < 1e-9
    for nudge in NUDGES:
        moved = list(points)
        for k in (index, index + 1):
            if 0 < k < len(points) - 1:
                x, y = moved[k]
                moved[k] = (x + nudge, y) if vertical else (x, y + nudge)
        if moved == list(points) or _through(moved, rects):
            continue
        mine = Line(line.id, line.source, line.target, tuple(moved))
        a = (line.source, line.target)
        if not any(shared_segments(mine, other) for other in others
                   if other.source not in a and other.target not in a):
            return tuple(moved)
    return points


def _through(points: Sequence[Point], rects) -> bool:
    """Whether the line enters a box (a row of ``rects``, every box of the view) other than its
    ends, or runs inside one of its ends."""
    return bool(_entering(points, rects).any())


def _as_array(boxes: dict[str, Rect]):
    """The boxes as one (n, 4) array: a dense view checks tens of thousands of segments
    against hundreds of boxes."""
    import numpy as np

    return np.array(list(boxes.values()), dtype=float).reshape(-1, 4)


def _entering(points: Sequence[Point], rects, eps: float = 1e-3):
    """For each box (row of ``rects``), whether some segment of ``points`` passes through the
    open rectangle: Liang-Barsky on every segment and box at once."""
    import numpy as np

    if len(points) < 2 or len(rects) == 0:
        return np.zeros(len(rects), dtype=bool)
    p = np.asarray(points, dtype=float)
    ax, ay = p[:-1, 0:1], p[:-1, 1:2]  # (segments, 1) against (boxes,)
    dx, dy = p[1:, 0:1] - ax, p[1:, 1:2] - ay
    left, top = rects[:, 0] + eps, rects[:, 1] + eps
    right, bottom = rects[:, 2] - eps, rects[:, 3] - eps
    low = np.zeros((len(p) - 1, len(rects)))
    high = np.ones_like(low)
    outside = np.zeros_like(low, dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        for pk, qk in ((-dx, ax - left), (dx, right - ax), (-dy, ay - top), (dy, bottom - ay)):
            pk = np.broadcast_to(pk, low.shape)
            parallel = pk == 0
            outside |= parallel & (qk < 0)
            t = qk / pk
            low = np.where(~parallel & (pk < 0), np.maximum(low, t), low)
            high = np.where(~parallel & (pk > 0), np.minimum(high, t), high)
    return (~outside & (low <= high) & (high - low > eps)).any(axis=0)


def _leave(end: Point, towards: Point, box: Rect) -> Point:
    """``end`` put on the border of ``box``: moved along the line to ``towards`` if it is
    inside, onto the nearest border if it stops short by less than a unit."""
    left, top, right, bottom = box
    if not (left < end[0] < right and top < end[1] < bottom):
        near = (min(max(end[0], left), right), min(max(end[1], top), bottom))
        if abs(near[0] - end[0]) + abs(near[1] - end[1]) < 1.0:
            return near
        return end
    dx, dy = towards[0] - end[0], towards[1] - end[1]
    steps = [t for t in ((left - end[0]) / dx if dx < 0 else None,
                         (right - end[0]) / dx if dx > 0 else None,
                         (top - end[1]) / dy if dy < 0 else None,
                         (bottom - end[1]) / dy if dy > 0 else None) if t is not None]
    t = min(steps, default=0.0)
    return end[0] + dx * t, end[1] + dy * t


def _spline(pos: str) -> tuple[list[Point], Point | None]:
    """A ``pos`` spline (``e,x,y`` the arrow's tip, then 3n+1 control points) as (the curve
    as a polyline from tail to head, the arrow's tip)."""
    tip = None
    controls: list[Point] = []
    for token in pos.split(";")[0].split():
        parts = token.split(",")
        if parts[0] == "e":
            tip = (float(parts[1]), float(parts[2]))
        elif parts[0] != "s":
            controls.append((float(parts[0]), float(parts[1])))
    points: list[Point] = []
    for i in range(0, len(controls) - 3, 3):
        p0, p1, p2, p3 = controls[i:i + 4]
        for k in range(0 if i == 0 else 1, SAMPLES + 1):
            t = k / SAMPLES
            u = 1 - t
            points.append((u ** 3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0]
                           + t ** 3 * p3[0],
                           u ** 3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1]
                           + t ** 3 * p3[1]))
    return _straight(points), tip


def _straight(points: list[Point]) -> list[Point]:
    """Without the middle points of straight runs (a polyline's pieces come back sampled)."""
    kept: list[Point] = []
    for point in points:
        if kept and abs(point[0] - kept[-1][0]) < 1e-6 and abs(point[1] - kept[-1][1]) < 1e-6:
            continue
        if len(kept) >= 2:
            (ax, ay), (bx, by) = kept[-2], kept[-1]
            if abs((bx - ax) * (point[1] - ay) - (by - ay) * (point[0] - ax)) < 1e-6:
                kept[-1] = point
                continue
        kept.append(point)
    return kept
