"""Story mode: a story told a step at a time on the page, exactly as its brief tells it (the same
pictures, changes and source numbers), each step a link. Plain functions first, then the page
under Streamlit's AppTest."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from page_text import plain
from streamlit.testing.v1 import AppTest

from graph.core.stops import story_stops
from graph.core.story import Run
from graph.export import brief
from graph.page import state, story, view
from loaders import dataset as dataset_loader

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
STORY = DATA / "story.yaml"  # mini.yaml with two stories: "testshire" (3 steps), "regulators"
TITLES = ["The new system starts", "A new regulator", "One CCG"]


@pytest.fixture(scope="module")
def graph():
    return view.load_graph(STORY)


@pytest.fixture(scope="module")
def dataset(graph):
    return graph.graph["dataset"]


@pytest.fixture(scope="module")
def prepared(graph):
    return brief.prepare(graph, "testshire")


# -- the step as the page draws it ----------------------------------------------------------

def test_each_step_draws_the_brief_picture_its_organisations_relationships_and_marks(
        graph, prepared):
    for index, step in enumerate(prepared.steps):
        drawn = story.step_view(graph, prepared, index).graph_data
        assert sorted((n["id"], n["state"]) for n in drawn["nodes"]) == \
            sorted((n.id, n.state) for n in step.view.nodes)
        assert sorted(e["id"] for e in drawn["edges"]) == sorted(e.id for e in step.view.edges)
    second = story.step_view(graph, prepared, 1).graph_data
    assert {n["id"]: n["state"] for n in second["nodes"]} == {
        "reg-new": "added", "reg-old": "ended", "ccg-north": "current", "hospital": "renamed"}
    assert [s["label"] for s in second["legend"]["states"]] == ["added", "ended", "renamed"]


def test_every_step_of_the_bundled_story_draws_its_brief_picture():
    bundled = view.load_graph(ROOT / "data" / "orgs.yaml")
    prepared = brief.prepare(bundled, "blmk-2013-2025")
    assert 8 <= len(prepared.steps) <= 12
    for index, step in enumerate(prepared.steps):
        shown = story.step_view(bundled, prepared, index)
        assert {n["id"]: n["state"] for n in shown.graph_data["nodes"]} == \
            {n.id: n.state for n in step.view.nodes}
        assert {s.number for s in shown.sources} >= {n for line in step.changes
                                                     for n in line.numbers}


def test_the_text_is_escaped_markdown_with_its_bold_and_italic(graph, prepared):
    first = story.step_view(graph, prepared, 0)
    assert first.label == "Step 1 of 3 · as at 1 April 2013"
    assert first.paragraphs == [
        "Two CCGs, **North** and **South**, start commissioning \\[1\\]; the *Old Regulator* "
        "oversees the hospital trust\\.",
        "A name like \\<b\\>Trust\\</b\\> or \\[a link\\]\\(javascript\\:alert\\(1\\)\\) "
        "stays text\\."]


def test_emphasis_marks_keep_the_spaces_outside_and_escape_what_is_inside():
    runs = [Run("a "), Run(" **b** ", bold=True), Run("c_d", italic=True),
            Run("e", bold=True, italic=True)]
    assert story.markdown(runs) == "a  **\\*\\*b\\*\\*** *c\\_d****e***"


def test_changes_and_sources_carry_the_brief_numbers(graph, prepared):
    last = story.step_view(graph, prepared, 2)
    assert last.citations.numbers == prepared.numbers == {"src-a": 1, "src-b": 2}
    assert last.step.changes_heading == "What changed since 1 April 2016 in what is drawn:"
    assert [plain(line) for line in last.changes][:3] == [
        "+ began: All Testshire CCG (from 1 April 2021) [2]",
        "− ended: North CCG (until 31 March 2021) [1]",
        "− ended: South CCG (until 31 March 2021) [1]"]
    assert [plain(e.markdown) for e in last.sources] == [
        "[1] [Article A](https://example.org/a) — Testshire News, March 2014",
        "[2] Article B — 2020"]
    assert story.step_view(graph, prepared, 0).changes == []


def test_the_brief_download_is_the_brief_file_in_each_format(graph):
    assert set(story.BRIEF_FORMATS) == set(brief.FORMATS)
    assert story.brief_file(graph, "testshire", ".pdf").startswith(b"%PDF")


def test_any_view_downloads_as_one_slide(graph, dataset):
    from pptx import Presentation

    stops = story_stops(dataset, today=dt.date(2026, 1, 1))
    shown = view.view(graph, state.ViewState(date=dt.date(2021, 4, 1), mode="diff",
                                             focus="hospital"), stops)
    deck = Presentation(io.BytesIO(story.view_slide(graph, shown)))
    assert len(deck.slides) == 1
    notes = deck.slides[0].notes_slide.notes_text_frame.text
    assert "as at 1 April 2021" in notes and "Testshire Hospitals Trust" in notes


# -- the link and the session --------------------------------------------------------------

def test_story_mode_is_a_mode_only_of_a_file_with_stories(dataset):
    assert state.modes(dataset) == ("explore", "diff", "console", "story")
    assert state.modes(dataset_loader.load(DATA / "mini.yaml")) == state.MODES
    assert "story" not in state.MODES


def test_a_step_link_reopens_its_step_and_round_trips(dataset):
    params = {"mode": "story", "story": "testshire", "step": "2"}
    linked, warnings = state.from_query_params(params, dataset)
    assert (linked, warnings) == (state.ViewState(mode="story", story="testshire", step=2), [])
    assert state.to_query_params(linked) == params


def test_the_url_of_a_story_names_only_its_step(dataset):
    values = {"mode": "story", "story": "regulators", "story_step": 2, "date": "2021-04-01",
              "focus": "hospital", "kinds": ["CCG"]}
    assert state.to_query_params(state.state_from_widgets(values, dataset)) == {
        "mode": "story", "story": "regulators", "step": "2"}


@pytest.mark.parametrize(("params", "shown", "warning"), [
    ({"story": "testshire", "step": "9"}, ("testshire", 3),
     "the link's step '9' is not a whole number from 1 to 3 (step 3 is shown)"),
    ({"story": "testshire", "step": "²"}, ("testshire", 1),
     "the link's step '²' is not a whole number from 1 to 3 (step 1 is shown)"),
    ({"story": "fairy-tale", "step": "2"}, (None, 2),
     "the link's story 'fairy-tale' is no story id in this data file (its stories: "
     "testshire, regulators)"),
])
def test_a_bad_story_or_step_in_a_link_is_ignored_with_a_warning(dataset, params, shown,
                                                                  warning):
    linked, warnings = state.from_query_params({"mode": "story", **params}, dataset)
    assert ((linked.story, linked.step), warnings) == (shown, [warning])


def test_a_story_link_to_a_file_without_stories_opens_explore_with_a_warning():
    mini = dataset_loader.load(DATA / "mini.yaml")
    linked, warnings = state.from_query_params({"mode": "story", "story": "testshire"}, mini)
    assert linked == state.ViewState()
    assert warnings == ["the link's mode 'story' needs a story, and this data file has none",
                        "the link names a story, and this data file has none"]


def test_the_session_keeps_a_story_and_step_the_file_has(dataset):
    session = {"mode": "story", "story": "", "story_step": 2}
    state.keep_story(session, dataset)
    assert (session["story"], session["story_step"]) == ("testshire", 2)  # the link's step
    session.update(story="regulators", story_step=5)
    state.keep_story(session, dataset)
    assert session["story_step"] == 2  # its last
    session.update(story="gone", story_step=2)  # the file changed under the session
    state.keep_story(session, dataset)
    assert (session["story"], session["story_step"]) == ("testshire", 1)
    session = {"mode": "story", "story": "testshire", "story_step": 2}
    state.keep_story(session, dataset_loader.load(DATA / "mini.yaml"))
    assert (session["mode"], session["story"]) == ("explore", "")


# -- the page ------------------------------------------------------------------------------

@pytest.fixture
def story_app(monkeypatch, tmp_path):
    """The page on story.yaml, with the embedded store built in a temporary folder."""
    monkeypatch.setenv("ORGS_DATA", str(STORY))
    monkeypatch.setenv("ORGS_CACHE_DIR", str(tmp_path / "store"))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.chdir(ROOT)
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)  # a busy machine


def drawn_nodes(at: AppTest) -> dict[str, str]:
    """Organisation id -> state of the boxes handed to the page's graph component."""
    (component,) = at.get("bidi_component")
    return {n["id"]: n["state"] for n in json.loads(component.proto.json)["nodes"]}


def step_title(at: AppTest) -> str:
    return plain(at.get_by_key("story-head").subheader[0].value)


def test_the_mode_is_offered_only_when_the_file_has_stories(app, monkeypatch):
    app.run()  # mini.yaml: no stories
    assert app.radio(key="mode").options == ["Explore", "Compare two dates", "Cypher console"]
    monkeypatch.setenv("ORGS_DATA", str(STORY))
    story_app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    story_app.run()
    assert story_app.radio(key="mode").options[-1] == "Story"
    story_app.radio(key="mode").set_value("story").run()
    assert not story_app.exception
    assert step_title(story_app) == TITLES[0]
    assert dict(story_app.query_params) == {"mode": "story", "story": "testshire", "step": "1"}


def test_next_and_previous_walk_every_step_and_the_link_follows(story_app, graph, prepared):
    story_app.query_params.update(mode="story", story="testshire")
    story_app.run()
    seen = []
    while True:
        step = len(seen)
        seen.append(step_title(story_app))
        assert story_app.query_params["step"] == str(step + 1)
        assert drawn_nodes(story_app) == {n.id: n.state for n in prepared.steps[step].view.nodes}
        assert story_app.button(key="story_previous").disabled == (step == 0)
        if story_app.button(key="story_next").disabled:
            break
        story_app.button(key="story_next").click().run()
    assert seen == TITLES
    story_app.button(key="story_previous").click().run()
    story_app.button(key="story_previous").click().run()
    assert (step_title(story_app), story_app.query_params["step"]) == (TITLES[0], "1")
    assert story_app.button(key="story_previous").disabled


def test_a_link_opens_its_step_with_its_text_changes_and_sources(story_app, prepared):
    story_app.query_params.update(mode="story", story="testshire", step="3")
    story_app.run()
    assert not story_app.exception and not story_app.warning
    head = story_app.get_by_key("story-head")
    assert plain(head.caption[0].value) == "Step 3 of 3 · as at 1 April 2021"
    assert step_title(story_app) == "One CCG"
    side = [plain(m.value) for m in story_app.get_by_key("story_text").markdown]
    assert side[:2] == ["The CCGs merge [2].",
                        "**What changed since 1 April 2016 in what is drawn:**"]
    assert side[2].startswith("- + began: All Testshire CCG (from 1 April 2021) [2]\n")
    assert side[3:] == ["**Sources of this step (2)**",
                        "[1] [Article A](https://example.org/a) — Testshire News, March 2014"
                        "\n\n[2] Article B — 2020"]
    table = sorted(story_app.dataframe[0].value["id"])
    assert table == sorted(drawn_nodes(story_app)) == \
        sorted(n.id for n in prepared.steps[2].view.nodes)


def test_a_bad_step_in_the_link_warns_and_shows_the_nearest(story_app):
    story_app.query_params.update(mode="story", story="testshire", step="9")
    story_app.run()
    assert [plain(w.value) for w in story_app.warning] == [
        "Ignored part of the link: the link's step '9' is not a whole number from 1 to 3 "
        "(step 3 is shown)."]
    assert step_title(story_app) == TITLES[2]
    assert story_app.query_params["step"] == "3"


def test_picking_another_story_opens_it_at_its_first_step(story_app):
    story_app.query_params.update(mode="story", story="testshire", step="2")
    story_app.run()
    story_app.selectbox(key="story_choice").set_value("regulators").run()
    assert step_title(story_app) == "The old regulator"
    assert dict(story_app.query_params) == {"mode": "story", "story": "regulators", "step": "1"}
    assert set(drawn_nodes(story_app)) == {"reg-old"}


def test_the_downloads_are_the_brief_in_story_mode_and_a_slide_in_the_other_views(story_app):
    story_app.query_params.update(mode="story")
    story_app.run()
    assert story_app.radio(key="brief_format").options == ["PDF", "PowerPoint", "Word",
                                                           "HTML"]
    labels = [b.proto.label for b in story_app.get("download_button")]
    assert labels == ["Brief (PDF)"]
    story_app.radio(key="brief_format").set_value(".docx").run()
    assert [b.proto.label for b in story_app.get("download_button")] == ["Brief (Word)"]
    story_app.radio(key="mode").set_value("explore").run()
    assert "This view as one slide (PowerPoint)" in [
        b.proto.label for b in story_app.get("download_button")]
