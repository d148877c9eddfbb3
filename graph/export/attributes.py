"""Record attributes shared by the data formats (JSON, GraphML, GEXF): flat, with labels."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from typing import Any

import networkx as nx

from graph.core.model import Dataset, Organisation, Relationship
from graph.core.serialize import organisation_json, relationship_json
from graph.core.temporal import dataset_of

NO_GROUPING = 10**9  # the data formats never group organisations by kind: a file holds every node


def org_attributes(org: Organisation, name: str, dataset: Dataset) -> dict[str, Any]:
    record = organisation_json(org, name)
    record.pop("id")
    record["kind_label"] = dataset.kinds[org.kind].label
    if org.former_names:
        record["former_names"] = "; ".join(
            f"{f.name} (to {f.valid_to.iso()})" for f in org.former_names)
    return record


def rel_attributes(rel: Relationship, dataset: Dataset) -> dict[str, Any]:
    record = relationship_json(rel)
    for key in ("id", "from", "to"):
        record.pop(key)
    # GEXF has its own edge attribute `type` (directed/undirected): call ours `relationship`
    record["relationship"] = record.pop("type")
    record["type_label"] = dataset.relationship_types[rel.type].label
    if rel.amount_gbp is not None:
        record["amount_gbp"] = float(rel.amount_gbp)  # money is a double everywhere, as in Neo4j
    return record


def flat(record: dict[str, Any]) -> dict[str, str | int | float]:
    """Text and numbers only (GraphML and GEXF have no lists or nulls): lists joined by "; "."""
    flat: dict[str, str | int | float] = {}
    for key, value in record.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            if value and isinstance(value[0], dict):
                continue  # former_names records: written as text separately
            value = "; ".join(str(v) for v in value)
        flat[key] = value
    return flat


def drop_none(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v is not None}


def edge_kinds(graph: nx.MultiDiGraph, rel_ids: Collection[str]) -> dict[str, str]:
    """Relationship id -> the edge's kind for Gephi, in the dataset's order: the relationship
    type, and ``TYPE (n)`` for the n-th edge of one type from one organisation to another.
    Gephi keeps one edge per source, target and kind, and merges the rest."""
    seen: Counter[tuple[str, str, str]] = Counter()
    kinds = {}
    for rel in dataset_of(graph).relationships:
        if rel.id in rel_ids:
            seen[rel.source, rel.type, rel.target] += 1
            n = seen[rel.source, rel.type, rel.target]
            kinds[rel.id] = rel.type if n == 1 else f"{rel.type} ({n})"
    return kinds
