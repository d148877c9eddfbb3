"""Every store promise, on both stores: each test runs on the embedded LadybugDB store and on a
real Neo4j server (the ``store`` fixture in conftest.py; the Neo4j run skips, saying so, only
when no server is configured, and ./scripts/test starts one where Java and Maven exist).

Load, reload, sync, datasets that share an area name, all-or-nothing, dates, the graph schema,
custom kinds, and the read-only console's refusals, time limit, row cap and syntax errors.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from stores_under_test import (
    HOSTILE,
    hostile_yaml,
    kill_while_loading,
    same_model,
    without_organisation,
)

from loaders import dataset as dataset_loader
from loaders.query import run as query_runner
from loaders.query.result import QueryError

DATA = Path(__file__).parent / "data"
MINI = DATA / "mini.yaml"
SCHOOLS = DATA / "schools.yaml"
BUNDLED = Path(__file__).parent.parent / "data" / "orgs.yaml"
def _copy(source: Path, target: Path, replace: tuple[str, str] = ("", "")) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(source.read_text(encoding="utf-8").replace(*replace), encoding="utf-8")
    return target


def _counts(store, path: Path) -> list[list[int]]:
    return [store.query("MATCH (n) RETURN count(n)", path).rows[0][0],
            store.query("MATCH ()-[r]->() RETURN count(r)", path).rows[0][0]]


# -- load, reload, sync -----------------------------------------------------------------------

@pytest.mark.parametrize("name", ["mini", "schools", "bundled", "hostile"])
def test_a_load_keeps_every_value_and_reading_it_back_gives_the_model(store, name, tmp_path):
    path = {"mini": MINI, "schools": SCHOOLS, "bundled": BUNDLED,
            "hostile": hostile_yaml(tmp_path)}[name]
    loaded = dataset_loader.load(path)
    counts = store.load(path)
    assert counts["organisations"] == len(loaded.organisations)
    assert counts["relationships"] == len(loaded.relationships)
    same_model(loaded, store.read_back(loaded))
    nodes = len(loaded.organisations) + len(loaded.sources) + len(loaded.events)
    links = counts["relationships"] + counts["citations"] + counts["involvements"]
    assert _counts(store, path) == [nodes, links]


def test_cypher_in_names_and_notes_is_stored_as_plain_text(store, tmp_path):
    path = hostile_yaml(tmp_path)
    store.load(path)
    result = store.query("MATCH (t:Trust) RETURN t.name, t.notes, t.ods_code, t.former_names",
                         path)
    assert result.rows == [[HOSTILE["name"], HOSTILE["notes"], HOSTILE["ods_code"],
                            [HOSTILE["former"]]]]
    by_param = store.query("MATCH (t:Trust {name: $name}) RETURN t.id", path,
                           params={"name": HOSTILE["name"]})
    assert by_param.rows == [["hospital"]]
    roles = store.query("MATCH ()-[o:OVERSEES]->() WHERE o.role IS NOT NULL RETURN o.role", path)
    assert roles.rows == [[HOSTILE["role"]]]


def test_loading_the_same_file_again_changes_nothing(store):
    loaded = dataset_loader.load(SCHOOLS)
    store.load(SCHOOLS)
    before = _counts(store, SCHOOLS), store.read_back(loaded)
    every = "MATCH (n) OPTIONAL MATCH (n)-[r]->(m) RETURN n, r, m"
    rows = store.query(every, SCHOOLS).rows
    store.load(SCHOOLS)
    assert (_counts(store, SCHOOLS), store.read_back(loaded)) == before
    assert sorted(map(repr, store.query(every, SCHOOLS).rows)) == sorted(map(repr, rows))


def test_a_sync_removes_what_left_the_yaml_and_keeps_another_files_graph(store, tmp_path):
    # Two files with the same area name ("Testshire"): two datasets, not one.
    first = _copy(MINI, tmp_path / "a" / "area.yaml")
    second = _copy(MINI, tmp_path / "b" / "area.yaml", ("Old Regulator", "Former Regulator"))
    store.load(first)
    store.load(second)
    other = dataset_loader.load(second)
    same_model(dataset_loader.load(first), store.read_back(dataset_loader.load(first)))
    same_model(other, store.read_back(other))

    without_organisation(MINI, "ccg-south", first)  # the same file, one organisation fewer
    store.load(first)
    trimmed = dataset_loader.load(first)
    back = store.read_back(trimmed)
    same_model(trimmed, back)
    assert "ccg-south" not in back.organisations
    assert not [r for r in back.relationships if "ccg-south" in (r.source, r.target)]
    assert [e.organisations for e in back.events] == [("ccg-north",), ("ccg-north", "ccg-all")]
    same_model(other, store.read_back(other))  # the other file's graph is whole


def test_a_changed_kind_moves_the_organisation_to_its_new_label(store, tmp_path):
    path = _copy(SCHOOLS, tmp_path / "schools.yaml")
    store.load(path)
    _copy(SCHOOLS, path, ("{id: oak-trust, name: Oak Academy Trust, kind: AcademyTrust",
                          "{id: oak-trust, name: Oak Academy Trust, kind: LocalAuthority"))
    store.load(path)
    assert store.query("MATCH (t:AcademyTrust) RETURN t.id", path).rows == []
    rows = store.query("MATCH (t:LocalAuthority)-[r:RUNS]->(s:School) RETURN t.id, s.id "
                       "ORDER BY t.id", path)
    assert rows.rows == [["oak-trust", "hill-academy"], ["shire-council", "hill-school"]]
    same_model(dataset_loader.load(path), store.read_back(dataset_loader.load(path)))


# -- all or nothing ----------------------------------------------------------------------------

def _big_version(path: Path, organisations: int) -> None:
    """The file at ``path`` with ``organisations`` more, each citing a source and overseen."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["organisations"] += [{"id": f"extra-{i}", "name": f"Extra Trust {i}", "kind": "Trust",
                                   "valid_from": "2013-04-01", "sources": ["src-a"]}
                                  for i in range(organisations)]
    document["relationships"] += [{"from": "reg-new", "type": "OVERSEES", "to": f"extra-{i}",
                                   "sources": ["src-a"]} for i in range(organisations)]
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")


def test_a_load_killed_part_way_leaves_the_previous_graph(store, tmp_path):
    path = _copy(MINI, tmp_path / "area.yaml")
    previous = dataset_loader.load(path)
    store.load(path)
    _big_version(path, 3000)  # the same file, grown: a load that takes a while
    assert any(kill_while_loading(store, path) for _ in range(5)), \
        "the load always finished before it could be killed"
    same_model(previous, store.read_back(previous))
    grown = dataset_loader.load(path)
    store.load(path)  # the next load completes
    assert len(store.read_back(grown).organisations) == 3007


def test_a_load_that_fails_part_way_leaves_the_previous_graph(store, tmp_path):
    path = _copy(MINI, tmp_path / "area.yaml")
    previous = dataset_loader.load(path)
    store.load(path)
    without_organisation(MINI, "hospital", path)
    calls = []

    def fail_on_the_third_step(what: str, rows: int) -> None:
        calls.append(what)
        if len(calls) == 3:
            raise RuntimeError("the connection dropped")

    with pytest.raises(Exception, match="the connection dropped"):
        store.load(path, progress=fail_on_the_third_step)
    same_model(previous, store.read_back(previous))


# -- values and the graph schema ---------------------------------------------------------------

def test_dates_are_date_values_that_compare_with_date(store):
    store.load(MINI)
    rows = store.query("MATCH (t:Trust) RETURN t.valid_from, t.valid_from = date('2013-04-01'), "
                       "t.valid_from < date('2014-01-01'), t.valid_to", MINI).rows
    assert rows == [[dt.date(2013, 4, 1), True, True, None]]
    rows = store.query("MATCH (e:Event) WHERE e.date >= date('2021-01-01') "
                       "RETURN e.date, e.date_precision", MINI).rows
    assert rows == [[dt.date(2021, 4, 1), "day"]]
    rows = store.query("MATCH (s:Source) RETURN s.id, s.published, s.published_precision "
                       "ORDER BY s.id", MINI).rows
    assert rows == [["src-a", dt.date(2014, 3, 1), "month"], ["src-b", dt.date(2020, 1, 1), "year"]]
    rows = store.query("MATCH ()-[m:MERGED_INTO]->() WHERE m.valid_from = date('2021-04-01') "
                       "RETURN count(m)", MINI).rows
    assert rows == [[2]]


def test_sources_and_events_are_nodes_linked_by_cites_and_involves(store):
    store.load(MINI)
    cited = store.query("MATCH (o)-[c:CITES]->(s:Source {id: 'src-b'}) WHERE o.kind IS NOT NULL "
                        "RETURN o.id, c.type ORDER BY o.id", MINI).rows
    assert cited == [["ccg-all", "CITES"], ["icb", "CITES"]]
    involved = store.query("MATCH (e:Event)-[:INVOLVES]->(o) WHERE e.title = 'The CCGs merge' "
                           "RETURN e.id, o.id ORDER BY o.id", MINI).rows
    assert involved == [["event-2", "ccg-all"], ["event-2", "ccg-north"], ["event-2", "ccg-south"]]
    typed = store.query("MATCH (a)-[r]->(b) WHERE r.type = 'SUCCEEDED_BY' "
                        "RETURN a.kind, r.id, b.kind ORDER BY r.id", MINI).rows
    assert typed == [["CCG", "ccg-all|SUCCEEDED_BY|icb|1", "CCG"],
                     ["Regulator", "reg-old|SUCCEEDED_BY|reg-new|1", "Regulator"]]


def test_an_area_with_its_own_kinds_and_types_answers_by_those_labels(store):
    store.load(SCHOOLS)
    result = store.query("MATCH (t:AcademyTrust)-[r:RUNS]->(s:School) RETURN t.name AS trust, "
                         "s.name AS school, r.role AS role, r.valid_from AS since", SCHOOLS)
    assert result.columns == ["trust", "school", "role", "since"]
    assert result.rows == [["Oak Academy Trust", "Hill Academy", "sponsor", dt.date(2019, 9, 1)]]
    funds = store.query("MATCH (a)-[f:FUNDS]->(b) RETURN a.id, f.amount_gbp, f.basis", SCHOOLS)
    assert funds.rows == [["shire-council", 125000.5, "grant"]]
    saved = dataset_loader.load(SCHOOLS).queries
    assert [store.query(q.cypher, SCHOOLS, params=q.params).rows for q in saved] == [
        [["Hill Academy", "Oak Academy Trust"]],
        [["Hill Community School", "Hill Academy", dt.date(2019, 9, 1)]]]
    assert result.store == store.name


def test_a_node_comes_back_as_the_same_plain_dict(store):
    store.load(MINI)
    node, path = store.query(
        "MATCH p = (a:CCG)-[:MERGED_INTO]->(b:CCG)-[:SUCCEEDED_BY]->(c:CCG) "
        "RETURN a, p ORDER BY a.id", MINI).rows[0]
    assert node == {"id": "ccg-north", "label": "CCG", "name": "North CCG", "properties": {
        "id": "ccg-north", "name": "North CCG", "kind": "CCG", "valid_from": dt.date(2013, 4, 1),
        "valid_from_precision": "day", "valid_to": dt.date(2021, 4, 1),
        "valid_to_precision": "day", "former_names": [], "former_names_valid_from": [],
        "former_names_valid_to": [], "ods_code": "01N", "sources": ["src-a"], "unverified": []}}
    assert [n["id"] for n in path["nodes"]] == ["ccg-north", "ccg-all", "icb"]
    assert [(r["from"], r["type"], r["to"]) for r in path["relationships"]] == [
        ("ccg-north", "MERGED_INTO", "ccg-all"), ("ccg-all", "SUCCEEDED_BY", "icb")]


# -- the read-only console ------------------------------------------------------------------------

def test_a_write_is_refused_before_the_store_and_the_graph_is_unchanged(store):
    loaded = dataset_loader.load(MINI)
    store.load(MINI)
    with pytest.raises(QueryError) as caught:
        store.query("MATCH (t:Trust) DETACH DELETE t", MINI)
    assert caught.value.message == ("refused: DETACH DELETE writes to the graph; the console "
                                    "only reads the graph (use MATCH ... RETURN ...)")
    same_model(loaded, store.read_back(loaded))


@pytest.mark.parametrize("write", ["CREATE (:Trust {id: 'x', name: 'x', kind: 'Trust'})",
                                   "MATCH (t:Trust) SET t.name = 'Changed'"])
def test_behind_the_guard_the_store_itself_refuses_a_write(store, write, monkeypatch):
    loaded = dataset_loader.load(MINI)
    store.load(MINI)
    monkeypatch.setattr(query_runner, "check_read_only", lambda cypher: None)  # bypass on purpose
    with pytest.raises(QueryError) as caught:
        store.query(write, MINI)
    assert caught.value.message.startswith("refused: ")
    assert caught.value.message.endswith("the console only reads the graph "
                                         "(use MATCH ... RETURN ...)")
    same_model(loaded, store.read_back(loaded))


def test_a_runaway_query_stops_at_the_time_limit(store, tmp_path):
    lines = ["format: 1", "area: {name: Big}", "sources: [{id: s, title: S}]",
             "kinds: {Trust: {label: Trust}}", "relationship_types: {PART_OF: {label: part of}}",
             "organisations:"]
    lines += [f"  - {{id: t{i}, name: Trust {i}, kind: Trust, sources: [s]}}" for i in range(150)]
    big = tmp_path / "big.yaml"
    big.write_text("\n".join(lines) + "\n")
    store.load(big)
    # Concatenating ids forces every combination to be built: no shortcut through counting.
    runaway = ("MATCH (a:Trust),(b:Trust),(c:Trust),(d:Trust),(e:Trust),(f:Trust) "
               "WHERE a.id + b.id + c.id + d.id + e.id + f.id = 'x' RETURN count(*)")
    with pytest.raises(QueryError) as caught:
        store.query(runaway, big, timeout_s=1)
    assert caught.value.message == ("query stopped at the time limit of 1 s "
                                    "(narrow the MATCH, add a LIMIT, or raise --timeout)")
    assert store.query("MATCH (t:Trust) RETURN count(t)", big).rows == [[150]]


def test_rows_beyond_the_cap_are_cut_and_said_to_be(store):
    store.load(MINI)
    result = store.query("MATCH (o) WHERE o.kind IS NOT NULL RETURN o.id ORDER BY o.id", MINI,
                         row_cap=3)
    assert result.rows == [["ccg-all"], ["ccg-north"], ["ccg-south"]] and result.truncated
    whole = store.query("MATCH (o) WHERE o.kind IS NOT NULL RETURN o.id", MINI, row_cap=7)
    assert len(whole.rows) == 7 and not whole.truncated


@pytest.mark.parametrize("query, first_line", [
    ("MATCH (t:Trust)\nRETURN t.name AS", "syntax error: the query ends too soon (is a name, a "
                                          "bracket, a quote or a RETURN missing?)"),
    ("MATCH (t:Trust) RETURN t.name + ", "syntax error: the query ends too soon (is a name, a "
                                         "bracket, a quote or a RETURN missing?)"),
    ("MATCH n RETURN n", "syntax error at line 1, column 9, near 'RETURN': "),
    ("MATCH (t:Trust)\nWHERE t.id = = 'x' RETURN t", "syntax error at line 2, column 14, near "
                                                    "'=': "),
])
def test_a_syntax_error_says_where_in_plain_words_then_the_databases_own(store, query,
                                                                          first_line):
    store.load(MINI)
    with pytest.raises(QueryError) as caught:
        store.query(query, MINI)
    assert caught.value.message.startswith(first_line)
    assert caught.value.message.endswith(")") and "\n" not in caught.value.message
    assert caught.value.detail and "\n" not in caught.value.detail
