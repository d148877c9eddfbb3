"""The page draws, in the background, the views one or two key presses away, so a slider step
reads its drawing from the cache instead of routing it while the reader waits."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from pathlib import Path

import pytest

from graph.core.stops import slider_stops, year_step
from graph.core.temporal import build_graph, dataset_of
from graph.drawing import picture
from graph.page import prefetch
from graph.page.state import ViewState, step
from graph.page.view import view
from loaders.dataset import load

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def blmk():
    graph = build_graph(load(ROOT / "data" / "orgs.yaml"))
    return graph, slider_stops(dataset_of(graph))


def counting(monkeypatch) -> list[dt.date]:
    """Every drawing computed from now on, by its day."""
    made: list[dt.date] = []
    real = picture.compute_drawing

    def compute(graph, scene, *args, **kwargs):
        made.append(scene.day)
        return real(graph, scene, *args, **kwargs)

    monkeypatch.setattr(picture, "compute_drawing", compute)
    return made


def test_the_likely_next_days_are_the_neighbours_then_a_year_each_way(blmk):
    _, stops = blmk
    day = dt.date(2021, 4, 1)
    days = prefetch.likely_next(stops, day)
    assert days[:4] == [step(stops, day, 1), step(stops, day, -1), step(stops, day, 2),
                        step(stops, day, -2)]
    assert set(days[4:]) == {year_step(stops, day, 1), year_step(stops, day, -1)} - set(days[:4])
    assert day not in days and len(days) == len(set(days))
    first = stops[0].day  # at an end there is nothing before it
    assert all(d > first for d in prefetch.likely_next(stops, first))


def test_a_step_after_the_prefetch_draws_nothing_itself(blmk, monkeypatch):
    graph, stops = blmk
    here = ViewState(date=dt.date(2021, 4, 1), kinds=("CCG", "ICB", "Trust", "NationalBody"))
    view(graph, here, stops)
    made = counting(monkeypatch)
    assert prefetch.around(graph, here, stops).wait_idle(timeout=120)
    drawn_ahead = len(made)
    assert drawn_ahead >= 2  # the steps into other stretches of time were drawn ahead
    for day in prefetch.likely_next(stops, here.date):
        shown = view(graph, ViewState(date=day, kinds=here.kinds), stops)
        assert shown.day == day
    assert len(made) == drawn_ahead  # every step read what the prefetch drew
    assert set(made) <= set(prefetch.likely_next(stops, here.date))


def test_a_step_while_its_view_is_being_prefetched_waits_for_it_and_draws_it_once(
        blmk, monkeypatch):
    graph, stops = blmk
    here = ViewState(date=dt.date(2016, 6, 3))
    nxt = step(stops, here.date, 1)
    started, release = threading.Event(), threading.Event()
    made: list[dt.date] = []
    real = picture.compute_drawing

    def slow(graph_, scene, *args, **kwargs):  # the prefetch holds the drawing until released
        made.append(scene.day)
        started.set()
        assert release.wait(60)
        return real(graph_, scene, *args, **kwargs)

    monkeypatch.setattr(picture, "compute_drawing", slow)
    helper = prefetch.around(graph, here, stops)
    assert started.wait(60)
    result: list = []
    asker = threading.Thread(target=lambda: result.append(
        view(graph, ViewState(date=nxt), stops)))
    asker.start()
    release.set()
    asker.join(120)
    assert result and result[0].day == nxt
    assert helper.wait_idle(timeout=120)
    assert made.count(nxt) <= 1 and sorted(set(made)) == sorted(made)  # none drawn twice


def test_a_failing_prefetch_is_logged_and_the_next_request_still_runs(blmk, monkeypatch, caplog):
    graph, stops = blmk
    calls: list[dt.date] = []

    def broken(graph_, scene, *args, **kwargs):
        calls.append(scene.day)
        raise RuntimeError("Graphviz went away")

    monkeypatch.setattr(picture, "compute_drawing", broken)
    with caplog.at_level(logging.ERROR, logger="graph.page.prefetch"):
        helper = prefetch.around(graph, ViewState(date=dt.date(2021, 4, 1)), stops)
        assert helper.wait_idle(timeout=60)
    assert helper.failures >= 2 and len(calls) == helper.failures
    assert "prefetching the view of" in caplog.text and "Graphviz went away" in caplog.text
    monkeypatch.undo()
    helper.request([ViewState(date=dt.date(2014, 6, 1))], stops)  # the thread is still there
    assert helper.wait_idle(timeout=120)
    made = counting(monkeypatch)
    view(graph, ViewState(date=dt.date(2014, 6, 1)), stops)
    assert made == []
