"""A ``Scene`` and its ``Drawing`` as vis-network data: every box where and as big as the
drawing says, the routed edges for ``routes.js`` to paint, text-only tooltips.

Names and notes travel as data, never as HTML: vis-network shows a string ``title`` as text,
and whoever embeds this JSON in a page must escape it for ``<script>`` (see ``script_json``).
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping
from typing import Any

from graph.core.dates import span
from graph.drawing.geometry import Drawing, tint
from graph.drawing.scene import Scene, SceneEdge, SceneNode
from graph.drawing.text import CSS_FACE

BOX_MARGIN = 6  # px between a box's border and its label, in vis-network
STATE_LABELS = {"ghost": "ended recently", "added": "added", "ended": "ended",
                "renamed": "renamed", "group": "group"}


def _sources_line(sources: tuple[str, ...], numbers: Mapping[str, int]) -> list[str]:
    """The numbers of the sources in the view's list (under the graph), a few to a line."""
    cited = ", ".join(str(n) for n in sorted(numbers[s] for s in sources if s in numbers))
    return ["Sources (listed under the graph):", *textwrap.wrap(cited, 36)] if cited else []


def node_tooltip(node: SceneNode, kind_label: str, numbers: Mapping[str, int] = {}) -> str:
    """An organisation's name as on the date, its kind, its dates (last days, never an exclusive
    end) and the numbers of its sources in the view's list."""
    lines = [node.name, kind_label]
    if node.former_name:
        lines.append(f"formerly {node.former_name}")
    if node.state != "group":
        lines.append(span(node.valid_from, node.valid_to, "no dates recorded"))
    if node.ods_code:
        lines.append(f"ODS code {node.ods_code}")
    if node.state in STATE_LABELS:
        lines.append(f"({STATE_LABELS[node.state]})")
    return "\n".join(lines + _sources_line(node.sources, numbers))


def edge_tooltip(edge: SceneEdge, type_label: str, numbers: Mapping[str, int] = {},
                 names: Mapping[str, str] = {}) -> str:
    """A relationship in words with its ends named as on the date, its role, its dates (last
    days) and the numbers of its sources."""
    said = type_label
    if edge.source in names and edge.target in names:
        said = f"{names[edge.source]} {type_label} {names[edge.target]}"
    if edge.count > 1:
        said = f"{edge.count} × {said}"
    lines = [said + (f" as {edge.role}" if edge.role else "")]
    if edge.state != "group":
        lines.append(span(edge.valid_from, edge.valid_to, "at every date in the data"))
    if edge.state in STATE_LABELS:
        lines.append(f"({STATE_LABELS[edge.state]})")
    return "\n".join(lines + _sources_line(edge.sources, numbers))


def vis_data(scene: Scene, drawn: Drawing,
             numbers: Mapping[str, int] | None = None) -> dict[str, Any]:
    """The boxes for ``new vis.Network(container, data, options)``, each exactly where and as
    big as ``drawn`` says, and the routed edges for ``routes.js`` to paint (vis-network only
    draws straight or curved lines between centres, so it gets no edges). The tooltips number
    sources by ``numbers`` (the page's one numbering of the view), else as listed under it."""
    kind_labels = {k.id: k.label for k in scene.kinds}
    type_labels = {t.id: t.label for t in scene.types}
    if numbers is None:
        numbers = {source: n for n, source in enumerate(scene.sources, 1)}
    names = {node.id: node.name for node in scene.nodes}
    return drawing_data(
        drawn, {n.id: node_tooltip(n, kind_labels.get(n.kind, n.kind), numbers)
                for n in scene.nodes},
        {e.id: edge_tooltip(e, type_labels.get(e.type, e.type), numbers, names)
         for e in scene.edges},
        {n.id: n.kind for n in scene.nodes})


def drawing_data(drawn: Drawing, titles: dict[str, str], edge_titles: dict[str, str],
                 groups: dict[str, str]) -> dict[str, Any]:
    """``drawn`` for the page's graph component and the offline HTML, with tooltips."""
    nodes = []
    for box in drawn.nodes:
        nodes.append({
            "id": box.id, "label": "\n".join(box.label), "title": titles.get(box.id, box.id),
            "x": box.x, "y": box.y, "group": groups.get(box.id, ""), "state": box.state,
            # vis-network adds its margin around the constrained label, so it is taken off
            # first; the lines are already wrapped to fit, and the maximum is left loose so that
            # vis-network (which wraps well short of its maximum) never wraps them again
            "shape": "box", "margin": BOX_MARGIN,
            "widthConstraint": {"minimum": box.width - 2 * BOX_MARGIN,
                                "maximum": box.width + 100},
            "heightConstraint": {"minimum": box.height - 2 * BOX_MARGIN, "valign": "middle"},
            "borderWidth": box.border_width, "shapeProperties": {
                "borderDashes": [6, 4] if box.dashed else False, "borderRadius": 4},
            "color": {"background": box.fill, "border": box.border,
                      "highlight": {"background": tint(box.fill, 0.8), "border": "#000"},
                      "hover": {"background": box.fill, "border": "#000"}},
            "opacity": 0.55 if box.faded else 1.0,
            "font": {"color": "#777" if box.faded else "#111", "size": box.font_size,
                     "face": CSS_FACE},
        })
    edges = [{
        "id": edge.id, "from": edge.source, "to": edge.target, "points": edge.points,
        "title": edge_titles.get(edge.id, edge.id), "colour": edge.colour,
        "width": edge.line_width, "dashes": edge.dashes, "lineage": edge.lineage,
        "faded": edge.faded, "label": edge.label, "labelAt": edge.label_at,
    } for edge in drawn.edges]
    return {"nodes": nodes, "edges": edges, "labelFont": drawn.font_size,
            "labelFace": CSS_FACE, "size": [drawn.width, drawn.height]}


SOURCE_COLOUR = "#e6007e"  # what a chosen source supports


def highlight(data: dict[str, Any], nodes: frozenset[str], edges: frozenset[str],
              colour: str = SOURCE_COLOUR) -> dict[str, Any]:
    """``data`` (from ``vis_data``) with ``nodes`` and ``edges`` standing out, in a heavier
    border or line of ``colour``, and everything else faded; ``highlight`` lists their ids."""
    boxes = [{**box, "borderWidth": 4, "opacity": 1.0,
              "color": {**box["color"], "border": colour}} if box["id"] in nodes
             else {**box, "opacity": 0.25} for box in data["nodes"]]
    routes = [{**route, "colour": colour, "width": route["width"] * 2, "faded": False}
              if route["id"] in edges else {**route, "faded": True} for route in data["edges"]]
    return {**data, "nodes": boxes, "edges": routes,
            "highlight": sorted(b["id"] for b in boxes if b["id"] in nodes)
            + sorted(r["id"] for r in routes if r["id"] in edges)}


OPTIONS: dict[str, Any] = {
    "physics": {"enabled": False},
    # the wheel scrolls the page until the reader clicks into the graph (routes.js turns
    # zooming on then, and off again on a click elsewhere); boxes stay where the layout put them
    "interaction": {"hover": True, "tooltipDelay": 150, "navigationButtons": False,
                    "keyboard": False, "multiselect": False, "zoomView": False,
                    "dragNodes": False},
    "nodes": {"margin": BOX_MARGIN, "labelHighlightBold": False},
}


def script_json(value: Any) -> str:
    """JSON safe inside a ``<script>`` block: ``<``, ``>``, ``&`` and line separators escaped,
    so a name such as ``</script><script>alert(1)</script>`` stays text."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def routes_script() -> str:
    """The JavaScript that paints routed edges on vis-network's canvas (page and offline HTML)."""
    from importlib.resources import files

    return (files("graph.drawing") / "routes.js").read_text(encoding="utf-8")


def vis_network_assets() -> tuple[str, str]:
    """vis-network's JavaScript and CSS as shipped inside pyvis, to inline (never a CDN)."""
    from importlib.resources import files

    lib = files("pyvis") / "lib" / "vis-9.1.2"
    return ((lib / "vis-network.min.js").read_text(encoding="utf-8"),
            (lib / "vis-network.css").read_text(encoding="utf-8"))
