"""Time queries over one networkx MultiDiGraph that holds all of time.

Nodes are organisation ids with the ``Organisation`` record under ``"organisation"``; edges
are keyed by relationship id with the ``Relationship`` under ``"relationship"``. Every
function takes the graph and returns plain values, in the style of networkx's algorithms.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import deque
from dataclasses import dataclass, field

import networkx as nx

from graph.core.dates import PartialDate, as_day
from graph.core.interval_index import IntervalIndex
from graph.core.model import Dataset, Event, Organisation, Relationship

DateLike = dt.date | PartialDate | str


def build_graph(dataset: Dataset) -> nx.MultiDiGraph:
    """The all-time graph of a dataset, with an index that makes ``at`` cheap."""
    graph = nx.MultiDiGraph(dataset=dataset)
    graph.add_nodes_from((o.id, {"organisation": o}) for o in dataset.organisations.values())
    graph.add_edges_from((r.source, r.target, r.id, {"relationship": r})
                         for r in dataset.relationships)
    graph.graph["index"] = IntervalIndex(dataset)
    graph.graph["relationships"] = {r.id: r for r in dataset.relationships}
    graph.graph["lineage_days"] = sorted(
        (r.valid_from.start, r.id) for r in dataset.relationships
        if dataset.relationship_types[r.type].lineage and r.valid_from)
    return graph


def dataset_of(graph: nx.MultiDiGraph) -> Dataset:
    return graph.graph["dataset"]


def organisation(graph: nx.MultiDiGraph, org_id: str) -> Organisation:
    return graph.nodes[org_id]["organisation"]


def relationship(graph: nx.MultiDiGraph, rel_id: str) -> Relationship:
    return graph.graph["relationships"][rel_id]


def exists(graph: nx.MultiDiGraph, org_id: str, date: DateLike) -> bool:
    """Whether an organisation existed on ``date``: its lifetime holds and, for a kind present
    only while related, one of its relationships is in force."""
    return org_id in at(graph, date).organisations


@dataclass(frozen=True)
class View:
    """What was in force on one day: organisation id -> its name that day, and relationship ids."""

    day: dt.date
    organisations: dict[str, str]
    relationships: frozenset[str]


def at(graph: nx.MultiDiGraph, date: DateLike) -> View:
    """Organisations and relationships in force on ``date`` (``valid_from <= date < valid_to``).

    A relationship counts only while both its ends exist. An organisation of a kind declared
    ``present: while_related`` (a person, say) exists only while one of its relationships is in
    force. Each organisation carries the name it had on that day.

    >>> view = at(graph, "2021-04-01")   # doctest: +SKIP
    >>> view.organisations["blmk-ccg"]   # doctest: +SKIP
    'NHS Bedfordshire, Luton and Milton Keynes CCG'
    """
    day = as_day(date)
    names, relationships = graph.graph["index"].at(day)
    return View(day, names, relationships)


def at_by_scan(graph: nx.MultiDiGraph, date: DateLike) -> View:
    """``at`` without the index: a plain scan of every record (the benchmark's baseline)."""
    day = as_day(date)
    dataset = dataset_of(graph)
    names = {o.id: o.name_at(day) for o in dataset.organisations.values() if o.exists_on(day)}
    held = [r for r in dataset.relationships
            if r.in_force_on(day) and r.source in names and r.target in names]
    names = _present(names, _related_only(dataset), {e for r in held for e in (r.source, r.target)})
    return View(day, names, frozenset(r.id for r in held))


def _related_only(dataset: Dataset) -> frozenset[str]:
    """Organisations of a kind declared ``present: while_related`` (people, say)."""
    kinds = {k for k, kind in dataset.kinds.items() if kind.while_related}
    return frozenset(o.id for o in dataset.organisations.values() if o.kind in kinds)


def _present(names: dict[str, str], related_only: frozenset[str],
             related: set[str]) -> dict[str, str]:
    """``names`` without the organisations present only while related that hold no
    relationship in force that day."""
    if not related_only:
        return names
    return {i: n for i, n in names.items() if i not in related_only or i in related}


@dataclass(frozen=True)
class Diff:
    """What changed between two days (``a`` to ``b``)."""

    a: dt.date
    b: dt.date
    added: dict[str, str]  # id -> name on b
    removed: dict[str, str]  # id -> name on a
    renamed: dict[str, tuple[str, str]]  # id -> (name on a, name on b)
    relationships_added: frozenset[str]
    relationships_removed: frozenset[str]
    lineage: tuple[str, ...] = field(default=())  # lineage relationship ids dated between a and b


def diff(graph: nx.MultiDiGraph, a: DateLike, b: DateLike) -> Diff:
    """Organisations and relationships added, removed and renamed from ``a`` to ``b``, with the
    lineage relationships (mergers, successions) dated after the earlier and up to the later day."""
    view_a, view_b = at(graph, a), at(graph, b)
    names_a, names_b = view_a.organisations, view_b.organisations
    low, high = sorted((view_a.day, view_b.day))
    dated = graph.graph["lineage_days"]  # (day, id), sorted
    lineage = tuple(rel_id for _, rel_id in dated[bisect.bisect_right(dated, (low, "\uffff")):
                                                bisect.bisect_right(dated, (high, "\uffff"))])
    return Diff(
        view_a.day, view_b.day,
        added={i: n for i, n in names_b.items() if i not in names_a},
        removed={i: n for i, n in names_a.items() if i not in names_b},
        renamed={i: (names_a[i], n) for i, n in names_b.items()
                 if i in names_a and names_a[i] != n},
        relationships_added=view_b.relationships - view_a.relationships,
        relationships_removed=view_a.relationships - view_b.relationships,
        lineage=lineage)


def apply_diff(view: View, change: Diff) -> View:
    """The view on ``change.b`` from the view on ``change.a`` and their diff."""
    names = {i: n for i, n in view.organisations.items() if i not in change.removed}
    names.update(change.added)
    names.update({i: new for i, (_, new) in change.renamed.items()})
    rels = (view.relationships - change.relationships_removed) | change.relationships_added
    return View(change.b, names, rels)


@dataclass(frozen=True)
class LineageStep:
    """One lineage relationship met while walking from an organisation."""

    organisation: str  # the predecessor (walking back) or successor (walking forward)
    name: str  # as on the step's day: a predecessor's last day, a successor's first
    other: str  # the organisation it leads to (or comes from)
    type: str
    date: PartialDate | None
    sources: tuple[str, ...]
    depth: int


@dataclass(frozen=True)
class Lineage:
    organisation: str
    predecessors: tuple[LineageStep, ...]
    successors: tuple[LineageStep, ...]


def lineage(graph: nx.MultiDiGraph, org_id: str) -> Lineage:
    """Predecessors and successors of ``org_id``, transitively, nearest first, with dates and
    the sources of each lineage relationship."""
    types = dataset_of(graph).relationship_types

    def walk(forward: bool) -> tuple[LineageStep, ...]:
        steps, seen, queue = [], {org_id}, deque([(org_id, 0)])
        while queue:
            current, depth = queue.popleft()
            edges = (graph.out_edges(current, data="relationship") if forward
                     else graph.in_edges(current, data="relationship"))
            found = sorted((r for _, _, r in edges if types[r.type].lineage),
                           key=lambda r: (r.valid_from.start if r.valid_from else dt.date.min,
                                          r.id))
            for r in found:
                nxt = r.target if forward else r.source
                if nxt in seen:
                    continue
                seen.add(nxt)
                org = organisation(graph, nxt)
                name = org.name if r.valid_from is None else org.name_at(
                    r.valid_from.start if forward else r.valid_from.start - dt.timedelta(days=1))
                steps.append(LineageStep(nxt, name, current, r.type, r.valid_from, r.sources,
                                         depth + 1))
                queue.append((nxt, depth + 1))
        return tuple(steps)

    return Lineage(org_id, walk(False), walk(True))


def neighbourhood(graph: nx.MultiDiGraph, org_id: str, depth: int,
                  date: DateLike | None = None) -> set[str]:
    """Organisations within ``depth`` relationships of ``org_id`` (either direction), using
    only what is in force on ``date`` (all of time when ``date`` is None)."""
    if date is None:
        allowed_orgs, allowed_rels = None, None
    else:
        view = at(graph, date)
        if org_id not in view.organisations:
            return set()
        allowed_orgs, allowed_rels = view.organisations, view.relationships
    found, frontier = {org_id}, {org_id}
    for _ in range(depth):
        nxt = set()
        for node in frontier:
            for s, t, key in (*graph.out_edges(node, keys=True), *graph.in_edges(node, keys=True)):
                other = t if s == node else s
                if allowed_rels is not None and key not in allowed_rels:
                    continue
                if other not in found and (allowed_orgs is None or other in allowed_orgs):
                    nxt.add(other)
        found |= nxt
        frontier = nxt
    return found


def timeline(dataset: Dataset) -> tuple[Event, ...]:
    """The dated events, oldest first (a partial date sorts at its period's start)."""
    return tuple(sorted(dataset.events, key=lambda e: (e.date.start, e.date.precision != "year",
                                                       e.title)))
