"""One order per tier for many views at once, with as few crossings summed over the views as
sifting finds.

The page's mental map asks that two boxes drawn on both sides of a slider step keep their
order; a box present from 2013 to 2025 therefore keeps its place among the others in every
view, and choosing that place for the first view alone (then keeping it) draws the later
views with the first one's order. Here every view counts: each tier gets one order (a box's
place among those drawn with it follows from it), and each box in turn is moved to the place
in its tier where the crossings summed over all the views are fewest (sifting, as in
Matuszewski, Schönfeld and Molitor's "Using sifting for k-layer straightline crossing
minimization", 1999).

Crossings are counted on a model of the drawing: in each view a tier is one row, its boxes
spread evenly over the width (x = (place + ½) / boxes in the row), every line straight from
box to box. Moving a box one place swaps it with its neighbour in the views holding both, so
each step changes only the lines at those two boxes: the count is updated for them alone,
for all the views in one NumPy computation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

ROUNDS = 2  # a second round rarely gains more than a crossing or two
# swaps (about the square of each tier's boxes) times, per view, the square of its lines (a
# swap counts its lines against all of theirs): the bundled area needs about 100 million (a
# second); a larger area sifts over every k-th view so as to stay within this, or keeps its
# starting order when one view alone is beyond it
BUDGET = 300_000_000


@dataclass(frozen=True)
class View:
    """One view to draw: its boxes by tier and its lines (box id pairs)."""

    tiers: Mapping[int, Sequence[str]]
    links: Sequence[tuple[str, str]]


def sifted(views: Sequence[View], start: Mapping[str, float]) -> dict[str, int]:
    """Box id -> its place within its tier (0, 1, …), starting from the order of ``start``
    and sifted to cross fewer lines over ``views``."""
    tier_of: dict[str, int] = {}
    for view in views:
        for tier, members in view.tiers.items():
            for box in members:
                tier_of[box] = tier
    orders: dict[int, list[str]] = defaultdict(list)
    for box in sorted(tier_of, key=lambda b: (start.get(b, 0.0), b)):
        orders[tier_of[box]].append(box)
    views = _within_budget(views, sum(len(order) ** 2 for order in orders.values()))
    if not views:
        return {box: place for order in orders.values() for place, box in enumerate(order)}
    model = _Model(views, orders)
    for _ in range(ROUNDS):
        gained = 0
        for order in orders.values():
            for box in list(order):
                gained += model.sift(order, box)
        if not gained:
            break
    return {box: place for order in orders.values() for place, box in enumerate(order)}


class _Model:
    """The views' lines as straight segments in padded arrays (view × line), with each box's
    ends of lines, so that a swap of two neighbours updates and recounts only their lines."""

    def __init__(self, views: Sequence[View], orders: Mapping[int, list[str]]) -> None:
        place = {box: k for order in orders.values() for k, box in enumerate(order)}
        self.present: dict[str, set[int]] = defaultdict(set)  # box -> the views holding it
        for v, view in enumerate(views):
            for members in view.tiers.values():
                for box in members:
                    self.present[box].add(v)
        kept = [[(a, b) for a, b in view.links
                 if a != b and v in self.present[a] and v in self.present[b]]
                for v, view in enumerate(views)]
        width = max((len(links) for links in kept), default=0)
        shape = (len(views), max(width, 1))
        self.ax, self.ay, self.bx, self.by = (np.full(shape, np.nan) for _ in range(4))
        self.ends: dict[str, dict[int, list[tuple[int, int]]]] = defaultdict(
            lambda: defaultdict(list))  # box -> view -> [(line, 0 at the start | 1 at the end)]
        self.at: list[dict[str, tuple[float, float]]] = []  # per view: box -> (x, y)
        for v, (view, links) in enumerate(zip(views, kept, strict=True)):
            at = _slots(view, place)
            self.at.append(at)
            for line, (a, b) in enumerate(links):
                (self.ax[v, line], self.ay[v, line]), (self.bx[v, line], self.by[v, line]) = \
                    at[a], at[b]
                self.ends[a][v].append((line, 0))
                self.ends[b][v].append((line, 1))

    def sift(self, order: list[str], box: str) -> int:
        """Move ``box`` to its best place in ``order``; the crossings it saved (≤ 0)."""
        at = order.index(box)
        total, best, best_at = 0, 0, at
        while at > 0:
            total += self._swap(box, order[at - 1])
            order[at - 1], order[at] = box, order[at - 1]
            at -= 1
            if total < best:
                best, best_at = total, at
        while at < len(order) - 1:
            total += self._swap(box, order[at + 1])
            order[at + 1], order[at] = box, order[at + 1]
            at += 1
            if total < best:
                best, best_at = total, at
        while at > best_at:
            self._swap(box, order[at - 1])
            order[at - 1], order[at] = box, order[at - 1]
            at -= 1
        return best

    def _swap(self, a: str, b: str) -> int:
        """Swap neighbours ``a`` and ``b`` in every view holding both; the change in crossings."""
        both = sorted(self.present[a] & self.present[b])
        lines = sorted({(v, line) for v in both for box in (a, b)
                        for line, _ in self.ends[box].get(v, ())})
        before = self._count(lines)
        for v in both:
            at = self.at[v]
            at[a], at[b] = at[b], at[a]
            for box in (a, b):
                x, y = at[box]
                for line, end in self.ends[box].get(v, ()):
                    if end == 0:
                        self.ax[v, line], self.ay[v, line] = x, y
                    else:
                        self.bx[v, line], self.by[v, line] = x, y
        return self._count(lines) - before

    def _count(self, lines: list[tuple[int, int]]) -> int:
        """Proper crossings between ``lines`` ((view, line) pairs) and every line of their
        views, each pair once."""
        if not lines:
            return 0
        vs = np.array([v for v, _ in lines])
        ks = np.array([k for _, k in lines])
        sx, sy, tx, ty = (m[vs, ks][:, None] for m in (self.ax, self.ay, self.bx, self.by))
        ax, ay, bx, by = (m[vs] for m in (self.ax, self.ay, self.bx, self.by))
        with np.errstate(invalid="ignore"):
            crossed = (_side(sx, sy, tx, ty, ax, ay) * _side(sx, sy, tx, ty, bx, by) < 0) & \
                (_side(ax, ay, bx, by, sx, sy) * _side(ax, ay, bx, by, tx, ty) < 0)
        mine = np.zeros(self.ax.shape, dtype=bool)
        mine[vs, ks] = True
        return int(crossed.sum() - crossed[mine[vs]].sum() // 2)


def _within_budget(views: Sequence[View], swaps: int) -> list[View]:
    """Every view, or every k-th one (evenly over time) where ``swaps`` swaps counted over
    all of them would cost more than ``BUDGET``; none when even the busiest view would."""
    cost = [max(1, len(view.links)) ** 2 for view in views]
    if not views or swaps * max(cost) > BUDGET:
        return []
    step = 1
    while swaps * sum(cost[::step]) > BUDGET:
        step += 1
    return list(views[::step])


def _slots(view: View, place: Mapping[str, int]) -> dict[str, tuple[float, float]]:
    """Box id -> (x, y) in the model of ``view``: one row per tier, top to bottom, its boxes
    in order and spread evenly. (Modelling a wide tier's wrapping into rows was tried: over
    the bundled area's named stops it drew more crossings, not fewer.)"""
    at: dict[str, tuple[float, float]] = {}
    for row, tier in enumerate(sorted(view.tiers)):
        ranked = sorted(view.tiers[tier], key=place.__getitem__)
        for k, box in enumerate(ranked):
            at[box] = ((k + 0.5) / len(ranked), float(row))
    return at


def _side(px, py, qx, qy, rx, ry):
    return np.sign((qx - px) * (ry - py) - (qy - py) * (rx - px))
