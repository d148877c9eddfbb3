"""How much drawing an offline HTML page needs, known before drawing anything.

The page carries a frame for every slider stop (at 10,000 organisations, 1,932 of them), and
each frame is a scene: one for each stop took 105 s and wrote 65 MB. But a focused or
filtered selection looks the same from one stop to the next unless something in it changes,
so a stop is drawn only when a day that could change the selection lies between it and the
stop before; the other stops show the frame before them (``stops_to_draw``). The days that
could change it (``changing_days``) are the dates of every organisation the selection could
ever hold, its names, and the relationships touching them (and their other ends' dates, which
clip a relationship), plus the days a faded predecessor stops being shown.

What is left to draw is then weighed (``problem``): stops drawn times the organisations each
scene walks. Past ``BUDGET`` the page is refused, in one line naming what to narrow.
"""

from __future__ import annotations

import bisect
import datetime as dt

import networkx as nx

from graph.core.temporal import at, dataset_of, neighbourhood
from graph.drawing.order import ghost_end
from graph.export.request import SnapshotRequest

# stops drawn x organisations in force: 1,000,000 is about 8 s here at 10,000 organisations
# (about 7 µs an organisation a stop); the whole area at 10,000 is 1,932 x 7,859
BUDGET = 1_000_000


def changing_days(graph: nx.MultiDiGraph, request: SnapshotRequest) -> list[dt.date] | None:
    """The days on which the request's selection could look different from the day before,
    sorted; None when that is any day the data names (the whole area, every kind).

    Focused within ``depth``, a box can only be an organisation within ``depth`` steps over all
    of time, or one joined to such an organisation as its predecessor (faded) or, comparing,
    by an ended relationship; the steps out are taken over relationships touching
    organisations within ``depth - 1``. Filtered by kind, a box is an organisation of those
    kinds (faded after a merger whatever its successor's kind) and a line joins two of them. Who is present only while related (a person) depends
    on every one of their relationships."""
    dataset = dataset_of(graph)
    if request.focus is None and request.kinds is None:
        return None
    rels: set[str] = set()
    if request.focus is not None:
        near = neighbourhood(graph, request.focus, request.depth)
        inner = neighbourhood(graph, request.focus, request.depth - 1)
        boxes = set(near)
        for org_id in inner:
            rels.update(_touching(graph, org_id))
        for org_id in near:
            for source, _t, rel_id in graph.in_edges(org_id, keys=True):
                rels.add(rel_id)
                boxes.add(source)
    else:
        boxes = {o.id for o in dataset.organisations.values() if o.kind in request.kinds}
        for org_id in boxes:
            rels.update(r for r in _touching(graph, org_id)
                        if _ends(graph, r) <= boxes or _lineage(graph, r))
    for org_id in boxes:
        if dataset.kinds[dataset.organisations[org_id].kind].while_related:
            rels.update(_touching(graph, org_id))
    days: set[dt.date] = set()
    for rel_id in rels:
        rel = graph.graph["relationships"][rel_id]
        boxes.update((rel.source, rel.target))  # their ends' lifetimes clip them
        days.update(d.start for d in (rel.valid_from, rel.valid_to) if d)
        if dataset.relationship_types[rel.type].lineage and rel.valid_from:
            days.add(ghost_end(rel.valid_from.start))  # the scene's own rule
    for org_id in boxes:
        org = dataset.organisations[org_id]
        days.update(d.start for item in (org, *org.former_names)
                    for d in (item.valid_from, item.valid_to) if d)
    return sorted(days)


def _touching(graph: nx.MultiDiGraph, org_id: str) -> list[str]:
    return [key for *_ends, key in (*graph.out_edges(org_id, keys=True),
                                    *graph.in_edges(org_id, keys=True))]


def _lineage(graph: nx.MultiDiGraph, rel_id: str) -> bool:
    """A merger or succession: its predecessor is shown faded whatever kind its successor."""
    rel = graph.graph["relationships"][rel_id]
    return dataset_of(graph).relationship_types[rel.type].lineage


def _ends(graph: nx.MultiDiGraph, rel_id: str) -> set[str]:
    rel = graph.graph["relationships"][rel_id]
    return {rel.source, rel.target}


def stops_to_draw(days: list[dt.date], changing: list[dt.date] | None) -> list[bool]:
    """For each stop day (sorted), whether it must be drawn: the first always; another when
    a changing day falls after the stop before it and on or before it."""
    if changing is None:
        return [True] * len(days)
    drawn = []
    for n, day in enumerate(days):
        before = days[n - 1] if n else None
        drawn.append(before is None or
                     bisect.bisect_right(changing, day) > bisect.bisect_right(changing, before))
    return drawn


def problem(graph: nx.MultiDiGraph, request: SnapshotRequest,
            days: list[dt.date]) -> str | None:
    """Why the offline page of ``request`` with stops on ``days`` is refused, or None."""
    drawn = sum(stops_to_draw(days, changing_days(graph, request)))
    walked = len(at(graph, request.day).organisations)
    if drawn * walked <= BUDGET:
        return None
    if request.focus is None:
        what, narrow = "the whole area", "focus on an organisation or keep fewer kinds"
    else:
        what, narrow = "this selection", "focus with a smaller depth"
    return (f"too large for one offline HTML page: {what} changes on {drawn:,} of its dates, "
            f"each drawn from {walked:,} organisations ({narrow})")
