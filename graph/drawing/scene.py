"""What to draw at a date: organisations and relationships with their states, legend, sources.

One ``Scene`` feeds every drawing: the page's vis-network graph, the offline HTML, the SVG and
PNG images and the JSON, GraphML and GEXF snapshots, so they always agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import networkx as nx

from graph.core.dates import PartialDate, as_day
from graph.core.model import effective_span
from graph.core.temporal import DateLike, at, dataset_of, diff, neighbourhood, relationship
from graph.drawing.layout import GHOST_MONTHS

PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39"]
EDGE_PALETTE = ["#7f7f7f", "#1f77b4", "#2ca02c", "#9467bd", "#e377c2", "#17becf", "#bcbd22",
                "#ff7f0e", "#8c564b", "#aec7e8"]
# mergers and successions: darker than every other line (and drawn heavier, above them)
LINEAGE_PALETTE = ["#1a1a1a", "#7b2d00", "#3b0a57", "#0b3d20"]
STATE_COLOURS = {"added": "#2ca02c", "ended": "#d62728", "renamed": "#ff9900"}
MAX_NODES = 400  # beyond this (with no focus) the scene groups organisations by kind
GHOST_LABEL = f"ended in the last {GHOST_MONTHS} months (faded)"


@dataclass(frozen=True)
class SceneNode:
    id: str
    name: str
    kind: str
    colour: str
    state: str = "current"  # current | ghost | added | ended | renamed | group
    former_name: str | None = None  # the name before, when renamed between the diff's dates
    valid_from: PartialDate | None = None
    valid_to: PartialDate | None = None
    ods_code: str | None = None
    sources: tuple[str, ...] = ()
    count: int = 1  # organisations in a group node


@dataclass(frozen=True)
class SceneEdge:
    id: str
    source: str
    target: str
    type: str
    colour: str
    dashes: bool
    state: str = "current"  # current | ghost | added | ended | group
    valid_from: PartialDate | None = None  # when really in force: clipped to its ends' lives
    valid_to: PartialDate | None = None
    sources: tuple[str, ...] = ()
    count: int = 1
    role: str | None = None  # the job title, for a relationship that carries one
    lineage: bool = False  # a merger or succession


@dataclass(frozen=True)
class LegendEntry:
    id: str
    label: str
    colour: str
    dashes: bool = False


@dataclass(frozen=True)
class Scene:
    day: dt.date
    area: str
    content_hash: str
    nodes: tuple[SceneNode, ...]
    edges: tuple[SceneEdge, ...]
    kinds: tuple[LegendEntry, ...]
    types: tuple[LegendEntry, ...]
    sources: tuple[str, ...]  # ids of the sources behind what is drawn, in first-cited order
    diff_from: dt.date | None = None
    focus: str | None = None
    grouped: bool = False  # True when too many organisations: one node per kind
    note: str = ""
    hidden: dict[str, int] = field(default_factory=dict)


def kind_colours(graph: nx.MultiDiGraph) -> dict[str, str]:
    kinds = dataset_of(graph).kinds
    return {name: kind.colour or PALETTE[i % len(PALETTE)]
            for i, (name, kind) in enumerate(sorted(kinds.items(), key=lambda kv: kv[1].tier))}


def type_styles(graph: nx.MultiDiGraph) -> dict[str, tuple[str, bool]]:
    """Relationship type -> (colour, dashed). Lineage types get the dark colours; a second
    round of the palette is dashed, so no two types look the same."""
    types = dataset_of(graph).relationship_types
    styles, plain, lineage = {}, 0, 0
    for name, rel_type in types.items():
        palette, n = (LINEAGE_PALETTE, lineage) if rel_type.lineage else (EDGE_PALETTE, plain)
        styles[name] = (palette[n % len(palette)], n >= len(palette))
        if rel_type.lineage:
            lineage += 1
        else:
            plain += 1
    return styles


def scene(graph: nx.MultiDiGraph, date: DateLike, *, focus: str | None = None, depth: int = 1,
          kinds: set[str] | None = None, types: set[str] | None = None,
          diff_from: DateLike | None = None, ghost_months: int = GHOST_MONTHS,
          max_nodes: int = MAX_NODES) -> Scene:
    """The scene on ``date``: what is in force, optionally focused on one organisation within
    ``depth`` relationships, filtered by kinds and relationship types, and marked up as a diff
    from ``diff_from`` (added, ended, renamed) or, without a diff, with "ghosts" of organisations
    that ended in the last ``ghost_months`` linked to their successors."""
    dataset = dataset_of(graph)
    view = at(graph, date)
    day = view.day
    colours = kind_colours(graph)
    styles = type_styles(graph)
    names = dict(view.organisations)
    node_state: dict[str, str] = dict.fromkeys(names, "current")
    former: dict[str, str] = {}
    edge_state: dict[str, str] = dict.fromkeys(view.relationships, "current")

    if diff_from is not None:
        change = diff(graph, diff_from, day)
        for org_id in change.added:
            node_state[org_id] = "added"
        for org_id, (old, _new) in change.renamed.items():
            node_state[org_id], former[org_id] = "renamed", old
        for org_id, name in change.removed.items():
            names[org_id], node_state[org_id] = name, "ended"
        for rel_id in change.relationships_added:
            edge_state[rel_id] = "added"
        for rel_id in change.relationships_removed:
            edge_state.setdefault(rel_id, "ended")
        for rel_id in change.lineage:  # predecessor (ended) -> successor (added)
            edge_state.setdefault(rel_id, "ghost")
    else:
        since = _months_before(day, ghost_months)
        for rel in _lineage_relationships(graph):
            if since < rel.valid_from.start <= day and rel.target in names:
                predecessor = dataset.organisations[rel.source]
                if rel.source not in names:
                    names[rel.source] = predecessor.name_at(predecessor.valid_to.start
                                                            - dt.timedelta(days=1))
                    node_state[rel.source] = "ghost"
                edge_state[rel.id] = "ghost"

    hidden: dict[str, int] = {}
    if focus is not None:
        near = neighbourhood(graph, focus, depth, day) | {focus}
        ghosts_near = {rel.source for rid in edge_state
                       if (rel := relationship(graph, rid)).target in near
                       and node_state.get(rel.source) in ("ghost", "ended")}
        keep = near | ghosts_near
        hidden["outside focus"] = sum(1 for i in names if i not in keep)
        names = {i: n for i, n in names.items() if i in keep}
    if kinds is not None:
        hidden["kind filter"] = sum(1 for i in names if dataset.organisations[i].kind not in kinds)
        names = {i: n for i, n in names.items() if dataset.organisations[i].kind in kinds}

    if len(names) > max_nodes:  # before building an object per organisation: they'd be grouped
        return _grouped(graph, day, names, edge_state, types, diff_from, focus, hidden)

    edges = []
    for rel_id, state in edge_state.items():
        rel = relationship(graph, rel_id)
        if rel.source not in names or rel.target not in names:
            continue
        if types is not None and rel.type not in types:
            continue
        colour, dashed = styles[rel.type]
        lineage = dataset.relationship_types[rel.type].lineage
        edges.append(SceneEdge(rel.id, rel.source, rel.target, rel.type,
                               STATE_COLOURS.get(state, colour), dashed, state,
                               *effective_span(rel, dataset), rel.sources, role=rel.role,
                               lineage=lineage))
    nodes = []
    for org_id, name in names.items():
        org = dataset.organisations[org_id]
        nodes.append(SceneNode(org_id, name, org.kind, colours[org.kind],
                               node_state[org_id], former.get(org_id), org.valid_from,
                               org.valid_to, org.ods_code, org.sources))
    nodes.sort(key=lambda n: (dataset.kinds[n.kind].tier, n.name, n.id))
    edges.sort(key=lambda e: e.id)

    cited: dict[str, None] = {}
    for item in (*nodes, *edges):
        cited.update(dict.fromkeys(item.sources))
    used_kinds = {n.kind for n in nodes}
    used_types = {e.type for e in edges}
    legend_kinds = tuple(LegendEntry(k, dataset.kinds[k].label, colours[k])
                         for k in colours if k in used_kinds)
    legend_types = tuple(LegendEntry(t, dataset.relationship_types[t].label, *styles[t])
                         for t in styles if t in used_types)
    return Scene(day, dataset.area.name, dataset.content_hash, tuple(nodes), tuple(edges),
                 legend_kinds, legend_types, tuple(cited),
                 as_day(diff_from) if diff_from is not None else None, focus, hidden=hidden)


def _grouped(graph: nx.MultiDiGraph, day: dt.date, names: dict[str, str],
             edge_state: dict[str, str], types: set[str] | None, diff_from: DateLike | None,
             focus: str | None, hidden: dict[str, int]) -> Scene:
    """Too many organisations to draw one by one: one node per kind, edges counted by type."""
    dataset = dataset_of(graph)
    colours, styles = kind_colours(graph), type_styles(graph)
    kind_of = {org_id: dataset.organisations[org_id].kind for org_id in names}
    members: dict[str, int] = {}
    cited: dict[str, None] = {}
    for org_id, kind in kind_of.items():
        members[kind] = members.get(kind, 0) + 1
        cited.update(dict.fromkeys(dataset.organisations[org_id].sources))
    counts: dict[tuple[str, str, str], int] = {}
    for rel_id in edge_state:
        rel = relationship(graph, rel_id)
        if rel.source in kind_of and rel.target in kind_of and (types is None or rel.type in types):
            key = (kind_of[rel.source], rel.type, kind_of[rel.target])
            counts[key] = counts.get(key, 0) + 1
            cited.update(dict.fromkeys(rel.sources))
    ordered = sorted(members, key=lambda k: (dataset.kinds[k].tier, k))
    nodes = tuple(
        SceneNode(f"group:{kind}", f"{dataset.kinds[kind].label} ({members[kind]:,})", kind,
                  colours[kind], "group", count=members[kind])
        for kind in ordered)
    edges = tuple(SceneEdge(f"group:{a}|{t}|{b}", f"group:{a}", f"group:{b}", t, *styles[t],
                            state="group", count=n,
                            lineage=dataset.relationship_types[t].lineage)
                  for (a, t, b), n in sorted(counts.items()))
    used_types = {t for _, t, _ in counts}
    note = (f"{len(names):,} organisations are too many to draw one by one: they are grouped "
            f"by kind. Focus on an organisation to see it and its neighbours.")
    return Scene(day, dataset.area.name, dataset.content_hash, nodes, edges,
                 tuple(LegendEntry(k, dataset.kinds[k].label, colours[k]) for k in ordered),
                 tuple(LegendEntry(t, dataset.relationship_types[t].label, *styles[t])
                       for t in styles if t in used_types),
                 tuple(cited), as_day(diff_from) if diff_from is not None else None, focus,
                 True, note, hidden)


def _lineage_relationships(graph: nx.MultiDiGraph) -> list:
    """Dated lineage relationships (mergers, successions), found once per graph."""
    found = graph.graph.get("lineage_relationships")
    if found is None:
        dataset = dataset_of(graph)
        found = graph.graph["lineage_relationships"] = [
            r for r in dataset.relationships
            if dataset.relationship_types[r.type].lineage and r.valid_from]
    return found


def _months_before(day: dt.date, months: int) -> dt.date:
    month_index = day.year * 12 + day.month - 1 - months
    return dt.date(month_index // 12, month_index % 12 + 1, 1)
