"""A view's boxes in layers, like an organisation chart: one layer per kind ``tier`` (0 at the
top), each layer in its order (``graph.drawing.order``), wrapped column by column into rows no
wider than the frame, each box in the column that brings it nearest the boxes it is linked to.

- **Tiers** come from the kinds in the YAML, so any area gets them. A kind present only while
  related (people) has no layer of its own: a person sits beside the body where they hold
  their role, in its row (``NodeSpec.beside``).
- **Order** within a layer is the day's order (``graph.drawing.order.order_at``: one order per
  tier for all the views, crossings minimised over them all), so a box present on both sides
  of a slider step keeps its tier and its place among the others: the reader's mental map
  holds. A wrapped layer is read column by column (left to right, top to bottom within a
  column), so its order runs left to right as in one row.
- **Columns**: every row's boxes keep their order and take the columns nearest the mean column
  of their neighbours in the other rows (a few sweeps down and up, as in Sugiyama's
  coordinate assignment), so a regional body sits above the bodies it oversees rather than at
  the left edge. Columns are common to all rows, so the gaps between them are straight
  channels from top to bottom for the router (``graph.drawing.routing``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from itertools import accumulate
from typing import Protocol


class NodeSpec(Protocol):  # what is read of ``graph.drawing.geometry.NodeSpec``
    id: str
    tier: int
    order: float
    beside: str | None


class EdgeSpec(Protocol):
    source: str
    target: str


class Frame(Protocol):
    columns: int

Row = tuple[int, list[tuple[int, str]], None]  # (tier, [(column, node id)], no fixed height)
SWEEPS = 4
GAP = "\0gap:"  # a column kept empty (never an organisation id: ids are [a-z0-9-])


def layered_rows(frame: Frame, nodes: Sequence[NodeSpec], edges: Sequence[EdgeSpec],
                 keep_gaps: bool = False) -> list[Row]:
    """Rows of (column, node id), top to bottom, for ``nodes`` linked by ``edges``; with
    ``keep_gaps``, the empty columns kept for role labels too (ids starting with ``GAP``)."""
    ids = {n.id for n in nodes}
    hosted: dict[str, list[NodeSpec]] = defaultdict(list)
    for spec in sorted(nodes, key=lambda n: (n.order, n.id)):
        if spec.beside in ids and spec.beside != spec.id:
            hosted[spec.beside].append(spec)
    guests = {g.id for group in hosted.values() for g in group}
    layers: dict[int, list[list[str]]] = defaultdict(list)  # tier -> units (a host and guests)
    for spec in sorted(nodes, key=lambda n: (n.order, n.id)):
        if spec.id in guests:
            continue
        guests_here = [g.id for g in hosted.get(spec.id, [])]
        # an empty column between a body and the people beside it holds their role labels
        unit = [spec.id, *([f"{GAP}{spec.id}"] if guests_here else []), *guests_here]
        layers[spec.tier].append(unit[:frame.columns])
        for extra in unit[frame.columns:]:  # more guests than a row holds: their own units
            layers[spec.tier].append([extra])
    rows: list[tuple[int, list[list[str]]]] = []
    after: dict[str, str] = {}  # a unit's host -> the next unit's in the tier's order
    for units in layers.values():
        if len(units) <= WRAP_DP_LIMIT:  # wrapped column by column (see ``_wrap``)
            after.update((a[0], b[0]) for a, b in zip(units, units[1:], strict=False))
    for tier in sorted(layers):
        wrapped = _wrap(layers[tier], frame.columns)
        # where the empty columns for role labels cost the tier a row, it goes without them
        # (the labels then find room elsewhere near their lines)
        tight = _wrap([[i for i in unit if not i.startswith(GAP)] for unit in layers[tier]],
                      frame.columns)
        rows += [(tier, chunk) for chunk in (tight if len(tight) < len(wrapped) else wrapped)]
    columns = _columns(rows, edges, frame.columns, after)
    return [(tier, [(columns[node_id], node_id) for unit in units for node_id in unit
                    if keep_gaps or not node_id.startswith(GAP)], None)
            for tier, units in rows]


WRAP_DP_LIMIT = 200  # units in a layer; beyond, consecutive runs found by bisection


def _wrap(units: list[list[str]], columns: int) -> list[list[list[str]]]:
    """Units split into as few rows of at most ``columns`` cells as hold them, column by
    column: each unit, in order, goes to the row whose boxes end furthest left (the upper on
    a tie), so the tier's order runs left to right across its rows, as in one row, and its
    lines keep the order the crossing minimisation gave them. (A layer of thousands, as at
    national scale, is cut into consecutive runs instead, found by bisection.)"""
    widths = [len(u) for u in units]
    if len(units) > WRAP_DP_LIMIT:
        return _wrap_greedy(units, widths, columns)
    for count in range(max(1, -(-sum(widths) // columns)), len(units) + 1):
        rows: list[list[list[str]]] = [[] for _ in range(count)]
        ends = [0] * count
        for unit, width in zip(units, widths, strict=True):
            row = min(range(count), key=lambda k: (ends[k], k))
            rows[row].append(unit)
            ends[row] += width
        if max(ends) <= columns:
            return [row for row in rows if row]
    return [[unit] for unit in units]


def _wrap_greedy(units: list[list[str]], widths: list[int], columns: int
                 ) -> list[list[list[str]]]:
    def fill(room: int) -> list[list[list[str]]]:
        rows: list[list[list[str]]] = []
        used = room
        for unit, unit_width in zip(units, widths, strict=True):
            if used + unit_width > room:
                rows.append([])
                used = 0
            rows[-1].append(unit)
            used += unit_width
        return rows

    fewest = len(fill(max(columns, max(widths))))
    low, high = max(widths), max(columns, max(widths))
    while low < high:  # the narrowest widest row that still needs no more rows
        middle = (low + high) // 2
        low, high = (low, middle) if len(fill(middle)) <= fewest else (middle + 1, high)
    return fill(low)


def _columns(rows: list[tuple[int, list[list[str]]]], edges: Sequence[EdgeSpec],
             columns: int, after: dict[str, str]) -> dict[str, int]:
    """Node id -> column: each row's units in order, packed as wrapped at first, then moved
    towards the mean column of their neighbours in other rows. A tier wrapped column by
    column keeps its order across its rows throughout: each unit starts right of the one
    before it in the tier's order, or in the same column and below it (``limits``)."""
    row_of = {node_id: r for r, (_, units) in enumerate(rows) for u in units for node_id in u}
    neighbours: dict[str, list[str]] = defaultdict(list)
    for edge in edges:
        a, b = edge.source, edge.target
        if a in row_of and b in row_of and row_of[a] != row_of[b]:
            neighbours[a].append(b)
            neighbours[b].append(a)
    before = {b: a for a, b in after.items()}

    def limits(r: int, unit: list[str]) -> tuple[int, int]:
        """The first and last column ``unit`` of row ``r`` may start at, given its neighbours
        in the tier's order that sit in other rows."""
        low, high = 0, columns - len(unit)
        previous, following = before.get(unit[0]), after.get(unit[0])
        if previous in row_of and row_of[previous] != r:
            low = max(low, place[previous] + (row_of[previous] > r))
        if following in row_of and row_of[following] != r:
            high = min(high, place[following] - (row_of[following] < r))
        return low, high

    place: dict[str, int] = {}
    tier_rows: dict[int, list[int]] = defaultdict(list)
    for r, (tier, _) in enumerate(rows):
        tier_rows[tier].append(r)
    for members in tier_rows.values():  # packed as wrapped, the tier centred in the frame
        shift = max(0, (columns - max(sum(len(u) for u in rows[r][1]) for r in members)) // 2)
        for r in members:
            _fill(place, rows[r][1], list(accumulate(
                (len(u) for u in rows[r][1][:-1]), initial=shift)))
    order = list(range(len(rows)))
    for sweep in range(SWEEPS):
        for r in (order if sweep % 2 == 0 else order[::-1]):
            units = rows[r][1]
            wanted: list[float | None] = []
            for unit in units:
                near = [place[n] for node_id in unit for n in neighbours[node_id]]
                # the unit's first column is wanted where its host would be at the centre
                wanted.append(sum(near) / len(near) if near else None)
            starts = _assign([len(u) for u in units], wanted, columns,
                             [place[u[0]] for u in units], [limits(r, u) for u in units])
            _fill(place, units, starts)
    _untangle(rows, place, edges, limits)
    return place


UNTANGLE_ROUNDS = 8
UNTANGLE_LIMIT = 3_000  # lines; each move counts crossings against all of them


def _untangle(rows: list[tuple[int, list[list[str]]]], place: dict[str, int],
              edges: Sequence[EdgeSpec], limits) -> None:
    """Each unit moved, within its row and keeping the order, to the free column where the
    straight lines of its edges cross the fewest others (a few rounds, while any move helps):
    the barycentre sweeps bring linked boxes near each other but do not count crossings."""
    import numpy as np

    row_of = {node_id: r for r, (_, units) in enumerate(rows) for u in units for node_id in u}
    links = [(e.source, e.target) for e in edges
             if e.source in row_of and e.target in row_of and e.source != e.target]
    if not links or len(links) > UNTANGLE_LIMIT:  # a view no picture draws: its places only
        return
    touching: dict[str, list[int]] = defaultdict(list)
    for index, (a, b) in enumerate(links):
        touching[a].append(index)
        touching[b].append(index)
    xs = np.array([[place[a], place[b]] for a, b in links], dtype=float)
    ys = np.array([[row_of[a], row_of[b]] for a, b in links], dtype=float)

    def put(unit: list[str], start: int) -> None:
        for offset, node_id in enumerate(unit):
            place[node_id] = start + offset
            for index in touching.get(node_id, ()):
                a, b = links[index]
                xs[index] = (place[a], place[b])

    for _ in range(UNTANGLE_ROUNDS):
        moved = False
        for r, (_, units) in enumerate(rows):
            for k, unit in enumerate(units):
                mine = sorted({i for node_id in unit for i in touching.get(node_id, ())})
                if not mine:
                    continue
                low, high = limits(r, unit)
                low = max(low, place[units[k - 1][-1]] + 1 if k else 0)
                high = min(high, place[units[k + 1][0]] - len(unit) if k + 1 < len(units)
                           else high)
                start = best = place[unit[0]]
                fewest = _crossings_of(xs, ys, mine)
                for column in range(low, high + 1):
                    if column != start:
                        put(unit, column)
                        count = _crossings_of(xs, ys, mine)
                        if count < fewest:
                            fewest, best = count, column
                put(unit, best)
                moved |= best != start
        if not moved:
            return


def _crossings_of(xs, ys, mine: list[int]) -> int:
    """Pairs of straight segments (rows of ``xs``/``ys``: both ends' x and y) that properly
    cross, among those with at least one segment in ``mine``."""
    import numpy as np

    ax, ay, bx, by = xs[:, 0], ys[:, 0], xs[:, 1], ys[:, 1]
    sx, sy, tx, ty = (v[mine][:, None] for v in (ax, ay, bx, by))

    def side(px, py, qx, qy, rx, ry):
        return np.sign((qx - px) * (ry - py) - (qy - py) * (rx - px))

    crossed = (side(sx, sy, tx, ty, ax, ay) * side(sx, sy, tx, ty, bx, by) < 0) & \
        (side(ax, ay, bx, by, sx, sy) * side(ax, ay, bx, by, tx, ty) < 0)
    inside = np.zeros(len(ax), dtype=bool)
    inside[mine] = True
    return int(crossed.sum() - crossed[:, inside].sum() // 2)


def _fill(place: dict[str, int], units: list[list[str]], starts: list[int]) -> None:
    for unit, start in zip(units, starts, strict=True):
        for offset, node_id in enumerate(unit):
            place[node_id] = start + offset


def _assign(widths: list[int], wanted: list[float | None], columns: int,
            current: list[int], limits: list[tuple[int, int]]) -> list[int]:
    """First columns for units of ``widths`` in order, not overlapping, within ``columns``
    and each within its ``limits``, each as near its ``wanted`` column as can be (least
    squares, by dynamic programming); a unit that wants nothing stays near its ``current``
    column. Where no such columns exist, ``current``."""
    count = len(widths)
    if count == 0:
        return []
    targets = [w if w is not None else current[i] for i, w in enumerate(wanted)]
    weight = [1.0 if w is not None else 0.2 for w in wanted]
    inf = float("inf")
    # best[i][c]: least cost of units 0..i with unit i starting at column c
    best = [[inf] * columns for _ in range(count)]
    back = [[-1] * columns for _ in range(count)]
    for i in range(count):
        room_after = sum(widths[i + 1:])
        low, high = limits[i]
        for c in range(max(0, low), min(columns - room_after - widths[i], high) + 1):
            cost = weight[i] * (c - targets[i]) ** 2
            if i == 0:
                best[i][c] = cost
                continue
            previous = [(best[i - 1][p], p) for p in range(0, c - widths[i - 1] + 1)]
            if previous:
                value, p = min(previous)
                best[i][c], back[i][c] = value + cost, p
    c = min(range(columns), key=lambda k: (best[-1][k], k))
    if best[-1][c] == inf:
        return list(current)
    starts = [0] * count
    for i in range(count - 1, -1, -1):
        starts[i] = c
        c = back[i][c]
    return starts
