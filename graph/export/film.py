"""Films of the story: the view over a span of dates as MP4, WebM or GIF, for a slide or an
article.

A film is a row of shots, one per day (every day the story names a change, a snapshot or an
event, or the first of every month or year), each drawn on the same sheet as the SVG and PNG
snapshots from the same geometry (``graph.drawing.geometry.compose``), but in one grid for the
whole film (``graph.drawing.stage``): an organisation keeps its place from the first frame to
the last. Between two shots boxes and edges fade in as they begin and out as they end; a merger
or succession is highlighted on the day it takes effect. Each frame says the date in words and
the titles of that day's named snapshot and events; boxes, the legend and the titles end with
the numbers of their sources, listed on the closing cards. The same input gives the same
frames: a GIF is byte-identical, an MP4 or WebM has the same frames.

``graph.export.film_write.render_film`` is the one entry point, used by ``python -m graph
animate`` and by the page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import networkx as nx

from graph.core.dates import DateError, as_day, span, words
from graph.core.stops import Stop, story_stops
from graph.core.temporal import DateLike, dataset_of, exists
from graph.drawing.geometry import Drawing, NodeSpec, compose
from graph.drawing.layout import FRAMES, Frame, Grid
from graph.drawing.picture import specs
from graph.drawing.scene import Scene
from graph.drawing.stage import stage_grid
from graph.drawing.text import LINE_HEIGHT
from graph.export.image import MIN_PT
from graph.export.options import FILM_FORMATS, FILM_SIZES
from graph.export.options import FILM_STEPS as STEPS
from graph.export.request import (
    SIZES,
    Caption,
    CitedSource,
    SnapshotError,
    box_notes,
    make_request,
    numbers_text,
)
from graph.export.snapshot import file_name as snapshot_name

FPS_RANGE = (1, 30)
# legible on a screen: the smallest text is TEXT_PX pixels at TEXT_WIDTH pixels wide (and at
# any wider film), MIN_PT on the film's sheet (``FilmRequest.sheet``)
TEXT_PX = 12.0
TEXT_WIDTH = 960
FILM_BOX_PT = {"a4": 88.0, "slide": 86.0}  # a box's width, in the film's points
WIDTH_RANGE = (320, 3840)
HOLD_SECONDS = 1.5  # each day, as the page's play button steps
FADE_SECONDS = 0.5  # the fade from one day to the next
CARD_SECONDS = 4.0  # each closing card of sources
# the frame's words, in points (graph.export.film_sheet draws them): the room they leave is
# what the film's grid is fitted to
MARGIN_PT = 8.0
AREA_PT = 7.0  # the area's name (and the focus) above the date
DATE_PT = 12.0
TITLE_PT = 8.0  # that day's snapshot and events
TITLE_LINES = 2
HEADING_PT = (AREA_PT + DATE_PT + TITLE_PT * TITLE_LINES) * LINE_HEIGHT + 6
FOOTER_PT = 4 * 7.0 * LINE_HEIGHT + 6  # three lines of legend and the data version, at 7 pt


class FilmError(SnapshotError):
    """A film asked for with bad options: one line saying what to change."""


@dataclass(frozen=True)
class FilmRequest:
    """Everything that decides a film (already checked)."""

    fmt: str
    start: dt.date
    end: dt.date
    step: str = "stops"
    focus: str | None = None
    depth: int = 1
    kinds: frozenset[str] | None = None
    types: frozenset[str] | None = None
    size: str = "a4"
    fps: int = 10
    width: int = 1280  # pixels; the height follows from the sheet

    @property
    def height(self) -> int:
        width_mm, height_mm, _ = SIZES[self.size]
        return int(round(self.width * height_mm / width_mm / 2)) * 2  # even, as codecs need

    @property
    def sheet(self) -> tuple[float, float]:
        """The frame's width and height in points: the film is drawn on a sheet of the size's
        shape, sized so that its smallest text (``MIN_PT``, 7 pt) is ``TEXT_PX`` pixels at
        the film's width, or at ``TEXT_WIDTH`` pixels for a narrower film (which shows it
        proportionally smaller)."""
        width_mm, height_mm, _ = SIZES[self.size]
        width_pt = max(self.width, TEXT_WIDTH) * MIN_PT / TEXT_PX
        return width_pt, width_pt * height_mm / width_mm


@dataclass(frozen=True)
class Shot:
    """One day of the film, drawn in the film's grid."""

    day: dt.date
    when: str  # the date in words, at the precision the data writes it
    titles: tuple[str, ...]  # that day's named snapshot and events, with source numbers
    scene: Scene
    caption: Caption  # its sources are the film's, numbered as on the closing cards
    drawing: Drawing
    highlight: frozenset[str]  # the mergers and successions taking effect that day


@dataclass(frozen=True)
class Beat:
    """One picture, shown for ``frames`` frames: shot ``shot`` (``t`` 1), a step ``t`` of the
    fade into it from shot ``before``, or closing card ``card``."""

    shot: int | None
    frames: int
    before: int | None = None
    t: float = 1.0
    card: int | None = None


@dataclass(frozen=True)
class Film:
    request: FilmRequest
    area: str
    content_hash: str
    shots: tuple[Shot, ...]
    sources: tuple[CitedSource, ...]
    fade_frames: int

    @property
    def hold_frames(self) -> int:
        return max(1, round(HOLD_SECONDS * self.request.fps))

    @property
    def card_frames(self) -> int:
        return max(1, round(CARD_SECONDS * self.request.fps))

    def beats(self, cards: int) -> tuple[Beat, ...]:
        """The film's pictures in order: each shot held, a fade before each shot whose drawing
        differs from the one before, then ``cards`` closing cards."""
        beats: list[Beat] = []
        for index, shot in enumerate(self.shots):
            if index and shot.drawing != self.shots[index - 1].drawing:
                beats += [Beat(index, 1, index - 1, k / (self.fade_frames + 1))
                          for k in range(1, self.fade_frames + 1)]
            beats.append(Beat(index, self.hold_frames))
        return tuple(beats) + tuple(Beat(None, self.card_frames, card=k) for k in range(cards))


def make_film_request(graph: nx.MultiDiGraph, fmt: str, start: DateLike, end: DateLike, *,
                      step: str = "stops", focus: str | None = None, depth: int = 1,
                      kinds: set[str] | list[str] | None = None,
                      types: set[str] | list[str] | None = None, size: str = "a4",
                      fps: int = 10, width: int = 1280) -> FilmRequest:
    """Check the options against the dataset; one ``FilmError`` naming the first problem."""
    if fmt not in FILM_FORMATS:
        raise FilmError(f"unknown film format '{fmt}' (choose one of: {', '.join(FILM_FORMATS)})")
    if step not in STEPS:
        raise FilmError(f"unknown step '{step}' (choose one of: {', '.join(STEPS)})")
    if size not in FILM_SIZES:
        raise FilmError(f"unknown film size '{size}' (choose one of: {', '.join(FILM_SIZES)})")
    for name, value, (low, high) in (("fps", fps, FPS_RANGE), ("width", width, WIDTH_RANGE)):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise FilmError(f"{name} must be a whole number from {low} to {high}, not {value!r}")
    first, last = (_day(value, option) for value, option in ((start, "--from"), (end, "--to")))
    if last <= first:
        raise FilmError(f"the film must end after it starts: --to {last.isoformat()} is not "
                        f"after --from {first.isoformat()} (swap them)")
    try:  # the depth and filters as a snapshot checks them
        checked = make_request(graph, "png", first, depth=depth, kinds=kinds, types=types)
    except SnapshotError as error:
        raise FilmError(str(error)) from None
    org_id = None
    if focus:
        org_id = dataset_of(graph).resolve(focus)
        if org_id is None:
            raise FilmError(f"no organisation with id or ODS code '{focus}' (check the spelling)")
    request = FilmRequest(fmt, first, last, step, org_id, depth, checked.kinds, checked.types,
                          size, fps, width)
    if org_id and not _days(graph, request):
        dataset = dataset_of(graph)
        org = dataset.organisations[org_id]
        lifetime = span(org.valid_from, org.valid_to, "has no dates recorded")
        said = f"existed {lifetime}" if org.valid_to else f"exists {lifetime}"
        if dataset.kinds[org.kind].while_related:
            said = "is shown only while one of its relationships is in force"
        raise FilmError(f"'{org_id}' does not exist at any date from {words(first)} to "
                        f"{words(last)} (it {said}; choose dates in that span)")
    return request


def _day(value: DateLike, option: str) -> dt.date:
    try:
        return as_day(value)
    except DateError as exc:
        raise FilmError(f"{option}: {exc} (write YYYY-MM-DD, YYYY-MM or YYYY)") from None


def _days(graph: nx.MultiDiGraph, request: FilmRequest) -> list[Stop]:
    """The film's days: the story's stops (with the start and the end) or the first of every
    month or year in the span; with a focus, only the days on which it exists."""
    dataset = dataset_of(graph)
    calendar = (request.start, *_calendar(request), request.end)
    stops = story_stops(dataset, calendar, today=request.end, all_time=True)
    chosen = [s for s in stops if request.start <= s.day <= request.end
              and (request.step == "stops" or s.day in calendar)]
    if request.focus:
        chosen = [s for s in chosen if exists(graph, request.focus, s.day)]
    return chosen


def _calendar(request: FilmRequest) -> list[dt.date]:
    if request.step == "stops":
        return []
    found, year, month = [], request.start.year, request.start.month
    while True:
        year, month = (year + 1, 1) if request.step == "year" or month == 12 \
            else (year, month + 1)
        day = dt.date(year, 1 if request.step == "year" else month, 1)
        if day >= request.end:
            return found
        found.append(day)


def plan(graph: nx.MultiDiGraph, request: FilmRequest) -> Film:
    """The film's shots, each drawn in one grid for the whole film, and its sources."""
    dataset = dataset_of(graph)
    scenes: list[tuple[Stop, Scene]] = []
    for stop in _days(graph, request):
        view = scene_of(graph, request, stop.day)
        if request.step == "stops" and scenes and not stop.title and stop.day != request.end \
                and _same_picture(view, scenes[-1][1]):
            continue  # nothing to see on this day (a change outside the selection)
        scenes.append((stop, view))
    cited: dict[str, None] = {}
    for stop, view in scenes:
        cited.update(dict.fromkeys(view.sources))
        for item in _titled(stop):
            cited.update(dict.fromkeys(item.sources))
    sources = tuple(CitedSource(n, s.id, s.title, s.publisher, words(s.published) or None, s.url,
                                s.kind)
                    for n, s in enumerate((dataset.sources[i] for i in cited), start=1))
    numbers = {s.id: s.number for s in sources}
    captions = [Caption(view.area, stop.words, view.content_hash, sources, None,
                        dataset.organisations[request.focus].name_at(stop.day)
                        if request.focus else None, request.depth, view.note)
                for stop, view in scenes]
    laid = [specs(graph, view, box_notes(view, text))
            for (_, view), text in zip(scenes, captions, strict=True)]
    frame, grid = _fitted(film_frame(request.size), [nodes for nodes, _ in laid], request.sheet)
    shots = []
    for (stop, view), text, (nodes, edges) in zip(scenes, captions, laid, strict=True):
        titles = tuple(f"{item.title} [{numbers_text(numbers[s] for s in item.sources)}]"
                       if item.sources else item.title for item in _titled(stop))
        highlight = frozenset(e.id for e in view.edges
                              if e.lineage and e.valid_from and e.valid_from.start == stop.day)
        shots.append(Shot(stop.day, stop.words, titles, view, text,
                          compose(frame, nodes, edges, grid, keep_extent=True), highlight))
    return Film(request, dataset.area.name, dataset.content_hash, tuple(shots), sources,
                max(1, round(FADE_SECONDS * request.fps)))


def film_frame(size: str) -> Frame:
    """The sheet's frame, tighter for a screen: narrower channels (and a slide's boxes a
    little narrower), so a film's grid is drawn with its labels at 7 pt or more (12 px
    at 960 px wide, ``FilmRequest.sheet``)."""
    return replace(FRAMES[size], box_width=FILM_BOX_PT[size], column_gap=4.0, row_gap=6.0,
                   band_gap=0.0, max_lines=5)


def _fitted(frame: Frame, views: list[list[NodeSpec]], sheet: tuple[float, float]
            ) -> tuple[Frame, Grid]:
    """The sheet's frame with as many columns as draw the film's grid largest in the room the
    words leave (a few organisations fill the frame rather than sit small in a wide row)."""
    room_w = sheet[0] - 2 * MARGIN_PT
    room_h = sheet[1] - 2 * MARGIN_PT - HEADING_PT - FOOTER_PT
    best: tuple[float, Frame, Grid] | None = None
    for columns in range(frame.columns, 0, -1):
        narrower = replace(frame, columns=columns)
        grid = stage_grid(narrower, views)
        height = grid.row_top[-1] + grid.row_height[-1] + frame.row_gap if grid.rows else 1.0
        scale = min(room_w / narrower.width, room_h / height)
        if best is None or scale > best[0] + 1e-9:
            best = (scale, narrower, grid)
    return best[1], best[2]


def scene_of(graph: nx.MultiDiGraph, request: FilmRequest, day: dt.date) -> Scene:
    """The film's selection on ``day``, as the snapshot of that day draws it."""
    return make_request(graph, "png", day, focus=request.focus, depth=request.depth,
                        kinds=request.kinds, types=request.types,
                        size=request.size).scene(graph)


def _titled(stop: Stop) -> list:
    """The named snapshot and the events of a day, as the page heads the day."""
    return ([stop.snapshot] if stop.snapshot else []) + list(stop.events)


def _same_picture(a: Scene, b: Scene) -> bool:
    return ([(n.id, n.name, n.state) for n in a.nodes] == [(n.id, n.name, n.state) for n in b.nodes]
            and [(e.id, e.state) for e in a.edges] == [(e.id, e.state) for e in b.edges])


def file_name(graph: nx.MultiDiGraph, request: FilmRequest) -> str:
    """A download name such as ``testshire-2013-04-01-to-2022-08-01-ccg-all.gif``."""
    base = snapshot_name(graph, "json", request.end, focus=request.focus,
                         diff_from=request.start).removesuffix(".json")
    return base + FILM_FORMATS[request.fmt][1]
