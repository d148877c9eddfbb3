"""Graphviz ``dot``, the peer our drawing is measured against: the same boxes (their sizes) and
the same edges laid out by ``dot -Tjson``, its splines read as polylines (every third control
point, i.e. the ends of each Bézier piece) so that ``graph.drawing.quality`` counts them the
same way as our routes. Needs Debian's ``graphviz`` (the README's commands install it)."""

from __future__ import annotations

import json
import shutil
import subprocess

from graph.drawing.quality import Line

DOT = "dot"


def dot_lines(drawing_json: dict, tiers: dict[str, int] | None = None) -> list[Line]:
    """``dot``'s drawing of the boxes and edges of ``drawing_json`` (``Drawing.json()``), with y
    growing downward like ours: free, or with ``tiers`` (box id -> tier) one rank per tier,
    top to bottom, as our drawing has them (boxes without a tier, people, placed freely)."""
    if shutil.which(DOT) is None:
        raise RuntimeError("Graphviz `dot` is not installed (apt-get install graphviz)")
    ids = {n["id"]: f"n{i}" for i, n in enumerate(drawing_json["nodes"])}
    lines = ["digraph G {", "node [shape=box, fixedsize=true, label=\"\"];"]
    for node in drawing_json["nodes"]:
        lines.append(f'{ids[node["id"]]} [width={node["width"] / 72:.4f}, '
                     f'height={node["height"] / 72:.4f}];')
    if tiers:
        lines[0] = "digraph G { newrank=true;"
        ranks: dict[int, list[str]] = {}
        for node in drawing_json["nodes"]:
            if node["id"] in tiers:
                ranks.setdefault(tiers[node["id"]], []).append(ids[node["id"]])
        ordered = [ranks[t] for t in sorted(ranks)]
        for members in ordered:
            lines.append("{rank=same; " + " ".join(members) + ";}")
        for upper, lower in zip(ordered, ordered[1:], strict=False):
            lines.append(f"{upper[0]} -> {lower[0]} [style=invis];")
    edges = [e for e in drawing_json["edges"] if e["from"] != e["to"]]
    for i, edge in enumerate(edges):
        lines.append(f'{ids[edge["from"]]} -> {ids[edge["to"]]} [id="e{i}"];')
    lines.append("}")
    done = subprocess.run([DOT, "-Tjson"], input="\n".join(lines), capture_output=True,
                          text=True, check=True, timeout=120)
    laid = json.loads(done.stdout)
    drawn: list[Line] = []
    for item in laid.get("edges", []):
        if not str(item.get("id", "")).startswith("e"):
            continue  # an invisible edge that keeps the tiers in order
        index = int(item["id"][1:])
        points: list[tuple[float, float]] = []
        for op in item.get("_draw_", []):
            if op.get("op") in ("b", "B"):
                controls = op["points"]
                points += [(x, -y) for x, y in controls[::3]]
        edge = edges[index]
        if len(points) >= 2:
            drawn.append(Line(edge["id"], edge["from"], edge["to"], tuple(points)))
    return drawn
