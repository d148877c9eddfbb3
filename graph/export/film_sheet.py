"""A film's pictures: each shot on the snapshot's sheet (the date in words and that day's
titles above, the graph in the film's grid, the legend and the data version below) and the
closing cards listing the sources, drawn with matplotlib (maths typesetting off: names are
literal text) into RGB pixel arrays of the film's size.

Everything but the heading's words stays put from frame to frame: the graph's place and scale
are the film's, the legend's room is that of the longest legend of any shot.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

import matplotlib
import numpy as np
from matplotlib.lines import Line2D

from graph.core.dates import words
from graph.drawing.geometry import Drawing
from graph.drawing.text import LINE_HEIGHT, fit_lines, width
from graph.export.film import (
    AREA_PT,
    DATE_PT,
    HEADING_PT,
    MARGIN_PT,
    TITLE_LINES,
    TITLE_PT,
    Beat,
    Film,
    FilmError,
    Shot,
)
from graph.export.film_paint import paint_all, paint_each, pixels
from graph.export.image import (
    FLOW_SLACK,
    MIN_PT,
    STYLE,
    TEXT_PT,
    Sheet,
    draw_graph,
    draw_nothing,
    flow,
    legend_entries,
    paint_legend,
)
from graph.export.request import SIZES, type_sources

FILM_MAX_SCALE = 2.5  # a screen is not paper: a small selection may fill the frame
CARD_PT = 8.0
CARD_COLUMNS = 3
SOURCE_LINES = 3  # a source's entry on a card is cut after this many lines
HIGHLIGHT = "#e6550d"  # a merger or succession on its day
HIGHLIGHT_TEXT = "merger or succession on this day"
LEGEND_SLACK = 1.08
LABEL_GAP = 1.0  # around a relationship's label, in the drawing's points


@dataclass(frozen=True)
class Layout:
    """Where things go on every frame, in points (origin top left), and the pixel size."""

    width_pt: float
    height_pt: float
    dpi: float
    left: float  # the graph's top-left corner and scale
    top: float
    scale: float
    footer_top: float
    cards: tuple[tuple[tuple[str, ...], ...], ...]  # per card, per column, its lines
    cells: tuple[tuple[float, float, float, float], ...] = ()  # every box of the film, in
    # the drawing's points (left, top, right, bottom): no label goes in a cell, even empty


def layout(film: Film) -> Layout:
    """The film's sheet: the same graph place and scale in every frame. Raises ``FilmError``
    when the film's grid cannot be drawn with text of 7 pt or more."""
    request = film.request
    size_words = SIZES[request.size][2]
    width_pt = request.sheet[0]
    dpi = request.width * 72 / width_pt
    height_pt = request.height * 72 / dpi
    inner = width_pt - 2 * MARGIN_PT
    heading_h = HEADING_PT
    legend_rows = max((len(flow([w for w, _ in _legend(shot)], inner * FLOW_SLACK))
                       for shot in film.shots), default=1)
    footer_h = (legend_rows + 1) * TEXT_PT * LINE_HEIGHT + 6
    stage = film.shots[0].drawing
    area_h = height_pt - 2 * MARGIN_PT - heading_h - footer_h - 6
    scale = min(inner / stage.width, area_h / stage.height, FILM_MAX_SCALE) if area_h > 0 \
        else 0
    smallest = min([n.font_size for s in film.shots for n in s.drawing.nodes]
                   + [stage.font_size for s in film.shots for e in s.drawing.edges if e.label],
                   default=TEXT_PT)
    if smallest * scale < MIN_PT - 1e-9:
        boxes = len({n.id for s in film.shots for n in s.drawing.nodes})
        raise FilmError(f"this film is too large for one {size_words} frame with text of "
                        f"{MIN_PT:g} pt or more ({boxes} organisations over its "
                        f"{len(film.shots)} days): draw less with --focus ID --depth 1 (or "
                        f"--kinds, --types), or a shorter span")
    return Layout(width_pt, height_pt, dpi, MARGIN_PT + (inner - stage.width * scale) / 2,
                  MARGIN_PT + heading_h, scale, height_pt - MARGIN_PT - footer_h,
                  _cards(film, width_pt, height_pt),
                  tuple(sorted({_rect(n) for s in film.shots for n in s.drawing.nodes})))


def _rect(node) -> tuple[float, float, float, float]:
    return (node.x - node.width / 2, node.y - node.height / 2, node.x + node.width / 2,
            node.y + node.height / 2)


def pictures(film: Film, lay: Layout,
             drawn: dict[tuple[str, int], np.ndarray] | None = None
             ) -> Iterator[tuple[np.ndarray, Beat]]:
    """Each beat of the film as an RGB array of the film's pixel size. Every shot and card is
    drawn once (or taken from ``drawn``, as ``drawn_all`` gives them); a fade dissolves one
    shot's picture into the next, so what ends fades out, what begins fades in and what stays
    does not flicker."""
    beats = film.beats(len(lay.cards))
    kept = drawn if drawn is not None else {}
    wanted = dict.fromkeys(("card", b.card) if b.card is not None else ("shot", b.shot)
                           for b in beats)  # in the order they are first shown
    painted = paint_each(lambda key: draw(film, lay, *key), [k for k in wanted if k not in kept])

    def get(key: tuple[str, int]) -> np.ndarray:
        while key not in kept:  # drawn a few ahead, in the order first shown
            done, picture = next(painted)
            kept[done] = picture
        return kept[key]

    for beat in beats:
        if beat.card is not None:
            yield get(("card", beat.card)), beat
        elif beat.before is None:
            yield get(("shot", beat.shot)), beat
            if drawn is None:  # only the shot on screen is faded from: keep no other
                for key in [k for k in kept if k[0] == "shot" and k[1] < beat.shot]:
                    del kept[key]
        else:
            yield _dissolve(lay, get(("shot", beat.before)), get(("shot", beat.shot)),
                            beat.t), beat


def _dissolve(lay: Layout, before: np.ndarray, after: np.ndarray, t: float) -> np.ndarray:
    """``t`` of the way from one shot to the next: the graph dissolves; the words above and
    below it (date, titles, legend) change at once, half way, so they never overlap."""
    top, bottom = round(lay.top * lay.dpi / 72) - 2, round(lay.footer_top * lay.dpi / 72) - 2
    mixed = (after if t >= 0.5 else before).copy()
    # the graph's rows only, in whole numbers: (a (256 - w) + b w + 128) / 256, w = 256 t
    weight = np.uint16(round(t * 256))
    mixed[top:bottom] = ((before[top:bottom] * (np.uint16(256) - weight)
                          + after[top:bottom] * weight + np.uint16(128)) >> 8).astype(np.uint8)
    return mixed


def drawn_all(film: Film, lay: Layout) -> dict[tuple[str, int], np.ndarray]:
    """Every shot's and card's picture, by ("shot", index) and ("card", index), each drawn
    once (in two processes when the caller is single-threaded: ``film_paint.paint_all``)."""
    keys = [(what, index) for what, count in (("shot", len(film.shots)), ("card", len(lay.cards)))
            for index in range(count)]
    return paint_all(lambda key: draw(film, lay, *key), keys)


def draw(film: Film, lay: Layout, what: str, index: int) -> np.ndarray:
    """Shot (``what`` "shot") or closing card ("card") ``index`` as an RGB array."""
    with matplotlib.rc_context(STYLE):
        sheet = Sheet(lay.width_pt, lay.height_pt)
        # the sheet's limits are set: what each box and line would add to them is not needed
        # (a third of the time of building a shot)
        sheet.axes._update_patch_limits = sheet.axes._update_line_limits = _nothing
        if what == "card":
            _card(sheet, film, lay, index)
        else:
            _shot(sheet, film, lay, film.shots[index])
        return pixels(sheet.figure, lay.dpi, film.request.width, film.request.height)


def _nothing(_artist: object) -> None:
    return None


def box_pixels(lay: Layout, drawn: Drawing) -> dict[str, tuple[int, int, int, int]]:
    """Organisation id -> its box on the frame in pixels (left, top, right, bottom)."""
    def px(points: float) -> int:
        return round(points * lay.dpi / 72)

    return {n.id: (px(lay.left + (n.x - n.width / 2) * lay.scale),
                   px(lay.top + (n.y - n.height / 2) * lay.scale),
                   px(lay.left + (n.x + n.width / 2) * lay.scale),
                   px(lay.top + (n.y + n.height / 2) * lay.scale)) for n in drawn.nodes}


def _shot(sheet: Sheet, film: Film, lay: Layout, shot: Shot) -> None:
    inner = sheet.width - 2 * MARGIN_PT
    y = MARGIN_PT
    subtitle = shot.caption.subtitle
    sheet.text(MARGIN_PT, y, film.area + (f" · {subtitle}" if subtitle else ""), AREA_PT,
               color="#555")
    y += AREA_PT * LINE_HEIGHT
    sheet.text(MARGIN_PT, y, shot.when, DATE_PT, weight="bold", color="#111")
    y += DATE_PT * LINE_HEIGHT
    for line in fit_lines(" · ".join(shot.titles), inner, TITLE_PT, TITLE_LINES):
        sheet.text(MARGIN_PT, y, line, TITLE_PT, color="#222")
        y += TITLE_PT * LINE_HEIGHT
    draw_graph(sheet, beside_lines(shot.drawing, lay.cells), lay.left, lay.top, lay.scale,
               dict.fromkeys(shot.highlight, HIGHLIGHT))
    if not shot.drawing.nodes:
        draw_nothing(sheet, lay.top + 40)
    entries = _legend(shot)
    y = paint_legend(sheet, entries, flow([w for w, _ in entries], inner * FLOW_SLACK),
                     lay.footer_top)
    sheet.text(MARGIN_PT, y + 4, f"Numbers in brackets are the sources listed at the end. "
               f"{shot.caption.provenance}.", TEXT_PT, color="#333")


def beside_lines(drawn: Drawing, cells: Sequence[tuple[float, float, float, float]] = ()
                 ) -> Drawing:
    """``drawn`` with each relationship's label moved beside its own line, at the first place
    along it (nearest the drawing's own place first) where it covers no line and no box and
    no label placed before it, and in none of ``cells`` (the film's grid, so an empty cell
    stays empty); a label with no such place is left out (the role is still in the details,
    the page and the snapshots). Labels never hide a line."""
    size = drawn.font_size
    half_h = size * LINE_HEIGHT / 2 + LABEL_GAP
    ends = np.array([(*p, *q) for e in drawn.edges for p, q in pairwise(e.points)]
                    or np.zeros((0, 4))).reshape(-1, 4)
    lines = np.column_stack([np.minimum(ends[:, 0], ends[:, 2]), np.minimum(ends[:, 1], ends[:, 3]),
                             np.maximum(ends[:, 0], ends[:, 2]), np.maximum(ends[:, 1], ends[:, 3])])
    slanted = [(tuple(r[:2]), tuple(r[2:])) for r in ends if r[0] != r[2] and r[1] != r[3]]
    taken = np.array([_rect(n) for n in drawn.nodes] + list(cells)
                     or np.zeros((0, 4))).reshape(-1, 4)
    edges = []
    for edge in drawn.edges:
        if not (edge.label and edge.label_at):
            edges.append(edge)
            continue
        half_w = width(edge.label, size) / 2 + LABEL_GAP
        place = None
        for x, y in _along(edge.points, edge.label_at):
            for cx, cy in ((x, y - half_h - LABEL_GAP), (x, y + half_h + LABEL_GAP),
                           (x - half_w - LABEL_GAP, y), (x + half_w + LABEL_GAP, y)):
                box = (cx - half_w, cy - half_h, cx + half_w, cy + half_h)
                if (box[0] >= 0 and box[2] <= drawn.width and box[1] >= 0
                        and box[3] <= drawn.height and not _touches(box, lines)
                        and not _touches(box, taken, strict=True)
                        and not any(_crosses(box, p, q) for p, q in slanted)):
                    place = (cx, cy)
                    taken = np.vstack([taken, box])
                    break
            if place:
                break
        edges.append(replace(edge, label_at=place, label=edge.label if place else None))
    return replace(drawn, edges=tuple(edges))


def _touches(box, rects: np.ndarray, strict: bool = False) -> bool:
    """Whether ``box`` meets any of ``rects`` (left, top, right, bottom): a level or upright
    segment's own bounds are its line."""
    if strict:
        return bool(np.any((rects[:, 0] < box[2]) & (box[0] < rects[:, 2])
                           & (rects[:, 1] < box[3]) & (box[1] < rects[:, 3])))
    return bool(np.any((rects[:, 0] <= box[2]) & (box[0] <= rects[:, 2])
                       & (rects[:, 1] <= box[3]) & (box[1] <= rects[:, 3])))


def _along(points, start: tuple[float, float]) -> list[tuple[float, float]]:
    """Places on a polyline, every few points, nearest ``start`` first."""
    found = [start]
    for (x0, y0), (x1, y1) in pairwise(points):
        steps = max(1, int(math.hypot(x1 - x0, y1 - y0) // 6))
        found += [(x0 + (x1 - x0) * k / steps, y0 + (y1 - y0) * k / steps)
                  for k in range(steps + 1)]
    return sorted(found, key=lambda p: math.hypot(p[0] - start[0], p[1] - start[1]))


def _crosses(box, a, b) -> bool:
    """Whether the segment from ``a`` to ``b`` passes through ``box`` (Liang-Barsky)."""
    (x0, y0), (x1, y1) = a, b
    low, high = 0.0, 1.0
    for p, q in ((x0 - x1, x0 - box[0]), (x1 - x0, box[2] - x0),
                 (y0 - y1, y0 - box[1]), (y1 - y0, box[3] - y0)):
        if p == 0:
            if q < 0:
                return False
        else:
            r = q / p
            if p < 0:
                low = max(low, r)
            else:
                high = min(high, r)
            if low > high:
                return False
    return True


def _legend(shot: Shot) -> list:
    entries = legend_entries(shot.scene, shot.caption, type_sources(shot.scene, shot.caption))
    if shot.highlight:
        label, swatch = HIGHLIGHT_TEXT, 14.0

        def paint(sheet: Sheet, x: float, y: float) -> None:
            sheet.axes.add_line(Line2D([x, x + swatch], [y + 4.6, y + 4.6], color=HIGHLIGHT,
                                       linewidth=2.6))
            sheet.text(x + swatch + 3, y, label, TEXT_PT, color="#222")
        entries.append((swatch + 3 + width(label, TEXT_PT) + 10, paint))
    # rendered text runs a little wider than measured: room so no entry reaches the next
    return [(room * LEGEND_SLACK, paint) for room, paint in entries]


def _column_width(width_pt: float) -> float:
    """A closing card's column of sources, on a sheet ``width_pt`` wide (12 pt between)."""
    return (width_pt - 2 * MARGIN_PT - 12 * (CARD_COLUMNS - 1)) / CARD_COLUMNS


def _cards(film: Film, width_pt: float, height_pt: float) -> tuple:
    """The sources, in columns, as many cards as they need."""
    column_w = _column_width(width_pt)
    room = int((height_pt - 2 * MARGIN_PT - 40 - TEXT_PT * LINE_HEIGHT * 2)
               // (CARD_PT * LINE_HEIGHT))
    entries = [tuple(fit_lines(s.text(), column_w, CARD_PT, SOURCE_LINES)) for s in film.sources]
    columns: list[list[str]] = [[]]
    for lines in entries or [("None: nothing shown cites a source.",)]:
        if len(columns[-1]) + len(lines) > room:
            columns.append([])
        columns[-1] += lines
    return tuple(tuple(tuple(c) for c in columns[i:i + CARD_COLUMNS])
                 for i in range(0, len(columns), CARD_COLUMNS))


def _card(sheet: Sheet, film: Film, lay: Layout, number: int) -> None:
    request = film.request
    count = f" ({number + 1} of {len(lay.cards)})" if len(lay.cards) > 1 else ""
    sheet.text(MARGIN_PT, MARGIN_PT, f"Sources of what was shown{count}", 14.0,
               weight="bold", color="#111")
    focus = film.shots[0].caption.subtitle
    sheet.text(MARGIN_PT, MARGIN_PT + 14.0 * LINE_HEIGHT + 2,
               f"{film.area}, {words(request.start)} to {words(request.end)}"
               + (f", {focus}" if focus else ""), AREA_PT, color="#555")
    column_w = _column_width(sheet.width)
    for index, lines in enumerate(lay.cards[number]):
        y = MARGIN_PT + 40
        for line in lines:
            sheet.text(MARGIN_PT + index * (column_w + 12), y, line, CARD_PT, color="#222")
            y += CARD_PT * LINE_HEIGHT
    sheet.text(MARGIN_PT, sheet.height - MARGIN_PT - TEXT_PT * LINE_HEIGHT,
               f"{film.shots[0].caption.provenance}.", TEXT_PT, color="#333")
