"""A selection's whole history as the page would show it: on which days each organisation and
relationship is drawn, under which name, in which state, and where.

The page draws ``scene(graph, day, ...)``; what it shows only changes on the days the data names
(lifetimes, names, relationships) and on the days a predecessor stops being shown as "ended
recently". So the scene is asked once per stretch between two such days, and each thing's spells
are the stretches it was drawn in. A file made from this history (the GEXF) then shows, on any
day, exactly what the page shows, because it is the page's own answer.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

import networkx as nx

from graph.core.temporal import dataset_of
from graph.drawing.picture import compute_drawing
from graph.drawing.scene import GHOST_MONTHS, Scene, SceneEdge, SceneNode
from graph.export.attributes import NO_GROUPING
from graph.export.request import SnapshotRequest

Day = dt.date | None  # None: open (before the first day the data names, or after the last)


@dataclass(frozen=True)
class Spell:
    """Days ``first`` to ``last``, both included (GEXF intervals include both ends)."""

    first: Day
    last: Day


@dataclass
class Changing:
    """A value over time: (spell, value) pairs, oldest first, consecutive equal values merged."""

    periods: list[tuple[Spell, str]] = field(default_factory=list)

    def add(self, first: Day, last: Day, value: str) -> None:
        if self.periods:
            (spell, previous) = self.periods[-1]
            if previous == value and _next_day(spell.last) == first:
                self.periods[-1] = (Spell(spell.first, last), value)
                return
        self.periods.append((Spell(first, last), value))

    @property
    def spells(self) -> list[Spell]:
        merged: list[Spell] = []
        for spell, _ in self.periods:
            if merged and _next_day(merged[-1].last) == spell.first:
                merged[-1] = Spell(merged[-1].first, spell.last)
            else:
                merged.append(spell)
        return merged


@dataclass
class Drawn:
    """One organisation or relationship over the history: its name (or label) and state on
    each stretch it was drawn; ``node`` / ``edge`` is its scene record from its first stretch."""

    name: Changing = field(default_factory=Changing)
    state: Changing = field(default_factory=Changing)
    node: SceneNode | None = None
    edge: SceneEdge | None = None
    place: tuple[float, float] | None = None  # the page's (x, y) of its box, CSS pixels


@dataclass(frozen=True)
class History:
    area: str
    nodes: dict[str, Drawn]
    edges: dict[str, Drawn]


def history(graph: nx.MultiDiGraph, request: SnapshotRequest) -> History:
    """Every organisation and relationship the page draws for ``request``'s selection (focus,
    kinds, types) on any day, with the stretches it is drawn in. The request's date and diff
    play no part: they belong to the view at one day."""
    plain = dataclasses.replace(request, diff_from=None)
    nodes: dict[str, Drawn] = {}
    edges: dict[str, Drawn] = {}
    for day, first, last in stretches(change_days(graph)):
        view = plain.scene(graph, day, max_nodes=NO_GROUPING)
        _record(view, first, last, nodes, edges, graph)
    return History(dataset_of(graph).area.name, nodes, edges)


def stretches(starts: list[dt.date]) -> list[tuple[dt.date, Day, Day]]:
    """(a day to ask, first day, last day) for each stretch between two change days: one open
    to the past before the first, one open to the future from the last."""
    one = dt.timedelta(days=1)
    found: list[tuple[dt.date, Day, Day]] = [(starts[0] - one, None, starts[0] - one)]
    for index, first in enumerate(starts):
        last = starts[index + 1] - one if index + 1 < len(starts) else None
        found.append((first, first, last))
    return found


def _record(view: Scene, first: Day, last: Day, nodes: dict[str, Drawn],
            edges: dict[str, Drawn], graph: nx.MultiDiGraph) -> None:
    newcomers = [n for n in view.nodes if n.id not in nodes]
    for node in view.nodes:
        drawn = nodes.setdefault(node.id, Drawn(node=node))
        drawn.name.add(first, last, node.name)
        drawn.state.add(first, last, node.state)
    for edge in view.edges:
        drawn = edges.setdefault(edge.id, Drawn(edge=edge))
        drawn.state.add(first, last, edge.state)
    if newcomers:
        # each box keeps its all-time cell on the page: its place the first day it is drawn
        # is its place on every day (edges do not move boxes, so none are routed here)
        boxes = compute_drawing(graph, dataclasses.replace(view, edges=()), "screen")
        for box in boxes.nodes:
            if nodes[box.id].place is None:
                nodes[box.id].place = (box.x, box.y)


def change_days(graph: nx.MultiDiGraph) -> list[dt.date]:
    """The days on which what the page draws may change, sorted: every day the data names,
    and the days a predecessor stops being shown as ended recently."""
    dataset = dataset_of(graph)
    days = set(dataset.dates())
    for rel in dataset.relationships:
        if dataset.relationship_types[rel.type].lineage and rel.valid_from:
            days.add(ghost_end(rel.valid_from.start))
    if not days:
        days.add(dt.date.today())
    return sorted(days)


def ghost_end(taken_over: dt.date, months: int = GHOST_MONTHS) -> dt.date:
    """The first day a predecessor taken over on ``taken_over`` is no longer drawn: the scene
    shows it while the first of the month ``months`` before the day is earlier than
    ``taken_over``."""
    month_index = taken_over.year * 12 + taken_over.month - 1 + (taken_over.day > 1) + months
    return dt.date(month_index // 12, month_index % 12 + 1, 1)


def _next_day(day: Day) -> Day:
    return None if day is None else day + dt.timedelta(days=1)
