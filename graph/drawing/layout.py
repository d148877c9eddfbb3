"""One layout for all time, so an organisation stays in the same place at every date.

Organisations sit in the cells of a grid: one band of rows per kind ``tier`` (0 at the top),
``columns`` cells a row. Within a band they are ordered by the barycentre heuristic over
all-time relationships (as in Sugiyama layouts), so linked organisations, predecessors and
successors end up near each other. Two organisations that are never drawn on the same day
(their lifetimes, plus the months a predecessor stays on the picture as "ended recently", do
not overlap) may share a cell, so the grid is about as big as the busiest day, not as all of
history. Every box in a row has the row's height; the gaps between rows and columns are the
channels the edges are routed through (``graph.drawing.routing``).

A ``Frame`` says how big things are: the page's (CSS pixels, four columns so that labels stay
readable in the page's graph column) or a sheet of paper's (points).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

import networkx as nx

from graph.core.temporal import dataset_of
from graph.drawing.engine import order
from graph.drawing.text import LINE_HEIGHT, wrap

SWEEPS = 6
LINEAGE_WEIGHT = 4
GHOST_MONTHS = 12  # a predecessor stays on the picture this long after it ended
_GHOST_DAYS = GHOST_MONTHS * 31 + 31  # ... counted generously when cells are shared
_OPEN = 10**7


@dataclass(frozen=True)
class Frame:
    """Sizes for one medium. Lengths are in ``unit``."""

    name: str
    unit: str  # "px" (CSS pixels) or "pt" (points on paper)
    columns: int
    font: float  # organisation labels
    edge_font: float  # relationship labels
    box_width: float
    pad: float  # inside a box, around its label
    column_gap: float  # vertical channels between columns (and at both sides)
    row_gap: float  # horizontal channels between rows
    band_gap: float  # added between two tiers
    max_lines: int  # a longer name is cut with "…" (whole in the tooltip and tables)
    tier_rows: bool = True  # each tier starts a new row (paper packs them to save space)
    spare: float = 0.0  # of a label's room left unused, for a browser's own font metrics

    @property
    def line(self) -> float:
        return self.font * LINE_HEIGHT

    @property
    def pitch(self) -> float:
        return self.box_width + self.column_gap

    @property
    def width(self) -> float:
        return self.columns * self.pitch + self.column_gap

    def column_x(self, column: int) -> float:
        """The centre of a column's boxes."""
        return self.column_gap + column * self.pitch + self.box_width / 2

    def box_height(self, lines: int) -> float:
        return lines * self.line + 2 * self.pad

    @property
    def text_width(self) -> float:
        """Room for a label's lines, with a little to spare for a browser's own metrics."""
        return (self.box_width - 2 * self.pad) * (1 - self.spare)

    def label_lines(self, text: str) -> list[str]:
        return wrap(text, self.text_width, self.font)


FRAMES: dict[str, Frame] = {
    # the page: 3 columns 794 px wide, so labels of 16 px show at 10 px or more in the graph
    # column beside the details (5:3) at 1366x768 (about 540 px) and at 12 px or more at
    # 1600x1000 (about 700 px); a tall story makes the page scroll, never the type shrink
    "screen": Frame("screen", "px", 7, 12.0, 11.0, 110.0, 3.0, 11.0, 14.0, 2.0, 6, spare=0.06),
    # paper: 7 pt labels (enlarged when there is room), tiers packed one after the other; the
    # sheet's width decides the columns
    "a4": Frame("a4", "pt", 8, 7.0, 7.0, 88.0, 2.0, 10.0, 9.0, 0.0, 5, False),
    "a4-portrait": Frame("a4-portrait", "pt", 4, 7.0, 7.0, 114.0, 2.5, 12.0, 15.0, 3.0, 5, False),
    "slide": Frame("slide", "pt", 8, 7.0, 7.0, 100.0, 2.5, 12.0, 15.0, 3.0, 5, False),
}


@dataclass(frozen=True)
class Grid:
    """Rows and columns of a frame: where each row's boxes are, and who sits in which cell."""

    frame: Frame
    cells: dict[str, tuple[int, int]]  # organisation id -> (row, column)
    row_top: tuple[float, ...]
    row_height: tuple[float, ...]
    row_band: tuple[int, ...]  # the tier each row belongs to

    @property
    def rows(self) -> int:
        return len(self.row_top)

    def centre(self, row: int, column: int) -> tuple[float, float]:
        return self.frame.column_x(column), self.row_top[row] + self.row_height[row] / 2

    @cached_property
    def positions(self) -> dict[str, tuple[float, float]]:
        return {org_id: self.centre(*cell) for org_id, cell in self.cells.items()}


def layout(graph: nx.MultiDiGraph, frame: str = "screen") -> dict[str, tuple[float, float]]:
    """Box centres (x, y) for every organisation in ``frame``; cached on the graph."""
    return grid(graph, frame).positions


def grid(graph: nx.MultiDiGraph, frame: str = "screen") -> Grid:
    """The all-time grid of ``frame`` (see ``FRAMES``), cached on the graph."""
    cache = graph.graph.setdefault("grids", {})
    if frame not in cache:
        cache[frame] = compute_grid(graph, FRAMES[frame])
    return cache[frame]


def compute_layout(graph: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """The page's layout without the cache (the benchmark's "cold" figure)."""
    return compute_grid(graph, FRAMES["screen"]).positions


def compute_grid(graph: nx.MultiDiGraph, frame: Frame) -> Grid:
    dataset = dataset_of(graph)
    bands = _ordered_bands(graph)
    spans = _drawn_spans(graph)
    lines = {org.id: max(len(frame.label_lines(name)) for name in
                         (org.name, *(f.name for f in org.former_names)))
             for org in dataset.organisations.values()}
    cells: dict[str, tuple[int, int]] = {}
    row_top: list[float] = []
    row_height: list[float] = []
    row_band: list[int] = []
    y = frame.row_gap
    for tier, members in bands:
        slots = share_cells(members, spans)
        rows = [slots[i:i + frame.columns] for i in range(0, len(slots), frame.columns)]
        for row in rows:
            first = (frame.columns - len(row)) // 2  # a short row is centred
            tallest = 1
            for offset, slot in enumerate(row):
                for org_id in slot:
                    cells[org_id] = (len(row_top), first + offset)
                    tallest = max(tallest, lines[org_id])
            height = frame.box_height(min(tallest, frame.max_lines))
            row_top.append(y)
            row_height.append(height)
            row_band.append(tier)
            y += height + frame.row_gap
        y += frame.band_gap
    return Grid(frame, cells, tuple(row_top), tuple(row_height), tuple(row_band))


DOT_ORDER_LIMIT = 2_000  # organisations; beyond, dot's mincross takes minutes: barycentres


def all_time_order(graph: nx.MultiDiGraph) -> dict[str, int]:
    """Organisation id -> its place in the all-time order: tier by tier, each tier ordered by
    Graphviz ``dot``'s crossing minimisation over every relationship there ever was (by the
    barycentre sweeps of ``_ordered_bands`` beyond ``DOT_ORDER_LIMIT`` organisations)."""
    found = graph.graph.get("layout_rank")
    if found is None:
        bands = _ordered_bands(graph)
        if sum(len(m) for _, m in bands) <= DOT_ORDER_LIMIT:
            bands = _dot_bands(graph, bands)
        found = graph.graph["layout_rank"] = {
            org_id: i for i, org_id in enumerate(
                org_id for _, members in bands for org_id in members)}
    return found


def _dot_bands(graph: nx.MultiDiGraph,
               bands: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """``bands`` reordered by ``dot``; people (kinds present only while related) are left
    where the barycentres put them: they are drawn beside their post, not in a layer."""
    dataset = dataset_of(graph)
    related = {k for k, kind in dataset.kinds.items() if kind.while_related}
    layered = [(tier, members) for tier, members in bands
               if members and dataset.organisations[members[0]].kind not in related]
    places = order([members for _, members in layered],
                   [(rel.source, rel.target) for rel in dataset.relationships])
    return [(tier, sorted(members, key=lambda o: (places.get(o, 0.0), o)))
            if (tier, members) in layered else (tier, members) for tier, members in bands]


def _ordered_bands(graph: nx.MultiDiGraph) -> list[tuple[int, list[str]]]:
    """Organisations by tier, each tier ordered by the barycentre of its neighbours; cached
    (the order does not depend on the frame)."""
    cached = graph.graph.get("layout_order")
    if cached is not None:
        return cached
    dataset = dataset_of(graph)
    layers: dict[int, list[str]] = defaultdict(list)
    for org in sorted(dataset.organisations.values(),
                      key=lambda o: (o.valid_from.start.toordinal() if o.valid_from else 0, o.name)):
        layers[dataset.kinds[org.kind].tier].append(org.id)
    neighbours: dict[str, list[str]] = defaultdict(list)
    for source, target, rel in graph.edges(data="relationship"):
        if source != target:
            # a successor should sit by its predecessors: lineage pulls harder than other links
            weight = LINEAGE_WEIGHT if dataset.relationship_types[rel.type].lineage else 1
            neighbours[source].extend([target] * weight)
            neighbours[target].extend([source] * weight)

    rank = {org_id: i for layer in layers.values() for i, org_id in enumerate(layer)}
    layer_size = {org_id: len(layer) for layer in layers.values() for org_id in layer}
    tiers = sorted(layers)
    for sweep in range(SWEEPS):
        order = tiers if sweep % 2 == 0 else list(reversed(tiers))
        for tier in order:
            layer = layers[tier]
            def barycentre(org_id: str, layer: list[str] = layer) -> float:
                near = neighbours.get(org_id)
                if not near:
                    return rank[org_id]
                # neighbours' places as fractions of their own layer, scaled to this one
                scale = len(layer)
                return sum(rank[n] / layer_size[n] for n in near) / len(near) * scale
            layer.sort(key=lambda o: (barycentre(o), rank[o]))
            rank.update({org_id: i for i, org_id in enumerate(layer)})
    cached = graph.graph["layout_order"] = [(tier, layers[tier]) for tier in tiers]
    return cached


def _drawn_spans(graph: nx.MultiDiGraph) -> dict[str, tuple[int, int]]:
    """Per organisation, the days (ordinals, end exclusive) on which a view can draw it: its
    lifetime, only the days of its relationships for a kind present while related, and the
    months after its end when it is a predecessor shown as "ended recently"."""
    dataset = dataset_of(graph)
    spans = {o.id: (_ordinal(o.valid_from, 0), _ordinal(o.valid_to, _OPEN))
             for o in dataset.organisations.values()}
    related = {o.id for o in dataset.organisations.values() if dataset.kinds[o.kind].while_related}
    held: dict[str, tuple[int, int]] = {}
    lineage = {t for t, rt in dataset.relationship_types.items() if rt.lineage}
    ghost_end: dict[str, int] = {}
    for rel in dataset.relationships:
        start = max(_ordinal(rel.valid_from, 0), spans[rel.source][0], spans[rel.target][0])
        end = min(_ordinal(rel.valid_to, _OPEN), spans[rel.source][1], spans[rel.target][1])
        for end_id in (rel.source, rel.target):
            low, high = held.get(end_id, (start, end))
            held[end_id] = (min(low, start), max(high, end))
        if rel.type in lineage and rel.valid_from:
            ghost_end[rel.source] = max(ghost_end.get(rel.source, 0),
                                        rel.valid_from.start.toordinal() + _GHOST_DAYS)
    for org_id in related:
        spans[org_id] = held.get(org_id, (0, 0))
    for org_id, end in ghost_end.items():
        start, old_end = spans[org_id]
        spans[org_id] = (start, max(old_end, min(end, _OPEN)))
    return spans


def share_cells(members: list[str], spans: dict[str, tuple[int, int]]) -> list[list[str]]:
    """Cells for a band, in order. Taken by start date, each organisation goes into a cell
    free on its first day (whose occupants are never drawn on a day it is), the one whose
    occupants sit nearest in the barycentre order; only when none is free does it open a
    new cell. Taken in that order, the cells are as few as the most organisations drawn on
    one day (an interval graph is coloured optimally this way). The cells are then ordered
    by their occupants' mean place in the barycentre order, so neighbours stay near."""
    rank = {org_id: i for i, org_id in enumerate(members)}
    slots: list[list[str]] = []
    free_from: list[int] = []
    never = [o for o in members if spans[o][0] >= spans[o][1]]
    for org_id in sorted(set(members) - set(never), key=lambda o: (spans[o][0], rank[o])):
        start, end = spans[org_id]
        free = [i for i, day in enumerate(free_from) if day <= start]
        if free:
            best = min(free, key=lambda i: (abs(sum(rank[o] for o in slots[i]) / len(slots[i])
                                                 - rank[org_id]), i))
            slots[best].append(org_id)
            free_from[best] = max(free_from[best], end)
        else:
            slots.append([org_id])
            free_from.append(end)
    for org_id in never:  # never drawn (a person who never held a role): anywhere will do
        slots[0].append(org_id) if slots else slots.append([org_id])
    return sorted(slots, key=lambda slot: (sum(rank[o] for o in slot) / len(slot), slot[0]))


def _ordinal(day, default: int) -> int:
    return day.start.toordinal() if day else default

