"""One geometry per view: every box, every routed edge and every label, in one frame.

The page, the offline HTML, the SVG and the PNG all draw a ``Drawing`` and nothing else, and
``python -m graph snapshot --format json`` exposes it (``Drawing.json()``), so what is drawn
can be measured: boxes never overlap, routes never enter a box other than their two ends, and
labels stay in the channels between boxes.

On screen (``frame="screen"``) every organisation keeps its all-time cell, so the slider never
moves a box; two organisations that share a cell but are drawn together (a comparison of two
dates, a console result) are split, the later one into a free cell of its tier. On paper a
view is drawn once, so the organisations drawn are packed in the same order, tier after tier,
to fit the sheet.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from graph.core.colours import safe_colour
from graph.drawing.engine import Wire, route
from graph.drawing.layers import GAP, layered_rows
from graph.drawing.layout import Frame, Grid
from graph.drawing.routing import Cell, Channels, Link, route_all
from graph.drawing.text import LINE_HEIGHT, fit_lines, shorten, width

ROLE_WIDTH = 1.25  # a relationship's label is cut with "…" beyond this many box widths


@dataclass(frozen=True)
class NodeSpec:
    """What a renderer needs to know of a box before it is placed."""

    id: str
    text: str  # the label, before wrapping
    tier: int
    colour: str  # the kind's colour
    state: str = "current"
    extra: str | None = None  # a second text under the label when there is room
    order: float = 0.0  # its place within its tier on the day drawn (graph.drawing.order)
    beside: str | None = None  # the box this one sits beside, in its row (a person's post)


@dataclass(frozen=True)
class EdgeSpec:
    id: str
    source: str
    target: str
    colour: str
    lineage: bool = False
    dashes: bool = False
    state: str = "current"
    label: str | None = None  # the whole text (a role); the drawing shortens it


@dataclass(frozen=True)
class DrawnNode:
    id: str
    x: float  # centre
    y: float
    width: float
    height: float
    font_size: float
    label: tuple[str, ...]  # lines, as drawn
    fill: str
    border: str
    border_width: float
    dashed: bool
    faded: bool
    state: str


@dataclass(frozen=True)
class DrawnEdge:
    id: str
    source: str
    target: str
    points: tuple[tuple[float, float], ...]
    label: str | None
    label_at: tuple[float, float] | None
    colour: str
    line_width: float
    dashes: bool
    lineage: bool
    faded: bool
    state: str


@dataclass(frozen=True)
class Drawing:
    frame: str
    unit: str
    width: float
    height: float
    font_size: float  # of relationship labels
    nodes: tuple[DrawnNode, ...]
    edges: tuple[DrawnEdge, ...]  # lineage last: drawn above the others

    def json(self) -> dict[str, Any]:
        """The geometry as plain data: boxes by centre and size, routes as polylines."""
        def r(v: float) -> float:
            return round(v, 4)
        return {
            "frame": self.frame, "width": r(self.width), "height": r(self.height),
            "unit": self.unit,
            "nodes": [{"id": n.id, "x": r(n.x), "y": r(n.y), "width": r(n.width),
                       "height": r(n.height), "font_size": n.font_size,
                       "label": "\n".join(n.label)} for n in self.nodes],
            "edges": [{"id": e.id, "from": e.source, "to": e.target,
                       "points": [[r(x), r(y)] for x, y in e.points], "label": e.label,
                       "label_at": [r(v) for v in e.label_at] if e.label_at else None,
                       "font_size": self.font_size if e.label else None,
                       "lineage": e.lineage} for e in self.edges],
        }


STATE_BORDERS = {"added": "#2ca02c", "ended": "#d62728", "renamed": "#ff9900"}


def compose(frame: Frame, nodes: list[NodeSpec], edges: list[EdgeSpec],
            grid: Grid | None = None, keep_extent: bool = False) -> Drawing:
    """Place ``nodes`` (in their ``grid`` cells when given, else in layers by tier, placed
    and routed by Graphviz ``dot``), route ``edges`` around them and place the labels.
    ``keep_extent`` keeps the grid's empty rows, so the drawing has the same size at every
    date."""
    if grid is None:
        return _layered(frame, nodes, edges)
    rows = _rows(frame, nodes, edges, grid, keep_extent)
    by_id = {n.id: n for n in nodes}
    tops, heights, y = [], [], frame.row_gap
    for index, (band, members, fixed_height) in enumerate(rows):
        lines = max((lines_needed(frame, by_id[i]) for _, i in members), default=1)
        height = fixed_height or frame.box_height(min(lines, frame.max_lines))
        if index and rows[index - 1][0] != band:
            y += frame.band_gap
        tops.append(y)
        heights.append(height)
        y += height + frame.row_gap
    total_height = y
    cells: dict[str, Cell] = {}
    drawn_nodes = []
    for index, (_band, members, _fixed) in enumerate(rows):
        for column, node_id in members:
            spec = by_id[node_id]
            x = frame.column_x(column)
            top, height = tops[index], heights[index]
            cells[node_id] = Cell(index, column, x - frame.box_width / 2, top,
                                  x + frame.box_width / 2, top + height)
            drawn_nodes.append(_node(frame, spec, x, top + height / 2, height))
    h_channels = [(0.0, tops[0])] if tops else [(0.0, frame.row_gap)]
    for index in range(len(tops)):
        below = tops[index + 1] if index + 1 < len(tops) else total_height
        h_channels.append((tops[index] + heights[index], below))
    v_channels = [(0.0, frame.column_gap)] + [
        (frame.column_x(k) - frame.box_width / 2 - frame.column_gap,
         frame.column_x(k) - frame.box_width / 2) for k in range(1, frame.columns)] + [
        (frame.width - frame.column_gap, frame.width)]
    channels = Channels(tuple(h_channels), tuple(v_channels), frame.width)
    labels = {e.id: shorten(e.label, frame.box_width * ROLE_WIDTH, frame.edge_font)
              for e in edges if e.label}
    ordered = sorted(edges, key=lambda e: (e.lineage, e.id))  # lineage drawn last, on top
    links = [Link(e.id, e.source, e.target,
                  (width(labels[e.id], frame.edge_font) + frame.edge_font * 0.6,
                   frame.edge_font * LINE_HEIGHT) if e.id in labels else None)
             for e in ordered]
    routes = route_all(cells, links, channels)
    drawn_edges = tuple(
        DrawnEdge(e.id, e.source, e.target, routes[e.id].points, labels.get(e.id),
                  routes[e.id].label_at, safe_colour(e.colour), _line_width(frame, e),
                  e.dashes, e.lineage, e.state == "ghost" and not e.lineage, e.state)
        for e in ordered if e.id in routes)
    drawn_nodes.sort(key=lambda n: (n.y, n.x))
    return Drawing(frame.name, frame.unit, frame.width, total_height, frame.edge_font,
                   tuple(drawn_nodes), drawn_edges)


def placed(frame: Frame, nodes: list[NodeSpec], edges: list[EdgeSpec]) -> Drawing:
    """The boxes of ``compose`` (no grid) where it puts them, without routing a line: what
    needs only the places (a GEXF's positions for the whole history) skips Graphviz's router,
    whose cost grows with about the cube of the boxes."""
    boxes, drawn_nodes, height = _boxes(frame, nodes, edges)
    return Drawing(frame.name, frame.unit, frame.width, height, frame.edge_font,
                   tuple(sorted(drawn_nodes, key=lambda n: (n.y, n.x))), ())


def _boxes(frame: Frame, nodes: list[NodeSpec], edges: list[EdgeSpec]
           ) -> tuple[dict[str, tuple[float, float, float, float]], list[DrawnNode], float]:
    """The boxes in layers (``graph.drawing.layers``): each one's rectangle, as drawn, and
    the drawing's height."""
    by_id = {n.id: n for n in nodes}
    rows = layered_rows(frame, nodes, edges, keep_gaps=True)
    boxes: dict[str, tuple[float, float, float, float]] = {}
    drawn_nodes = []
    y = frame.row_gap
    for index, (tier, members, _fixed) in enumerate(rows):
        if index and rows[index - 1][0] != tier:
            y += frame.band_gap
        frames = _widened(frame, sorted(members))
        lines = max((lines_needed(frames[i], by_id[i]) for i in frames), default=1)
        height = frame.box_height(min(lines, frame.max_lines))
        for column, node_id in members:
            if node_id not in frames:
                continue  # a column kept empty for a role's label
            x, box_width = frame.column_x(column), frames[node_id].box_width
            boxes[node_id] = (x - box_width / 2, y, x + box_width / 2, y + height)
            drawn_nodes.append(_node(frames[node_id], by_id[node_id], x, y + height / 2, height))
        y += height + frame.row_gap
    return boxes, drawn_nodes, y


def _layered(frame: Frame, nodes: list[NodeSpec], edges: list[EdgeSpec]) -> Drawing:
    """The view in layers (``_boxes``), its lines routed by Graphviz."""
    boxes, drawn_nodes, y = _boxes(frame, nodes, edges)
    # a role fits the empty column between a person and their post (see ``layers``); where
    # it finds no place clear of the boxes, a shorter form of it is tried
    room = frame.pitch + frame.column_gap - 1.2 * frame.edge_font
    forms = {e.id: _forms(e.label, room, frame.edge_font) for e in edges if e.label}
    ordered = sorted(edges, key=lambda e: (e.lineage, e.id))  # lineage drawn last, on top
    routed = route(boxes, [Wire(e.id, e.source, e.target, tuple(
        (width(text, frame.edge_font) + frame.edge_font * 0.6, frame.edge_font * LINE_HEIGHT)
        for text in forms.get(e.id, ()))) for e in ordered], y, frame.width)
    labels = {i: forms[i][form] for i, (_, form) in routed.label_at.items()}
    label_at = {i: centre for i, (centre, _) in routed.label_at.items()}
    drawn_edges = tuple(
        DrawnEdge(e.id, e.source, e.target, routed.routes[e.id], labels.get(e.id),
                  label_at.get(e.id), safe_colour(e.colour), _line_width(frame, e),
                  e.dashes, e.lineage, e.state == "ghost" and not e.lineage, e.state)
        for e in ordered if len(routed.routes.get(e.id, ())) >= 2)
    drawn_nodes.sort(key=lambda n: (n.y, n.x))
    return Drawing(frame.name, frame.unit, frame.width, y, frame.edge_font,
                   tuple(drawn_nodes), drawn_edges)


def _forms(label: str, room: float, size: float) -> tuple[str, ...]:
    """A label as long as ``room`` allows, then shorter forms of it (cut with "…")."""
    found: list[str] = []
    for share in (1.0, 0.6, 0.4, 0.25):
        text = shorten(label, room * share, size)
        if text not in found:
            found.append(text)
    return tuple(found)


MAX_WIDEN = 2.2  # a box with free columns beside it grows up to this many times its width


def _widened(frame: Frame, members: list[tuple[int, str]]) -> dict[str, Frame]:
    """Node id -> its frame, the box as wide as the free columns on both sides allow (fewer
    lines, so a lower row), up to ``MAX_WIDEN`` times the frame's width."""
    found = {}
    for k, (column, node_id) in enumerate(members):
        if node_id.startswith(GAP):
            continue
        before = members[k - 1][0] if k else -1
        after = members[k + 1][0] if k + 1 < len(members) else frame.columns
        free = min(column - before - 1, after - column - 1) * frame.pitch
        grown = min(frame.box_width + free, frame.box_width * MAX_WIDEN)
        found[node_id] = frame if grown <= frame.box_width else replace(frame, box_width=grown)
    return found


def _rows(frame: Frame, nodes: list[NodeSpec], edges: list[EdgeSpec], grid: Grid | None,
          keep_extent: bool) -> list[tuple[int, list[tuple[int, str]], float | None]]:
    """(band, [(column, node id)], fixed height or None) for every row to draw."""
    rows: list[tuple[int, list[tuple[int, str]], float | None]] = []
    homeless: list[NodeSpec] = []
    if grid is not None:
        rows = [(grid.row_band[r], [], grid.row_height[r]) for r in range(grid.rows)]
        taken: dict[tuple[int, int], str] = {}
        # the organisations in force first, so a split cell keeps them in place
        for spec in sorted(nodes, key=lambda n: (n.state in ("ghost", "ended"), n.order)):
            cell = grid.cells.get(spec.id)
            if cell is None or cell in taken:
                homeless.append(spec)
                continue
            taken[cell] = spec.id
            rows[cell[0]][1].append((cell[1], spec.id))
        for band, row_nodes in _packed(frame, homeless):
            free = _free_cells(rows, band, frame.columns)
            extra = []
            for spec in row_nodes:
                if free:
                    r, c = free.pop(0)
                    rows[r][1].append((c, spec.id))
                else:
                    extra.append(spec)
            insert_at = max((i + 1 for i, row in enumerate(rows) if row[0] <= band), default=0)
            for k, (_, packed) in enumerate(_packed(frame, extra)):
                rows.insert(insert_at + k, (band, [(c, s.id) for c, s in
                                                   _columns(frame, packed)], None))
        if not keep_extent:
            rows = [row for row in rows if row[1]]
        return rows
    return layered_rows(frame, nodes, edges)


def _packed(frame: Frame, nodes: list[NodeSpec]) -> list[tuple[int, list[NodeSpec]]]:
    """Nodes tier by tier in their order, ``frame.columns`` to a row."""
    ordered = sorted(nodes, key=lambda n: (n.tier, n.order, n.id))
    rows: list[tuple[int, list[NodeSpec]]] = []
    for spec in ordered:
        if rows and (rows[-1][0] == spec.tier or not frame.tier_rows) \
                and len(rows[-1][1]) < frame.columns:
            rows[-1][1].append(spec)
        else:
            rows.append((spec.tier, [spec]))
    return rows


def _columns(frame: Frame, row: list[NodeSpec]) -> list[tuple[int, NodeSpec]]:
    first = (frame.columns - len(row)) // 2  # a short row is centred
    return [(first + i, spec) for i, spec in enumerate(row)]


def _free_cells(rows, band: int, columns: int) -> list[tuple[int, int]]:
    """Free cells of a band's existing rows, top to bottom, left to right."""
    free = []
    for r, (row_band, members, _fixed) in enumerate(rows):
        if row_band == band:
            used = {c for c, _ in members}
            free += [(r, c) for c in range(columns) if c not in used]
    return free


def lines_needed(frame: Frame, spec: NodeSpec) -> int:
    return len(frame.label_lines(spec.text)) + (
        len(frame.label_lines(spec.extra)) if spec.extra else 0)


def _node(frame: Frame, spec: NodeSpec, x: float, y: float, height: float) -> DrawnNode:
    room = max(1, int((height - 2 * frame.pad + 1e-6) // frame.line))
    inner = frame.text_width
    lines = fit_lines(spec.text, inner, frame.font, room)
    if spec.extra and len(lines) < room:
        lines += fit_lines(spec.extra, inner, frame.font, room - len(lines))
    colour = safe_colour(spec.colour)
    faded = spec.state in ("ghost", "ended")
    return DrawnNode(spec.id, x, y, frame.box_width, height, frame.font, tuple(lines),
                     tint(colour, 0.12 if faded else 0.3), STATE_BORDERS.get(spec.state, colour),
                     2.5 if spec.state in STATE_BORDERS else 1.0, spec.state == "ghost", faded,
                     spec.state)


def _line_width(frame: Frame, edge: EdgeSpec) -> float:
    base = 1.5 if frame.unit == "px" else 0.75
    if edge.lineage:
        return base * 2.2
    return base * 1.6 if edge.state in ("added", "ended") else base


def tint(colour: str, strength: float = 0.3) -> str:
    """A light version of a CSS colour for box fills, so black labels stay readable."""
    r, g, b = (int(safe_colour(colour)[i:i + 2], 16) for i in (1, 3, 5))
    mix = [round(255 - (255 - c) * strength) for c in (r, g, b)]
    return "#" + "".join(f"{c:02x}" for c in mix)
