"""The details panel of one organisation, in sections the reader opens: a summary, its
relationships on the date, its lineage, its names over time and the numbered sources behind
every line (each line carries its own numbers, in the view's numbering when the page passes
it: see ``graph.page.citations``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import networkx as nx

from graph.core import describe, temporal
from graph.core.dates import span, words
from graph.core.model import Organisation, effective_span
from graph.page.citations import Citations, CitedLine, SourceEntry
from graph.page.text import safe_url


@dataclass(frozen=True)
class RelationshipLine:
    line: CitedLine
    other: str  # the other organisation's id


@dataclass(frozen=True)
class Details:
    id: str
    name: str  # as on the date (or its last name when it does not exist then)
    kind: str
    exists: bool
    summary: tuple[CitedLine, ...]
    url: str | None
    notes: str
    relationships: tuple[RelationshipLine, ...]
    lineage: tuple[CitedLine, ...]
    names: tuple[CitedLine, ...]
    sources: tuple[SourceEntry, ...]  # those its lines cite, by number
    unverified: tuple[str, ...]


def name_history(org: Organisation) -> tuple[str, ...]:
    """Each name the organisation had, oldest first, with its period (last days, never an
    exclusive end); a period the data records no name for says so."""
    lines = []
    for period in org.name_periods:
        when = span(period.valid_from, period.valid_to, "at every date in the data")
        if period.name is None:
            lines.append(f"No name recorded: {when} (known later as {period.later})")
        else:
            lines.append(f"{period.name}: {when}")
    return tuple(lines)


def lifetime(org: Organisation) -> str:
    return span(org.valid_from, org.valid_to, "no dates recorded")


def _relationships(graph: nx.MultiDiGraph, org_id: str, day: dt.date,
                   citations: Citations) -> tuple[RelationshipLine, ...]:
    """The relationships in force on ``day``, named as on that day, with role, dates and
    sources: what it does to others first, then what others do to it."""
    dataset = temporal.dataset_of(graph)
    view = temporal.at(graph, day)
    found = []
    for incoming, edges in ((False, graph.out_edges(org_id, data="relationship")),
                            (True, graph.in_edges(org_id, data="relationship"))):
        for source, target, rel in edges:
            if rel.id not in view.relationships:
                continue
            other = source if incoming else target
            label = dataset.relationship_types[rel.type].label
            said = (f"{view.organisations[other]} {label} → this" if incoming
                    else f"{label} → {view.organisations[other]}")
            role = f" as {rel.role}" if rel.role else ""
            when = span(*effective_span(rel, dataset), "at every date in the data")
            found.append((incoming, said, f"{said}{role} ({when})", rel.sources, other))
    found.sort(key=lambda f: (f[0], f[1]))
    return tuple(RelationshipLine(citations.line(text, sources), other)
                 for _, _, text, sources, other in found)


def details(graph: nx.MultiDiGraph, org_id: str, day: dt.date,
            citations: Citations | None = None) -> Details:
    """Everything the details panel shows about one organisation on ``day``, its sources
    numbered by ``citations`` (the view's numbering; by default a numbering of its own)."""
    dataset = temporal.dataset_of(graph)
    org = temporal.organisation(graph, org_id)
    citations = citations or Citations(dataset)
    exists = temporal.exists(graph, org_id, day)
    kind = dataset.kinds[org.kind]
    summary = [citations.line(f"{kind.label}, {lifetime(org)}", org.sources)]
    if org.ods_code:
        summary.append(citations.line(f"ODS code {org.ods_code}", org.sources))
    if not exists:
        summary.append(CitedLine(f"Not in existence on {words(day)}."))
    elif org.recorded_name_at(day) is None:
        summary.append(citations.line(
            f"Its name on {words(day)} is not recorded; it is known later as "
            f"{org.name_period(day).later}.", org.sources))
    relationships = _relationships(graph, org_id, day, citations)
    lineage = tuple(citations.line(step.text, step.sources)
                    for step in describe.lineage_tree(graph, org_id, day))
    names = tuple(citations.line(text, org.sources) for text in name_history(org))
    cited = {entry.id: entry for line in (*summary, *(r.line for r in relationships),
                                          *lineage, *names) for entry in line.sources}
    return Details(org.id, org.name_at(day) if exists else org.name, kind.label, exists,
                   tuple(summary), safe_url(org.url), org.notes or "", relationships, lineage,
                   names, tuple(sorted(cited.values(), key=lambda entry: entry.number)),
                   org.unverified)
