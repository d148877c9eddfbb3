"""Change and lineage in words, one module for the page and the CLI: the paragraph under the
graph, the compare list, ``diff`` and ``lineage`` as text, and the details' family tree."""

from __future__ import annotations

import datetime as dt

import networkx as nx

from graph.core import temporal
from graph.core.dates import words
from graph.core.model import Relationship
from graph.core.stops import Stop, previous_snapshot
from graph.core.temporal import DateLike


def _list(names: list[str], limit: int = 6) -> str:
    shown = names[:limit]
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    if len(shown) > 1 and not more:
        return ", ".join(shown[:-1]) + " and " + shown[-1]
    return ", ".join(shown) + more


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def change_paragraph(graph: nx.MultiDiGraph, stops: tuple[Stop, ...], day: dt.date) -> str:
    """One paragraph: what changed from the previous named snapshot to ``day``."""
    previous = previous_snapshot(stops, day)
    if previous is None:
        return (f"{words(day)} is at or before the first named snapshot, so there is no "
                f"earlier snapshot to compare with.")
    change = temporal.diff(graph, previous.day, day)
    since = f"Since the snapshot “{previous.snapshot.title}” ({words(previous.snapshot.date)})"
    parts = []
    if change.added:
        parts.append(f"{_count(len(change.added), 'organisation began', 'organisations began')}"
                     f" ({_list(sorted(change.added.values()))})")
    if change.removed:
        parts.append(f"{_count(len(change.removed), 'ended', 'ended')}"
                     f" ({_list(sorted(change.removed.values()))})")
    if change.renamed:
        parts.append(f"{_count(len(change.renamed), 'was renamed', 'were renamed')} ("
                     + _list([f"{old} is now {new}" for old, new
                              in sorted(change.renamed.values())]) + ")")
    added, removed = len(change.relationships_added), len(change.relationships_removed)
    if added or removed:
        parts.append(f"{_count(added, 'relationship', 'relationships')} began and "
                     f"{removed} ended")
    if not parts:
        return f"{since}, nothing in the data has changed by {words(day)}."
    return f"{since}, by {words(day)}: " + "; ".join(parts) + "."


def change_lines(graph: nx.MultiDiGraph, a: dt.date, b: dt.date) -> list[str]:
    """The diff of two dates as a text list, one change a line, beside the diff drawing."""
    dataset = temporal.dataset_of(graph)
    change = temporal.diff(graph, a, b)

    def rel_text(rel_id: str) -> str:
        r = temporal.relationship(graph, rel_id)
        label = dataset.relationship_types[r.type].label
        when = f" ({words(r.valid_from)})" if r.valid_from else ""
        source, target = (dataset.organisations[i].name_at(b) for i in (r.source, r.target))
        return f"{source} {label} {target}{when}"

    lines = [f"+ began: {n}" for n in sorted(change.added.values())]
    lines += [f"− ended: {n}" for n in sorted(change.removed.values())]
    lines += [f"✎ renamed: {old} → {new}" for old, new in sorted(change.renamed.values())]
    lines += [f"→ {rel_text(i)}" for i in change.lineage]
    lines += [f"+ {rel_text(i)}" for i in sorted(change.relationships_added)
              if i not in change.lineage]
    lines += [f"− {rel_text(i)}" for i in sorted(change.relationships_removed)]
    return lines


def _relationship_text(r: Relationship) -> str:
    span = f"from {words(r.valid_from)}" if r.valid_from else "open start"
    if r.valid_to:
        span += f" to {words(r.valid_to)}"
    return f"{r.source} {r.type} {r.target} ({span})"


def diff_text(graph: nx.MultiDiGraph, a: DateLike, b: DateLike) -> list[str]:
    """``python -m graph diff`` as text: a heading, then each section with its count."""
    change = temporal.diff(graph, a, b)
    rel = temporal.relationship
    sections = [
        ("Added organisations", [f"  + {i}  {n}" for i, n in sorted(change.added.items())]),
        ("Removed organisations", [f"  - {i}  {n}" for i, n in sorted(change.removed.items())]),
        ("Renamed", [f"  ~ {i}  {old} -> {new}"
                     for i, (old, new) in sorted(change.renamed.items())]),
        ("Relationships added", [f"  + {_relationship_text(rel(graph, i))}"
                                 for i in sorted(change.relationships_added)]),
        ("Relationships removed", [f"  - {_relationship_text(rel(graph, i))}"
                                   for i in sorted(change.relationships_removed)]),
        ("Lineage between the dates", [f"  > {_relationship_text(rel(graph, i))}"
                                       for i in change.lineage]),
    ]
    lines = [f"Changes from {words(change.a)} to {words(change.b)}"]
    for title, found in sections:
        lines.append(f"{title} ({len(found)})")
        lines.extend(found or ["  (none)"])
    return lines


def lineage_text(graph: nx.MultiDiGraph, org_id: str) -> list[str]:
    """``python -m graph lineage`` as text: predecessors and successors with dates and sources."""
    found = temporal.lineage(graph, org_id)
    org = temporal.organisation(graph, org_id)
    lines = [f"{org.name} ({org_id}{', ODS ' + org.ods_code if org.ods_code else ''})"]
    for title, steps, arrow in (("Predecessors", found.predecessors, "<-"),
                                ("Successors", found.successors, "->")):
        lines.append(f"{title} ({len(steps)}):")
        for s in steps:
            when = words(s.date) or "date unknown"
            lines.append(f"  {'  ' * (s.depth - 1)}{arrow} {s.name} ({s.organisation}) "
                         f"{s.type} on {when} [sources: {', '.join(s.sources) or 'none'}]")
        if not steps:
            lines.append("  (none)")
    return lines


def lineage_tree(graph: nx.MultiDiGraph, org_id: str) -> tuple[str, ...]:
    """The family tree of an organisation as indented text lines: predecessors above it,
    successors below, each with the relationship and its date."""
    types = temporal.dataset_of(graph).relationship_types
    found = temporal.lineage(graph, org_id)
    org = temporal.organisation(graph, org_id)

    def line(s: temporal.LineageStep, arrow: str) -> str:
        when = words(s.date, "date unknown")
        return f"{'    ' * (s.depth - 1)}{arrow} {s.name} ({types[s.type].label}, {when})"

    lines = [line(s, "↑") for s in sorted(found.predecessors, key=lambda s: -s.depth)]
    span = " to ".join(filter(None, [words(org.valid_from, "?"), words(org.valid_to)]))
    lines.append(f"● {org.name} ({span})")
    lines += [line(s, "↓") for s in found.successors]
    return tuple(lines)
