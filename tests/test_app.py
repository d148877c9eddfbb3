"""The page driven by Streamlit's AppTest: real widgets, real reruns, no browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from page_text import changes_listed, plain
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"


def shown_ids(at: AppTest) -> list[str]:
    """The organisation ids in the accessible table under the graph."""
    return sorted(at.dataframe[0].value["id"])


def test_moving_the_slider_shows_the_organisations_of_that_date(app):
    app.run()
    assert not app.exception
    assert app.select_slider(key="date").value == "2021-04-01"  # the latest named snapshot
    assert shown_ids(app) == ["ccg-all", "ccg-north", "ccg-south", "hospital", "reg-new"]

    app.select_slider(key="date").set_value("2014-03-01").run()
    assert shown_ids(app) == ["ccg-north", "ccg-south", "hospital", "reg-old"]
    table = app.dataframe[0].value.set_index("id")
    assert table.loc["hospital", "name"] == "Testshire General Hospital Trust"
    assert app.subheader[0].value == "March 2014"
    assert plain(app.caption[1].value) == ("Event: A report is published [[1]](https://example"
                                           '.org/a "Article A · Testshire News, March 2014")')
    assert app.query_params["date"] == "2014-03-01"
    app.select_slider(key="date").set_value("2021-04-01").run()
    # Article B is the view's second source (Article A, cited by the ghosts, is its first)
    assert plain(app.caption[1].value) == "Snapshot: One CCG [2] · Event: The CCGs merge [2]"


def test_a_link_opens_its_view_and_the_url_follows_the_widgets(app):
    app.query_params.update(date="2021-04", focus="99X", depth="2", kinds="CCG,Trust",
                            org="hospital")
    app.run()
    assert not app.exception
    assert app.select_slider(key="date").value == "2021-04-01"
    assert app.selectbox(key="focus").value == "ccg-all"
    assert app.slider(key="depth").value == 2
    assert sorted(app.multiselect(key="kinds").value) == ["CCG", "Trust"]
    assert shown_ids(app) == ["ccg-all", "ccg-north", "ccg-south", "hospital"]
    assert app.selectbox(key="selected").value == "hospital"
    assert dict(app.query_params) == {
        "date": "2021-04-01", "focus": "ccg-all", "depth": "2", "kinds": "CCG,Trust",
        "org": "hospital"}

    app.selectbox(key="focus").set_value("").run()
    app.multiselect(key="kinds").select("Regulator").run()
    assert dict(app.query_params) == {"date": "2021-04-01",
                                                             "org": "hospital"}


def test_a_bad_link_warns_and_opens_the_default_view(app):
    app.query_params.update(date="someday", focus="nobody")
    app.run()
    assert not app.exception
    assert [plain(w.value) for w in app.warning] == [
        "Ignored part of the link: the link's date 'someday' is not a date (write "
        "YYYY-MM-DD).",
        "Ignored part of the link: the link's focus 'nobody' is no organisation id or ODS code "
        "in this data file."]
    assert app.select_slider(key="date").value == "2021-04-01"


def test_diff_mode_lists_the_changes_beside_the_graph(app):
    app.query_params.update(mode="diff", date="2021-04-01", **{"from": "2020-01-01"})
    app.run()
    assert not app.exception
    assert app.select_slider(key="diff_from").value == "2020-01-01"
    assert changes_listed(app)[:3] == ["+ began: All Testshire CCG (from 1 April 2021)",
                                       "− ended: North CCG (until 31 March 2021)",
                                       "− ended: South CCG (until 31 March 2021)"]
    assert dict(zip(app.dataframe[0].value["id"], app.dataframe[0].value["shown as"],
                    strict=True))["ccg-north"] == "ended"
    assert app.subheader[1].value == "What changed from 1 January 2020 to 1 April 2021"
    assert next(plain(m.value) for m in app.markdown if m.value.startswith("From")).startswith(
        "From 1 January 2020 to 1 April 2021: 1 organisation began (All Testshire CCG from 1 "
        "April 2021)")
    app.radio(key="mode").set_value("explore").run()  # no Changes tab any more
    assert not app.exception and app.session_state.side_tab == "Details"


def test_compare_with_the_later_date_first_swaps_them_and_says_so(app):
    app.query_params.update(mode="diff", date="2013-06-01", **{"from": "2022-08-01"})
    app.run()
    assert not app.exception
    assert (app.select_slider(key="diff_from").value, app.select_slider(key="date").value) == (
        "2013-06-01", "2022-08-01")
    assert app.caption[1].value == ("*Compare from* was later than *Date*, so the two dates "
                                    "were swapped.")
    assert "+ began: Testshire ICB (from 1 July 2022)" in changes_listed(app)
    assert not any("Old Regulator" in line for line in changes_listed(app) if line[0] == "+")
    marks = dict(zip(app.dataframe[0].value["id"], app.dataframe[0].value["shown as"],
                     strict=True))
    assert (marks["icb"], marks["reg-old"]) == ("added", "ended")  # the graph reads it the same way
    app.select_slider(key="diff_from").set_value("2022-07-01").run()
    assert app.select_slider(key="diff_from").value == "2022-07-01"
    assert not app.session_state.dates_swapped


def test_the_bundled_compare_list_is_the_cli_diff_line_for_line(app, monkeypatch):
    from test_cli import BLMK_LINES, cli

    monkeypatch.setenv("ORGS_DATA", str(ROOT / "data" / "orgs.yaml"))
    app.query_params.update(mode="diff", date="2022-08-01", **{"from": "2013-06-01"})
    app.run()
    assert not app.exception
    printed = [line[2:].rsplit(" [sources: ", 1)[0]
               for line in cli("diff", "2013-06-01", "2022-08-01").stdout.splitlines()
               if line.startswith("  ") and line != "  (none)"]
    assert changes_listed(app) == printed
    for expected in BLMK_LINES:
        assert expected in printed


def test_clicking_an_event_moves_the_slider_to_its_date(app):
    app.run()
    assert "event-0" not in [b.key for b in app.button]  # only the open tab is drawn: Details
    app.session_state.side_tab = "Events"  # as a click on the tab does
    app.run()
    app.button(key="event-0").click().run()  # March 2014: a report is published
    assert app.select_slider(key="date").value == "2014-03-01"
    assert app.query_params["date"] == "2014-03-01"


def test_the_details_panel_shows_history_lineage_and_sources(app):
    app.query_params.update(date="2021-04-01", org="ccg-all")
    app.run()
    panel = [plain(m.value) for m in app.get_by_key("details").markdown]
    assert panel[0] == "**All Testshire CCG**"
    assert "- commissions → Testshire Hospitals Trust (from 1 April 2021 until 30 June 2022) [2]" \
        in panel  # numbered as in the view: Article A is its first source
    assert "- ↑ North CCG (merged into, on 1 April 2021) [2]" in panel[3].splitlines()
    assert panel[-1] == "[2] Article B — 2020"
    assert [e.label for e in app.expander] == [
        "Summary", "Relationships on 1 April 2021 (1)", "Lineage (4)", "Names (1)", "Sources (1)",
        "Sources behind this view (2), numbered as in the tables, the graph's tooltips, the "
        "details and the downloads"]


CITED = re.compile(r' \[\\\[(\d+)\\\]\]\(\S+ "(?:[^"\\]|\\.)*"\)| \\\[(\d+)\\\]')


def cited_numbers(markdown_line: str) -> list[int]:
    """The source numbers a line of the page's Markdown ends with, in their order."""
    return [int(a or b) for a, b in CITED.findall(markdown_line)]


def listed_sources(markdown: str) -> dict[int, str]:
    """Number -> entry of a list of sources ("[3] Title — Publisher, 2020")."""
    entries = (plain(entry) for entry in markdown.split("\n\n"))
    return {int(entry[1:entry.index("]")]): entry for entry in entries}


@pytest.mark.parametrize(("day", "org"), [("2014-06-01", "mk-ccg"), ("2021-04-01", "blmk-ccg")])
def test_the_details_panel_numbers_sources_as_the_view_the_tables_and_the_json_do(
        app, monkeypatch, day, org):
    import json

    from graph.export.snapshot import render_snapshot
    from graph.page.view import load_graph

    monkeypatch.setenv("ORGS_DATA", str(ROOT / "data" / "orgs.yaml"))
    app.query_params.update(date=day, org=org)
    app.run()
    assert not app.exception
    exported = {s["number"]: s for s in json.loads(render_snapshot(
        load_graph(ROOT / "data" / "orgs.yaml"), "json", day))["sources"]}
    view_list = next(e for e in app.expander if e.label.startswith("Sources behind this view"))
    in_view = listed_sources(view_list.markdown[0].value)
    assert set(in_view) == set(exported)  # the JSON snapshot's list, number for number
    assert all(source["title"] in in_view[n] for n, source in exported.items())

    panel = [m.value for m in app.get_by_key("details").markdown]
    lines = [line for block in panel[1:-1] for line in block.splitlines()]
    for line in lines:  # (b) each line's numbers ascending
        assert cited_numbers(line) == sorted(cited_numbers(line)), plain(line)
    table = app.dataframe[0].value.set_index("id")
    assert cited_numbers(lines[0]) == [int(n) for n in table.loc[org, "sources"].split(", ")]

    panel_list = listed_sources(panel[-1])  # the panel's Sources section
    assert {n for line in lines for n in cited_numbers(line)} == set(panel_list)
    for number, entry in panel_list.items():  # the view's number, or the next free one
        if number <= len(exported):
            assert in_view[number] == entry
    beside = {n: e for n, e in panel_list.items() if n > len(exported)}
    assert beside  # a later merger in its lineage, not drawn that day: numbered after the view
    assert min(beside) == len(exported) + 1
    assert "**Cited beside the graph only**" in [m.value for m in view_list.markdown]
    assert beside.items() <= listed_sources(view_list.markdown[-1].value).items()


def test_play_advances_one_stop_per_tick(app):
    app.query_params.update(date="2021-04-01")
    app.run()
    app.button[0].click().run()  # ▶ Play
    assert app.session_state.playing
    app.session_state.played_at = 0.0  # as if the tick interval had passed
    app.run()
    assert app.select_slider(key="date").value == "2022-07-01"


def test_the_console_refuses_a_write_query_with_a_message(app):
    app.query_params.update(mode="console")
    app.run()
    assert not app.exception
    assert "Embedded LadybugDB store" in app.caption[1].value
    app.text_area(key="cypher").input("MATCH (t:Trust) SET t.name = 'x' RETURN t").run()
    next(b for b in app.button if b.label == "Run query").click().run()
    assert not app.exception
    assert len(app.error) == 1
    assert plain(app.error[0].value) == ("refused: SET writes to the graph; the console only "
                                         "reads the graph (use MATCH ... RETURN ...)")


def test_the_console_answers_a_read_query_as_a_table(app):
    app.query_params.update(mode="console")
    app.run()
    app.text_area(key="cypher").input(
        "MATCH (t:Trust) RETURN t.id AS id, t.name AS name ORDER BY id").run()
    next(b for b in app.button if b.label == "Run query").click().run()
    assert not app.exception and not app.error
    table = app.dataframe[-1].value
    assert table.to_dict("records") == [{"id": "hospital", "name": "Testshire Hospitals Trust"}]


def test_an_invalid_data_file_shows_its_problems_not_a_traceback(app, monkeypatch):
    monkeypatch.setenv("ORGS_DATA", str(DATA / "page_broken.yaml"))
    app.run()
    assert not app.exception
    assert app.error[0].value.startswith("The data file")
    problems = app.code[0].value.splitlines()
    assert problems == [  # the file's name, not where it lives on the server
        "page_broken.yaml:9:5: organisation is missing required field 'kind' "
        "(add 'kind:' (one of the declared kinds))"]


def test_a_link_to_any_day_adds_that_day_to_the_slider(app):
    app.query_params.update(date="2016-04-15")
    app.run()
    assert app.select_slider(key="date").value == "2016-04-15"
    assert app.subheader[0].value == "15 April 2016"
    assert shown_ids(app) == ["ccg-north", "ccg-south", "hospital", "reg-new", "reg-old"]


def test_a_link_with_an_unknown_kind_warns_and_keeps_the_graph(app):
    app.query_params.update(kinds="Foo", date="2021-04-01")
    app.run()
    assert not app.exception
    assert [plain(w.value) for w in app.warning] == [
        "Ignored part of the link: the link's kinds names an unknown kind 'Foo'."]
    assert shown_ids(app) == ["ccg-all", "ccg-north", "ccg-south", "hospital", "reg-new"]
    assert sorted(app.multiselect(key="kinds").value) == ["CCG", "Regulator", "Trust"]


def test_a_typed_date_moves_the_slider_there(app):
    app.run()
    app.text_input(key="typed_date").input("2019-06").run()
    assert app.select_slider(key="date").value == "2019-06-01"
    assert app.subheader[0].value == "1 June 2019"
    app.text_input(key="typed_date").input("June 2019").run()
    assert plain(app.caption[1].value) == ("Go to a date: 'June 2019' is not a date (write "
                                           "YYYY-MM-DD, YYYY-MM or YYYY)")
    assert app.select_slider(key="date").value == "2019-06-01"


def test_all_time_lets_the_slider_reach_back_before_the_story(app, monkeypatch):
    monkeypatch.setenv("ORGS_DATA", str(ROOT / "data" / "orgs.yaml"))
    app.run()
    options = app.select_slider(key="date").options
    assert options[0] == "2011 · The Healthier Together review of five hospitals begins"
    app.toggle(key="all_time").set_value(True).run()
    assert app.select_slider(key="date").options[0] == "1 April 1992"
    assert app.select_slider(key="date").value == "2025-10-01"  # the date stays


def page_text(at: AppTest) -> str:
    """Every piece of text the page shows (Markdown, captions, headings, tables, messages)."""
    parts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "text",
                                  "code", "warning", "error", "info")
             for e in getattr(at, kind)]
    parts += [e.label for e in (*at.expander, *at.button, *at.selectbox)]
    parts += [frame.value.to_csv() for frame in at.dataframe]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("params", [
    {"org": "blmk-ccg", "date": "2021-04-01"}, {"org": "monitor"},
    {"mode": "diff", "date": "2022-08-01", "from": "2013-06-01", "org": "mk-ccg"}])
def test_no_page_text_holds_a_path_outside_the_data_folder(app, monkeypatch, params):
    monkeypatch.setenv("ORGS_DATA", str(ROOT / "data" / "orgs.yaml"))
    app.query_params.update(params)
    app.run()
    assert not app.exception
    text = plain(page_text(app))
    assert "orgs.yaml" in text  # the file is named ...
    assert str(ROOT) not in text and "../" not in text  # ... never where it lives
    assert re.findall(r"""(?:^|[\s(:"'])((?:/[\w.-]+){2,})""", text) == []  # nor any path
