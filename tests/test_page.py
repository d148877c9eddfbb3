"""The page's logic without Streamlit: stops, links, the view, details, changes, escaping."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph.core import colours, describe
from graph.core.stops import slider_stops
from graph.page import console, details, events, view
from graph.page import state as page_state
from graph.page import text as page_text
from loaders import dataset as dataset_loader

DATA = Path(__file__).parent / "data"
MINI = DATA / "mini.yaml"
HOSTILE = DATA / "page_hostile.yaml"
MINI_DATASET = dataset_loader.load(MINI)


@pytest.fixture(scope="module")
def graph():
    return view.load_graph(MINI)


@pytest.fixture(scope="module")
def dataset(graph):
    return graph.graph["dataset"]


@pytest.fixture(scope="module")
def stops(dataset):
    return slider_stops(dataset)


# -- slider stops -------------------------------------------------------------------------

def test_stops_are_every_month_plus_named_snapshots(stops):
    assert stops[0].label == "1 April 2013 · The new system starts"
    assert stops[-1].day == dt.date(2022, 7, 1)  # the last date the data names
    assert len(stops) == 112  # April 2013 .. July 2022, month by month
    named = [s for s in stops if s.snapshot is not None]
    assert [s.label for s in named] == ["1 April 2013 · The new system starts",
                                        "April 2021 · One CCG"]


def test_a_month_precision_snapshot_is_headed_by_its_month(stops):
    one_ccg = next(s for s in stops if s.day == dt.date(2021, 4, 1))
    plain_month = next(s for s in stops if s.day == dt.date(2021, 5, 1))
    assert (one_ccg.words, plain_month.words) == ("April 2021", "1 May 2021")


def test_an_extra_day_from_a_link_becomes_a_stop(dataset):
    stops = slider_stops(dataset, (dt.date(2016, 4, 15),))
    assert [s.label for s in stops if s.day.year == 2016 and s.day.month == 4] == [
        "1 April 2016", "15 April 2016"]


def test_default_day_is_the_latest_named_snapshot(dataset, stops):
    assert page_state.default_day(stops) == dt.date(2021, 4, 1)


def test_play_steps_to_the_next_stop_and_stops_at_the_end(stops):
    assert page_state.step(stops, dt.date(2021, 4, 1)) == dt.date(2021, 5, 1)
    assert page_state.step(stops, dt.date(2021, 4, 10)) == dt.date(2021, 5, 1)
    assert page_state.step(stops, dt.date(2021, 4, 1), -1) == dt.date(2021, 3, 1)
    assert page_state.step(stops, dt.date(2022, 7, 1)) is None


# -- links --------------------------------------------------------------------------------

def test_a_link_reopens_the_view_it_names(dataset):
    params = {"date": "2021-04-01", "mode": "diff", "from": "2013-04-01", "focus": "99X",
              "depth": "2", "kinds": "CCG,Trust", "types": "COMMISSIONS", "org": "hospital"}
    state, warnings = page_state.from_query_params(params, dataset)
    assert warnings == []
    assert state == page_state.ViewState(date=dt.date(2021, 4, 1), mode="diff",
                                   diff_from=dt.date(2013, 4, 1), focus="ccg-all", depth=2,
                                   kinds=frozenset({"CCG", "Trust"}),
                                   types=frozenset({"COMMISSIONS"}), selected="hospital")
    assert page_state.to_query_params(state) == {**params, "focus": "ccg-all"}


def test_bad_parts_of_a_link_are_ignored_with_one_warning_each(dataset):
    state, warnings = page_state.from_query_params(
        {"date": "2021-13-01", "mode": "edit", "focus": "nope", "depth": "9",
         "kinds": "CCG,Planet"}, dataset)
    assert state == page_state.ViewState(depth=4, kinds=frozenset({"CCG"}))
    assert warnings == [
        "the link's mode 'edit' is not one of explore, diff, console",
        "the link's depth '9' is not a whole number from 1 to 4",
        "the link's date '2021-13-01' is not a date (write YYYY-MM-DD)",
        "the link's focus 'nope' is no organisation id or ODS code in this data file",
        "the link's kinds names an unknown kind 'Planet'",
    ]


def test_a_month_in_a_link_opens_on_its_first_day(dataset):
    state, _ = page_state.from_query_params({"date": "2016-04"}, dataset)
    assert state.date == dt.date(2016, 4, 1)


@st.composite
def view_states(draw):
    dataset = MINI_DATASET
    orgs = st.sampled_from(sorted(dataset.organisations)) | st.none()
    days = st.dates(dt.date(2000, 1, 1), dt.date(2040, 12, 31)) | st.none()
    focus = draw(orgs)
    mode = draw(st.sampled_from(page_state.MODES))
    return page_state.ViewState(
        date=draw(days), mode=mode, diff_from=draw(days), focus=focus,
        depth=draw(st.integers(1, page_state.MAX_DEPTH)) if focus else 1,
        kinds=draw(st.frozensets(st.sampled_from(sorted(dataset.kinds))) | st.none()),
        types=draw(st.frozensets(st.sampled_from(sorted(dataset.relationship_types)))
                   | st.none()),
        selected=draw(orgs))


@given(view_states())
def test_every_view_survives_the_round_trip_through_its_link(state):
    assert page_state.from_query_params(page_state.to_query_params(state), MINI_DATASET) == (state, [])


def test_widget_values_with_every_kind_ticked_mean_no_filter(dataset):
    values = {"date": "2015-01-01", "mode": "explore", "focus": "", "depth": 1,
              "kinds": list(dataset.kinds), "types": ["OVERSEES"], "selected": "hospital",
              "diff_from": "2013-04-01"}
    assert page_state.state_from_widgets(values, dataset) == page_state.ViewState(
        date=dt.date(2015, 1, 1), types=frozenset({"OVERSEES"}), selected="hospital")


# -- the view -----------------------------------------------------------------------------

def test_the_view_at_a_date_shows_what_existed_with_its_names(graph, dataset, stops):
    shown = view.view(graph, page_state.ViewState(date=dt.date(2015, 1, 1)), stops)
    rows = view.organisation_rows(shown.scene, dataset)
    assert [(r["id"], r["name"]) for r in rows] == [
        ("ccg-north", "North CCG"), ("reg-old", "Old Regulator"), ("ccg-south", "South CCG"),
        ("hospital", "Testshire General Hospital Trust")]
    assert [(r["from"], r["relationship"], r["to"])
            for r in view.relationship_rows(shown.scene, dataset)] == [
        ("North CCG", "commissions", "Testshire General Hospital Trust"),
        ("Old Regulator", "oversees", "Testshire General Hospital Trust")]


def test_the_merger_shows_its_predecessors_as_ghosts(graph, dataset, stops):
    shown = view.view(graph, page_state.ViewState(date=dt.date(2021, 4, 1)), stops)
    states = {r["id"]: r["shown as"] for r in view.organisation_rows(shown.scene, dataset)}
    assert states == {"ccg-all": "in force", "reg-new": "in force", "hospital": "in force",
                      "ccg-north": "ended recently", "ccg-south": "ended recently"}
    assert [e["label"] for e in shown.graph_data["legend"]["states"]] == ["ended recently"]


def test_diff_mode_without_a_start_compares_with_the_previous_snapshot(graph, dataset, stops):
    shown = view.view(graph, page_state.ViewState(date=dt.date(2021, 4, 1), mode="diff"), stops)
    assert shown.state.diff_from == dt.date(2013, 4, 1)
    states = {n.id: n.state for n in shown.scene.nodes}
    assert states["ccg-all"] == "added" and states["reg-old"] == "ended"
    assert states["hospital"] == "renamed"


def test_focus_and_filters_reach_the_scene(graph, dataset, stops):
    state = page_state.ViewState(date=dt.date(2015, 1, 1), focus="reg-old", kinds=frozenset({"Trust",
                                                                                        "Regulator"}))
    shown = view.view(graph, state, stops)
    assert sorted(n.id for n in shown.scene.nodes) == ["hospital", "reg-old"]
    assert shown.scene.hidden == {"outside focus": 2, "kind filter": 0}


def test_change_paragraph_since_the_previous_snapshot(graph, stops):
    text = describe.change_paragraph(graph, stops, dt.date(2021, 4, 1))
    assert text == (
        "Since the snapshot “The new system starts” (1 April 2013), by 1 April 2021: "
        "2 organisations began (All Testshire CCG and New Regulator); 3 ended (North CCG, "
        "Old Regulator and South CCG); 1 was renamed (Testshire General Hospital Trust is now "
        "Testshire Hospitals Trust); 2 relationships began and 2 ended.")
    assert describe.change_paragraph(graph, stops, dt.date(2013, 4, 1)).endswith(
        "no earlier snapshot to compare with.")


def test_change_lines_list_each_change_of_a_diff(graph):
    assert describe.change_lines(graph, dt.date(2020, 1, 1), dt.date(2021, 4, 1)) == [
        "+ began: All Testshire CCG",
        "− ended: North CCG",
        "− ended: South CCG",
        "→ North CCG merged into All Testshire CCG (1 April 2021)",
        "→ South CCG merged into All Testshire CCG (1 April 2021)",
        "+ All Testshire CCG commissions Testshire Hospitals Trust",
        "− North CCG commissions Testshire Hospitals Trust",
    ]


def test_events_oldest_first_with_month_precision_kept(dataset):
    rows = events.event_rows(dataset)
    assert [(r.when, r.title, r.day) for r in rows] == [
        ("March 2014", "A report is published", dt.date(2014, 3, 1)),
        ("1 April 2021", "The CCGs merge", dt.date(2021, 4, 1))]
    assert rows[1].organisations == "North CCG, South CCG, All Testshire CCG"


# -- details ------------------------------------------------------------------------------

def test_details_of_a_merged_commissioner(graph):
    info = details.details(graph, "ccg-all", dt.date(2021, 6, 1))
    assert info.name == "All Testshire CCG" and info.kind == "Clinical commissioning group"
    assert info.lifetime == "from 1 April 2021 (exact day) to 1 July 2022 (exact day)"
    assert info.ods_code == "99X" and info.exists
    assert [r.text for r in info.relationships] == ["commissions → Testshire Hospitals Trust"]
    assert info.lineage == (
        "↑ North CCG (merged into, 1 April 2021)",
        "↑ South CCG (merged into, 1 April 2021)",
        "● All Testshire CCG (1 April 2021 to 1 July 2022)",
        "↓ Testshire ICB (succeeded by, 1 July 2022)")
    assert [(s.id, s.title, s.published) for s in info.sources] == [("src-b", "Article B", "2020")]


def test_details_keep_the_name_history_and_month_precision(graph):
    info = details.details(graph, "hospital", dt.date(2014, 1, 1))
    assert info.name == "Testshire General Hospital Trust"
    assert info.names == ("Testshire General Hospital Trust: 1 April 2013 to April 2015",
                          "Testshire Hospitals Trust: April 2015 onwards")
    assert [r.text for r in info.relationships] == [
        "North CCG commissions → this", "Old Regulator oversees → this"]
    assert [(s.title, s.publisher, s.published, s.url) for s in info.sources] == [
        ("Article A", "Testshire News", "March 2014", "https://example.org/a")]


def test_the_pickers_list_former_names_so_typing_one_finds_the_organisation(dataset):
    assert view.organisation_choices(dataset)["hospital"] == (
        "Testshire Hospitals Trust (formerly Testshire General Hospital Trust)")


# -- escaping -----------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "<img src=x onerror=alert(1)>", "</script><script>alert(1)</script>",
    "**bold** _it_ [link](javascript:alert(1)) :red[x] $x^2$ # h", "a\\b`c`"])
def test_md_leaves_no_markup_unescaped(text):
    escaped = page_text.md(text)
    assert re.sub(r"\\(.)", r"\1", escaped) == text  # unescaping gives the text back
    assert not re.search(r"(?<!\\)[<>\[\]*_`$]", escaped)


@given(st.text())
def test_md_escapes_every_markdown_character(text):
    escaped = page_text.md(text)
    assert not re.search(r"(?<!\\)[<>\[\]()*_`$#|&]", escaped.replace("\\\\", ""))


def test_only_http_links_are_linked_and_cannot_break_out():
    assert page_text.safe_url("javascript:alert(1)") is None
    assert page_text.safe_url("data:text/html,<b>") is None
    assert page_text.safe_url("https://example.org/y?a=(b)&c=<d>") == (
        "https://example.org/y?a=%28b%29&c=%3Cd%3E")
    assert page_text.link("<b>", "javascript:alert(1)") == "\\<b\\>"


def test_only_plain_colours_reach_the_legend_styles():
    assert [colours.safe_colour(c) for c in ("#1f77b4", "#abc", "teal", "banana",
                                           "rgb(1, 2, 3)", "url(https://example.org/x.png)",
                                           "red; background: url(x)", None)] == [
        "#1f77b4", "#aabbcc", "#008080", "#999999", "#999999", "#999999", "#999999",
        "#999999"]


def test_hostile_names_survive_as_data(stops):
    graph = view.load_graph(HOSTILE)
    hostile_stops = slider_stops(graph.graph["dataset"])
    shown = view.view(graph, page_state.ViewState(date=dt.date(2020, 4, 1)), hostile_stops)
    assert {n["id"]: n["title"].splitlines()[0] for n in shown.graph_data["nodes"]} == {
        "board": "<img src=x onerror=alert(1)>",
        "trust-old": "Old </script><script>alert(1)</script> Trust",
        "trust": "<svg onload=alert(1)>"}


# -- console results ----------------------------------------------------------------------

def test_query_cells_become_readable_text():
    node = {"id": "hospital", "label": "Trust", "name": "Testshire Hospitals Trust",
            "properties": {}}
    rel = {"id": "a|OVERSEES|b|0", "type": "OVERSEES", "from": "a", "to": "b", "properties": {}}
    assert console.result_table(["t", "t", "when", "path"], [
        [node, rel, dt.date(2014, 3, 1), {"nodes": [node, node], "relationships": [rel]}]]) == [
        {"t": "(Trust) Testshire Hospitals Trust", "t (2)": "[OVERSEES]", "when": "2014-03-01",
         "path": "Testshire Hospitals Trust — Testshire Hospitals Trust"}]


def test_query_elements_are_drawn_at_their_all_time_places(graph):
    from graph.drawing.layout import layout

    elements = {"nodes": [{"id": "reg-old", "label": "Regulator", "name": "Old Regulator"},
                          {"id": "hospital", "label": "Trust", "name": "Testshire Hospitals Trust"},
                          {"id": "src-a", "label": "Source", "name": "Article A"}],
                "relationships": [{"id": "reg-old|OVERSEES|hospital|0", "type": "OVERSEES",
                                   "from": "reg-old", "to": "hospital"}]}
    data = console.query_graph_data(elements, graph)
    places = {n["id"]: (n["x"], n["y"]) for n in data["nodes"]}
    assert places["reg-old"] == layout(graph)["reg-old"]
    assert places["src-a"][1] > max(y for _, y in layout(graph).values())
    assert [(e["from"], e["to"]) for e in data["edges"]] == [("reg-old", "hospital")]
    assert console.query_graph_data({"nodes": [], "relationships": []}, graph) is None


def test_store_label_says_which_store_and_how_to_switch():
    neo4j, line = console.store_label({"NEO4J_URI": "neo4j+s://abc.databases.neo4j.io"}, {})
    assert neo4j and line.startswith("Neo4j at neo4j+s://abc.databases.neo4j.io")
    neo4j, line = console.store_label({}, {"NEO4J_URI": "bolt://localhost:7687"})
    assert neo4j
    neo4j, line = console.store_label({}, {})
    assert not neo4j and "set NEO4J_URI" in line
