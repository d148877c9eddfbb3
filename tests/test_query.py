"""Read-only Cypher through ``run_query`` and ``python -m graph query``/``load``."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from graph.cli.main import main
from loaders import dataset as dataset_loader
from loaders.problems import InvalidInput
from loaders.query.guard import check_read_only
from loaders.query.run import run_query
from loaders.query.saved import load_saved_queries
from loaders.stores import embedded

DATA = Path(__file__).parent / "data"
MINI = DATA / "mini.yaml"
BUNDLED = Path(__file__).parent.parent / "data" / "orgs.yaml"
OVERSIGHT_2014 = ("MATCH (r:Regulator)-[o:OVERSEES]->(t:Trust) WHERE o.valid_from <= date('2014-06-01') "
                  "RETURN r.name AS regulator, t.name AS trust")


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ORGS_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_query_without_a_load_builds_the_store_and_prints_json_rows(capsys, cache):
    code, out, err = _cli(capsys, "query", "--data", MINI, OVERSIGHT_2014, "--format", "json")
    assert code == 0, err
    assert json.loads(out) == [{"regulator": "Old Regulator", "trust": "Testshire Hospitals Trust"}]
    assert len(list(cache.glob("mini-*.lbug"))) == 1


def test_load_prints_the_counts_loaded(capsys, cache):
    code, out, _ = _cli(capsys, "load", MINI)
    assert code == 0
    assert "7 organisations, 8 relationships, 2 sources, 2 events" in out
    assert str(embedded.store_path(MINI, dataset_loader.load(MINI).content_hash)) in out


def test_dates_come_back_as_dates_and_become_iso_text_in_json_and_csv(capsys):
    query = "MATCH (a)-[f:FUNDS]->(b) RETURN a.id AS funder, f.valid_from AS since, f.amount_gbp AS gbp"
    rows = run_query(query, dataset_path=DATA / "schools.yaml").rows
    assert rows == [["shire-council", dt.date(2021, 1, 1), 125000.5]]
    _, out, _ = _cli(capsys, "query", "--data", DATA / "schools.yaml", query, "--format", "csv")
    assert list(csv.reader(io.StringIO(out))) == [["funder", "since", "gbp"],
                                                  ["shire-council", "2021-01-01", "125000.5"]]


def test_table_output_names_the_columns_and_counts_rows(capsys):
    code, out, _ = _cli(capsys, "query", "--data", MINI,
                        "MATCH (c:CCG) RETURN c.id AS id ORDER BY id LIMIT 2")
    assert code == 0
    assert out.splitlines() == ["id", "---------", "ccg-all", "ccg-north", "(2 rows, embedded store)"]


def test_a_write_query_is_refused_with_exit_2_and_the_store_is_unchanged(capsys, cache):
    _cli(capsys, "load", MINI)
    store = embedded.store_path(MINI, dataset_loader.load(MINI).content_hash)
    before = store.read_bytes()
    code, out, err = _cli(capsys, "query", "--data", MINI, "CREATE (:Trust {id:'x'})")
    assert code == 2 and out == ""
    assert err == ("error: refused: CREATE writes to the graph; the console only reads the "
                   "graph (use MATCH ... RETURN ...)\n")
    assert store.read_bytes() == before
    assert run_query("MATCH (t:Trust) RETURN count(t)", dataset_path=MINI).rows == [[1]]


def test_copy_to_a_file_is_refused_and_no_file_is_written(tmp_path, capsys):
    target = tmp_path / "leak.csv"
    code, _, err = _cli(capsys, "query", "--data", MINI,
                        f"COPY (MATCH (n:Trust) RETURN n.name) TO '{target}'")
    assert code == 2 and "refused" in err
    assert not target.exists()


def test_a_runaway_query_stops_at_the_time_limit_with_exit_2(tmp_path, capsys):
    lines = ["format: 1", "area: {name: Big}", "sources: [{id: s, title: S}]",
             "kinds: {Trust: {label: Trust}}", "relationship_types: {PART_OF: {label: part of}}",
             "organisations:"]
    lines += [f"  - {{id: t{i}, name: Trust {i}, kind: Trust, sources: [s]}}" for i in range(150)]
    lines += ["relationships:", "  - {from: t0, type: PART_OF, to: t1, sources: [s]}"]
    big = tmp_path / "big.yaml"
    big.write_text("\n".join(lines) + "\n")
    # Concatenating ids forces every combination to be built: no shortcut through counting.
    runaway = ("MATCH (a),(b),(c),(d),(e),(f) "
               "WHERE a.id + b.id + c.id + d.id + e.id + f.id = 'x' RETURN count(*)")
    code, out, err = _cli(capsys, "query", "--data", big, runaway, "--timeout", "1")
    assert code == 2 and out == ""
    assert err == ("error: query stopped at the time limit of 1 s "
                   "(narrow the MATCH, add a LIMIT, or raise --timeout)\n")
    assert run_query("MATCH (t:Trust) RETURN count(t)", dataset_path=big).rows == [[150]]


def test_rows_beyond_the_cap_are_cut_and_the_output_says_so(capsys):
    result = run_query("MATCH (o) RETURN o.id ORDER BY o.id", dataset_path=MINI, row_cap=3)
    assert result.truncated and len(result.rows) == 3
    code, out, err = _cli(capsys, "query", "--data", MINI, "MATCH (o) RETURN o.id AS id",
                          "--limit", "2", "--format", "json")
    assert code == 0 and len(json.loads(out)) == 2
    assert "cut at the row cap" in err


def test_a_syntax_error_says_where_in_plain_words_then_the_databases_own(capsys):
    code, _, err = _cli(capsys, "query", "--data", MINI, "MATCH (t:Trust)\nRETURN t.name AS")
    assert code == 2
    assert err == ("error: syntax error: the query ends too soon (is a name, a bracket, a "
                   "quote or a RETURN missing?) (the database said: Parser exception: "
                   "mismatched input '<EOF>' expecting SP (line: 2, offset: 16))\n")
    code, _, err = _cli(capsys, "query", "--data", MINI, "MATCH n RETURN n")
    assert err.startswith("error: syntax error at line 1, column 9, near 'RETURN': the query "
                          "goes wrong at or just before this point") and err.count("\n") == 1
    assert err.endswith("(the database said: Parser exception: Invalid input "
                        "<MATCH n RETURN>: expected rule oC_SingleQuery (line: 1, offset: 8))\n")


def test_a_name_the_graph_does_not_have_is_one_plain_line(capsys):
    code, _, err = _cli(capsys, "query", "--data", MINI, "MATCH (t:Trsut) RETURN t")
    assert code == 2 and err.count("\n") == 1
    assert err.startswith("error: cannot run the query: no label or relationship type 'Trsut' "
                          "in this store (did you mean Trust?); labels: ")


def test_an_unknown_label_or_type_names_the_nearest_and_how_to_match_every_organisation(
        capsys):
    bundled = str(Path(__file__).resolve().parent.parent / "data" / "orgs.yaml")
    code, _, err = _cli(capsys, "query", "--data", bundled,
                        "MATCH (c:CCG)-[:COMMISSION]->(t) RETURN t.name")
    assert code == 2
    assert "(did you mean COMMISSIONS?)" in err
    labels = err.split("; labels: ")[1].split(";")[0].split(", ")
    assert {"CCG", "ICB", "Trust", "Source", "Event"} <= set(labels)
    code, _, err = _cli(capsys, "query", "--data", bundled, "MATCH (o:Organisation) RETURN o")
    assert code == 2 and "'Organisation'" in err
    every = err.split("every organisation, whatever its kind: ")[1].strip()
    # the way the message gives runs, and matches every organisation and nothing else
    code, out, _ = _cli(capsys, "query", "--data", bundled, "--format", "json",
                        every + " RETURN count(o) AS n")
    assert code == 0
    assert json.loads(out)[0]["n"] == len(dataset_loader.load(bundled).organisations)


def test_an_invalid_yaml_on_first_use_is_reported_by_line(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINI.read_text().replace("kind: Trust", "kind: Trusts"))
    code, _, err = _cli(capsys, "query", "--data", bad, "MATCH (n) RETURN n")
    assert code == 2
    assert f"{bad}:" in err and "unknown kind 'Trusts'" in err
    with pytest.raises(InvalidInput):
        run_query("MATCH (n) RETURN n", dataset_path=bad)


def test_nodes_relationships_and_paths_become_elements_for_drawing():
    result = run_query("MATCH p = (a:CCG)-[:MERGED_INTO]->(b:CCG)-[:SUCCEEDED_BY]->(c:CCG) "
                       "RETURN a, p ORDER BY a.id", dataset_path=MINI)
    node, path = result.rows[0]
    assert node["id"] == "ccg-north" and node["label"] == "CCG" and node["name"] == "North CCG"
    assert node["properties"]["valid_from"] == dt.date(2013, 4, 1)
    assert [n["id"] for n in path["nodes"]] == ["ccg-north", "ccg-all", "icb"]
    assert [(r["from"], r["type"], r["to"]) for r in path["relationships"]] == [
        ("ccg-north", "MERGED_INTO", "ccg-all"), ("ccg-all", "SUCCEEDED_BY", "icb")]
    assert {n["id"] for n in result.elements["nodes"]} == {"ccg-north", "ccg-south", "ccg-all", "icb"}
    assert {r["id"] for r in result.elements["relationships"]} == {
        "ccg-north|MERGED_INTO|ccg-all|1", "ccg-south|MERGED_INTO|ccg-all|1",
        "ccg-all|SUCCEEDED_BY|icb|1"}


def test_the_bundled_area_keeps_its_five_saved_queries_and_one_as_at_a_date():
    saved = load_saved_queries(BUNDLED)
    assert [q.id for q in saved] == ["oversight-on-date", "merged-into-icb", "claims-on-source",
                                     "commissioners-over-time", "mk-hospital-oversight",
                                     "people-in-post"]
    assert [q.id for q in saved if q.as_at] == ["people-in-post"]
    for query in saved:
        assert query.title and query.description
        assert "ORDER BY" in query.cypher
        check_read_only(query.cypher)


def test_another_area_has_its_own_saved_queries_and_not_the_bundled_ones(capsys):
    schools = DATA / "schools.yaml"
    assert [q.id for q in load_saved_queries(schools)] == ["schools-run-on-a-date", "conversions"]
    code, out, err = _cli(capsys, "query", "--data", schools, "--saved", "schools-run-on-a-date",
                          "--param", "day=2019-01-01", "--format", "json")
    assert (code, err) == (0, "")
    assert json.loads(out) == [{"school": "Hill Community School",
                                "run_by": "Schoolshire County Council"}]
    code, out, err = _cli(capsys, "query", "--data", schools, "--saved", "mk-hospital-oversight")
    assert (code, out) == (2, "")
    assert err == ("error: no saved query 'mk-hospital-oversight' for Schoolshire (its saved "
                   "queries: schools-run-on-a-date, conversions)\n")
    code, _, err = _cli(capsys, "query", "--data", MINI, "--saved", "anything")
    assert err == "error: no saved query 'anything' for Testshire (its saved queries: none)\n"


def test_a_saved_query_runs_from_the_cli_with_a_parameter(capsys):
    _bundled()
    code, out, err = _cli(capsys, "query", "--data", BUNDLED, "--saved", "oversight-on-date",
                          "--param", "day=2023-06-01", "--format", "json")
    assert code == 0, err
    assert {"trust": "Milton Keynes University Hospital NHS Foundation Trust",
            "overseer": "NHS England", "overseer_kind": "NationalBody",
            "since": "2022-07-01"} in json.loads(out)


def _bundled():
    dataset, problems = dataset_loader.check(BUNDLED) if BUNDLED.exists() else (None, [])
    if dataset is None:
        pytest.skip("data/orgs.yaml is missing or invalid: "
                    + "; ".join(str(p) for p in problems if not p.warning)[:200])
    return dataset


def test_the_done_when_query_shows_monitor_overseeing_milton_keynes_hospital(capsys):
    _bundled()
    code, out, err = _cli(capsys, "query", OVERSIGHT_2014, "--format", "json")
    assert code == 0, err
    assert {"regulator": "Monitor",
            "trust": "Milton Keynes University Hospital NHS Foundation Trust"} in json.loads(out)


def _saved_of_the_bundled_area():
    dataset, _ = dataset_loader.check(BUNDLED)
    return dataset.queries if dataset is not None else ()


@pytest.mark.parametrize("query", _saved_of_the_bundled_area(), ids=lambda q: q.id)
def test_every_bundled_saved_query_answers_on_the_embedded_store(query):
    rows = run_query(query.cypher, params=query.params, dataset_path=BUNDLED).rows
    assert rows, f"{query.id} returned no rows on the bundled data"
    if query.id == "mk-hospital-oversight":
        in_2014 = {r[1] for r in rows if r[0] == dt.date(2014, 6, 1)}
        assert "Monitor" in in_2014
