"""Snapshots as data: JSON (the view at a date), GraphML (the same, for graph tools) and GEXF
(the selection over all of time, so Gephi's timeline plays the whole history).

The data formats never group organisations by kind: a file for analysis holds every node.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any
from xml.etree.ElementTree import SubElement

import networkx as nx
from networkx.readwrite.gexf import GEXFWriter

from graph.layout import layout
from graph.model import Organisation, Relationship
from graph.scene import kind_colours
from graph.serialize import organisation_json, relationship_json
from graph.snapshot import SnapshotRequest, caption
from graph.temporal import dataset_of, neighbourhood, relationship

NO_GROUPING = 10**9
ABSENT = "absent"  # the GEXF state of an organisation or relationship not in force on the day


def render(graph: nx.MultiDiGraph, request: SnapshotRequest) -> bytes:
    if request.fmt == "json":
        return (json.dumps(snapshot_json(graph, request), indent=2, ensure_ascii=False)
                + "\n").encode("utf-8")
    if request.fmt == "graphml":
        return graphml_bytes(snapshot_graph(graph, request))
    if request.fmt == "gexf":
        return gexf_bytes(history_graph(graph, request), request)
    raise ValueError(f"export_data cannot write {request.fmt}")


def snapshot_json(graph: nx.MultiDiGraph, request: SnapshotRequest) -> dict[str, Any]:
    """The view at the request's date: nodes, edges, sources with titles and URLs, provenance."""
    dataset = dataset_of(graph)
    view = request.scene(graph, max_nodes=NO_GROUPING)
    text = caption(graph, view, request)
    nodes = []
    for node in view.nodes:
        record = organisation_json(dataset.organisations[node.id], node.name)
        record.update(_drop_none({"kind_label": dataset.kinds[node.kind].label,
                                  "state": node.state, "renamed_from": node.former_name,
                                  "x": node.x, "y": node.y, "colour": node.colour}))
        nodes.append(record)
    edges = []
    for edge in view.edges:
        record = relationship_json(relationship(graph, edge.id))
        record.update({"type_label": dataset.relationship_types[edge.type].label,
                       "state": edge.state})
        edges.append(record)
    return _drop_none({
        "area": view.area, "as_at": view.day.isoformat(), "as_at_words": text.as_at,
        "diff_from": request.diff_from.isoformat() if request.diff_from else None,
        "focus": request.focus, "depth": request.depth if request.focus else None,
        "kinds": sorted(request.kinds) if request.kinds is not None else None,
        "types": sorted(request.types) if request.types is not None else None,
        "content_hash": view.content_hash, "caption": text.title,
        "nodes": nodes, "edges": edges,
        "sources": [_drop_none({"number": s.number, "id": s.id, "title": s.title,
                                "publisher": s.publisher, "published": s.published,
                                "url": s.url}) for s in text.sources],
    })


def snapshot_graph(graph: nx.MultiDiGraph, request: SnapshotRequest) -> nx.MultiDiGraph:
    """The view at the date as a flat graph: attribute values are text or numbers only."""
    dataset = dataset_of(graph)
    view = request.scene(graph, max_nodes=NO_GROUPING)
    result = nx.MultiDiGraph(area=view.area, as_at=view.day.isoformat(),
                             content_hash=view.content_hash)
    if request.diff_from:
        result.graph["diff_from"] = request.diff_from.isoformat()
    for node in view.nodes:
        org = dataset.organisations[node.id]
        result.add_node(node.id, **_flat(_org_attributes(org, node.name, dataset)),
                        state=node.state, x=node.x, y=node.y, colour=node.colour,
                        **({"renamed_from": node.former_name} if node.former_name else {}))
    for edge in view.edges:
        rel = relationship(graph, edge.id)
        result.add_edge(rel.source, rel.target, key=rel.id,
                        **_flat(_rel_attributes(rel, dataset)), state=edge.state)
    return result


def history_graph(graph: nx.MultiDiGraph, request: SnapshotRequest) -> nx.MultiDiGraph:
    """The selection (focus, kinds, types) over all of time, each node and edge with its
    interval: ``start`` is the first day in force and ``end`` the last (GEXF intervals include
    both ends), so Gephi's timeline shows exactly what ``at`` shows on each day."""
    dataset = dataset_of(graph)
    view = request.scene(graph, max_nodes=NO_GROUPING)
    node_state = {n.id: n.state for n in view.nodes}
    edge_state = {e.id: e.state for e in view.edges}
    chosen = set(dataset.organisations)
    if request.focus:
        chosen = neighbourhood(graph, request.focus, request.depth) | {request.focus}
    if request.kinds is not None:
        chosen = {i for i in chosen if dataset.organisations[i].kind in request.kinds}
    positions, colours = layout(graph), kind_colours(graph)
    result = nx.MultiDiGraph(area=view.area)
    for org_id in sorted(chosen, key=lambda i: (node_state.get(i) is None, i)):
        org = dataset.organisations[org_id]
        name = org.name_at(view.day) if org.exists_on(view.day) else org.name
        x, y = positions[org_id]
        result.add_node(org_id, label=name, **_flat(_org_attributes(org, name, dataset)),
                        state=node_state.get(org_id, ABSENT),
                        x=x, y=y, colour=colours[org.kind],
                        **_interval(org.valid_from and org.valid_from.start,
                                    org.valid_to and org.valid_to.start))
    for rel in dataset.relationships:
        if rel.source not in chosen or rel.target not in chosen:
            continue
        if request.types is not None and rel.type not in request.types:
            continue
        attributes = _flat(_rel_attributes(rel, dataset))
        attributes["label"] = attributes.pop("type_label")
        result.add_edge(rel.source, rel.target, key=rel.id, id=rel.id, **attributes,
                        state=edge_state.get(rel.id, ABSENT), **_rel_interval(rel, dataset))
    return result


def graphml_bytes(result: nx.MultiDiGraph) -> bytes:
    buffer = io.BytesIO()
    nx.write_graphml(result, buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


def gexf_bytes(result: nx.MultiDiGraph, request: SnapshotRequest) -> bytes:
    """GEXF 1.2draft that validates against the official XSD: networkx writes ``name=""`` on
    <graph>, which the schema does not allow, so it is removed. No ``viz:`` elements: the
    official 1.2draft XSD expects them in the wrong namespace, so positions and colours travel
    as the attributes ``x``, ``y`` and ``colour``."""
    writer = GEXFWriter(version="1.2draft", prettyprint=True)
    writer.add_graph(result)
    writer.graph_element.attrib.pop("name", None)
    if "timeformat" in writer.graph_element.attrib:
        writer.graph_element.set("mode", "dynamic")
    meta = writer.xml.find("meta")
    if meta is not None:
        SubElement(meta, "description").text = (
            f"{result.graph.get('area', '')} all of time for the selection; state attributes "
            f"as at {request.day.isoformat()}"
            + (f" compared with {request.diff_from.isoformat()}" if request.diff_from else ""))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# -- attributes ---------------------------------------------------------------------------

def _org_attributes(org: Organisation, name: str, dataset) -> dict[str, Any]:
    record = organisation_json(org, name)
    record.pop("id")
    record["kind_label"] = dataset.kinds[org.kind].label
    if org.former_names:
        record["former_names"] = "; ".join(
            f"{f.name} (to {f.valid_to.iso()})" for f in org.former_names)
    return record


def _rel_attributes(rel: Relationship, dataset) -> dict[str, Any]:
    record = relationship_json(rel)
    for key in ("id", "from", "to"):
        record.pop(key)
    # GEXF has its own edge attribute `type` (directed/undirected): call ours `relationship`
    record["relationship"] = record.pop("type")
    record["type_label"] = dataset.relationship_types[rel.type].label
    return record


def _flat(record: dict[str, Any]) -> dict[str, str | int | float]:
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


def _interval(first: dt.date | None, after: dt.date | None) -> dict[str, str]:
    span = {}
    if first:
        span["start"] = first.isoformat()
    if after:
        span["end"] = (after - dt.timedelta(days=1)).isoformat()
    return span


def _rel_interval(rel: Relationship, dataset) -> dict[str, str]:
    first = rel.valid_from.start if rel.valid_from else None
    after = rel.valid_to.start if rel.valid_to else None
    if dataset.relationship_types[rel.type].lineage:
        return _interval(first, after)  # dated on the take-over day, after its source ended
    # otherwise in force only while both ends exist, as ``at`` counts it
    for end in (dataset.organisations[rel.source], dataset.organisations[rel.target]):
        if end.valid_from and (first is None or end.valid_from.start > first):
            first = end.valid_from.start
        if end.valid_to and (after is None or end.valid_to.start < after):
            after = end.valid_to.start
    return _interval(first, after)


def _drop_none(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v is not None}
