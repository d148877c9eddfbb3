"""Saved queries belong to an area: the ``queries:`` section of its YAML (format 1.1), checked
with the rest of the file and described by ``python -m graph schema``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from loaders import dataset as dataset_loader
from loaders import yaml_read
from loaders.query.result import QueryError
from loaders.query.saved import parameter_value, saved_query

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
MINI = DATA / "mini.yaml"


def _area(tmp_path: Path, queries: str, version: str = "1.1") -> Path:
    text = MINI.read_text().replace("format: 1\n", f"format: {version}\n", 1)
    path = tmp_path / "area.yaml"
    path.write_text(text + "queries:\n" + queries)
    return path


def _problems(path: Path) -> list[str]:
    return [str(p).removeprefix(f"{path}:") for p in dataset_loader.check(path)[1]]


def test_mini_starts_as_a_format_1_file_without_queries():
    assert MINI.read_text().startswith("# ") and "\nformat: 1\n" in MINI.read_text()
    assert dataset_loader.load(MINI).queries == ()


def test_a_queries_section_is_read_in_file_order_with_its_defaults(tmp_path):
    path = _area(tmp_path, (
        "  - id: trusts\n"
        "    title: The trusts\n"
        "    cypher: MATCH (t:Trust) RETURN t.name ORDER BY t.name\n"
        "  - id: on-a-day\n"
        "    title: Overseers on a day\n"
        "    description: Who oversaw the hospital.\n"
        "    params: {day: '2015-01-01', limit: 3}\n"
        "    cypher: |\n"
        "      MATCH (r)-[o:OVERSEES]->(t) WHERE o.valid_from <= date($day)\n"
        "      RETURN r.name ORDER BY r.name LIMIT $limit\n"))
    dataset = dataset_loader.load(path)
    assert [(q.id, q.title, q.description, q.params) for q in dataset.queries] == [
        ("trusts", "The trusts", None, {}),
        ("on-a-day", "Overseers on a day", "Who oversaw the hospital.",
         {"day": "2015-01-01", "limit": 3})]
    assert dataset.queries[1].cypher.endswith("LIMIT $limit")
    assert saved_query(dataset, "on-a-day") is dataset.queries[1]


def test_queries_in_a_format_1_file_are_an_error_naming_the_key(tmp_path):
    path = _area(tmp_path, "  - {id: a, title: A, cypher: 'MATCH (n) RETURN n'}\n", "1")
    line = path.read_text().splitlines().index("queries:") + 1
    assert _problems(path) == [f"{line}:1: 'queries' needs format 1.1 "
                               "(write 'format: 1.1' at the top of the file)"]


@pytest.mark.parametrize("entry, problem", [
    ("  - {id: w, title: W, cypher: \"MATCH (t:Trust) SET t.name = 'x'\"}\n",
     "2:31: saved query 'w' cannot run: refused: SET writes to the graph; the console only "
     "reads the graph (use MATCH ... RETURN ...)"),
    ("  - {id: l, title: L, cypher: \"LOAD FROM '.streamlit/secrets.toml' RETURN *\"}\n",
     "2:31: saved query 'l' cannot run: refused: LOAD FROM reads files; the console only reads "
     "the graph (use MATCH ... RETURN ...)"),
    ("  - {id: p, title: P, cypher: 'MATCH (n) WHERE n.id = $who RETURN n'}\n",
     "2:31: saved query 'p' uses $who with no default (add params: {who: ...})"),
    ("  - {id: u, title: U, params: {day: '2020'}, cypher: 'MATCH (n) RETURN n'}\n",
     "2:37: warning: saved query 'u' never uses $day (remove it or use it in the cypher)"),
    ("  - {id: v, title: V, params: {day: [1, 2]}, cypher: 'RETURN $day'}\n",
     "2:37: parameter 'day' must be text, a number or true/false, found a list (write one value)"),
    ("  - {id: k, title: K, params: {'2day': 1}, cypher: 'RETURN 1'}\n",
     "2:32: parameter name '2day' is not an identifier (use a letter or _, then letters, "
     "digits or _)"),
    ("  - {id: m, title: M}\n",
     "2:5: saved query is missing required field 'cypher' (add 'cypher:' (one read-only query "
     "(MATCH ... RETURN ...)))"),
    ("  - {id: d, title: D, cypher: 'RETURN 1'}\n  - {id: d, title: E, cypher: 'RETURN 2'}\n",
     "3:10: duplicate saved query id 'd' (give each query its own id)"),
])
def test_a_saved_query_that_cannot_run_as_it_is_is_reported_by_line(tmp_path, entry, problem):
    path = _area(tmp_path, entry)
    first = len(path.read_text().splitlines()) - len(entry.splitlines())
    shifted = problem.split(":", 1)
    expected = f"{int(shifted[0]) + first - 1}:{shifted[1]}"
    assert expected in _problems(path)


def test_the_json_schema_describes_the_queries_section():
    run = subprocess.run([sys.executable, "-m", "graph", "schema"], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    schema = json.loads(run.stdout)
    assert schema["properties"]["queries"]["items"] == {"$ref": "#/$defs/saved_query"}
    assert schema["$defs"]["saved_query"]["required"] == ["id", "title", "cypher"]
    validator = jsonschema.Draft202012Validator(schema)
    for path in (ROOT / "data" / "orgs.yaml", DATA / "schools.yaml"):
        assert list(validator.iter_errors(yaml_read.read(path).data)) == [], path
    document = yaml_read.read(DATA / "schools.yaml").data
    document["queries"][0]["params"] = {"day": ["a list"]}
    assert [e.message for e in validator.iter_errors(document)] == [
        "['a list'] is not of type 'string', 'number', 'boolean'"]


@pytest.mark.parametrize("default, text, value", [
    ("2014-06-01", "2023-06-01", "2023-06-01"), (3, "7", 7), (2.5, "1e3", 1000.0),
    (True, "FALSE", False), ("", "anything", "anything"),
])
def test_a_parameter_typed_as_text_takes_the_type_of_its_default(default, text, value):
    assert parameter_value(default, text) == value and type(parameter_value(default, text)) is type(value)


def test_a_parameter_that_does_not_read_as_its_defaults_type_is_one_line():
    with pytest.raises(QueryError, match="^'seven' is not a whole number$"):
        parameter_value(3, "seven")
