"""What a store holds for a query to ask about: its labels and relationship types with their
counts and properties, and example queries that run on it. Made from the records a load
writes (``loaders.stores.records.graph_records``), so it is the same for both stores and
needs no store open; the console's Schema panel and ``python -m graph schema --store`` show it.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.core.model import Dataset
from loaders.stores.records import EVENT, SOURCE, graph_records

# LadybugDB's tables have one label each; Neo4j also gives every organisation `Organisation`
EVERY_ORGANISATION = {"embedded": "MATCH (o) WHERE NOT label(o) IN ['Source', 'Event']",
                      "neo4j": "MATCH (o:Organisation)"}


@dataclass(frozen=True)
class Label:
    name: str
    count: int
    properties: dict[str, str]  # name -> type (LadybugDB's names: STRING, DATE, STRING[], ...)


@dataclass(frozen=True)
class RelType:
    name: str
    count: int
    ends: tuple[tuple[str, str], ...]  # (from label, to label) pairs it joins
    properties: dict[str, str]


@dataclass(frozen=True)
class Example:
    title: str
    cypher: str


@dataclass(frozen=True)
class Catalogue:
    labels: tuple[Label, ...]
    types: tuple[RelType, ...]
    examples: tuple[Example, ...]


def catalogue(dataset: Dataset, store: str = "embedded") -> Catalogue:
    """The labels, relationship types and three example queries of ``dataset`` as ``store``
    (``embedded`` or ``neo4j``) holds it."""
    records = graph_records(dataset)
    labels = tuple(Label(name, len(rows), dict(records.node_columns[name]))
                   for name, rows in sorted(records.nodes.items()) if rows)
    by_type: dict[str, list] = {}
    for edges in records.edges:
        if edges.rows:
            by_type.setdefault(edges.type, []).append(edges)
    types = tuple(RelType(name, sum(len(e.rows) for e in found),
                          tuple(sorted({(e.from_label, e.to_label) for e in found})),
                          dict(records.edge_columns[name]))
                  for name, found in sorted(by_type.items()))
    lasting = {name for name, kind in dataset.kinds.items() if kind.present == "always"}
    return Catalogue(labels, types, _examples(labels, types, store, lasting))


def _examples(labels: tuple[Label, ...], types: tuple[RelType, ...], store: str,
              lasting: set[str]) -> tuple[Example, ...]:
    # the examples name a kind of body (not people, who exist only while in a role)
    kinds = [lab for lab in labels if lab.name in lasting] or [
        lab for lab in labels if lab.name not in (SOURCE, EVENT)]
    examples = [Example("How many organisations of each kind",
                        f"{EVERY_ORGANISATION[store]} RETURN o.kind AS kind, count(*) AS n "
                        "ORDER BY kind")]
    if kinds:
        biggest = max(kinds, key=lambda lab: (lab.count, lab.name))
        examples.append(Example(
            f"Every {biggest.name}, with its dates",
            f"MATCH (o:`{biggest.name}`) RETURN o.name AS name, o.valid_from AS valid_from, "
            "o.valid_to AS valid_to ORDER BY valid_from, name"))
    own = [t for t in types if all(end not in (SOURCE, EVENT) for pair in t.ends for end in pair)]
    if own:
        busiest = max(own, key=lambda t: (t.count, t.name))
        examples.append(Example(
            f"Every {busiest.name} relationship, oldest first",
            f"MATCH (a)-[r:`{busiest.name}`]->(b) RETURN a.name AS from_name, "
            "r.valid_from AS valid_from, r.valid_to AS valid_to, b.name AS to_name "
            "ORDER BY valid_from, from_name, to_name"))
    return tuple(examples)


def as_text(found: Catalogue) -> str:
    """The catalogue as plain text (``python -m graph schema --store``)."""
    lines = ["Labels (nodes), with how many:"]
    shapes: dict[tuple, list[Label]] = {}  # every kind of organisation has the same properties
    for lab in found.labels:
        shapes.setdefault(tuple(lab.properties.items()), []).append(lab)
    for properties, same in shapes.items():
        lines.append("  " + ", ".join(f"{lab.name} ({lab.count:,})" for lab in same))
        lines.append("    properties: " + ", ".join(f"{k} {v}" for k, v in properties))
    lines.append("Relationship types, with how many and what they join:")
    by_shape: dict[tuple, list[RelType]] = {}
    for rel in found.types:
        by_shape.setdefault(tuple(rel.properties.items()), []).append(rel)
    for properties, same in by_shape.items():
        for rel in same:
            lines.append(f"  {rel.name} ({rel.count:,}): "
                         + ", ".join(f"{a}->{b}" for a, b in rel.ends))
        lines.append("    properties: " + ", ".join(f"{k} {v}" for k, v in properties))
    lines.append("Example queries:")
    for example in found.examples:
        lines.append(f"  {example.title}:")
        lines.append(f"    {example.cypher}")
    return "\n".join(lines)
