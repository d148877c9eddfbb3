"""Snapshots as SVG and PNG for briefings: matplotlib (Agg) at the page's fixed positions.

Organisations are boxes at their all-time ``Scene`` positions, so an image for 2016 and one for
2021 line up. Under the graph: a legend, the caption (area, date, focus, diff) and the
numbered sources behind what is drawn, with the data's content hash. SVG text stays text
(``svg.fonttype: none``) and the file is byte-identical between runs (fixed ``svg.hashsalt``,
no date in the metadata).
"""

from __future__ import annotations

import io
import math
import textwrap
from collections import defaultdict

import matplotlib
import networkx as nx
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch

from graph.drawing.scene import GHOST_LABEL, STATE_COLOURS, Scene, SceneNode
from graph.drawing.vis import tint
from graph.export.request import Caption, SnapshotRequest, caption

PX_PER_INCH = 100.0  # scene pixels per inch at full size
MAX_WIDTH_IN = 40.0  # wider scenes are scaled down (labels shrink with them, to FONT_MIN)
BOX_WIDTH = 200.0  # scene pixels, as wide as the page's boxes
LINE_PX = 14.0
FONT_PT = 8.0
FONT_MIN = 5.0
WRAP = 24
MARGIN_IN = 0.4
SOURCE_COLUMN_IN = 9.0
STYLE = {
    "svg.fonttype": "none",  # text stays text: searchable, selectable
    "svg.hashsalt": "orgs-snapshot",  # stable ids: the same SVG bytes on every run
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "path.simplify": False,
}
STATE_TEXT = {"added": "added since {since}", "ended": "ended since {since}",
              "renamed": "renamed since {since}"}


def render(graph: nx.MultiDiGraph, request: SnapshotRequest) -> bytes:
    view = request.scene(graph)
    text = caption(graph, view, request)
    with matplotlib.rc_context(STYLE):
        figure = draw(view, text)
        buffer = io.BytesIO()
        if request.fmt == "svg":
            figure.savefig(buffer, format="svg", metadata={"Date": None, "Title": text.title})
        else:
            figure.savefig(buffer, format="png", dpi=request.dpi,
                           metadata={"Title": text.title, "Software": None})
    return buffer.getvalue()


def draw(view: Scene, text: Caption) -> Figure:
    """The whole picture: heading, graph, legend, caption and sources, sized to fit."""
    boxes = {node.id: _label(node) for node in view.nodes}
    xs = [n.x for n in view.nodes] or [0.0]
    ys = [n.y for n in view.nodes] or [0.0]
    tallest = max((len(lines) for lines in boxes.values()), default=1) * LINE_PX + 16
    left, right = min(xs) - BOX_WIDTH / 2 - 30, max(xs) + BOX_WIDTH / 2 + 30
    top, bottom = min(ys) - tallest / 2 - 30, max(ys) + tallest / 2 + 30
    natural_width = (right - left) / PX_PER_INCH
    scale = min(1.0, MAX_WIDTH_IN / natural_width)
    font = max(FONT_MIN, FONT_PT * scale)
    graph_w = natural_width * scale
    graph_h = (bottom - top) / PX_PER_INCH * scale
    width = max(graph_w + 2 * MARGIN_IN, 8.0)
    usable = width - 2 * MARGIN_IN
    source_columns = max(1, int(usable / SOURCE_COLUMN_IN))  # wide images: sources in columns
    column_in = usable / source_columns
    chars = int(column_in * 72 / (7.5 * 0.55)) - 4  # characters per caption line at 7.5 pt

    handles = _legend_handles(view, text)
    columns = max(1, min(len(handles), int((width - 2 * MARGIN_IN) / 2.6)))
    legend_h = (math.ceil(len(handles) / columns) * 0.22 + 0.2) if handles else 0.0
    heading_lines = textwrap.wrap(f"{text.title}. {text.provenance}.", int(usable * 72 / 4.1))
    columns_of_lines = _source_columns(text, chars, source_columns)
    caption_h = (len(heading_lines) + 1 + max(map(len, columns_of_lines))) * 0.16 + 0.2
    heading_h = 0.55 + (0.22 if text.subtitle else 0) + (0.22 if text.note else 0)
    height = MARGIN_IN + heading_h + graph_h + legend_h + caption_h + MARGIN_IN

    figure = Figure(figsize=(width, height))
    figure.patch.set_facecolor("white")
    y = height - MARGIN_IN  # inches from the bottom, moving down
    figure.text(MARGIN_IN / width, y / height, text.title, fontsize=14, weight="bold",
                va="top", ha="left")
    y -= 0.32
    for extra in (text.subtitle, text.note):
        if extra:
            figure.text(MARGIN_IN / width, y / height, extra, fontsize=9, va="top", ha="left",
                        color="#333")
            y -= 0.22
    y -= 0.23
    axes = figure.add_axes(((width - graph_w) / 2 / width, (y - graph_h) / height,
                            graph_w / width, graph_h / height))
    axes.set_xlim(left, right)
    axes.set_ylim(-bottom, -top)  # scene y grows downwards
    axes.set_axis_off()
    if view.nodes:
        _draw_graph(axes, view, boxes, font)
    else:
        axes.text((left + right) / 2, -(top + bottom) / 2,
                  "Nothing in force on this date for this selection.", ha="center",
                  va="center", fontsize=10, color="#555")
    y -= graph_h
    if handles:
        figure.legend(handles=handles, loc="upper left", ncols=columns, frameon=False,
                      fontsize=8, bbox_to_anchor=(MARGIN_IN / width, (y - 0.05) / height),
                      handlelength=2.4, columnspacing=1.5, borderaxespad=0)
        y -= legend_h
    y -= 0.1
    for line in [*heading_lines, "Sources"]:
        figure.text(MARGIN_IN / width, y / height, line, fontsize=7.5, va="top", ha="left",
                    color="#222", weight="bold" if line == "Sources" else "normal")
        y -= 0.16
    for i, column in enumerate(columns_of_lines):
        x = (MARGIN_IN + i * column_in) / width
        for row, line in enumerate(column):
            figure.text(x, (y - row * 0.16) / height, line, fontsize=7.5, va="top",
                        ha="left", color="#222")
    return figure


def _draw_graph(axes, view: Scene, boxes: dict[str, list[str]], font: float) -> None:
    patches: dict[str, FancyBboxPatch] = {}
    for node in view.nodes:
        lines = boxes[node.id]
        h = len(lines) * LINE_PX + 12
        faded = node.state in ("ghost", "ended")
        border = STATE_COLOURS.get(node.state, node.colour)
        patch = FancyBboxPatch((node.x - BOX_WIDTH / 2, -node.y - h / 2), BOX_WIDTH, h,
                               boxstyle="round,pad=0,rounding_size=8",
                               facecolor=tint(node.colour, 0.12 if faded else 0.3),
                               edgecolor=border, zorder=2,
                               linewidth=2.4 if node.state in STATE_COLOURS else 0.9,
                               linestyle="--" if node.state == "ghost" else "-")
        axes.add_artist(patch)
        patches[node.id] = patch
        axes.text(node.x, -node.y, "\n".join(lines), ha="center", va="center", fontsize=font,
                  color="#777" if faded else "#111", zorder=3, linespacing=1.25)
    seen: dict[tuple[str, str], int] = defaultdict(int)
    for edge in view.edges:
        if edge.source == edge.target:
            continue
        pair = tuple(sorted((edge.source, edge.target)))
        nth = seen[pair]
        seen[pair] += 1
        bend = 0.12 * ((nth + 1) // 2) * (1 if nth % 2 else -1) if nth else 0.0
        a, b = patches[edge.source], patches[edge.target]
        if nth == 0 and _passes_boxes(view, edge.source, edge.target):
            bend = 0.3  # arc over the boxes in between instead of through them
        # end on the boxes' borders, computed here: matplotlib's patch clipping is ~20 ms/edge
        arrow = FancyArrowPatch(_border(a, _centre(b)), _border(b, _centre(a)),
                                shrinkA=1, shrinkB=1, arrowstyle="-|>", mutation_scale=9,
                                connectionstyle=f"arc3,rad={bend}", color=edge.colour,
                                linewidth=2.0 if edge.state in ("added", "ended") else 1.0,
                                linestyle="--" if edge.dashes else "-",
                                alpha=0.45 if edge.state == "ghost" else 0.9, zorder=1)
        axes.add_artist(arrow)  # not add_patch: the limits are fixed, skip their update
        if edge.count > 1:
            (x1, y1), (x2, y2) = _centre(a), _centre(b)
            axes.text((x1 + x2) / 2, (y1 + y2) / 2, f"×{edge.count}", fontsize=font,
                      ha="center", va="center", color=edge.colour, zorder=3,
                      bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"})


def _border(box: FancyBboxPatch, towards: tuple[float, float]) -> tuple[float, float]:
    """Where the line from the box's centre towards a point leaves the box."""
    (cx, cy), (tx, ty) = _centre(box), towards
    dx, dy = tx - cx, ty - cy
    if dx == dy == 0:
        return cx, cy
    half_w, half_h = box.get_width() / 2, box.get_height() / 2
    t = min(half_w / abs(dx) if dx else math.inf, half_h / abs(dy) if dy else math.inf)
    return cx + dx * t, cy + dy * t


def _passes_boxes(view: Scene, source: str, target: str) -> bool:
    """True when a straight line between two boxes on one row would cross another box."""
    ends = [n for n in view.nodes if n.id in (source, target)]
    if len(ends) != 2 or ends[0].y != ends[1].y:
        return False
    low, high = sorted((ends[0].x, ends[1].x))
    return any(n.y == ends[0].y and low < n.x < high for n in view.nodes)


def _label(node: SceneNode) -> list[str]:
    lines = textwrap.wrap(node.name, WRAP) or [node.id]
    if node.former_name:
        lines += textwrap.wrap(f"(formerly {node.former_name})", WRAP)
    return lines


def _centre(patch: FancyBboxPatch) -> tuple[float, float]:
    return (patch.get_x() + patch.get_width() / 2, patch.get_y() + patch.get_height() / 2)


def _legend_handles(view: Scene, text: Caption) -> list:
    handles: list = [Patch(facecolor=tint(k.colour), edgecolor=k.colour, label=k.label)
                     for k in view.kinds]
    handles += [Line2D([], [], color=t.colour, linestyle="--" if t.dashes else "-", label=t.label)
                for t in view.types]
    states = {n.state for n in view.nodes}
    for state, template in STATE_TEXT.items():
        if state in states and text.diff_from:
            handles.append(Patch(facecolor="white", edgecolor=STATE_COLOURS[state],
                                 linewidth=2.4, label=template.format(since=text.diff_from)))
    if "ghost" in states:
        handles.append(Patch(facecolor="white", edgecolor="#999", linestyle="--",
                             label=GHOST_LABEL))
    return handles


def _source_columns(text: Caption, chars: int, columns: int) -> list[list[str]]:
    """The numbered sources, each wrapped to ``chars`` and kept whole, in balanced columns."""
    blocks = [textwrap.wrap(s.text(), chars, subsequent_indent="    ") for s in text.sources]
    if not blocks:
        return [["No sources cited by what is drawn."]]
    per_column = math.ceil(sum(map(len, blocks)) / columns)
    result: list[list[str]] = [[]]
    for block in blocks:
        if result[-1] and len(result[-1]) + len(block) > per_column and len(result) < columns:
            result.append([])
        result[-1].extend(block)
    return result
