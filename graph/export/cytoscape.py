"""A snapshot as Cytoscape.js JSON (``.cyjs``), which Cytoscape desktop also imports: the view at
a date (``graph.export.at_day``) as ``elements`` whose ``data`` holds ``id`` (and ``source`` /
``target`` for an edge), ``name`` and ``label`` (the name on the day; a relationship's role or
its type's label), the record's fields, ``state`` and ``colour``; each node's ``position`` is
the page's centre of its box (CSS pixels, y down, as Cytoscape draws). An edge's ``interaction``
is its relationship type, the column Cytoscape desktop names edges by.
"""

from __future__ import annotations

import json
from typing import Any

import networkx as nx

from graph.export.at_day import day_view
from graph.export.request import SnapshotRequest

CYTOSCAPE_JS = "3.35"  # the version the tests load the export with


def render(graph: nx.MultiDiGraph, request: SnapshotRequest) -> bytes:
    return (json.dumps(cytoscape_json(graph, request), indent=2, ensure_ascii=False)
            + "\n").encode("utf-8")


def cytoscape_json(graph: nx.MultiDiGraph, request: SnapshotRequest) -> dict[str, Any]:
    view = day_view(graph, request)
    nodes = []
    for node in view.nodes:
        data = {"id": node.id, **node.attributes}
        x, y = data.pop("position_x"), data.pop("position_y")
        nodes.append({"data": data, "position": {"x": x, "y": y}})
    edges = [{"data": {"id": edge.id, "source": edge.source, "target": edge.target,
                       "interaction": edge.attributes["relationship"], **edge.attributes}}
             for edge in view.edges]
    return {"format_version": "1.0", "generated_by": "python -m graph snapshot",
            "target_cytoscapejs_version": f"~{CYTOSCAPE_JS}",
            "data": {"name": f"{view.scene.area}: as at {view.scene.day.isoformat()}",
                     **view.graph_attributes(request)},
            "elements": {"nodes": nodes, "edges": edges}}
