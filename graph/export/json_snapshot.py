"""A snapshot as JSON: the view at a date, every node and edge with its record and state."""

from __future__ import annotations

import json
from typing import Any

import networkx as nx

from graph.core.serialize import organisation_json, relationship_json
from graph.core.temporal import dataset_of, relationship
from graph.drawing.picture import compute_places
from graph.drawing.scene import MAX_NODES
from graph.export.attributes import NO_GROUPING, drop_none
from graph.export.request import SnapshotRequest, caption, sheet_drawing


def render(graph: nx.MultiDiGraph, request: SnapshotRequest) -> bytes:
    return (json.dumps(snapshot_json(graph, request), indent=2, ensure_ascii=False)
            + "\n").encode("utf-8")


def snapshot_json(graph: nx.MultiDiGraph, request: SnapshotRequest) -> dict[str, Any]:
    """The view at the request's date: nodes, edges, sources with titles and URLs, provenance,
    and the ``drawing`` an SVG or PNG of the request's size draws (boxes, routes, labels)."""
    dataset = dataset_of(graph)
    view = request.scene(graph, max_nodes=NO_GROUPING)
    text = caption(graph, view, request)
    # the sheet's drawing, routes and all; a view larger than any picture draws (a whole
    # national area) gets the boxes' places only: routing thousands of boxes never finishes
    drawn = sheet_drawing(graph, view, request, text) if len(view.nodes) <= MAX_NODES else \
        compute_places(graph, view, request.size)
    places = {n.id: (n.x, n.y) for n in drawn.nodes}
    nodes = []
    for node in view.nodes:
        record = organisation_json(dataset.organisations[node.id], node.name)
        x, y = places[node.id]
        record.update(drop_none({"kind_label": dataset.kinds[node.kind].label,
                                  "state": node.state, "renamed_from": node.former_name,
                                  "x": x, "y": y, "colour": node.colour}))
        nodes.append(record)
    edges = []
    for edge in view.edges:
        record = relationship_json(relationship(graph, edge.id))
        record.update({"type_label": dataset.relationship_types[edge.type].label,
                       "state": edge.state})
        edges.append(record)
    return drop_none({
        "area": view.area, "as_at": view.day.isoformat(), "as_at_words": text.as_at,
        "diff_from": request.diff_from.isoformat() if request.diff_from else None,
        "focus": request.focus, "depth": request.depth if request.focus else None,
        "kinds": sorted(request.kinds) if request.kinds is not None else None,
        "types": sorted(request.types) if request.types is not None else None,
        "content_hash": view.content_hash, "caption": text.title,
        "nodes": nodes, "edges": edges, "drawing": drawn.json(),
        "sources": [drop_none({"number": s.number, "id": s.id, "title": s.title,
                                "publisher": s.publisher, "published": s.published,
                                "url": s.url, "standing": s.standing or None})
                    for s in text.sources],
    })
