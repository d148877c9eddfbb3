"""No internal error reaches a user: arbitrary text into the CLI's query, the page's console and
every parameter of a link gives an answer or one line saying what is wrong (exit code 2 from the
CLI), never a traceback or exit code 1."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from graph.cli.main import main
from graph.page import state
from loaders import dataset as dataset_loader
from loaders.query.guard import check_read_only
from loaders.query.result import QueryError

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "data" / "mini.yaml"
DATASET = dataset_loader.load(MINI)
FIXTURES = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]

# Any character at all, the odd ones often: digits of other scripts, superscripts, line and
# paragraph separators, control characters, quotes, surrogate-free astral characters.
ODD = "²³¹٢٠١٤१०０１\u00a0\u2028\u2029\u0085\x00\x07\x1b\t\r\n'\"`$;{}[]()\\/*.:%\ufeff𝟘"
text = st.text(st.one_of(st.characters(exclude_categories=("Cs",)), st.sampled_from(ODD)),
               max_size=40)
# Text that reaches the database more often: a reading query with arbitrary text inside.
near_cypher = st.builds(lambda before, middle, after: f"{before}{middle}{after}",
                        st.sampled_from(["RETURN ", "MATCH (n) WHERE n.name = ", "UNWIND ",
                                         "MATCH (n:", "RETURN $", "WITH 1 AS x RETURN x"]),
                        text, st.sampled_from(["", " RETURN 1", ") RETURN n", " AS x RETURN x"]))


@settings(max_examples=1000, deadline=None)
@given(st.one_of(text, near_cypher))
@example("RETURN ²")
@example("RETURN 1²")
@example("MATCH (n) RETURN $٢")
def test_the_guard_passes_or_refuses_any_text_in_one_line(query):
    try:
        check_read_only(query)
    except QueryError as error:
        assert "\n" not in str(error) and str(error)


def _cli(capsys, argv: list[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as stop:  # argparse: a mistake on the command line
        code = stop.code
    out, err = capsys.readouterr()
    return code, out, err


def _one_line_or_answer(code: int, out: str, err: str) -> None:
    assert code in (0, 2), (code, err)
    if code == 2:
        assert out == "" and err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err


@settings(max_examples=150, deadline=None, suppress_health_check=FIXTURES)
@given(st.one_of(text, near_cypher), st.sampled_from(["table", "json", "csv"]))
@example("RETURN ²", "table")
@example("-x", "table")
@example("RETURN $p", "json")
def test_the_cli_query_answers_or_says_what_is_wrong_in_one_line(capsys, tmp_path_factory,
                                                                 monkeypatch, query, fmt):
    monkeypatch.setenv("ORGS_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "fuzz-cache"))
    _one_line_or_answer(*_cli(capsys, ["query", "--data", str(MINI), query, "--format", fmt]))


@settings(max_examples=150, deadline=None, suppress_health_check=FIXTURES)
@given(st.sampled_from(["--timeout", "--memory", "--limit", "--at", "--param", "--saved"]),
       st.one_of(text, st.sampled_from(["inf", "nan", "1e30", "-0", "0x10", "1_0", "٣", "p=1e999",
                                        "p=99999999999999999999999", "p=NaN", "p=[[[]]]"])))
@example("--timeout", "inf")
@example("--timeout", "nan")
@example("--timeout", "1e30")
def test_every_query_option_takes_any_text(capsys, tmp_path_factory, monkeypatch, option, value):
    monkeypatch.setenv("ORGS_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "fuzz-cache"))
    query = "RETURN $p AS p" if option == "--param" else "MATCH (t:Trust) RETURN t.id"
    _one_line_or_answer(*_cli(capsys, ["query", "--data", str(MINI), query, option, value]))


# -- links: every parameter of the page's URL ---------------------------------------------------

PARAMS = ["date", "mode", "from", "focus", "depth", "kinds", "types", "org", "source", "embed_x"]


@settings(max_examples=1000, deadline=None)
@given(st.dictionaries(st.sampled_from(PARAMS),
                       st.one_of(text, st.lists(text, max_size=3),
                                 st.sampled_from(["²", "٢", "1_0", "9" * 5000, "2014-02-30",
                                                  "٢٠١٤-٠٣", "console", "ccg-north,²"]))))
@example({"depth": "²"})
@example({"depth": "9" * 5000})
@example({"date": "٢٠١٤"})
def test_any_link_opens_a_view_with_a_warning_per_part_ignored(params):
    view, warnings = state.from_query_params(params, DATASET)
    assert 1 <= view.depth <= state.MAX_DEPTH and view.mode in state.MODES
    assert all(isinstance(w, str) and w for w in warnings)
    session: dict = {}
    state.open_session(session, params, DATASET)
    choices = {"": "", **{o: o for o in DATASET.organisations}}
    assert state.reconcile(session, DATASET, choices, today=dt.date(2024, 1, 1))


def test_a_depth_in_other_digits_is_ignored_with_a_warning():
    for depth in ("²", "٢", "1_0", "9" * 5000):
        view, warnings = state.from_query_params({"depth": depth, "focus": "icb"}, DATASET)
        assert view.depth == 1
        assert warnings == [f"the link's depth '{depth}' is not a whole number from 1 to 4 "
                            "(depth 1 is shown)"]


# -- the page: its console and its link, driven like a reader would ---------------------------------

_PAGE: dict[str, AppTest] = {}


def _page(monkeypatch, tmp_path_factory, **params: str) -> AppTest:
    monkeypatch.setenv("ORGS_DATA", str(MINI))
    monkeypatch.setenv("ORGS_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "page-cache"))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.chdir(ROOT)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.query_params.update(params)
    app.run()
    return app


def _plain(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


@pytest.mark.parametrize("params", [{"depth": "²", "focus": "icb"}, {"date": "٢٠١٤-٠٣"},
                                    {"mode": "console", "depth": "\u2028"},
                                    {"from": "2014-02-30", "mode": "diff"}, {"kinds": "²,\x00"}])
def test_an_odd_link_opens_the_page_with_one_warning_per_part(monkeypatch, tmp_path_factory,
                                                              params):
    app = _page(monkeypatch, tmp_path_factory, **params)
    assert not app.exception
    assert all(_plain(w.value).startswith("Ignored part of the link: ") for w in app.warning)


@settings(max_examples=30, deadline=None, suppress_health_check=FIXTURES)
@given(st.one_of(text, near_cypher), text, text)
@example("RETURN ²", "", "")
@example("MATCH (n) WHERE n.id = $who RETURN n", "٢", "")
@example("RETURN 1", "", "٢٠١٤")
def test_the_console_answers_or_shows_one_line_for_any_text(monkeypatch, tmp_path_factory,
                                                             query, value, as_at):
    app = _PAGE.get("console")
    if app is None:
        app = _PAGE["console"] = _page(monkeypatch, tmp_path_factory, mode="console")
    app.text_area(key="cypher").input(query).run()
    for box in app.text_input:
        if box.key and box.key.startswith("param_"):
            box.input(value)
    app.text_input(key="as_at").input(as_at)
    next(b for b in app.button if b.label == "Run query").click().run()
    assert not app.exception, app.exception
    errors = [_plain(e.value) for e in app.error]
    assert len(errors) <= 1 and all("\n" not in e and "Traceback" not in e for e in errors)
