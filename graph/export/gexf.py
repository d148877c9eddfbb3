"""A snapshot as GEXF 1.2draft (dynamic): the selection over all of time, so Gephi's timeline
plays the whole history; states as on the snapshot's day."""

from __future__ import annotations

import datetime as dt
import io
from xml.etree.ElementTree import SubElement

import networkx as nx
from networkx.readwrite.gexf import GEXFWriter

from graph.core.model import Dataset, Relationship, effective_span
from graph.core.temporal import dataset_of, neighbourhood
from graph.drawing.layout import layout
from graph.drawing.scene import kind_colours
from graph.export.attributes import NO_GROUPING, flat, org_attributes, rel_attributes
from graph.export.request import SnapshotRequest

ABSENT = "absent"  # the state of an organisation or relationship not in force on the day


def render(graph: nx.MultiDiGraph, request: SnapshotRequest) -> bytes:
    return gexf_bytes(history_graph(graph, request), request)


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
        result.add_node(org_id, label=name, **flat(org_attributes(org, name, dataset)),
                        state=node_state.get(org_id, ABSENT),
                        x=x, y=y, colour=colours[org.kind],
                        **_interval(org.valid_from and org.valid_from.start,
                                    org.valid_to and org.valid_to.start))
    for rel in dataset.relationships:
        if rel.source not in chosen or rel.target not in chosen:
            continue
        if request.types is not None and rel.type not in request.types:
            continue
        attributes = flat(rel_attributes(rel, dataset))
        attributes["label"] = attributes.pop("type_label")
        result.add_edge(rel.source, rel.target, key=rel.id, id=rel.id, **attributes,
                        state=edge_state.get(rel.id, ABSENT), **_rel_interval(rel, dataset))
    return result


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


def _interval(first: dt.date | None, after: dt.date | None) -> dict[str, str]:
    span = {}
    if first:
        span["start"] = first.isoformat()
    if after:
        span["end"] = (after - dt.timedelta(days=1)).isoformat()
    return span


def _rel_interval(rel: Relationship, dataset: Dataset) -> dict[str, str]:
    """In force only while both ends exist, as ``at`` counts it (a lineage relationship is
    dated on the take-over day, after its source ended, and keeps its own dates)."""
    first, after = effective_span(rel, dataset)
    return _interval(first and first.start, after and after.start)
