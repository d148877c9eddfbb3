"""The page's logic without Streamlit: stops, links, the view, details, changes, escaping."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph.core import colours, describe
from graph.core.stops import slider_stops, story_stops, year_step, year_ticks
from graph.page import console, details, events, twin, view
from graph.page import state as page_state
from graph.page import text as page_text
from loaders import dataset as dataset_loader

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parent.parent
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

TODAY = dt.date(2026, 11, 30)


def test_the_slider_stops_on_each_day_the_data_names_from_the_story_to_today(dataset):
    stops = story_stops(dataset, today=TODAY)
    assert [s.label for s in stops] == [
        "1 April 2013 · The new system starts", "March 2014 · A report is published",
        "April 2015", "1 April 2016", "April 2021 · One CCG", "1 July 2022",
        "30 November 2026 (today)"]
    assert stops[2].words == "April 2015"  # the rename, written to the month


def test_an_event_day_is_labelled_with_the_event_and_a_link_day_becomes_a_stop(dataset):
    stops = story_stops(dataset, (dt.date(2016, 4, 15),), today=TODAY)
    report = next(s for s in stops if s.day == dt.date(2014, 3, 1))
    assert (report.title, [e.title for e in report.events]) == (
        "A report is published", ["A report is published"])
    assert [s.label for s in stops if s.day.year == 2016] == ["1 April 2016", "15 April 2016"]


def test_the_story_starts_with_its_first_snapshot_or_event_unless_all_time_is_asked():
    bundled = dataset_loader.load(Path(__file__).parent.parent / "data" / "orgs.yaml")
    story = story_stops(bundled, today=TODAY)
    every = story_stops(bundled, today=TODAY, all_time=True)
    assert story[0].label == "2011 · The Healthier Together review of five hospitals begins"
    assert every[0].day == dt.date(1992, 4, 1) and len(every) > len(story)
    assert story[-1].label == "30 November 2026 (today)"


def test_year_ticks_fall_between_the_stops_around_each_new_year(dataset):
    stops = story_stops(dataset, today=TODAY)
    ticks = dict(year_ticks(stops))
    assert sorted(ticks) == list(range(2014, 2027))
    # 2014 begins 275 of the 334 days from 1 April 2013 (stop 0) to 1 March 2014 (stop 1)
    assert ticks[2014] == pytest.approx((275 / 334) / (len(stops) - 1))
    assert sorted(ticks.values()) == list(ticks.values())  # in order along the track


def test_page_keys_move_at_least_a_year_to_a_stop(dataset):
    stops = story_stops(dataset, today=TODAY)
    assert year_step(stops, dt.date(2021, 4, 1), -1) == dt.date(2016, 4, 1)
    assert year_step(stops, dt.date(2016, 4, 1), 1) == dt.date(2021, 4, 1)
    assert year_step(stops, dt.date(2013, 4, 1), -1) == dt.date(2013, 4, 1)  # the first stop
    assert year_step(stops, dt.date(2022, 7, 1), 1) == TODAY


def test_page_keys_move_the_slider_they_were_pressed_on(dataset):
    stops = story_stops(dataset, today=TODAY)
    session = {"date": "2021-04-01", "diff_from": "2016-04-01"}
    page_state.go_a_year(session, stops, "diff_from", -1)
    page_state.go_a_year(session, stops, "date", 1)
    assert (session["goto_from"], session["goto"], session["playing"]) == (
        "2015-04-01", "2022-07-01", False)


def key_presses(stops, start: dt.date, goal: dt.date) -> int:
    """The fewest slider keys (arrows, PageUp/PageDown, Home/End) from ``start`` to ``goal``."""
    days = [s.day for s in stops]
    seen, frontier, presses = {start}, [start], 0
    while goal not in seen:
        presses += 1
        reached = set()
        for day in frontier:
            i = days.index(day)
            reached |= {days[max(i - 1, 0)], days[min(i + 1, len(days) - 1)], days[0],
                        days[-1], year_step(stops, day, 1), year_step(stops, day, -1)}
        frontier = sorted(reached - seen)
        seen |= reached
    return presses


def test_from_the_default_date_the_2021_merger_is_at_most_5_key_presses_away():
    bundled = dataset_loader.load(Path(__file__).parent.parent / "data" / "orgs.yaml")
    stops = story_stops(bundled, today=TODAY)
    start = page_state.default_day(stops)
    assert start == dt.date(2025, 10, 1)
    assert key_presses(stops, start, dt.date(2021, 4, 1)) == 5  # the stops of issue 27's data


def test_default_day_is_the_latest_named_snapshot(dataset):
    assert page_state.default_day(story_stops(dataset, today=TODAY)) == dt.date(2021, 4, 1)


def test_play_steps_to_the_next_stop_and_stops_at_the_end(dataset):
    stops = story_stops(dataset, today=TODAY)
    assert page_state.step(stops, dt.date(2021, 4, 1)) == dt.date(2022, 7, 1)
    assert page_state.step(stops, dt.date(2021, 4, 10)) == dt.date(2022, 7, 1)
    assert page_state.step(stops, dt.date(2021, 4, 1), -1) == dt.date(2016, 4, 1)
    assert page_state.step(stops, TODAY) is None


def test_a_typed_date_moves_the_slider_and_a_bad_one_says_why():
    session = {"typed_date": "2016-03", "extra_days": ()}
    page_state.go_to_typed(session)
    assert (session["goto"], session["extra_days"], session["typed_error"]) == (
        "2016-03-01", (dt.date(2016, 3, 1),), "")
    session = {"typed_date": "31/03/2016", "extra_days": ()}
    page_state.go_to_typed(session)
    assert "goto" not in session
    assert session["typed_error"] == ("'31/03/2016' is not a date (write YYYY-MM-DD, YYYY-MM "
                                      "or YYYY)")


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
        "the link's depth '9' is not a whole number from 1 to 4 (depth 4 is shown)",
        "the link's date '2021-13-01' is not a date (write YYYY-MM-DD)",
        "the link's focus 'nope' is no organisation id or ODS code in this data file",
        "the link's kinds names an unknown kind 'Planet'",
    ]


def test_a_link_naming_only_unknown_kinds_or_types_keeps_every_one(dataset):
    state, warnings = page_state.from_query_params(
        {"kinds": "Foo", "types": "BAR,OVERSEES", "org": "nobody", "date": "2015-01-01"},
        dataset)
    assert state == page_state.ViewState(date=dt.date(2015, 1, 1), kinds=None,
                                         types=frozenset({"OVERSEES"}))
    assert warnings == [
        "the link's kinds names an unknown kind 'Foo'",
        "the link's types names an unknown relationship type 'BAR'",
        "the link's org 'nobody' is no organisation id or ODS code in this data file"]


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
        selected=draw(orgs),
        source=draw(st.sampled_from(sorted(MINI_DATASET.sources)) | st.none()))


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
    cited = twin.scene_citations(shown.scene, dataset)
    rows = twin.organisation_rows(shown.scene, dataset, cited)
    assert [(r["id"], r["name"], r["dates"], r["sources"]) for r in rows] == [
        ("ccg-north", "North CCG", "from 1 April 2013 until 31 March 2021", "1"),
        ("reg-old", "Old Regulator", "from 1 April 2013 until 31 March 2016", "1"),
        ("ccg-south", "South CCG", "from 1 April 2013 until 31 March 2021", "1"),
        ("hospital", "Testshire General Hospital Trust", "from 1 April 2013", "1")]
    assert [(r["from"], r["relationship"], r["to"], r["dates"])
            for r in twin.relationship_rows(shown.scene, dataset, cited)] == [
        ("North CCG", "commissions", "Testshire General Hospital Trust",
         "from 1 April 2013 until 31 March 2021"),  # clipped to the CCG's end
        ("Old Regulator", "oversees", "Testshire General Hospital Trust",
         "from 1 April 2013 until 31 March 2016")]
    assert [e.title for e in cited.entries] == ["Article A"]


def test_the_merger_shows_its_predecessors_as_ghosts(graph, dataset, stops):
    shown = view.view(graph, page_state.ViewState(date=dt.date(2021, 4, 1)), stops)
    rows = twin.organisation_rows(shown.scene, dataset, twin.scene_citations(shown.scene, dataset))
    states = {r["id"]: r["shown as"] for r in rows}
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
        "2 organisations began (New Regulator from 1 April 2016 and All Testshire CCG from "
        "1 April 2021); 3 ended (Old Regulator until 31 March 2016, North CCG until 31 March "
        "2021 and South CCG until 31 March 2021); 1 name changed (Testshire General Hospital "
        "Trust became Testshire Hospitals Trust from April 2015); 3 mergers or successions "
        "(Old Regulator succeeded by New Regulator on 1 April 2016, North CCG merged into All "
        "Testshire CCG on 1 April 2021 and South CCG merged into All Testshire CCG on 1 April "
        "2021); 2 relationships began and 2 ended.")
    assert describe.change_paragraph(graph, stops, dt.date(2013, 4, 1)).endswith(
        "no earlier snapshot to compare with.")


def test_the_compare_list_gives_dates_names_on_the_day_and_sources(graph, dataset):
    sections, cited = twin.compare_list(describe.changes(graph, "2020-01-01", "2021-04-01"),
                                        dataset)
    assert [(s.title, [(line.text, line.numbers) for line in s.lines]) for s in sections] == [
        ("Organisations that began (1)",
         [("+ began: All Testshire CCG (from 1 April 2021)", (1,))]),
        ("Organisations that ended (2)",
         [("− ended: North CCG (until 31 March 2021)", (2,)),
          ("− ended: South CCG (until 31 March 2021)", (2,))]),
        ("Mergers and successions (2)",
         [("→ North CCG merged into All Testshire CCG (on 1 April 2021)", (1,)),
          ("→ South CCG merged into All Testshire CCG (on 1 April 2021)", (1,))]),
        ("Relationships that began (1)",
         [("+ All Testshire CCG commissions Testshire Hospitals Trust (from 1 April 2021 until "
           "30 June 2022, the last day of All Testshire CCG)", (1,))]),
        ("Relationships that ended (1)",
         [("− North CCG commissions Testshire Hospitals Trust (from 1 April 2013 until 31 "
           "March 2021, the last day of North CCG)", (2,))])]
    assert [(e.number, e.title, e.about) for e in cited.entries] == [
        (1, "Article B", "2020"), (2, "Article A", "Testshire News, March 2014")]


def test_compare_with_the_later_date_first_swaps_them_and_says_so(graph):
    found = describe.changes(graph, "2022-08-01", "2013-06-01")
    assert (found.a, found.b, found.swapped) == (dt.date(2013, 6, 1), dt.date(2022, 8, 1), True)
    assert found.heading == ("Changes from 1 June 2013 to 1 August 2022 (the later date was "
                             "given first, so the dates are swapped)")
    assert describe.comparison_paragraph(found).startswith(
        "The later date was given first, so the dates are swapped. From 1 June 2013 to 1 "
        "August 2022: 2 organisations began (New Regulator from 1 April 2016 and ")
    assert "+ began: Old Regulator" not in [c.text for c in found.items]


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
    assert [line.text for line in info.summary] == [
        "Clinical commissioning group, from 1 April 2021 until 30 June 2022", "ODS code 99X"]
    assert [r.line.text for r in info.relationships] == [
        "commissions → Testshire Hospitals Trust (from 1 April 2021 until 30 June 2022)"]
    assert [(line.text, line.numbers) for line in info.lineage] == [
        ("↑ North CCG (merged into, on 1 April 2021)", (1,)),
        ("↑ South CCG (merged into, on 1 April 2021)", (1,)),
        ("● All Testshire CCG (from 1 April 2021 until 30 June 2022)", (1,)),
        ("↓ Testshire ICB (succeeded by, on 1 July 2022)", (1,))]
    assert [(s.number, s.id, s.title, s.published) for s in info.sources] == [
        (1, "src-b", "Article B", "2020")]


def test_details_keep_the_name_history_and_month_precision(graph):
    info = details.details(graph, "hospital", dt.date(2014, 1, 1))
    assert info.name == "Testshire General Hospital Trust"
    assert [line.text for line in info.names] == [
        "Testshire General Hospital Trust: from 1 April 2013 until March 2015",
        "Testshire Hospitals Trust: from April 2015"]
    assert [(r.line.text, r.line.numbers) for r in info.relationships] == [
        ("North CCG commissions → this (from 1 April 2013 until 31 March 2021)", (1,)),
        ("Old Regulator oversees → this (from 1 April 2013 until 31 March 2016)", (1,))]
    assert [(s.title, s.publisher, s.published, s.url) for s in info.sources] == [
        ("Article A", "Testshire News", "March 2014", "https://example.org/a")]
    assert info.sources[0].markdown == (
        "\\[1\\] [Article A](https://example.org/a) — Testshire News, March 2014")
    assert info.relationships[0].line.markdown.endswith(
        ' [\\[1\\]](https://example.org/a "Article A · Testshire News, March 2014")')


def test_a_period_with_no_recorded_name_says_so_and_shows_the_later_name():
    bundled = view.load_graph(Path(__file__).parent.parent / "data" / "orgs.yaml")
    info = details.details(bundled, "mk-hospital", dt.date(1995, 1, 1))
    assert [line.text for line in info.names] == [
        "No name recorded: from 1 April 1992 until September 2007 (known later as Milton "
        "Keynes Hospital NHS Foundation Trust)",
        "Milton Keynes Hospital NHS Foundation Trust: from October 2007 until March 2015",
        "Milton Keynes University Hospital NHS Foundation Trust: from April 2015"]
    assert info.name == "known later as Milton Keynes Hospital NHS Foundation Trust"
    assert "Its name on 1 January 1995 is not recorded; it is known later as Milton Keynes " \
           "Hospital NHS Foundation Trust." in [line.text for line in info.summary]
    shown = view.view(bundled, page_state.ViewState(date=dt.date(1995, 1, 1)),
                      story_stops(bundled.graph["dataset"], today=TODAY, all_time=True))
    labels = {n["id"]: n["title"].splitlines()[0] for n in shown.graph_data["nodes"]}
    assert labels["bedfordshire-hospitals"] == (
        "known later as Luton and Dunstable University Hospital NHS Foundation Trust")
    found = [c.text for c in describe.changes(bundled, "1995-01-01", "2016-01-01").items]
    assert ("✎ name first recorded: Milton Keynes Hospital NHS Foundation Trust, then renamed "
            "Milton Keynes University Hospital NHS Foundation Trust (from April 2015; no earlier "
            "name recorded)") in found


def test_no_details_text_holds_a_path_on_the_server():
    bundled = view.load_graph(Path(__file__).parent.parent / "data" / "orgs.yaml")
    folder = str(Path(bundled.graph["dataset"].path).parent)
    for org_id in ("blmk-ccg", "mk-hospital", "monitor"):
        info = details.details(bundled, org_id, dt.date(2021, 4, 1))
        text = repr(info)
        assert folder not in text and "/work" not in text and "ods/" not in text


def test_tooltips_give_names_on_the_day_last_days_roles_and_source_numbers(graph, stops):
    shown = view.view(graph, page_state.ViewState(date=dt.date(2015, 1, 1)), stops)
    edges = {e["id"]: e["title"] for e in shown.graph_data["edges"]}
    assert edges["ccg-north|COMMISSIONS|hospital|1"] == (
        "North CCG commissions Testshire General Hospital Trust\n"
        "from 1 April 2013 until 31 March 2021\n"  # open in the data: it ends with the CCG
        "Sources (listed under the graph):\n1")
    nodes = {n["id"]: n["title"] for n in shown.graph_data["nodes"]}
    assert nodes["reg-old"] == ("Old Regulator\nRegulator\nfrom 1 April 2013 until 31 March "
                                "2016\nSources (listed under the graph):\n1")
    bundled = view.load_graph(Path(__file__).parent.parent / "data" / "orgs.yaml")
    shown = view.view(bundled, page_state.ViewState(date=dt.date(2023, 1, 1)),
                      story_stops(bundled.graph["dataset"], today=TODAY))
    edges = {e["id"]: e["title"].splitlines() for e in shown.graph_data["edges"]}
    numbers = {s: n for n, s in enumerate(shown.scene.sources, 1)}
    assert edges["felicity-cox|HOLDS_ROLE|blmk-icb|1"] == [
        "Felicity Cox holds role at NHS Bedfordshire, Luton and Milton Keynes Integrated Care "
        "Board as Chief Executive", "from 1 July 2022", "Sources (listed under the graph):",
        str(numbers["bedfordindependent-2022-07-01-icb"])]


def tooltip_numbers(title: str) -> list[int]:
    """The source numbers a tooltip gives (after its "Sources" line), in its order."""
    lines = title.splitlines()
    if "Sources (listed under the graph):" not in lines:
        return []
    cited = " ".join(lines[lines.index("Sources (listed under the graph):") + 1:])
    return [int(n) for n in cited.split(", ")]


@pytest.mark.parametrize(("day", "ccg"), [(dt.date(2014, 6, 1), "mk-ccg"),
                                         (dt.date(2021, 4, 1), "blmk-ccg")])
def test_a_source_has_one_number_in_the_tooltips_the_details_and_the_json_snapshot(day, ccg):
    import json

    from graph.export.snapshot import render_snapshot

    bundled = view.load_graph(ROOT / "data" / "orgs.yaml")
    shown = view.view(bundled, page_state.ViewState(date=day),
                      story_stops(bundled.graph["dataset"], today=TODAY))
    exported = {s["id"]: s["number"]  # what `python -m graph snapshot --format json` lists
                for s in json.loads(render_snapshot(bundled, "json", day))["sources"]}
    assert shown.citations.numbers == exported
    tooltips = {item["id"]: item["title"]
                for item in (*shown.graph_data["nodes"], *shown.graph_data["edges"])}
    panels = {n.id: details.details(bundled, n.id, day, shown.citations)
              for n in shown.scene.nodes}
    compared = 0
    for node in shown.scene.nodes:
        numbers = sorted(exported[s] for s in node.sources)
        assert tooltip_numbers(tooltips[node.id]) == numbers
        assert list(panels[node.id].summary[0].numbers) == numbers  # its kind and lifetime
    for edge in shown.scene.edges:
        numbers = sorted(exported[s] for s in edge.sources)
        assert tooltip_numbers(tooltips[edge.id]) == numbers
        said = [list(r.line.numbers) for r in panels[edge.source].relationships
                if r.other == edge.target]
        if said:  # drawn and in force that day (a ghost is drawn, not listed)
            assert numbers in said
            compared += 1
    assert compared > 20
    # a source only a panel cites (a later merger in a CCG's lineage) is numbered after them
    listed = {s.id: s.number for s in panels[ccg].sources}
    assert {i: n for i, n in listed.items() if i in exported} == {
        i: exported[i] for i in listed if i in exported}
    assert all(n > len(exported) for i, n in listed.items() if i not in exported)
    assert len(listed) > len(set(listed) & set(exported)) > 0


@pytest.mark.parametrize("day", [dt.date(2014, 6, 1), dt.date(2021, 4, 1)])
def test_every_cited_line_gives_its_numbers_in_ascending_order(day):
    bundled = view.load_graph(ROOT / "data" / "orgs.yaml")
    dataset = bundled.graph["dataset"]
    shown = view.view(bundled, page_state.ViewState(date=day), story_stops(dataset, today=TODAY))
    lines = []
    for node in shown.scene.nodes:
        info = details.details(bundled, node.id, day, shown.citations)
        lines += [*info.summary, *(r.line for r in info.relationships), *info.lineage,
                  *info.names]
    lines += describe_lines(bundled, dataset, day, shown.citations)
    assert len(lines) > 200
    for line in lines:
        assert list(line.numbers) == sorted(line.numbers), line.text
    for row in (*twin.organisation_rows(shown.scene, dataset, shown.citations),
                *twin.relationship_rows(shown.scene, dataset, shown.citations)):
        numbers = [int(n) for n in row["sources"].split(", ") if n]
        assert numbers == sorted(numbers), row["id"]
    for item in (*shown.graph_data["nodes"], *shown.graph_data["edges"]):
        assert tooltip_numbers(item["title"]) == sorted(tooltip_numbers(item["title"]))


def describe_lines(graph, dataset, day, citations) -> list:
    """The compare list's lines from the story's start to ``day``, in the view's numbering."""
    sections, _ = twin.compare_list(describe.changes(graph, "2013-06-01", day), dataset,
                                    citations)
    return [line for section in sections for line in section.lines]


def test_the_pickers_list_former_names_so_typing_one_finds_the_organisation(dataset):
    assert view.organisation_choices(dataset)["hospital"] == (
        "Testshire Hospitals Trust (formerly Testshire General Hospital Trust)")


def test_the_pickers_name_an_organisation_as_on_the_slider_day_with_its_other_names(dataset):
    before, after = dt.date(2014, 6, 1), dt.date(2016, 6, 1)  # renamed in April 2015
    assert view.organisation_choices(dataset, before)["hospital"] == (
        "Testshire General Hospital Trust (later Testshire Hospitals Trust)")
    assert view.organisation_choices(dataset, after)["hospital"] == (
        "Testshire Hospitals Trust (formerly Testshire General Hospital Trust)")
    # sorted by the day's names: the list reads in order on any day
    for day in (before, after, None):
        labels = list(view.organisation_choices(dataset, day).values())
        assert labels == sorted(labels, key=str.lower)


def test_the_page_pickers_follow_the_slider_day(monkeypatch, tmp_path):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("ORGS_DATA", str(ROOT / "data" / "orgs.yaml"))
    monkeypatch.setenv("ORGS_CACHE_DIR", str(tmp_path / "store"))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.chdir(ROOT)
    for day, name in (("2014-06-01", "Milton Keynes Hospital NHS Foundation Trust (later "),
                      ("2023-04-01", "Milton Keynes University Hospital NHS Foundation Trust (")):
        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        app.query_params.update(date=day)
        app.run()
        assert not app.exception
        for key in ("focus", "selected"):
            assert any(o.startswith(name) for o in app.selectbox(key=key).options), (day, key)


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


def test_the_details_lineage_names_the_organisation_as_on_the_day():
    from graph.page import details

    bundled = view.load_graph(ROOT / "data" / "orgs.yaml")
    for day, name in ((dt.date(2014, 6, 1), "Milton Keynes Hospital NHS Foundation Trust"),
                      (dt.date(2023, 4, 1),
                       "Milton Keynes University Hospital NHS Foundation Trust")):
        info = details.details(bundled, "mk-hospital", day)
        assert info.name == name
        assert [line.text for line in info.lineage if line.text.startswith("●")] == [
            f"● {name} (from 1 April 1992)"]


# -- the focus picker: what was typed -----------------------------------------------------

BUNDLED_DATASET = dataset_loader.load(ROOT / "data" / "orgs.yaml")


@pytest.mark.parametrize(("typed", "meant"), [
    ("RC9", "bedfordshire-hospitals"), ("rc9", "bedfordshire-hospitals"),  # an ODS code
    ("mk-hospital", "mk-hospital"),  # an id
    ("Luton and Dunstable University Hospital NHS Foundation Trust",  # a former name
     "bedfordshire-hospitals"),
    ("  milton keynes UNIVERSITY hospital  ", "mk-hospital"),  # part of a name, any case
])
def test_typed_focus_means_the_code_id_or_name_typed(typed, meant):
    assert page_state.focus_from_text(BUNDLED_DATASET, typed, dt.date(2021, 4, 1)) == meant


def test_an_exact_ods_code_beats_a_loose_match_listed_first():
    """Two codes a loose match confuses (Streamlit's filter lists RX2C9 first for "RC9"): the
    exact code wins whichever comes first by name."""
    import dataclasses

    orgs = dict(BUNDLED_DATASET.organisations)
    loose = dataclasses.replace(orgs["mk-hospital"], id="aaa-site", name="AAA site",
                                ods_code="RX2C9", former_names=())
    data = dataclasses.replace(BUNDLED_DATASET, organisations={"aaa-site": loose, **orgs})
    assert page_state.focus_from_text(data, "RC9") == "bedfordshire-hospitals"
    assert page_state.focus_from_text(data, "C9") == "aaa-site"  # else the first by name


def test_typed_focus_that_names_nothing_is_one_line_and_no_focus():
    session = {"focus": "Nowhere Trust", "date": "2021-04-01"}
    page_state.focus_typed(session, BUNDLED_DATASET)
    assert session["focus"] == ""
    assert session["focus_error"] == ("no organisation has the name or ODS code "
                                      "'Nowhere Trust' (pick one from the list)")
    session = {"focus": "rd8", "date": "2021-04-01"}
    page_state.focus_typed(session, BUNDLED_DATASET)
    assert (session["focus"], session["focus_error"]) == ("mk-hospital", "")
