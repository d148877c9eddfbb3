"""Snapshots as SVG and PNG for briefings: one sheet (A4 landscape unless asked otherwise).

The sheet holds the title, the view's ``Drawing`` (``graph.drawing.picture``: boxes, routed
edges, role labels) scaled to the room left, a legend and the sources. Every piece of text is
7 pt or more on the sheet; a view that cannot be drawn that large says so and suggests a focus.
Each box ends with the numbers of its sources, each relationship type's legend line with
those of its edges, and only those sources are listed (shortened when room is short; the
JSON and HTML snapshots hold them whole). SVG text stays text (``svg.fonttype: none``) and
the file is byte-identical between runs (fixed ``svg.hashsalt``, no date in the metadata).
Names are literal text: maths typesetting is off, so ``$x$`` is drawn as written.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from dataclasses import dataclass

import matplotlib
import networkx as nx
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch, Polygon, Rectangle

from graph.core.colours import safe_colour
from graph.drawing.geometry import STATE_BORDERS, Drawing, tint
from graph.drawing.scene import GHOST_LABEL, Scene
from graph.drawing.text import LINE_HEIGHT, shorten, width, wrap
from graph.export.request import (
    SIZES,
    Caption,
    SnapshotError,
    SnapshotRequest,
    caption,
    sheet_drawing,
    sources_heading,
    type_sources,
)

MIN_PT = 7.0  # no text on the sheet is smaller
TEXT_PT = 7.0  # legend, caption and sources
TITLE_PT = 12.0
MARGIN_PT = 10.0
MAX_SCALE = 1.6  # a small view is enlarged at most this much
# the sources in full on the sheet, or else a line saying where they are in full: never cut
ELSEWHERE = "elsewhere"
SOURCE_BUDGETS = (None, ELSEWHERE)
PT_PER_MM = 72 / 25.4
FLOW_SLACK = 0.96  # of a line's room used: long lines render a little wider than measured
STYLE = {
    "svg.fonttype": "none",  # text stays text: searchable, selectable
    "svg.hashsalt": "orgs-snapshot",  # stable ids: the same SVG bytes on every run
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "path.simplify": False,
    "text.parse_math": False,  # a name with $...$ is text, not maths (and cannot crash)
    "text.usetex": False,
}
STATE_TEXT = {"added": "added since {since}", "ended": "ended since {since}",
              "renamed": "renamed since {since} (✎)"}


class Sheet:
    """A sheet in points, origin top left, with matplotlib underneath."""

    def __init__(self, width_pt: float, height_pt: float):
        self.width, self.height = width_pt, height_pt
        self.figure = Figure(figsize=(width_pt / 72, height_pt / 72))
        self.figure.patch.set_facecolor("white")
        self.axes = self.figure.add_axes((0, 0, 1, 1))
        self.axes.set_xlim(0, width_pt)
        self.axes.set_ylim(height_pt, 0)
        self.axes.set_axis_off()

    def text(self, x: float, y: float, text: str, size: float, **style) -> None:
        """A line of text whose top is at ``y``."""
        if size < MIN_PT - 1e-9:
            raise ValueError(f"text of {size} pt is below the {MIN_PT} pt floor")
        self.axes.text(x, y, text, fontsize=size, va=style.pop("va", "top"),
                       ha=style.pop("ha", "left"), **style)


def render(graph: nx.MultiDiGraph, request: SnapshotRequest) -> bytes:
    view = request.scene(graph)
    text = caption(graph, view, request)
    with matplotlib.rc_context(STYLE):
        figure = draw(plan(view, text, sheet_drawing(graph, view, request, text),
                           request.size, type_sources(view, text)))
        buffer = io.BytesIO()
        if request.fmt == "svg":
            figure.savefig(buffer, format="svg", metadata={"Date": None, "Title": text.title})
        else:
            figure.savefig(buffer, format="png", dpi=request.dpi,
                           metadata={"Title": text.title, "Software": None})
    return buffer.getvalue()


def problem(graph: nx.MultiDiGraph, request: SnapshotRequest) -> str | None:
    """Why the view cannot go on one sheet with text of 7 pt or more, or None when it can."""
    view = request.scene(graph)
    text = caption(graph, view, request)
    try:
        # Only the shortest sources need trying: they leave the graph the most room (lines
        # are filled one after another, so shorter pieces never take more lines), so the
        # view fits with some budget exactly when it fits with this one.
        plan(view, text, sheet_drawing(graph, view, request, text), request.size,
             type_sources(view, text), SOURCE_BUDGETS[-1:])
    except SnapshotError as error:
        return str(error)
    return None


@dataclass(frozen=True)
class Plan:
    """Where everything goes on the sheet."""

    view: Scene
    text: Caption
    drawn: Drawing
    size: str
    heading: list
    legend: list
    legend_lines: list[list[int]]
    source_lines: list[str]  # empty: the sources are elsewhere, as ``sources_note`` says
    footer_h: float
    area_h: float
    scale: float
    sources_note: str = "Numbers in brackets and in the legend are the sources below."
    note_lines: tuple[str, ...] = ()  # the data version and ``sources_note``, wrapped
    reserve: float = 0.0  # points kept free at the top for a brief's own heading and text


Size = str | tuple[float, float, str]  # a key of SIZES, or (width mm, height mm, words)


def sheet_size(size: Size) -> tuple[float, float, str]:
    """(width mm, height mm, words) of a sheet named in ``SIZES`` or given as such a tuple."""
    return SIZES[size] if isinstance(size, str) else size


ELSEWHERE_NOTE = ("Numbers in brackets and in the legend are sources: the {count} of this view "
                  "are listed in full (publisher, title, date, link) {where}.")
ELSEWHERE_WHERE = ("on the second page of its PDF (--format pdf) and in its JSON and HTML "
                   "snapshots")


def plan(view: Scene, text: Caption, drawn: Drawing, size: Size,
         type_numbers: dict[str, str], budgets: tuple = SOURCE_BUDGETS,
         elsewhere: str = ELSEWHERE_WHERE, reserve: float = 0.0) -> Plan:
    """Room for the heading, the legend and the sources (cut shorter when room is short),
    and the scale of the graph in what is left (below ``reserve`` points kept free at the
    top). Raises ``SnapshotError`` when the view does not fit with its labels at 7 pt or
    more."""
    width_mm, height_mm, size_words = sheet_size(size)
    sheet_w, sheet_h = width_mm * PT_PER_MM, height_mm * PT_PER_MM
    inner = sheet_w - 2 * MARGIN_PT
    heading = [(text.title, TITLE_PT, "bold")]
    heading += [(line, 8.0, "normal") for line in (text.subtitle, text.note) if line]
    heading_h = sum(s * LINE_HEIGHT for _, s, _ in heading) + 4 + reserve
    legend = legend_entries(view, text, type_numbers)
    legend_lines = flow([w for w, _ in legend], inner * FLOW_SLACK)
    legend_h = len(legend_lines) * TEXT_PT * LINE_HEIGHT
    smallest = min([n.font_size for n in drawn.nodes]
                   + [drawn.font_size for e in drawn.edges if e.label], default=TEXT_PT)
    for budget in budgets:
        source_lines = _source_lines(text, inner * FLOW_SLACK, budget)
        note = Plan.sources_note if source_lines else ELSEWHERE_NOTE.format(
            count=len(text.sources), where=elsewhere)
        # the data version and the note, wrapped: a sheet never cuts a sentence at its edge
        note_lines = wrap(f"{text.provenance}. {note}", inner * FLOW_SLACK, TEXT_PT)
        footer_h = legend_h + 6 + (len(source_lines) + len(note_lines)) * TEXT_PT * LINE_HEIGHT
        area_h = sheet_h - 2 * MARGIN_PT - heading_h - footer_h - 6
        scale = min(inner / drawn.width, area_h / drawn.height, MAX_SCALE) if area_h > 0 else 0
        if smallest * scale >= MIN_PT - 1e-9:
            return Plan(view, text, drawn, size, heading, legend, legend_lines, source_lines,
                        footer_h, area_h, scale, note, tuple(note_lines), reserve)
    raise SnapshotError(
        f"this view is too large for one {size_words} page with text of {MIN_PT:g} pt or "
        f"more ({len(drawn.nodes)} organisations, {len(drawn.edges)} relationships, "
        f"{len(text.sources)} sources): draw less with --focus ID --depth 1 (or --kinds, "
        f"--types), or choose another --size")


def draw(sheet_plan: Plan) -> Figure:
    """The sheet: heading, graph, legend and sources."""
    return paint(sheet_plan).figure


def paint(sheet_plan: Plan) -> Sheet:
    """``draw``, returning the ``Sheet`` (a brief writes its own heading in ``reserve``)."""
    p = sheet_plan
    width_mm, height_mm, _ = sheet_size(p.size)
    sheet = Sheet(width_mm * PT_PER_MM, height_mm * PT_PER_MM)
    inner = sheet.width - 2 * MARGIN_PT
    drawn, scale, area_h = p.drawn, p.scale, p.area_h
    heading, legend, legend_lines, source_lines = p.heading, p.legend, p.legend_lines, \
        p.source_lines
    footer_h = p.footer_h
    y = MARGIN_PT + p.reserve
    for line, size_pt, weight in heading:
        sheet.text(MARGIN_PT, y, line, size_pt, weight=weight, color="#111" if
                   weight == "bold" else "#333")
        y += size_pt * LINE_HEIGHT
    y += 4
    left = MARGIN_PT + (inner - drawn.width * scale) / 2
    if drawn.nodes:
        draw_graph(sheet, drawn, left, y, scale)
    else:
        draw_nothing(sheet, y + area_h / 2)
    y = paint_legend(sheet, legend, legend_lines, sheet.height - MARGIN_PT - footer_h)
    y += 6
    for line in p.note_lines:
        sheet.text(MARGIN_PT, y, line, TEXT_PT, color="#333")
        y += TEXT_PT * LINE_HEIGHT
    for line in source_lines:
        sheet.text(MARGIN_PT, y, line, TEXT_PT, color="#222")
        y += TEXT_PT * LINE_HEIGHT
    return sheet


def draw_graph(sheet: Sheet, drawn: Drawing, left: float, top: float, scale: float,
               highlight: Mapping[str, str] | None = None) -> None:
    """``drawn`` on the sheet at ``(left, top)``, ``scale`` times its size; the edges in
    ``highlight`` (id -> colour: a film's merger on its day) heavier, in that colour, on top."""
    axes = sheet.axes
    highlight = highlight or {}

    def at(x: float, y: float) -> tuple[float, float]:
        return left + x * scale, top + y * scale

    for edge in drawn.edges:  # lineage last: above the others
        points = [at(x, y) for x, y in edge.points]
        colour = highlight.get(edge.id, edge.colour)
        line_width = edge.line_width * scale * (2.0 if edge.id in highlight else 1.0)
        axes.add_line(Line2D([p[0] for p in points], [p[1] for p in points],
                             color=colour, linewidth=line_width,
                             linestyle=(0, (4, 2)) if edge.dashes else "-",
                             alpha=0.45 if edge.faded else 1.0,
                             zorder=4 if edge.id in highlight else 3 if edge.lineage else 2,
                             solid_capstyle="butt"))
        axes.add_patch(Polygon(_arrowhead(points[-2], points[-1], 2.2 + 1.6 * line_width),
                               closed=True, facecolor=colour, edgecolor="none",
                               alpha=0.45 if edge.faded else 1.0,
                               zorder=4 if edge.id in highlight else 3))
    for edge in drawn.edges:
        if edge.label and edge.label_at:
            x, y = at(*edge.label_at)
            axes.text(x, y, edge.label, fontsize=drawn.font_size * scale, ha="center",
                      va="center", color="#222", zorder=5,
                      bbox={"boxstyle": "square,pad=0.12", "facecolor": "white",
                            "edgecolor": "none", "alpha": 0.85})
    for node in drawn.nodes:
        x, y = at(node.x - node.width / 2, node.y - node.height / 2)
        axes.add_patch(FancyBboxPatch(
            (x, y), node.width * scale, node.height * scale,
            boxstyle=f"round,pad=0,rounding_size={2 * scale}", facecolor=node.fill,
            edgecolor=node.border, linewidth=node.border_width * 0.6 * scale,
            linestyle=(0, (3, 2)) if node.dashed else "-", zorder=6))
        cx, cy = at(node.x, node.y)
        axes.text(cx, cy, "\n".join(node.label), fontsize=node.font_size * scale, ha="center",
                  va="center", linespacing=LINE_HEIGHT, color="#777" if node.faded else "#111",
                  zorder=7)


def _arrowhead(before: tuple[float, float], tip: tuple[float, float],
               length: float) -> list[tuple[float, float]]:
    dx, dy = tip[0] - before[0], tip[1] - before[1]
    norm = math.hypot(dx, dy) or 1.0
    ux, uy = dx / norm, dy / norm
    bx, by = tip[0] - ux * length, tip[1] - uy * length
    half = length * 0.45
    return [tip, (bx - uy * half, by + ux * half), (bx + uy * half, by - ux * half)]


def draw_nothing(sheet: Sheet, y: float) -> None:
    """Said where the graph would be when nothing of the selection is in force."""
    sheet.text(sheet.width / 2, y, "Nothing in force on this date for this selection.", 10.0,
               ha="center", color="#555")


def paint_legend(sheet: Sheet, entries: list, lines: list[list[int]], y: float) -> float:
    """The legend's entries, flowed into ``lines`` (indexes into ``entries``), from ``y`` down;
    returns the ``y`` below the last line."""
    for line in lines:
        x = MARGIN_PT
        for index in line:
            entry_width, paint = entries[index]
            paint(sheet, x, y)
            x += entry_width
        y += TEXT_PT * LINE_HEIGHT
    return y


def legend_entries(view: Scene, text: Caption, type_numbers: dict[str, str]) -> list:
    """(width, paint(sheet, x, y)) for each legend entry: kinds, relationship types (with the
    numbers of their sources) and the marks for states."""
    entries = []
    swatch_w, gap = 12.0, 7.0

    def entry(label: str, swatch) -> None:
        def paint(sheet: Sheet, x: float, y: float) -> None:
            swatch(sheet.axes, x, y + 1.5, swatch_w, TEXT_PT * 0.9)
            sheet.text(x + swatch_w + 3, y, label, TEXT_PT, color="#222")
        entries.append((swatch_w + 3 + width(label, TEXT_PT) + gap, paint))

    def box(fill: str, border: str, dashed: bool = False, line: float = 0.8):
        return lambda axes, x, y, w, h: axes.add_patch(Rectangle(
            (x, y), w, h, facecolor=fill, edgecolor=border, linewidth=line,
            linestyle=(0, (2, 1)) if dashed else "-"))

    def stroke(colour: str, dashed: bool, line: float):
        return lambda axes, x, y, w, h: axes.add_line(Line2D(
            [x, x + w], [y + h / 2, y + h / 2], color=colour, linewidth=line,
            linestyle=(0, (4, 2)) if dashed else "-"))

    for kind in view.kinds:
        entry(kind.label, box(tint(kind.colour), safe_colour(kind.colour)))
    for rel_type in view.types:
        lineage = any(e.lineage for e in view.edges if e.type == rel_type.id)
        numbers = type_numbers.get(rel_type.id)
        entry(rel_type.label + (f" [{numbers}]" if numbers else ""),
              stroke(safe_colour(rel_type.colour), rel_type.dashes, 1.7 if lineage else 0.9))
    states = {n.state for n in view.nodes}
    for state, template in STATE_TEXT.items():
        if state in states and text.diff_from:
            entry(template.format(since=text.diff_from), box("white", STATE_BORDERS[state],
                                                             line=1.6))
    if "ghost" in states:
        entry(GHOST_LABEL, box("#f2f2f2", "#999999", dashed=True))
    return entries


def flow(widths: list[float], room: float) -> list[list[int]]:
    """Indexes of items laid out in lines no wider than ``room``."""
    lines: list[list[int]] = []
    used = room
    for i, w in enumerate(widths):
        if used + w > room and (not lines or lines[-1]):
            lines.append([])
            used = 0.0
        lines[-1].append(i)
        used += w
    return [line for line in lines if line]


def _source_lines(text: Caption, room: float, budget: str | None) -> list[str]:
    """The sources as a run-in list of lines, each whole (publisher, title, date); with
    ``budget`` ``ELSEWHERE``, none (the line above them says where they are in full)."""
    if not text.sources:
        return ["Sources: none cited by what is drawn."]
    if budget == ELSEWHERE:
        return []
    pieces = []
    for source in text.sources:
        piece = source.text()
        pieces.append(piece)
    lines: list[str] = [sources_heading(text.sources)]
    used = width(lines[0], TEXT_PT)  # the last line's width, kept as it grows
    for piece in pieces:
        added = width(f"   {piece}", TEXT_PT)
        if used + added <= room:
            lines[-1] = f"{lines[-1]}   {piece}"
            used += added
        else:
            lines.append(shorten(piece, room, TEXT_PT))  # a title longer than a line is cut
            used = width(lines[-1], TEXT_PT)
    return lines
