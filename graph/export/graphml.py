"""A snapshot as GraphML: the view at a date for graph tools; attribute values are text or
numbers only (lists joined with "; ")."""

from __future__ import annotations

import io

import networkx as nx

from graph.core.temporal import dataset_of, relationship
from graph.drawing.layout import layout
from graph.export.attributes import NO_GROUPING, flat, org_attributes, rel_attributes
from graph.export.request import SnapshotRequest


def render(graph: nx.MultiDiGraph, request: SnapshotRequest) -> bytes:
    return graphml_bytes(snapshot_graph(graph, request))


def snapshot_graph(graph: nx.MultiDiGraph, request: SnapshotRequest) -> nx.MultiDiGraph:
    """The view at the date as a flat graph: attribute values are text or numbers only."""
    dataset = dataset_of(graph)
    view = request.scene(graph, max_nodes=NO_GROUPING)
    result = nx.MultiDiGraph(area=view.area, as_at=view.day.isoformat(),
                             content_hash=view.content_hash)
    if request.diff_from:
        result.graph["diff_from"] = request.diff_from.isoformat()
    places = layout(graph)  # the page's all-time places, as in the GEXF
    for node in view.nodes:
        org = dataset.organisations[node.id]
        x, y = places[node.id]
        result.add_node(node.id, **flat(org_attributes(org, node.name, dataset)),
                        state=node.state, x=x, y=y, colour=node.colour,
                        **({"renamed_from": node.former_name} if node.former_name else {}))
    for edge in view.edges:
        rel = relationship(graph, edge.id)
        result.add_edge(rel.source, rel.target, key=rel.id,
                        **flat(rel_attributes(rel, dataset)), state=edge.state)
    return result


def graphml_bytes(result: nx.MultiDiGraph) -> bytes:
    buffer = io.BytesIO()
    nx.write_graphml(result, buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()
