"""Rip-up and reroute: each line that crosses others is taken out and drawn again along the
path, through the gaps between the boxes of the rows it passes, that crosses the fewest of
the lines as they are; it keeps the new path only where that crosses fewer. So the total
never grows, and a line the router sent the short way through a crowd goes round it.

The boxes come in rows (``graph.drawing.layers``): every box of a row has its top and bottom,
and between two rows runs an empty channel. A new path leaves its first box from a point of
the side facing the other end, crosses each channel straight to a gap of the next row, goes
straight down (or up) that gap, and reaches its last box on the facing side: every segment
lies in a channel or a gap, so it enters no other box. The path is found exactly, for the
other lines as they are, by dynamic programming over the rows (a few candidate points per
gap and per side).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

Rect = tuple[float, float, float, float]  # left, top, right, bottom
Point = tuple[float, float]

MARGIN = 3.0  # kept clear beside a box, in the drawing's units
GAP_AT = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)  # where across a gap a line may run
SPACING = 3.0  # at least this between two lines running down one gap
SIDE_AT = (0.2, 0.35, 0.5, 0.65, 0.8)  # where along a side a line may end
ROUNDS = 2
LENGTH_WEIGHT = 1e-4  # per unit of length: among equal crossings, the shorter path
# lines: each is measured against all the others, so the cost grows with their square; the
# bundled area's views have 26-88, a 200-organisation synthetic one's up to 552 (seconds each)
LIMIT = 200


def reroute(routes: dict[str, tuple[Point, ...]], boxes: dict[str, Rect],
            ends: dict[str, tuple[str, str]], width: float) -> dict[str, tuple[Point, ...]]:
    """``routes`` with lines redrawn where that crosses fewer (``ends``: line id -> (source,
    target)); the same routes if the boxes are not in rows or the lines are over ``LIMIT``."""
    import numpy as np

    rows = _rows(boxes, width)
    if rows is None or len(routes) > LIMIT:
        return routes
    row_of = {b: k for k, row in enumerate(rows) for b in row["members"]}
    routes = dict(routes)
    ids = [i for i in routes if i in ends and len(routes[i]) >= 2]
    pieces = {i: _segments(p) for i, p in routes.items() if len(p) >= 2}
    for _ in range(ROUNDS):
        changed = False
        for line_id in ids:
            source, target = ends[line_id]
            if row_of[source] == row_of[target]:
                continue
            others = np.concatenate([v for i, v in pieces.items() if i != line_id]
                                    or [np.zeros((0, 4))])
            now = _count(pieces[line_id], others).sum()
            if now == 0:
                continue
            found = _best_path(boxes, rows, row_of, source, target, others)
            if found is not None and found[0] < now:
                routes[line_id] = found[1]
                pieces[line_id] = _segments(found[1])
                changed = True
        if not changed:
            break
    return routes


def _rows(boxes: dict[str, Rect], width: float) -> list[dict] | None:
    bands: dict[tuple[float, float], list[str]] = defaultdict(list)
    for box_id, (_, top, _, bottom) in boxes.items():
        bands[(round(top, 3), round(bottom, 3))].append(box_id)
    ordered = sorted(bands)
    for (_, bottom), (top, _) in zip(ordered, ordered[1:], strict=False):
        if top < bottom:
            return None  # not in rows
    rows = []
    for top, bottom in ordered:
        members = sorted(bands[(top, bottom)], key=lambda b: boxes[b][0])
        edges = [0.0] + [v for b in members for v in (boxes[b][0], boxes[b][2])] + [
            max(width, max(boxes[b][2] for b in members))]
        gaps = [(lo + MARGIN, hi - MARGIN) for lo, hi in zip(edges[::2], edges[1::2], strict=True)
                if hi - lo > 2 * MARGIN]
        rows.append({"top": top, "bottom": bottom, "members": members, "gaps": gaps})
    return rows


def _free(x: float, lo: float, hi: float, taken) -> float | None:
    """The point nearest ``x`` in [lo, hi] at least ``SPACING`` from every run in ``taken``."""
    for step in (0, 1, -1, 2, -2, 3, -3, 4, -4):
        v = x + step * SPACING
        if lo <= v <= hi and not (abs(taken - v) < SPACING).any():
            return round(v, 3)
    return None


def _segments(points: Sequence[Point]):
    import numpy as np

    p = np.asarray(points, dtype=float)
    return np.concatenate([p[:-1], p[1:]], axis=1)


def _count(segments, others):
    """For each of ``segments`` ((m, 4): x1 y1 x2 y2), how many of ``others`` it properly
    crosses."""
    import numpy as np

    if not len(others) or not len(segments):
        return np.zeros(len(segments), dtype=int)
    ax, ay, bx, by = (segments[:, i:i + 1] for i in range(4))
    cx, cy, dx, dy = (others[None, :, i] for i in range(4))

    def side(px, py, qx, qy, rx, ry):
        return (qx - px) * (ry - py) - (qy - py) * (rx - px)

    eps = 1e-9
    d1, d2 = side(cx, cy, dx, dy, ax, ay), side(cx, cy, dx, dy, bx, by)
    d3, d4 = side(ax, ay, bx, by, cx, cy), side(ax, ay, bx, by, dx, dy)
    crossed = (((d1 > eps) & (d2 < -eps)) | ((d1 < -eps) & (d2 > eps))) & \
        (((d3 > eps) & (d4 < -eps)) | ((d3 < -eps) & (d4 > eps)))
    return crossed.sum(axis=1)


def _hops(ax, bx, y0: float, y1: float, spanning):
    """Crossings of each straight hop from (ax[i], y0) to (bx[j], y1) with ``spanning``
    segments, each of which reaches across the band between y0 and y1: a hop crosses one
    exactly when they are in opposite orders at the band's two edges (a matrix product)."""
    import numpy as np

    if not len(spanning):
        return np.zeros((len(ax), len(bx)), dtype=int)
    x1, y1_, x2, y2 = spanning.T
    dy = np.where(y2 == y1_, 1e-12, y2 - y1_)
    u0 = x1 + (x2 - x1) * (y0 - y1_) / dy  # where each crosses the band's edges
    u1 = x1 + (x2 - x1) * (y1 - y1_) / dy
    s0 = np.sign(ax[:, None] - u0[None, :])
    s1 = np.sign(bx[:, None] - u1[None, :])
    both = np.abs(s0) @ np.abs(s1).T
    return np.rint((both - s0 @ s1.T) / 2).astype(int)


def _signs(values, eps: float = 1e-9):
    import numpy as np

    return np.where(np.abs(values) < eps, 0.0, np.sign(values))


def _partial_hops(ax, bx, y0: float, y1: float, segments):
    """Crossings of each straight hop from (ax[i], y0) to (bx[j], y1) with ``segments`` (any
    segments: the orientation tests of ``_count``, separated into what depends on one end of
    the hop and what on the other, so the (hops, segments) arrays are sums, not products)."""
    cx, cy, dx, dy = (segments[None, :, i] for i in range(4))
    a, b = ax[:, None], bx[:, None]
    # which side of each segment the hop's ends are on
    s1 = _signs((dx - cx) * (y0 - cy) - (dy - cy) * (a - cx))  # (na, n)
    s2 = _signs((dx - cx) * (y1 - cy) - (dy - cy) * (b - cx))  # (nb, n)
    # which side of each hop the segment's ends are on: terms of a, plus terms of b
    s3 = _signs((a * (y1 - cy) - (y1 - y0) * cx)[:, None, :] + (b * (cy - y0))[None, :, :])
    s4 = _signs((a * (y1 - dy) - (y1 - y0) * dx)[:, None, :] + (b * (dy - y0))[None, :, :])
    crossed = (s1[:, None, :] * s2[None, :, :] < 0) & (s3 * s4 < 0)
    return crossed.sum(axis=2)


def _best_path(boxes: dict[str, Rect], rows: list[dict], row_of: dict[str, int],
               source: str, target: str, others) -> tuple[int, tuple[Point, ...]] | None:
    """(crossings, points) of the path from ``source`` to ``target`` through the rows between
    that crosses the fewest of ``others`` (then the shortest)."""
    import numpy as np

    rs, rt = row_of[source], row_of[target]
    down = rt > rs
    step = 1 if down else -1
    between = list(range(rs + step, rt, step))
    sl, st, sr, sb = boxes[source]
    tl, tt, tr, tb = boxes[target]
    starts = [(sl + (sr - sl) * f, sb if down else st) for f in SIDE_AT]
    finals = [(tl + (tr - tl) * f, tt if down else tb) for f in SIDE_AT]
    sx, tx = (sl + sr) / 2, (tl + tr) / 2
    upright = np.isclose(others[:, 0], others[:, 2])  # others' runs down (or up) a gap
    layers: list[list[tuple[Point, Point]]] = [[(p, p) for p in starts]]  # (entry, exit)
    for k in between:
        row = rows[k]
        straight = sx + (tx - sx) * (k - rs) / (rt - rs)
        # runs of other lines down this row's gaps: a new run keeps ``SPACING`` from them
        taken = others[upright & (np.minimum(others[:, 1], others[:, 3]) < row["bottom"])
                       & (np.maximum(others[:, 1], others[:, 3]) > row["top"]), 0]
        xs = sorted({x for lo, hi in row["gaps"]
                     for v in (min(max(straight, lo), hi),
                               *(lo + (hi - lo) * f for f in GAP_AT))
                     if (x := _free(v, lo, hi, taken)) is not None})
        if not xs:
            return None
        near, far = (row["top"], row["bottom"]) if down else (row["bottom"], row["top"])
        layers.append([((x, near), (x, far)) for x in xs])
    layers.append([(p, p) for p in finals])
    # cost so far of reaching each candidate of a layer, and how
    cost = np.zeros(len(layers[0]))
    back: list[np.ndarray] = []
    low_y = np.minimum(others[:, 1], others[:, 3])
    high_y = np.maximum(others[:, 1], others[:, 3])
    for prev, here in zip(layers, layers[1:], strict=False):
        a = np.array([e for _, e in prev], dtype=float)  # exits of the previous layer
        b = np.array([s for s, _ in here], dtype=float)  # entries of this layer
        pairs = np.concatenate([np.repeat(a, len(b), axis=0), np.tile(b, (len(a), 1))], axis=1)
        band = sorted((a[0, 1], b[0, 1]))  # the channel these hops cross
        near = (high_y > band[0]) & (low_y < band[1])
        hops = _hops(a[:, 0], b[:, 0], a[0, 1], b[0, 1], others[near & (low_y <= band[0])
                                                                 & (high_y >= band[1])])
        partial = others[near & ((low_y > band[0]) | (high_y < band[1]))]
        if len(partial):
            hops = hops + _partial_hops(a[:, 0], b[:, 0], a[0, 1], b[0, 1], partial)
        hops = hops.astype(float)
        hops += LENGTH_WEIGHT * np.hypot(pairs[:, 2] - pairs[:, 0],
                                         pairs[:, 3] - pairs[:, 1]).reshape(len(a), len(b))
        own = 0.0
        if here[0][0] != here[0][1]:  # runs down a gap of this row
            inside = np.array([[s[0], s[1], e[0], e[1]] for s, e in here], dtype=float)
            band = sorted((inside[0, 1], inside[0, 3]))
            own = _count(inside, others[(high_y > band[0]) & (low_y < band[1])]).astype(float)
        total = cost[:, None] + hops
        back.append(total.argmin(axis=0))
        cost = total.min(axis=0) + own
    end = int(cost.argmin())
    chosen = [end]
    for pointers in reversed(back):
        chosen.append(int(pointers[chosen[-1]]))
    chosen.reverse()
    points: list[Point] = []
    for layer, index in zip(layers, chosen, strict=True):
        entry, exit_ = layer[index]
        points.append(entry)
        if exit_ != entry:
            points.append(exit_)
    crossings = int(_count(_segments(points), others).sum())
    return crossings, tuple(points)
