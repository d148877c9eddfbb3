"""Cypher "as at" a date: the query runs against the graph as it stood that day."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from graph.core.as_at import dataset_as_at
from graph.core.temporal import at
from graph.page import console
from loaders import warm
from loaders.query.result import QueryError
from loaders.query.run import run_query
from loaders.stores import as_at as as_at_stores

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "orgs.yaml"


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ORGS_CACHE_DIR", str(tmp_path / "store"))
    return tmp_path / "store"


def query(*args: str, cache: Path) -> subprocess.CompletedProcess:
    env = {"ORGS_CACHE_DIR": str(cache), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "graph", "query", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)


def rows(cypher: str, day: str) -> list[list]:
    return run_query(cypher, dataset_path=BUNDLED, at=day).rows


def test_the_ccgs_as_at_2014_and_2021_from_the_command_line(cache):
    for day, expected in (("2014-06-01", 3), ("2021-06-01", 1)):
        run = query("--at", day, "MATCH (c:CCG) RETURN count(c) AS n", "--format", "json",
                    cache=cache)
        assert run.returncode == 0, run.stderr
        assert json.loads(run.stdout) == [{"n": expected}]


def test_a_relationship_that_ended_before_the_day_is_absent():
    oversight = ("MATCH (r)-[:OVERSEES]->(t:Trust {id: 'mk-hospital'}) RETURN r.name "
                 "ORDER BY r.name")
    assert ["Monitor"] in rows(oversight, "2014-06-01")
    assert ["Monitor"] not in rows(oversight, "2017-06-01")  # it ended on 31 March 2016
    assert rows(oversight, "2017-06-01") == [["Care Quality Commission"], ["NHS Improvement"]]


def test_names_are_those_of_the_day():
    name = "MATCH (t:Trust {id: 'mk-hospital'}) RETURN t.name"
    assert rows(name, "2010-01-01") == [["Milton Keynes Hospital NHS Foundation Trust"]]
    assert rows(name, "2016-01-01") == [["Milton Keynes University Hospital NHS Foundation Trust"]]


def test_people_are_there_only_while_in_post():
    graph = warm.read_graph(BUNDLED)
    in_post = {i for i in at(graph, "2021-04-01").organisations
               if graph.graph["dataset"].organisations[i].kind == "Person"}
    found = rows("MATCH (p:Person) RETURN p.id ORDER BY p.id", "2021-04-01")
    assert {r[0] for r in found} == in_post and len(in_post) == 7


def test_the_as_at_dataset_holds_only_what_was_in_force_and_events_up_to_the_day():
    graph = warm.read_graph(BUNDLED)
    then = dataset_as_at(graph, "2016-06-01")
    view = at(graph, "2016-06-01")
    assert set(then.organisations) == set(view.organisations)
    assert {r.id for r in then.relationships} == set(view.relationships)
    assert all(e.date.start.isoformat() <= "2016-06-01" for e in then.events)
    assert all(o in then.organisations for e in then.events for o in e.organisations)


def test_days_of_one_epoch_share_a_store_and_other_views_get_their_own(cache):
    first = as_at_stores.ensure_store_as_at(BUNDLED, "2014-06-01")
    assert as_at_stores.ensure_store_as_at(BUNDLED, "2014-06-02") == first  # nothing changed
    assert as_at_stores.ensure_store_as_at(BUNDLED, "2021-06-01") != first
    assert len(list(cache.glob("*-at-*.lbug"))) == 2


def test_only_the_most_recent_views_are_kept(cache, monkeypatch):
    monkeypatch.setattr(as_at_stores, "KEEP", 2)
    for day in ("2013-06-01", "2016-06-01", "2019-06-01", "2022-06-01"):
        as_at_stores.ensure_store_as_at(BUNDLED, day)
    assert len(list(cache.glob("*-at-*.lbug"))) == 2


def test_as_at_is_refused_on_neo4j_and_the_guard_still_holds(cache):
    refused = query("--neo4j", "--at", "2014-06-01", "MATCH (n) RETURN count(n)", cache=cache)
    assert refused.returncode == 2
    assert refused.stderr.splitlines() == [
        "error: refused: a query as at a date runs on the embedded store, built from the YAML "
        "as it stood that day (drop --neo4j, or drop --at)"]
    write = query("--at", "2014-06-01", "MATCH (n) DETACH DELETE n", cache=cache)
    assert write.returncode == 2 and len(write.stderr.splitlines()) == 1
    assert "refused" in write.stderr


def test_a_saved_query_that_takes_a_date_needs_one(cache):
    missing = query("--saved", "people-in-post", cache=cache)
    assert missing.returncode == 2
    assert missing.stderr.strip() == ("error: saved query 'people-in-post' runs as at a date: "
                                      "add --at YYYY-MM-DD")
    run = query("--saved", "people-in-post", "--at", "2021-04-01", "--format", "json",
                cache=cache)
    assert {"organisation": "Milton Keynes University Hospital NHS Foundation Trust",
            "role": "Chief Executive", "person": "Joe Harrison"} in json.loads(run.stdout)


def test_the_consoles_as_at_box_reads_a_day_or_says_what_is_wrong():
    assert console.as_at_day("", None) is None
    assert console.as_at_day(" 2014-06 ", None).isoformat() == "2014-06-01"
    with pytest.raises(QueryError, match="As at: '2014-13-01' is not a real date"):
        console.as_at_day("2014-13-01", None)


def test_the_console_runs_a_query_as_at_a_date(monkeypatch, cache):
    monkeypatch.setenv("ORGS_DATA", str(BUNDLED))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.chdir(ROOT)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.query_params.update(mode="console", date="2021-04-01")
    app.run()
    app.selectbox(key="saved_query").set_value("people-in-post").run()
    assert app.text_input(key="as_at").value == "2021-04-01"  # the page's date, offered
    next(b for b in app.button if b.label == "Run query").click().run()
    assert not app.exception and not app.error
    assert "7 rows from the embedded store" in [c.value for c in app.caption]
    table = app.dataframe[-1].value
    assert len(table) == 7 and "Joe Harrison" in set(table["person"])
