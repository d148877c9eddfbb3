"""The details panel of one organisation: names over time, relationships at the date,
lineage and the sources behind them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from graph.core import describe, temporal
from graph.core.dates import PartialDate, words
from graph.core.model import Dataset, Organisation
from graph.page.text import safe_url


@dataclass(frozen=True)
class SourceInfo:
    id: str
    title: str
    publisher: str
    published: str
    url: str | None
    file: Path | None


@dataclass(frozen=True)
class RelationshipLine:
    text: str
    other: str  # the other organisation's id


@dataclass(frozen=True)
class Details:
    id: str
    name: str
    kind: str
    lifetime: str
    ods_code: str
    url: str | None
    notes: str
    exists: bool
    names: tuple[str, ...]
    relationships: tuple[RelationshipLine, ...]
    lineage: tuple[str, ...]
    sources: tuple[SourceInfo, ...]
    unverified: tuple[str, ...]


_PRECISION = {"day": "exact day", "month": "month only", "year": "year only"}


def _when(value: PartialDate | None, open_text: str) -> str:
    if value is None:
        return open_text
    return f"{value.words()} ({_PRECISION[value.precision]})"


def name_history(org: Organisation) -> tuple[str, ...]:
    """Each name the organisation had, oldest first, with the period it was used."""
    lines = []
    start = org.valid_from
    for former in sorted(org.former_names, key=lambda f: f.valid_to.start):
        began = former.valid_from or start
        lines.append(f"{former.name}: {words(began, 'open start')} to "
                     f"{words(former.valid_to)}")
        start = former.valid_to
    until = f" to {words(org.valid_to)}" if org.valid_to else " onwards"
    lines.append(f"{org.name}: {words(start, 'open start')}{until}")
    return tuple(lines)


def source_info(dataset: Dataset, source_id: str) -> SourceInfo:
    source = dataset.sources[source_id]
    file = None
    if source.file:
        file = Path(dataset.path).parent / source.file if dataset.path else Path(source.file)
    return SourceInfo(source.id, source.title, source.publisher or "",
                      words(source.published), safe_url(source.url), file)


def details(graph: nx.MultiDiGraph, org_id: str, day: dt.date) -> Details:
    """Everything the details panel shows about one organisation on ``day``."""
    dataset = temporal.dataset_of(graph)
    org = temporal.organisation(graph, org_id)
    view_now = temporal.at(graph, day)
    outgoing, incoming, cited = [], [], dict.fromkeys(org.sources)
    for _, other, rel in graph.out_edges(org_id, data="relationship"):
        if rel.id in view_now.relationships:
            label = dataset.relationship_types[rel.type].label
            outgoing.append(RelationshipLine(f"{label} → {view_now.organisations[other]}", other))
            cited.update(dict.fromkeys(rel.sources))
    for other, _, rel in graph.in_edges(org_id, data="relationship"):
        if rel.id in view_now.relationships:
            label = dataset.relationship_types[rel.type].label
            incoming.append(RelationshipLine(f"{view_now.organisations[other]} {label} → this",
                                             other))
            cited.update(dict.fromkeys(rel.sources))
    lines = sorted(outgoing, key=lambda r: r.text) + sorted(incoming, key=lambda r: r.text)
    found = temporal.lineage(graph, org_id)
    for s in (*found.predecessors, *found.successors):
        cited.update(dict.fromkeys(s.sources))
    kind = dataset.kinds[org.kind]
    lifetime = (f"from {_when(org.valid_from, 'an open start')} "
                f"{'to ' + _when(org.valid_to, '') if org.valid_to else 'onwards'}")
    exists = temporal.exists(graph, org_id, day)
    return Details(org.id, org.name_at(day) if exists else org.name, kind.label,
                   lifetime, org.ods_code or "", safe_url(org.url), org.notes or "",
                   exists, name_history(org), tuple(lines),
                   describe.lineage_tree(graph, org_id),
                   tuple(source_info(dataset, s) for s in cited if s in dataset.sources),
                   org.unverified)
