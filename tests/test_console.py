"""The page's Cypher console driven by Streamlit's AppTest: the area's own saved queries, their
parameters, the title only while the text is unchanged, errors as one line (the database's own
words below), counts in words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from graph.core.model import SavedQuery
from graph.page import console

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"


def _console(monkeypatch, tmp_path, data: Path) -> AppTest:
    monkeypatch.setenv("ORGS_DATA", str(data))
    monkeypatch.setenv("ORGS_CACHE_DIR", str(tmp_path / "store"))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.chdir(ROOT)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.query_params.update(mode="console")
    app.run()
    assert not app.exception
    return app


def _plain(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


def _run(app: AppTest) -> None:
    next(b for b in app.button if b.label == "Run query").click().run()
    assert not app.exception


def _captions(app: AppTest) -> list[str]:
    return [_plain(c.value) for c in app.caption]


def test_the_console_offers_only_the_areas_own_saved_queries(monkeypatch, tmp_path):
    schools = _console(monkeypatch, tmp_path, DATA / "schools.yaml")
    picker = schools.selectbox(key="saved_query")
    assert picker.options == ["Pick a saved query…", "Who ran each school on a date",
                              "Schools that became academies"]
    mini = _console(monkeypatch, tmp_path, DATA / "mini.yaml")
    assert not [s for s in mini.selectbox if s.key == "saved_query"]
    assert ("This area's file has no saved queries (a queries: section; see docs/yaml.md)."
            in _captions(mini))


def test_a_saved_query_runs_with_its_parameter_and_its_title_lasts_while_its_text_does(
        monkeypatch, tmp_path):
    app = _console(monkeypatch, tmp_path, DATA / "schools.yaml")
    app.selectbox(key="saved_query").set_value("schools-run-on-a-date").run()
    description = ("The body with a RUNS relationship in force to each school open on the day "
                   "given.")
    assert app.text_area(key="cypher").value.startswith("MATCH (body)-[r:RUNS]->(s:School)")
    assert app.text_input(key="param_day").value == "2020-01-01"
    assert description in _captions(app)
    app.text_input(key="param_day").input("2019-01-01").run()
    _run(app)
    assert not app.error
    assert app.dataframe[-1].value.to_dict("records") == [
        {"school": "Hill Community School", "run_by": "Schoolshire County Council"}]
    assert "1 row from the embedded store" in _captions(app)

    edited = app.text_area(key="cypher").value.replace("ORDER BY school", "ORDER BY run_by")
    app.text_area(key="cypher").input(edited).run()
    assert app.selectbox(key="saved_query").value == ""
    assert description not in _captions(app)
    assert app.text_input(key="param_day").value == "2019-01-01"


def test_a_refusal_is_one_line_and_a_syntax_error_shows_the_databases_words_below(
        monkeypatch, tmp_path):
    app = _console(monkeypatch, tmp_path, DATA / "mini.yaml")
    app.text_area(key="cypher").input("LOAD FROM '.streamlit/secrets.toml' RETURN *").run()
    _run(app)
    assert [_plain(e.value) for e in app.error] == [
        "refused: LOAD FROM reads files; the console only reads the graph (use MATCH ... "
        "RETURN ...)"]
    assert not any(c.startswith("The database said") for c in _captions(app))

    app.text_area(key="cypher").input("MATCH n RETURN n").run()
    _run(app)
    assert [_plain(e.value) for e in app.error] == [
        "syntax error at line 1, column 9, near 'RETURN': the query goes wrong at or just "
        "before this point (check the spelling, brackets and quotes there)"]
    assert ("The database said: Parser exception: Invalid input <MATCH n RETURN>: expected "
            "rule oC_SingleQuery (line: 1, offset: 8)") in _captions(app)


def test_a_store_that_cannot_be_written_is_one_line_on_the_page(monkeypatch, tmp_path):
    app = _console(monkeypatch, tmp_path, DATA / "mini.yaml")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ORGS_CACHE_DIR", str(blocker))
    app.text_area(key="cypher").input("MATCH (t:Trust) RETURN t.name").run()
    _run(app)
    assert [_plain(e.value) for e in app.error] == [
        f"cannot write the embedded store in {blocker}: File exists (set ORGS_CACHE_DIR to a "
        "writable folder)"]


@pytest.mark.parametrize("text, names", [
    ("MATCH (n) WHERE n.id = $who AND n.valid_from < date($day) RETURN n", ["day", "who"]),
    ("MATCH (n) RETURN n // $not_a_parameter", []),
    ("MATCH (n) WHERE n.name = 'unclosed", []),
])
def test_the_parameters_asked_for_are_the_ones_the_text_uses(text, names):
    assert console.parameter_names(text) == names


def test_parameter_values_take_the_type_of_any_saved_default():
    queries = (SavedQuery("a", "A", "RETURN $n", params={"n": 3}),
               SavedQuery("b", "B", "RETURN $n, $day", params={"n": 9, "day": "2020"}))
    defaults = console.parameter_defaults(queries)
    assert defaults == {"n": 3, "day": "2020"}
    assert console.parameter_values(["day", "n", "x"], {"day": "2021", "n": "4", "x": "y"},
                                    defaults) == {"day": "2021", "n": 4, "x": "y"}
    with pytest.raises(console.QueryError, match=r"^\$n: 'four' is not a whole number "
                                                 r"\(type a value like 3\)$"):
        console.parameter_values(["n"], {"n": "four"}, defaults)


# -- which store answers: the same settings as the CLI, never the password ------------------------

PASSWORD = "Sup3r-S3cret-Pa55word"


@pytest.mark.parametrize("environ, secrets, line", [
    ({"NEO4J_URI": f"neo4j+s://reader:{PASSWORD}@abc.databases.neo4j.io",
      "NEO4J_PASSWORD": PASSWORD}, {},
     "Neo4j at neo4j+s://abc.databases.neo4j.io (NEO4J_URI is set in the environment; unset it "
     "to use the embedded store)"),
    ({}, {"neo4j": {"uri": "bolt://db.example:7687", "username": "reader",
                    "password": PASSWORD}},
     "Neo4j at bolt://db.example:7687 (set in Streamlit's secrets, .streamlit/secrets.toml; "
     "remove it there to use the embedded store)"),
    ({}, {"NEO4J_URI": "bolt://flat.example:7687", "NEO4J_PASSWORD": PASSWORD},
     "Neo4j at bolt://flat.example:7687 (set in Streamlit's secrets, .streamlit/secrets.toml; "
     "remove it there to use the embedded store)"),
    ({"NEO4J_URI": "bolt://env.example:7687"}, {"neo4j": {"uri": "bolt://secrets.example:1"}},
     "Neo4j at bolt://env.example:7687 (NEO4J_URI is set in the environment; unset it to use "
     "the embedded store)"),
    ({"NEO4J_PASSWORD": PASSWORD}, {},
     "Embedded LadybugDB store, built from the data file (set NEO4J_URI, NEO4J_USERNAME and "
     "NEO4J_PASSWORD, or put them in .streamlit/secrets.toml, to query Neo4j instead)"),
])
def test_the_store_line_reads_the_environment_or_the_secrets_and_never_shows_the_password(
        environ, secrets, line):
    settings, said = console.store_label(environ, secrets)
    assert said == line
    assert PASSWORD not in said and "reader" not in said
    assert (settings is None) == line.startswith("Embedded")
    if settings is not None:
        assert settings.password in (PASSWORD, "") and PASSWORD not in repr(settings)


def _everything_shown(app: AppTest) -> str:
    """The messages of every element on the page (main area and sidebar)."""
    shown: list[str] = []

    def walk(node) -> None:
        if getattr(node, "proto", None) is not None:
            shown.append(str(node.proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(app._tree)
    return "\n".join(shown)


@pytest.mark.parametrize("where", ["environment", "secrets"])
def test_the_page_queries_the_neo4j_its_settings_name_and_says_so(where, neo4j_db, monkeypatch,
                                                                 tmp_path):
    from loaders import dataset as dataset_loader
    from loaders.stores import neo4j_store

    settings, _ = neo4j_db
    neo4j_store.load(dataset_loader.load(DATA / "schools.yaml"), settings=settings)
    monkeypatch.setenv("ORGS_DATA", str(DATA / "schools.yaml"))
    monkeypatch.setenv("ORGS_CACHE_DIR", str(tmp_path / "store"))
    monkeypatch.chdir(tmp_path)  # no secrets file but the test's own
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if where == "secrets":
        for key in ("NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
            monkeypatch.delenv(key, raising=False)
        app.secrets["neo4j"] = {"uri": settings.uri, "username": settings.username,
                                "password": settings.password}
    app.query_params.update(mode="console")
    app.run()
    assert not app.exception
    store_line = next(c for c in _captions(app) if c.startswith("Store: "))
    assert store_line.startswith(f"Store: Neo4j at {settings.where} (")
    app.selectbox(key="saved_query").set_value("schools-run-on-a-date").run()
    _run(app)
    assert not app.error
    assert app.dataframe[-1].value.to_dict("records") == [
        {"school": "Hill Academy", "run_by": "Oak Academy Trust"}]
    assert "1 row from the neo4j store" in _captions(app)
    # the embedded store was never built (the folder may hold the warm graph, graphs/)
    assert not list((tmp_path / "store").glob("**/*.lbug*")), "the embedded store was built"
    assert settings.password not in _everything_shown(app)


def test_the_schema_panel_lists_what_there_is_and_its_examples_run(monkeypatch, tmp_path):
    app = _console(monkeypatch, tmp_path, ROOT / "data" / "orgs.yaml")
    panel = next(e for e in app.expander if e.label.startswith("Schema:"))
    labels = panel.dataframe[0].value
    counts = dict(zip(labels["label"], labels["nodes"], strict=True))
    assert counts["Trust"] == 10 and counts["CCG"] == 4 and counts["Source"] == 191
    assert "valid_from DATE" in labels["properties"][0]
    types = panel.dataframe[1].value
    assert "COMMISSIONS" in set(types["relationship type"])
    examples = [b for b in app.button if b.key and b.key.startswith("schema_example_")]
    assert len(examples) == 3
    examples[0].click().run()  # how many organisations of each kind: into the box, then run
    assert app.text_area(key="cypher").value.startswith("MATCH (o) WHERE NOT label(o)")
    _run(app)
    table = app.dataframe[-1].value  # the result, below the panel's two
    assert dict(zip(table["kind"], table["n"], strict=True))["Trust"] == 10
    assert sum(table["n"]) == 95  # every organisation, and nothing else
