"""The page driven by Streamlit's AppTest: real widgets, real reruns, no browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"


@pytest.fixture
def app(monkeypatch, tmp_path):
    """The page on mini.yaml, with the embedded store built in a temporary folder."""
    monkeypatch.setenv("ORGS_DATA", str(DATA / "mini.yaml"))
    monkeypatch.setenv("ORGS_CACHE_DIR", str(tmp_path / "store"))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.chdir(ROOT)
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)


def plain(markdown: str) -> str:
    """Markdown escaped by ``graph.page.md`` back to the text the reader sees."""
    return re.sub(r"\\(.)", r"\1", markdown)


def shown_ids(at: AppTest) -> list[str]:
    """The organisation ids in the accessible table under the graph."""
    return sorted(at.dataframe[0].value["id"])


def test_moving_the_slider_shows_the_organisations_of_that_date(app):
    app.run()
    assert not app.exception
    assert app.select_slider(key="date").value == "2021-04-01"  # the latest named snapshot
    assert shown_ids(app) == ["ccg-all", "ccg-north", "ccg-south", "hospital", "reg-new"]

    app.select_slider(key="date").set_value("2015-01-01").run()
    assert shown_ids(app) == ["ccg-north", "ccg-south", "hospital", "reg-old"]
    table = app.dataframe[0].value.set_index("id")
    assert table.loc["hospital", "name"] == "Testshire General Hospital Trust"
    assert app.subheader[0].value == "1 January 2015"
    assert app.query_params["date"] == "2015-01-01"


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
    changes = app.text[0].value.splitlines()
    assert changes[:3] == ["+ began: All Testshire CCG", "− ended: North CCG",
                           "− ended: South CCG"]
    assert dict(zip(app.dataframe[0].value["id"], app.dataframe[0].value["shown as"],
                    strict=True))["ccg-north"] == "ended"


def test_clicking_an_event_moves_the_slider_to_its_date(app):
    app.run()
    app.button(key="event-0").click().run()  # March 2014: a report is published
    assert app.select_slider(key="date").value == "2014-03-01"
    assert app.query_params["date"] == "2014-03-01"


def test_the_details_panel_shows_history_lineage_and_sources(app):
    app.query_params.update(date="2021-04-01", org="ccg-all")
    app.run()
    texts = [t.value for t in app.text]
    assert "↑ North CCG (merged into, 1 April 2021)" in texts[-1].splitlines()
    assert "commissions → Testshire Hospitals Trust" in texts
    assert "- Article B (2020)" in [plain(m.value) for m in app.markdown]


def test_play_advances_one_stop_per_tick(app):
    app.query_params.update(date="2021-04-01")
    app.run()
    app.button[0].click().run()  # ▶ Play
    assert app.session_state.playing
    app.session_state.played_at = 0.0  # as if the tick interval had passed
    app.run()
    assert app.select_slider(key="date").value == "2021-05-01"


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
    table = app.dataframe[0].value
    assert table.to_dict("records") == [{"id": "hospital", "name": "Testshire Hospitals Trust"}]


def test_an_invalid_data_file_shows_its_problems_not_a_traceback(app, monkeypatch):
    monkeypatch.setenv("ORGS_DATA", str(DATA / "page_broken.yaml"))
    app.run()
    assert not app.exception
    assert app.error[0].value.startswith("The data file")
    problems = app.code[0].value.splitlines()
    assert problems == [
        f"{DATA / 'page_broken.yaml'}:9:5: organisation is missing required field 'kind' "
        "(add 'kind:' (one of the declared kinds))"]


def test_a_link_to_any_day_adds_that_day_to_the_slider(app):
    app.query_params.update(date="2016-04-15")
    app.run()
    assert app.select_slider(key="date").value == "2016-04-15"
    assert app.subheader[0].value == "15 April 2016"
    assert shown_ids(app) == ["ccg-north", "ccg-south", "hospital", "reg-new", "reg-old"]
