"""A selection's whole history as the page would show it: on which days each organisation and
relationship is drawn, under which name, in which state, and where.

The page draws ``scene(graph, day, ...)``; what it shows only changes on the days the data names
(lifetimes, names, relationships) and on the days a predecessor stops being shown as "ended
recently". So the scene is asked once per stretch between two such days, and each thing's spells
are the stretches it was drawn in. A file made from this history (the GEXF) then shows, on any
day, exactly what the page shows, because it is the page's own answer.

A file has one place per box for all of time, so the places are those of one drawing of the
whole history at once (every organisation and relationship ever drawn), made by the page's own
drawing code: no two boxes of the history overlap, whichever days they share.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import networkx as nx

from graph.core.temporal import dataset_of
from graph.drawing.order import change_days
from graph.drawing.picture import compute_places
from graph.drawing.scene import Scene, SceneEdge, SceneNode
from graph.export.attributes import NO_GROUPING
from graph.export.request import SnapshotRequest

Day = dt.date | None  # None: open (before the first day the data names, or after the last)


@dataclass(frozen=True)
class Spell:
    """Days ``first`` to ``last``, both included (GEXF intervals include both ends)."""

    first: Day
    last: Day


class Changing:
    """A value over the stretches of a history: runs of (first stretch, last stretch, value),
    oldest first, a run extended while the value stays the same in the next stretch."""

    __slots__ = ("runs",)

    def __init__(self) -> None:
        self.runs: list[list] = []

    def add(self, stretch: int, value: str) -> None:
        if self.runs and self.runs[-1][1] == stretch - 1 and self.runs[-1][2] == value:
            self.runs[-1][1] = stretch
        else:
            self.runs.append([stretch, stretch, value])


class Drawn:
    """One organisation or relationship over the history: its name (a node) and its state on
    each stretch it was drawn, its scene record the first time, and (a node) the (x, y) of its
    box in the drawing of the whole history (CSS pixels, y down)."""

    __slots__ = ("name", "state", "first", "place")

    def __init__(self, first: SceneNode | SceneEdge) -> None:
        self.name, self.state = Changing(), Changing()
        self.first = first
        self.place: tuple[float, float] | None = None


@dataclass(frozen=True)
class History:
    area: str
    nodes: dict[str, Drawn]
    edges: dict[str, Drawn]
    stretches: tuple[tuple[Day, Day], ...]  # (first day, last day) of each stretch

    def periods(self, value: Changing) -> list[tuple[Spell, str]]:
        """(spell, value) pairs, oldest first."""
        return [(Spell(self.stretches[a][0], self.stretches[b][1]), v) for a, b, v in value.runs]

    def spells(self, value: Changing) -> list[Spell]:
        """The spells in which it has any value: when it is drawn."""
        merged: list[list[int]] = []
        for a, b, _ in value.runs:
            if merged and merged[-1][1] == a - 1:
                merged[-1][1] = b
            else:
                merged.append([a, b])
        return [Spell(self.stretches[a][0], self.stretches[b][1]) for a, b in merged]


def history(graph: nx.MultiDiGraph, request: SnapshotRequest) -> History:
    """Every organisation and relationship the page draws for ``request``'s selection (focus,
    kinds, types) on any day, with the stretches it is drawn in. The request's date and diff
    play no part: they belong to the view at one day."""
    plain = dataclasses.replace(request, diff_from=None)
    nodes: dict[str, Drawn] = {}
    edges: dict[str, Drawn] = {}
    found = stretches(change_days(graph))
    for index, (day, _, _) in enumerate(found):
        view = plain.scene(graph, day, max_nodes=NO_GROUPING)
        _record(view, index, nodes, edges)
    _place(graph, view, nodes, edges)
    return History(dataset_of(graph).area.name, nodes, edges,
                   tuple((first, last) for _, first, last in found))


def stretches(starts: list[dt.date]) -> list[tuple[dt.date, Day, Day]]:
    """(a day to ask, first day, last day) for each stretch between two change days: one open
    to the past before the first, one open to the future from the last."""
    one = dt.timedelta(days=1)
    found: list[tuple[dt.date, Day, Day]] = [(starts[0] - one, None, starts[0] - one)]
    for index, first in enumerate(starts):
        last = starts[index + 1] - one if index + 1 < len(starts) else None
        found.append((first, first, last))
    return found


def _record(view: Scene, stretch: int, nodes: dict[str, Drawn],
            edges: dict[str, Drawn]) -> None:
    for node in view.nodes:
        drawn = nodes.get(node.id)
        if drawn is None:
            drawn = nodes[node.id] = Drawn(node)
        drawn.name.add(stretch, node.name)
        drawn.state.add(stretch, node.state)
    for edge in view.edges:
        drawn = edges.get(edge.id)
        if drawn is None:
            drawn = edges[edge.id] = Drawn(edge)
        drawn.state.add(stretch, edge.state)


def _place(graph: nx.MultiDiGraph, view: Scene, nodes: dict[str, Drawn],
           edges: dict[str, Drawn]) -> None:
    """Each box's place in one drawing of everything the history holds, as in force."""
    everything = dataclasses.replace(
        view, nodes=tuple(dataclasses.replace(d.first, state="current") for d in nodes.values()),
        edges=tuple(dataclasses.replace(d.first, state="current") for d in edges.values()))
    for box in compute_places(graph, everything, "screen").nodes:
        nodes[box.id].place = (box.x, box.y)
