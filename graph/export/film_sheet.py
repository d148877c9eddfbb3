"""A film's pictures: each shot on the snapshot's sheet (the date in words and that day's
titles above, the graph in the film's grid, the legend and the data version below) and the
closing cards listing the sources, drawn with matplotlib (maths typesetting off: names are
literal text) into RGB pixel arrays of the film's size.

Everything but the heading's words stays put from frame to frame: the graph's place and scale
are the film's, the legend's room is that of the longest legend of any shot.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
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
from graph.export.image import (
    FLOW_SLACK,
    MIN_PT,
    PT_PER_MM,
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


def layout(film: Film) -> Layout:
    """The film's sheet: the same graph place and scale in every frame. Raises ``FilmError``
    when the film's grid cannot be drawn with text of 7 pt or more."""
    request = film.request
    width_mm, _, size_words = SIZES[request.size]
    width_pt = width_mm * PT_PER_MM
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
                  _cards(film, width_pt, height_pt))


def pictures(film: Film, lay: Layout,
             drawn: dict[tuple[str, int], np.ndarray] | None = None
             ) -> Iterator[tuple[np.ndarray, Beat]]:
    """Each beat of the film as an RGB array of the film's pixel size. Every shot and card is
    drawn once (or taken from ``drawn``, as ``drawn_all`` gives them); a fade dissolves one
    shot's picture into the next, so what ends fades out, what begins fades in and what stays
    does not flicker."""
    kept = drawn if drawn is not None else {}

    def get(key: tuple[str, int]) -> np.ndarray:
        if key not in kept:
            kept[key] = draw(film, lay, *key)
        return kept[key]

    for beat in film.beats(len(lay.cards)):
        if beat.card is not None:
            yield get(("card", beat.card)), beat
        elif beat.before is None:
            yield get(("shot", beat.shot)), beat
            if drawn is None:  # only the shot on screen is faded from: keep no other
                for key in [k for k in kept if k[1] < beat.shot]:
                    del kept[key]
        else:
            yield _dissolve(lay, get(("shot", beat.before)), get(("shot", beat.shot)),
                            beat.t), beat


def _dissolve(lay: Layout, before: np.ndarray, after: np.ndarray, t: float) -> np.ndarray:
    """``t`` of the way from one shot to the next: the graph dissolves; the words above and
    below it (date, titles, legend) change at once, half way, so they never overlap."""
    mixed = np.rint(before * np.float32(1 - t) + after * np.float32(t)).astype(np.uint8)
    words = after if t >= 0.5 else before
    top, bottom = round(lay.top * lay.dpi / 72) - 2, round(lay.footer_top * lay.dpi / 72) - 2
    mixed[:top] = words[:top]
    mixed[bottom:] = words[bottom:]
    return mixed


def drawn_all(film: Film, lay: Layout) -> dict[tuple[str, int], np.ndarray]:
    """Every shot's and card's picture, by ("shot", index) and ("card", index)."""
    return {(what, index): draw(film, lay, what, index)
            for what, count in (("shot", len(film.shots)), ("card", len(lay.cards)))
            for index in range(count)}


def draw(film: Film, lay: Layout, what: str, index: int) -> np.ndarray:
    """Shot (``what`` "shot") or closing card ("card") ``index`` as an RGB array."""
    with matplotlib.rc_context(STYLE):
        sheet = Sheet(lay.width_pt, lay.height_pt)
        if what == "card":
            _card(sheet, film, lay, index)
        else:
            _shot(sheet, film, lay, film.shots[index])
        return _pixels(sheet.figure, lay, film.request.width, film.request.height)


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
    draw_graph(sheet, shot.drawing, lay.left, lay.top, lay.scale,
               dict.fromkeys(shot.highlight, HIGHLIGHT))
    if not shot.drawing.nodes:
        draw_nothing(sheet, lay.top + 40)
    entries = _legend(shot)
    y = paint_legend(sheet, entries, flow([w for w, _ in entries], inner * FLOW_SLACK),
                     lay.footer_top)
    sheet.text(MARGIN_PT, y + 4, f"Numbers in brackets are the sources listed at the end. "
               f"{shot.caption.provenance}.", TEXT_PT, color="#333")


def _legend(shot: Shot) -> list:
    entries = legend_entries(shot.scene, shot.caption, type_sources(shot.scene, shot.caption))
    if shot.highlight:
        label, swatch = HIGHLIGHT_TEXT, 14.0

        def paint(sheet: Sheet, x: float, y: float) -> None:
            sheet.axes.add_line(Line2D([x, x + swatch], [y + 4.6, y + 4.6], color=HIGHLIGHT,
                                       linewidth=2.6))
            sheet.text(x + swatch + 3, y, label, TEXT_PT, color="#222")
        entries.append((swatch + 3 + width(label, TEXT_PT) + 10, paint))
    return entries


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


def _pixels(figure: Figure, lay: Layout, width_px: int, height_px: int) -> np.ndarray:
    figure.set_dpi(lay.dpi)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    rgb = np.asarray(canvas.buffer_rgba())[:height_px, :width_px, :3]
    if rgb.shape[:2] != (height_px, width_px):  # a pixel short by rounding: white
        padded = np.full((height_px, width_px, 3), 255, np.uint8)
        padded[:rgb.shape[0], :rgb.shape[1]] = rgb
        rgb = padded
    return np.ascontiguousarray(rgb)
