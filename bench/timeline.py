"""The time questions and the page: the all-time graph, ``at``, ``diff``, the diff in words,
``lineage``, the layout, slider moves and the routed drawing."""

from __future__ import annotations

import datetime as dt
import statistics
import time
from dataclasses import replace
from pathlib import Path

import networkx as nx

from bench.measure import Rows, median_time, per_call
from graph.core import describe, temporal
from graph.core.stops import slider_stops
from graph.drawing import layout as layout_module
from graph.drawing import picture
from graph.drawing.layout import grid
from graph.drawing.scene import scene
from graph.page import prefetch
from graph.page import state as page_state
from graph.page import view as page
from loaders import dataset as dataset_loader

ROUTED_BOXES = 300


def dates(graph: nx.MultiDiGraph, count: int = 12) -> list[dt.date]:
    """About ``count`` slider stops spread over the area's history."""
    stops = slider_stops(temporal.dataset_of(graph))
    return [s.day for s in stops][:: max(1, len(stops) // count)][:count]


def time_questions(rows: Rows, graph: nx.MultiDiGraph, repeat: int) -> None:
    """``at`` and ``diff`` on dates not seen before, against scans of every record; the diff in
    words; ``lineage``."""
    dataset = temporal.dataset_of(graph)
    index = graph.graph["index"]
    days = dates(graph)
    cold_at = per_call(lambda d: temporal.at(graph, d), days, repeat, index.cache.clear)
    scan_at = per_call(lambda d: temporal.at_by_scan(graph, d), days, max(1, repeat // 2))
    rows.add("at(date), new date", cold_at, "scan of every record (at_by_scan)", scan_at)
    for d in days:
        temporal.at(graph, d)
    warm_at = per_call(lambda d: temporal.at(graph, d), days, repeat)
    rows.add("at(date), date seen before", warm_at, "at(date), new date", cold_at)

    pairs = list(zip(days, days[len(days) // 2:], strict=False))
    diff = per_call(lambda ab: temporal.diff(graph, *ab), pairs, repeat, index.cache.clear)
    diff_scan = per_call(lambda ab: naive_diff(graph, *ab), pairs, max(1, repeat // 2))
    rows.add("diff(a, b), new dates", diff, "two scans and set differences", diff_scan)
    # the same diff in words: each change dated, named as on its day, with its sources (the
    # lines that read the same on any dates, kept on the graph once made, are kept here too)
    described = per_call(lambda ab: describe.changes(graph, *ab), pairs, repeat,
                         lambda: (index.cache.clear(), graph.graph.pop("described", None)))
    rows.add("diff in words (describe.changes), new dates", described, "diff(a, b) alone", diff)
    first = per_call(lambda ab: describe.changes(graph, *ab), pairs, max(1, repeat // 2),
                     lambda: [index.cache.clear()] + [graph.graph.pop(kept, None) for kept
                                                      in ("described", "described_lines")])
    rows.add("diff in words, first compares on a graph (no lines kept yet)", first,
             "diff in words (describe.changes), new dates", described)
    # lineage from the organisations with the longest histories (successors of mergers)
    targets = [r.target for r in dataset.relationships
               if dataset.relationship_types[r.type].lineage][:20] or list(dataset.organisations)[:20]
    rows.add("lineage(org)", per_call(lambda o: temporal.lineage(graph, o), targets, repeat))


def naive_diff(graph: nx.MultiDiGraph, a: dt.date, b: dt.date) -> tuple:
    """``diff`` without the index: two full scans and set differences (the baseline)."""
    view_a, view_b = temporal.at_by_scan(graph, a), temporal.at_by_scan(graph, b)
    names_a, names_b = view_a.organisations, view_b.organisations
    return ({i for i in names_b if i not in names_a}, {i for i in names_a if i not in names_b},
            {i for i in names_b if i in names_a and names_a[i] != names_b[i]},
            view_b.relationships - view_a.relationships,
            view_a.relationships - view_b.relationships)


def page_moves(rows: Rows, graph: nx.MultiDiGraph, repeat: int, recent: int = 0) -> None:
    """The layout, and a slider move: the server's work for a date it has not shown yet (the
    epoch and drawing caches cleared: the view is routed again); over the ``recent`` latest
    dates only when it is not 0 (the quick run: an early date of a big area can be a
    400-box view, routed in tens of seconds)."""
    dataset = temporal.dataset_of(graph)
    index = graph.graph["index"]
    stops = slider_stops(dataset)
    cold_layout = median_time(lambda: layout_module.compute_layout(graph), repeat)
    cached_layout = per_call(lambda _: layout_module.layout(graph), [0] * 100, repeat)
    rows.add("layout, cached", cached_layout, "layout computed cold", cold_layout)
    states = [page_state.ViewState(date=d) for d in dates(graph)][-recent:]

    def new_date() -> None:
        index.cache.clear()
        graph.graph.pop("drawings", None)

    def cold() -> None:
        index.cache.clear()
        for cached in ("grids", "drawings", "layout_order", "layout_rank"):
            graph.graph.pop(cached, None)

    move = per_call(lambda s: page.view(graph, s, stops), states, repeat, new_date)
    move_cold = per_call(lambda s: (cold(), page.view(graph, s, stops)),
                         states, max(1, repeat // 2), cold)
    rows.add("slider move (page view)", move, "same with the layout computed cold", move_cold)

    def ahead(state: page_state.ViewState) -> float:  # from the stop before, once it has
        before = replace(state, date=page_state.step(stops, state.date, -1) or state.date)
        new_date()  # drawn ahead what a step from it would show
        page.view(graph, before, stops)
        assert prefetch.around(graph, before, stops).wait_idle(timeout=600)
        started = time.perf_counter()
        page.view(graph, state, stops)
        return time.perf_counter() - started

    rows.add("slider move to a stop drawn ahead (prefetch)",
             statistics.median(ahead(s) for s in states for _ in range(repeat)),
             "slider move (page view)", move)
    drawn = page.view(graph, states[-1], stops).scene
    # focus on the busiest local body (a national hub at depth 1 would reach everything)
    last = states[-1].date
    local = [o for o in dataset.organisations.values()
             if o.exists_on(last) and dataset.kinds[o.kind].tier >= 2] or [
        o for o in dataset.organisations.values() if o.exists_on(last)]
    focus = max(local, key=lambda o: (graph.degree(o.id), o.id)).id
    focused = [page_state.ViewState(date=s.date, focus=focus, depth=1) for s in states
               if dataset.organisations[focus].exists_on(s.date)]
    move_focus = per_call(lambda s: page.view(graph, s, stops), focused, repeat, new_date)
    rows.add("slider move, focus depth 1", move_focus, "whole-area view", move)
    focus_scene = page.view(graph, focused[-1], stops).scene
    rows.note(f"on {last} the page draws {len(drawn.nodes):,} nodes"
              + (f" (grouped by kind: {drawn.note})" if drawn.grouped else "")
              + f"; focused on '{focus}' at depth 1 it draws {len(focus_scene.nodes):,}"
              + (" (grouped)" if focus_scene.grouped else "") + ".")


def routing(file: Path, repeat: int, sheet: bool = True, boxes: int = ROUTED_BOXES) -> Rows:
    """The routed geometry of a view of about ``boxes`` boxes (every box and edge of the
    synthetic area in ``file`` on one day, no grouping): computed cold, and served from the
    cache; and packed on an A4 sheet when ``sheet``."""
    graph = temporal.build_graph(dataset_loader.load(file))
    dataset = temporal.dataset_of(graph)
    days = [dt.date(year, 1, 1) for year in range(2014, 2026)]
    day = min(days, key=lambda d: abs(len(temporal.at(graph, d).organisations) - boxes))
    view = scene(graph, day, max_nodes=10 ** 9)
    rows = Rows(f"{len(dataset.organisations):,} synthetic")
    print(f"{rows.size} (routed drawing)", flush=True)
    grid(graph, "screen")  # the all-time layout is made once per file, not per view
    cold = median_time(lambda: picture.compute_drawing(graph, view, "screen"), repeat)
    routed = f"routed view of {boxes} boxes, cold"  # the target names the 300-box one
    rows.add(routed, cold)
    picture.drawing(graph, view, "screen")
    cached = per_call(lambda _: picture.drawing(graph, view, "screen"), [0] * 20, repeat)
    rows.add("routed view, same view again (cached)", cached, routed, cold)
    if sheet:
        rows.add("routed view, packed on an A4 sheet, cold",
                 median_time(lambda: picture.compute_drawing(graph, view, "a4"), repeat))
    drawn = picture.drawing(graph, view, "screen")
    bends = sum(len(e.points) - 2 for e in drawn.edges)
    rows.note(f"the routed view on {day} has {len(drawn.nodes):,} boxes and "
              f"{len(drawn.edges):,} edges ({bends:,} bends).")
    return rows
