"""The view at a date as flat, typed records for the graph formats read by other tools (GraphML,
Cytoscape): exactly the nodes and edges the page draws that day, each with a ``label`` (the name
on the day; a relationship's role or its type's label), its record, its state, its colour and
the page's place of its box.

Colour and place are named ``colour``, ``position_x`` and ``position_y`` (CSS pixels, y down,
the centre of the box) so they never collide with the ``r``, ``g``, ``b``, ``x``, ``y`` and
``size`` columns Gephi adds of its own when it writes a file back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx

from graph.core.colours import safe_colour
from graph.core.temporal import dataset_of, relationship
from graph.drawing.geometry import DrawnNode
from graph.drawing.picture import compute_places
from graph.drawing.scene import Scene, type_styles
from graph.export.attributes import NO_GROUPING, flat, org_attributes, rel_attributes
from graph.export.request import SnapshotRequest


@dataclass(frozen=True)
class DayNode:
    id: str
    attributes: dict[str, str | int | float]
    box: DrawnNode  # the page's box: centre x, y, width, height (CSS pixels)


@dataclass(frozen=True)
class DayEdge:
    id: str
    source: str
    target: str
    attributes: dict[str, str | int | float]


@dataclass(frozen=True)
class DayView:
    scene: Scene
    nodes: tuple[DayNode, ...]
    edges: tuple[DayEdge, ...]

    def graph_attributes(self, request: SnapshotRequest) -> dict[str, Any]:
        found = {"area": self.scene.area, "as_at": self.scene.day.isoformat(),
                 "content_hash": self.scene.content_hash}
        if request.diff_from:
            found["diff_from"] = request.diff_from.isoformat()
        return found


def day_view(graph: nx.MultiDiGraph, request: SnapshotRequest) -> DayView:
    """What the page draws for ``request``: nodes and edges with flat attributes and places."""
    dataset = dataset_of(graph)
    view = request.scene(graph, max_nodes=NO_GROUPING)
    # the page's places, without routing a line (a data file holds no routes; at national
    # scale routing thousands of boxes would never finish)
    boxes = {box.id: box for box in compute_places(graph, view, "screen").nodes}
    styles = type_styles(graph)
    nodes = []
    for node in view.nodes:
        box = boxes[node.id]
        attributes = {"label": node.name,
                      **flat(org_attributes(dataset.organisations[node.id], node.name, dataset)),
                      "state": node.state, "colour": safe_colour(node.colour),
                      "position_x": float(box.x), "position_y": float(box.y)}
        if node.former_name:
            attributes["renamed_from"] = node.former_name
        nodes.append(DayNode(node.id, attributes, box))
    edges = []
    for edge in view.edges:
        rel = relationship(graph, edge.id)
        record = flat(rel_attributes(rel, dataset))
        edges.append(DayEdge(rel.id, rel.source, rel.target, {
            "label": rel.role or str(record["type_label"]), **record, "state": edge.state,
            "colour": safe_colour(styles[rel.type][0])}))
    return DayView(view, tuple(nodes), tuple(edges))
