"""The page's Sources tab and film, by AppTest: a source chosen (from the link or the picker)
highlights what it supports on the graph, lists the rest with their dates and what would be
left unsourced, and travels in the URL; the film of the selection is made when asked and is
the file the CLI makes."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest
from test_app import plain

from graph import build_graph
from graph.core.sources import withdrawal
from graph.core.stops import story_stops
from graph.drawing.vis import SOURCE_COLOUR
from graph.export.film_write import render_film
from graph.page import view
from graph.page.state import ViewState
from graph.page.widgets.film import PAGE_FILM
from loaders.dataset import load

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "data" / "mini.yaml"


def listed(at: AppTest, heading: str) -> list[str]:
    """The lines under a bold heading of the Sources tab."""
    texts = [m.value for m in at.markdown]
    index = next(i for i, t in enumerate(texts) if plain(t).startswith(f"**{heading}"))
    return [line.removeprefix("- ") for line in plain(texts[index + 1]).split("\n")]


def test_a_source_in_the_link_is_chosen_listed_and_kept_in_the_url(app):
    app.query_params.update(date="2021-04-01", source="src-b")
    app.run()
    assert not app.exception
    assert app.selectbox(key="source").value == "src-b"
    assert dict(app.query_params) == {"date": "2021-04-01", "source": "src-b"}
    assert listed(app, "Highlighted on 1 April 2021 (4)") == [
        "All Testshire CCG (Clinical commissioning group), from 1 April 2021 until 30 June 2022",
        "All Testshire CCG commissions Testshire Hospitals Trust, from 1 April 2021 until 30 "
        "June 2022",
        "North CCG merged into All Testshire CCG on 1 April 2021",
        "South CCG merged into All Testshire CCG on 1 April 2021"]
    assert listed(app, "Not drawn on 1 April 2021 (4)") == [
        "Testshire ICB (Clinical commissioning group), from 1 July 2022",
        "All Testshire CCG succeeded by Testshire ICB on 1 July 2022",
        "Event of 1 April 2021: The CCGs merge",
        "Snapshot of April 2021: One CCG"]
    assert listed(app, "Left with no source if it were withdrawn (8)")[:2] == [
        "All Testshire CCG (Clinical commissioning group), from 1 April 2021 until 30 June 2022",
        "Testshire ICB (Clinical commissioning group), from 1 July 2022"]

    app.select_slider(key="date").set_value("2022-07-01").run()  # another day, other lists
    assert listed(app, "Highlighted on 1 July 2022 (3)") == [  # the CCG ended recently
        "All Testshire CCG (Clinical commissioning group), from 1 April 2021 until 30 June 2022",
        "Testshire ICB (Clinical commissioning group), from 1 July 2022",
        "All Testshire CCG succeeded by Testshire ICB on 1 July 2022"]
    app.selectbox(key="source").set_value("src-a").run()
    assert dict(app.query_params) == {"date": "2022-07-01", "source": "src-a"}
    app.selectbox(key="source").set_value("").run()
    assert dict(app.query_params) == {"date": "2022-07-01"}


def test_an_unknown_source_in_a_link_is_dropped_with_a_warning(app):
    app.query_params.update(source="no-such-source", date="2021-04-01")
    app.run()
    assert not app.exception
    assert [plain(w.value) for w in app.warning] == [
        "Ignored part of the link: the link's source 'no-such-source' is no source id in this "
        "data file."]
    assert app.session_state.side_tab == "Details"  # a link without a source opens no list
    assert app.session_state.source == ""  # the Sources tab's picker, drawn when it is opened
    assert dict(app.query_params) == {"date": "2021-04-01"}


def test_the_graph_highlights_exactly_what_cites_the_source_and_fades_the_rest():
    graph = build_graph(load(MINI))
    dataset = graph.graph["dataset"]
    stops = story_stops(dataset, today=dt.date(2025, 1, 1))
    for day in (dt.date(2014, 3, 1), dt.date(2021, 4, 1), dt.date(2022, 7, 1)):
        for source in dataset.sources:
            shown = view.view(graph, ViewState(date=day, source=source), stops)
            citing = {c.id for c in withdrawal(dataset, source).citing}
            drawn = {n["id"] for n in shown.graph_data["nodes"]} | {
                e["id"] for e in shown.graph_data["edges"]}
            assert set(shown.graph_data["highlight"]) == citing & drawn
            for box in shown.graph_data["nodes"]:
                if box["id"] in citing:
                    assert (box["borderWidth"], box["color"]["border"]) == (4, SOURCE_COLOUR)
                else:
                    assert box["opacity"] == 0.25
            for route in shown.graph_data["edges"]:
                assert (route["colour"] == SOURCE_COLOUR) == (route["id"] in citing)
                assert route["faded"] == (route["id"] not in citing)
    plain_view = view.view(graph, ViewState(date=dt.date(2021, 4, 1)), stops)
    assert "highlight" not in plain_view.graph_data


def test_the_film_of_the_selection_is_made_when_asked_and_is_the_clis(app):
    app.query_params.update(date="2021-04-01", focus="ccg-all")
    app.run()
    assert not app.exception
    assert "Download the film" not in " ".join(b.proto.label for b in app.get("download_button"))
    assert app.selectbox(key="film_from").value == "2013-04-01"  # the story's first stop
    app.button(key="make_film").click().run()
    assert not app.exception
    labels = [b.proto.label for b in app.get("download_button")]
    assert any(re.fullmatch(r"Download the film \(GIF, \d+ kB\)", label) for label in labels)
    assert "Make the film" not in [b.label for b in app.button]  # made: the button gives way
    _, data, name = app.session_state["film"]
    assert name == "testshire-2013-04-01-to-2021-04-01-ccg-all.gif"
    graph = build_graph(load(MINI))
    assert data == render_film(graph, "gif", "2013-04-01", "2021-04-01", focus="ccg-all",
                               **PAGE_FILM)
    app.radio(key="film_format").set_value("mp4").run()  # another film: asked for again
    assert not any(b.proto.label.startswith("Download the film")
                   for b in app.get("download_button"))
