"""The graph schema both stores hold, as rows: a node table per kind, a rel table per
relationship type, ``Source`` and ``Event`` nodes linked by ``CITES`` and ``INVOLVES``.

Dates are date values with a ``<field>_precision`` column beside them, so a month stays a
month when read back. Labels and types come from the YAML: they reach Cypher text only through
``quote_identifier``. ``dataset_from_rows`` turns rows read from either store back into the
model, and ``dataset_key`` names a dataset in a store that holds several.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.core.dates import PartialDate
from graph.core.model import (
    Area,
    Dataset,
    Event,
    FormerName,
    Kind,
    Organisation,
    Relationship,
    RelationshipType,
    Source,
)
from loaders.schema import KIND_PATTERN, RESERVED

IDENTIFIER = re.compile(KIND_PATTERN)  # relationship types are a subset of the same shape
SOURCE, EVENT, ORGANISATION, CITES, INVOLVES = "Source", "Event", "Organisation", "CITES", "INVOLVES"

# Column name -> LadybugDB type. Node and relationship properties are the same on Neo4j.
ORGANISATION_COLUMNS = {
    "id": "STRING", "name": "STRING", "kind": "STRING",
    "valid_from": "DATE", "valid_from_precision": "STRING",
    "valid_to": "DATE", "valid_to_precision": "STRING",
    "former_names": "STRING[]", "former_names_valid_from": "STRING[]",
    "former_names_valid_to": "STRING[]",
    "ods_code": "STRING", "url": "STRING", "notes": "STRING",
    "sources": "STRING[]", "unverified": "STRING[]",
}
RELATIONSHIP_COLUMNS = {
    "id": "STRING", "type": "STRING",
    "valid_from": "DATE", "valid_from_precision": "STRING",
    "valid_to": "DATE", "valid_to_precision": "STRING",
    "basis": "STRING", "role": "STRING", "amount_gbp": "DOUBLE", "notes": "STRING",
    "sources": "STRING[]", "unverified": "STRING[]",
}
SOURCE_COLUMNS = {
    "id": "STRING", "title": "STRING", "publisher": "STRING",
    "published": "DATE", "published_precision": "STRING", "url": "STRING", "file": "STRING",
    "kind": "STRING", "notes": "STRING",
}
EVENT_COLUMNS = {
    "id": "STRING", "title": "STRING", "date": "DATE", "date_precision": "STRING",
    "notes": "STRING", "organisations": "STRING[]", "sources": "STRING[]",
    "attributes": "STRING",  # format 1.2: the event's named facts as a JSON object
}
LINK_COLUMNS = {"id": "STRING", "type": "STRING"}  # CITES and INVOLVES


class StoreError(Exception):
    """A store problem the user can act on, as one line."""


def quote_identifier(name: str) -> str:
    """A label or type for Cypher text: checked to be a plain identifier, then backtick-quoted.

    Labels come from the YAML; the loader checks them too, and this check repeats it where
    the text is built (defence in depth).
    """
    if not isinstance(name, str) or not IDENTIFIER.match(name):
        raise StoreError(f"'{name}' is not an identifier a graph label may use "
                         "(use a letter, then letters, digits or _)")
    return f"`{name}`"


def file_key(dataset_path: str | Path) -> str:
    """'<name>-<hash of the absolute path>': which YAML file, e.g. 'orgs-427a91cc'."""
    source = Path(dataset_path).resolve()
    name = re.sub(r"[^a-z0-9]+", "-", source.stem.lower()).strip("-")[:40] or "area"
    return f"{name}-{hashlib.sha256(str(source).encode()).hexdigest()[:8]}"


def dataset_key(dataset: Dataset) -> str:
    """A dataset's identity in a store that holds several (Neo4j): the area's declared ``id``,
    else 'file:' and the file's key, so two files never share one by accident (an id has no
    ':'). Not the area's name: two files may well use the same one."""
    if dataset.area.id:
        return dataset.area.id
    if not dataset.path:
        raise StoreError("a dataset read from no file needs an area id to be stored")
    return f"file:{file_key(dataset.path)}"


# -- the graph schema as records -----------------------------------------------------------

@dataclass
class Edges:
    """Rows of one relationship type between one pair of node labels."""

    type: str
    from_label: str
    to_label: str
    rows: list[dict[str, Any]] = field(default_factory=list)  # "from", "to" + properties


@dataclass
class GraphRecords:
    """A dataset as store rows: node rows per label, edge rows per (type, from, to) label."""

    nodes: dict[str, list[dict[str, Any]]]
    edges: list[Edges]
    node_columns: dict[str, dict[str, str]]
    edge_columns: dict[str, dict[str, str]]

    def counts(self) -> dict[str, int]:
        organisations = sum(len(rows) for label, rows in self.nodes.items()
                            if label not in (SOURCE, EVENT))
        by_type: dict[str, int] = {}
        for e in self.edges:
            by_type[e.type] = by_type.get(e.type, 0) + len(e.rows)
        return {"organisations": organisations,
                "relationships": sum(n for t, n in by_type.items() if t not in (CITES, INVOLVES)),
                "sources": len(self.nodes.get(SOURCE, [])), "events": len(self.nodes.get(EVENT, [])),
                "citations": by_type.get(CITES, 0), "involvements": by_type.get(INVOLVES, 0)}


def _dated(prefix: str, value: PartialDate | None) -> dict[str, Any]:
    return {prefix: value.start if value else None,
            f"{prefix}_precision": value.precision if value else None}


def organisation_row(org: Organisation) -> dict[str, Any]:
    return {"id": org.id, "name": org.name, "kind": org.kind,
            **_dated("valid_from", org.valid_from), **_dated("valid_to", org.valid_to),
            # Parallel lists: Neo4j has no list of maps and no nulls inside lists.
            "former_names": [f.name for f in org.former_names],
            "former_names_valid_from": [f.valid_from.iso() if f.valid_from else ""
                                        for f in org.former_names],
            "former_names_valid_to": [f.valid_to.iso() for f in org.former_names],
            "ods_code": org.ods_code, "url": org.url, "notes": org.notes,
            "sources": list(org.sources), "unverified": list(org.unverified)}


def relationship_row(rel: Relationship) -> dict[str, Any]:
    return {"id": rel.id, "type": rel.type,
            **_dated("valid_from", rel.valid_from), **_dated("valid_to", rel.valid_to),
            "basis": rel.basis, "role": rel.role,
            "amount_gbp": float(rel.amount_gbp) if rel.amount_gbp is not None else None,
            "notes": rel.notes, "sources": list(rel.sources), "unverified": list(rel.unverified)}


def event_id(index: int) -> str:
    return f"event-{index + 1}"


def graph_records(dataset: Dataset) -> GraphRecords:
    """Every node and edge row the stores hold for ``dataset``; labels are identifier-checked."""
    for name in (*dataset.kinds, *dataset.relationship_types):
        quote_identifier(name)
        if name in RESERVED:
            raise StoreError(f"'{name}' is reserved by the graph schema (rename it in the YAML)")
    nodes: dict[str, list[dict[str, Any]]] = {kind: [] for kind in dataset.kinds}
    for org in dataset.organisations.values():
        nodes[org.kind].append(organisation_row(org))
    nodes[SOURCE] = [{"id": s.id, "title": s.title, "publisher": s.publisher,
                      **_dated("published", s.published), "url": s.url, "file": s.file,
                      "kind": s.kind, "notes": s.notes}
                     for s in dataset.sources.values()]
    nodes[EVENT] = [{"id": event_id(i), "title": e.title, **_dated("date", e.date),
                     "notes": e.notes, "organisations": list(e.organisations),
                     "sources": list(e.sources),
                     "attributes": json.dumps(dict(e.attributes)) if e.attributes else None}
                    for i, e in enumerate(dataset.events)]

    groups: dict[tuple[str, str, str], Edges] = {}

    def add(rtype: str, from_label: str, to_label: str, row: dict[str, Any]) -> None:
        key = (rtype, from_label, to_label)
        groups.setdefault(key, Edges(*key)).rows.append(row)

    kind_of = {o.id: o.kind for o in dataset.organisations.values()}
    for rel in dataset.relationships:
        add(rel.type, kind_of[rel.source], kind_of[rel.target],
            {"from": rel.source, "to": rel.target, **relationship_row(rel)})
    for org in dataset.organisations.values():
        for source in org.sources:
            add(CITES, org.kind, SOURCE, _link(org.id, CITES, source))
    for i, event in enumerate(dataset.events):
        for source in event.sources:
            add(CITES, EVENT, SOURCE, _link(event_id(i), CITES, source))
        for org_id in event.organisations:
            add(INVOLVES, EVENT, kind_of[org_id], _link(event_id(i), INVOLVES, org_id))

    node_columns = {kind: ORGANISATION_COLUMNS for kind in dataset.kinds}
    node_columns.update({SOURCE: SOURCE_COLUMNS, EVENT: EVENT_COLUMNS})
    edge_columns = {t: RELATIONSHIP_COLUMNS for t in dataset.relationship_types}
    edge_columns.update({CITES: LINK_COLUMNS, INVOLVES: LINK_COLUMNS})
    return GraphRecords(nodes, list(groups.values()), node_columns, edge_columns)


def _link(from_id: str, rtype: str, to_id: str) -> dict[str, Any]:
    # Ids never contain '|', so "from|TYPE|to|n" names both ends on every relationship.
    return {"from": from_id, "to": to_id, "id": f"{from_id}|{rtype}|{to_id}|1", "type": rtype}




# -- rows back to the model (both stores' read_back) ----------------------------------------

def partial_date(day: dt.date | None, precision: str | None) -> PartialDate | None:
    if day is None:
        return None
    return {"year": PartialDate(day.year), "month": PartialDate(day.year, day.month)}.get(
        precision or "day", PartialDate.of(day))


def _dates(row: Mapping[str, Any], prefix: str) -> PartialDate | None:
    return partial_date(row.get(prefix), row.get(f"{prefix}_precision"))


def _texts(row: Mapping[str, Any], key: str) -> tuple[str, ...]:
    return tuple(row.get(key) or ())  # Neo4j leaves out what is null


def dataset_from_rows(organisations: Iterable[Mapping[str, Any]],
                      relationships: Iterable[tuple[str, Mapping[str, Any], str]],
                      sources: Iterable[Mapping[str, Any]], events: Iterable[Mapping[str, Any]],
                      kinds: Iterable[str], types: Iterable[str], where: str) -> Dataset:
    """The model from a store's rows (the inverse of ``graph_records``): organisations,
    relationships as (from id, properties, to id), sources and events. Kinds and types come
    back as names only (labels are all a store keeps); relationships are in id order."""
    orgs = {}
    for n in organisations:
        former = tuple(FormerName(name, PartialDate.parse(until),
                                  PartialDate.parse(since) if since else None)
                       for name, since, until in zip(_texts(n, "former_names"),
                                                     _texts(n, "former_names_valid_from"),
                                                     _texts(n, "former_names_valid_to"), strict=True))
        orgs[n["id"]] = Organisation(
            n["id"], n["name"], n["kind"], _dates(n, "valid_from"), _dates(n, "valid_to"), former,
            n.get("ods_code"), n.get("url"), n.get("notes"), _texts(n, "sources"),
            _texts(n, "unverified"))
    rels = [Relationship(r["id"], a, r["type"], b, _dates(r, "valid_from"), _dates(r, "valid_to"),
                         r.get("basis"), r.get("role"), r.get("amount_gbp"), r.get("notes"),
                         _texts(r, "sources"), _texts(r, "unverified"))
            for a, r, b in relationships]
    by_id = {s["id"]: Source(s["id"], s["title"], s.get("publisher"), _dates(s, "published"),
                             s.get("url"), s.get("file"), s.get("kind"), s.get("notes"))
             for s in sources}
    dated = sorted(((int(e["id"].split("-")[1]), Event(
        _dates(e, "date"), e["title"], _texts(e, "organisations"), _texts(e, "sources"),
        e.get("notes"), tuple(json.loads(e["attributes"]).items()) if e.get("attributes")
        else ())) for e in events), key=lambda pair: pair[0])
    kinds, types = sorted(kinds), sorted(types)
    return Dataset(
        area=Area(""), sources=dict(sorted(by_id.items())), kinds={k: Kind(k, k) for k in kinds},
        relationship_types={t: RelationshipType(t, t) for t in types},
        organisations=dict(sorted(orgs.items())),
        relationships=tuple(sorted(rels, key=lambda r: r.id)),
        events=tuple(e for _, e in dated), path=where)
