"""A ``Scene`` as vis-network data: plain JSON with fixed positions and text-only tooltips.

Names and notes travel as data, never as HTML: vis-network shows a string ``title`` as text,
and whoever embeds this JSON in a page must escape it for ``<script>`` (see ``script_json``).
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping
from typing import Any

from graph.core.colours import safe_colour
from graph.core.dates import span
from graph.drawing.scene import STATE_COLOURS, Scene, SceneEdge, SceneNode

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


def vis_data(scene: Scene) -> dict[str, Any]:
    """Nodes and edges for ``new vis.Network(container, data, options)``."""
    kind_labels = {k.id: k.label for k in scene.kinds}
    type_labels = {t.id: t.label for t in scene.types}
    numbers = {source: n for n, source in enumerate(scene.sources, 1)}  # as listed under it
    names = {node.id: node.name for node in scene.nodes}
    nodes = []
    for node in scene.nodes:
        border = STATE_COLOURS.get(node.state, node.colour)
        label = "\n".join(textwrap.wrap(node.name, 24)) or node.id
        if node.state == "renamed":
            label = f"✎ {label}"
        nodes.append({
            "id": node.id, "label": label, "title": node_tooltip(node, kind_labels.get(node.kind, node.kind), numbers),
            "x": node.x, "y": node.y, "group": node.kind, "state": node.state,
            "shape": "box", "borderWidth": 4 if node.state in STATE_COLOURS else 1,
            "color": {"background": tint(node.colour), "border": border,
                      "highlight": {"background": tint(node.colour, 0.55), "border": "#000"}},
            "opacity": 0.35 if node.state in ("ghost", "ended") else 1.0,
            "font": {"color": "#111", "size": 14},
        })
    place = {node.id: (node.x, node.y) for node in scene.nodes}
    edges = [{
        "id": edge.id, "from": edge.source, "to": edge.target, "type": edge.type,
        **_arc_below(place.get(edge.source), place.get(edge.target)),
        "title": edge_tooltip(edge, type_labels.get(edge.type, edge.type), numbers, names),
        "arrows": "to", "dashes": edge.dashes, "state": edge.state,
        "color": {"color": edge.colour, "opacity": 0.4 if edge.state == "ghost" else 0.9},
        "width": 3 if edge.state in ("added", "ended") else 1.5,
    } for edge in scene.edges]
    return {"nodes": nodes, "edges": edges}


def _arc_below(start: tuple[float, float] | None,
               end: tuple[float, float] | None) -> dict[str, Any]:
    """On one row a straight line would run through the boxes between: arc below them (into
    the gap between rows, inside the drawing)."""
    if start is None or end is None or start[1] != end[1]:
        return {}
    direction = "curvedCCW" if start[0] < end[0] else "curvedCW"
    return {"smooth": {"enabled": True, "type": direction, "roundness": 0.3}}


OPTIONS: dict[str, Any] = {
    "physics": {"enabled": False},
    "interaction": {"hover": True, "tooltipDelay": 150, "navigationButtons": False,
                    "keyboard": False, "multiselect": False},
    "edges": {"smooth": {"enabled": True, "type": "cubicBezier", "roundness": 0.4}},
    "nodes": {"margin": 8, "widthConstraint": {"maximum": 200}},
}


def script_json(value: Any) -> str:
    """JSON safe inside a ``<script>`` block: ``<``, ``>``, ``&`` and line separators escaped,
    so a name such as ``</script><script>alert(1)</script>`` stays text."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def tint(colour: str, strength: float = 0.3) -> str:
    """A light version of a CSS colour for box fills, so black labels stay readable."""
    r, g, b = (int(safe_colour(colour)[i:i + 2], 16) for i in (1, 3, 5))
    mix = [round(255 - (255 - c) * strength) for c in (r, g, b)]
    return "#" + "".join(f"{c:02x}" for c in mix)


def vis_network_assets() -> tuple[str, str]:
    """vis-network's JavaScript and CSS as shipped inside pyvis, to inline (never a CDN)."""
    from importlib.resources import files

    lib = files("pyvis") / "lib" / "vis-9.1.2"
    return ((lib / "vis-network.min.js").read_text(encoding="utf-8"),
            (lib / "vis-network.css").read_text(encoding="utf-8"))
