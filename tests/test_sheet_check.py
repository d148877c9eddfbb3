"""The page offers SVG and PNG downloads exactly when the view fits one A4 sheet: its quick
check (``graph.page.view.sheet_problem``, which tries only the shortest source lines) agrees
with what rendering the snapshot does, in both directions and word for word."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from graph.core.stops import story_stops
from graph.export import image
from graph.export.request import (
    SnapshotError,
    caption,
    make_request,
    sheet_drawing,
    type_sources,
)
from graph.export.snapshot import render_snapshot
from graph.page import state, view

ROOT = Path(__file__).resolve().parent.parent
AREAS = [ROOT / "data" / "orgs.yaml", ROOT / "tests" / "data" / "schools.yaml",
         ROOT / "tests" / "data" / "other_area.yaml"]


def _rendered(graph, shown, current) -> str | None:
    try:
        render_snapshot(graph, "svg", shown.day, focus=current.focus, depth=current.depth,
                        kinds=current.kinds, types=current.types,
                        diff_from=shown.scene.diff_from)
    except SnapshotError as error:
        return str(error)
    return None


def _planned(graph, shown, current) -> str | None:
    """What rendering the SVG says, without painting it: the request, then the sheet's plan
    with every source budget, as ``graph.export.image.render`` makes them (the plan is the
    one step of a render that refuses a view; painting and saving follow it)."""
    try:
        request = make_request(graph, "svg", shown.day, focus=current.focus,
                               depth=current.depth, kinds=current.kinds, types=current.types,
                               diff_from=shown.scene.diff_from)
        drawn = request.scene(graph)
        text = caption(graph, drawn, request)
        image.plan(drawn, text, sheet_drawing(graph, drawn, request, text), request.size,
                   type_sources(drawn, text))
    except SnapshotError as error:
        return str(error)
    return None


@pytest.mark.parametrize("path", AREAS, ids=lambda p: p.stem)
def test_the_quick_sheet_check_agrees_with_rendering_at_every_story_stop(path):
    """At every stop against the sheet's plan with every source budget, and at the named
    stops (and the first and last) against the whole SVG render as well (painting 51 sheets
    of the bundled story took half the test's time and cannot refuse a view)."""
    graph = view.load_graph(path)
    dataset = graph.graph["dataset"]
    stops = story_stops(dataset, today=dt.date(2026, 11, 30))
    named = {s.date.start for s in dataset.snapshots} | {stops[0].day, stops[-1].day}
    outcomes = []
    for stop in stops:
        current = state.ViewState(date=stop.day)
        shown = view.view(graph, current, stops)
        said = view.sheet_problem(graph, shown, current)
        assert said == _planned(graph, shown, current), stop.day
        if stop.day in named:
            assert said == _rendered(graph, shown, current), stop.day
        outcomes.append(said is None)
    assert named & {s.day for s in stops} >= {s.date.start for s in dataset.snapshots}
    if path.stem == "orgs":  # the whole BLMK area fits one sheet at every named stop (#23)
        assert all(outcomes)


def test_a_focused_view_that_fits_is_offered_where_the_whole_area_is_not(tmp_path):
    """The other direction, on a synthetic area of 150 organisations (about 100 alive at
    once): the whole area is refused in the same words both ways; one system focused fits."""
    from bench.make_area import make_area

    path = tmp_path / "synthetic.yaml"
    path.write_text(make_area(150, seed=3), encoding="utf-8")
    graph = view.load_graph(path)
    stops = story_stops(graph.graph["dataset"], today=dt.date(2026, 11, 30))
    day = dt.date(2024, 4, 1)
    whole = state.ViewState(date=day)
    shown = view.view(graph, whole, stops)
    said = view.sheet_problem(graph, shown, whole)
    assert said is not None and "too large for one A4 landscape page" in said
    assert said == _rendered(graph, shown, whole)
    focused = state.ViewState(date=day, focus="s000-icb", depth=1)
    shown = view.view(graph, focused, stops)
    assert view.sheet_problem(graph, shown, focused) is None
    assert _rendered(graph, shown, focused) is None


def test_no_text_on_a_sheet_runs_off_its_edge_at_any_named_stop():
    """Measured by matplotlib's renderer on the drawn figure (every text's extent, with its
    real font), not by our text measure: the footer's note where the sources are listed
    wraps instead of running past the right margin (it did at 11 of the 15 named stops)."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from graph.export import image
    from graph.export.snapshot import make_request

    graph = view.load_graph(AREAS[0])
    wrapped = 0
    for stop in graph.graph["dataset"].snapshots:
        request = make_request(graph, "svg", stop.date.start)
        shown = request.scene(graph)
        text = image.caption(graph, shown, request)
        with matplotlib.rc_context(image.STYLE):
            sheet = image.plan(shown, text, image.sheet_drawing(graph, shown, request, text),
                               request.size, image.type_sources(shown, text))
            figure = image.draw(sheet)
            renderer = FigureCanvasAgg(figure).get_renderer()
            right = figure.get_figwidth() * figure.dpi
            for item in figure.axes[0].texts:
                extent = item.get_window_extent(renderer)
                assert 0 <= extent.x0 and extent.x1 <= right, (stop.date, item.get_text())
        wrapped += len(sheet.note_lines) > 1
    assert wrapped  # the long note (sources elsewhere) is met, and wrapped
