"""Neo4j only: what the store tests on both stores (test_stores.py, test_same_rows.py) cannot
ask of the embedded store, against a real server: constraints, dataset keys, the marks of earlier
versions, other data left alone, the CLI, and files a read transaction can still read.

The server tests use the ``neo4j_db`` fixture (conftest.py): they skip, saying so, only when no
server is configured. ``FakeDriver`` stays for what a server cannot show: how rows are batched,
that a read is rolled back rather than committed, and (test_guard.py, test_store_safety.py) that
refused input and hostile values never reach the server as Cypher text. It only records the
calls the code makes and replays canned rows; it does not imitate Neo4j.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import neo4j
import pytest
from stores_under_test import without_organisation

from loaders import dataset as dataset_loader
from loaders.query import run as query_runner
from loaders.query.run import run_query
from loaders.stores import neo4j_store, settings
from loaders.stores.records import StoreError, dataset_key, file_key

ROOT = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data"
MINI = DATA / "mini.yaml"
BUNDLED = ROOT / "data" / "orgs.yaml"
# The design's shared query: the same rows on both stores.
DESIGN_QUERY = ("MATCH (r:Regulator)-[o:OVERSEES]->(t:Trust) WHERE o.valid_from <= date('2014-06-01') "
                "RETURN r.name, t.name")


class FakeResult:
    def __init__(self, columns=(), rows=(), query_type="r"):
        self._columns, self._rows = list(columns), list(rows)
        self.query_type = query_type

    def keys(self):
        return self._columns

    def __iter__(self):
        return (FakeRecord(row) for row in self._rows)

    def consume(self):
        return self  # the summary: its query_type is what the server planned


class FakeRecord:
    def __init__(self, values):
        self._values = values

    def values(self):
        return list(self._values)


class FakeTransaction:
    def __init__(self, driver, timeout=None):
        self.driver, self.timeout = driver, timeout

    def run(self, cypher, params=None):
        self.driver.calls.append(("tx.run", cypher, params or {}))
        return FakeResult(*self.driver.answer, query_type=self.driver.plan)

    def commit(self):
        self.driver.calls.append(("commit",))

    def rollback(self):
        self.driver.calls.append(("rollback",))


class FakeSession:
    def __init__(self, driver, **config):
        self.driver = driver
        driver.calls.append(("session", config))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.driver.calls.append(("session closed",))

    def run(self, cypher, params=None):
        self.driver.calls.append(("session.run", cypher, params or {}))
        return FakeResult()

    def begin_transaction(self, timeout=None, metadata=None):
        self.driver.calls.append(("begin", timeout))
        return FakeTransaction(self.driver, timeout)


class FakeDriver:
    def __init__(self, answer=((), ()), plan="r"):
        self.calls, self.answer, self.plan = [], answer, plan

    def session(self, **config):
        return FakeSession(self, **config)

    def close(self):
        self.calls.append(("driver closed",))


def test_settings_come_from_the_environment_and_hide_the_password():
    env = {"NEO4J_URI": "neo4j+s://abc.databases.neo4j.io", "NEO4J_USERNAME": "reader",
           "NEO4J_PASSWORD": "hunter2-secret", "NEO4J_DATABASE": "orgs"}
    found = settings.neo4j_settings(env, {})
    assert (found.uri, found.username, found.database) == (env["NEO4J_URI"], "reader", "orgs")
    assert found.password == "hunter2-secret"
    assert "hunter2-secret" not in repr(found) and "hunter2-secret" not in str(found)
    assert settings.neo4j_settings({}, {}) is None


def test_streamlit_secrets_are_not_touched_when_no_secrets_file_exists(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    for key in ("NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        monkeypatch.delenv(key, raising=False)
    assert settings.neo4j_settings() is None


def test_streamlit_secrets_file_is_used_when_present(monkeypatch, tmp_path):
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(
        '[neo4j]\nuri = "bolt://secrets.example:7687"\nusername = "u"\npassword = "from-secrets"\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    for key in ("NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        monkeypatch.delenv(key, raising=False)
    found = settings.neo4j_settings()
    assert found is not None and found.uri == "bolt://secrets.example:7687"
    assert found.password == "from-secrets"


# -- what only a recording shows -------------------------------------------------------------

@pytest.fixture
def mini():
    return dataset_loader.load(MINI)


@pytest.mark.parametrize("batch_size", [1, 2, 3, 1000])
def test_rows_travel_in_unwind_batches_of_at_most_the_batch_size(mini, batch_size):
    """A server shows the outcome, not the batching: that is the statements' own."""
    statements = neo4j_store.load_statements(mini, batch_size=batch_size)
    ccgs = [s for s in statements if s.what == "CCG"]
    assert len(ccgs) == math.ceil(4 / batch_size)
    assert all(len(s.params["rows"]) <= batch_size for s in ccgs)
    assert [r["id"] for s in ccgs for r in s.params["rows"]] == [
        "ccg-north", "ccg-south", "ccg-all", "icb"]
    edge_rows = sum(len(s.params["rows"]) for s in statements
                    if s.cypher.startswith("UNWIND") and "MERGE (a)" in s.cypher)
    assert edge_rows == 8 + 9 + 4  # relationships, citations, event links


def test_a_bad_batch_size_is_refused(mini):
    with pytest.raises(StoreError, match="at least 1"):
        neo4j_store.load_statements(mini, batch_size=0)


def test_a_query_runs_in_a_read_access_session_that_is_rolled_back_never_committed():
    """A server shows that writes are refused (test_stores.py), not that a read that wrote
    nothing was rolled back rather than committed."""
    driver = FakeDriver(answer=(["name", "since"], [["Monitor", neo4j.time.Date(2013, 4, 1)]]))
    result = run_query("MATCH (r:Regulator) RETURN r.name AS name, r.valid_from AS since",
                       neo4j=True, driver=driver, timeout_s=2.5)
    assert result.rows == [["Monitor", dt.date(2013, 4, 1)]] and result.store == "neo4j"
    session = next(c for c in driver.calls if c[0] == "session")
    assert session[1]["default_access_mode"] == neo4j.READ_ACCESS
    assert ("begin", 2.5) in driver.calls
    assert ("rollback",) in driver.calls and ("commit",) not in driver.calls


def test_the_plan_comes_first_and_a_query_neo4j_plans_as_writing_never_runs():
    """The second layer behind the guard (bypassed here: the store's own function)."""
    driver = FakeDriver(plan="rw")
    with pytest.raises(query_runner.QueryError) as caught:
        neo4j_store.run_read("MATCH (n) RETURN n", {}, timeout_s=2, row_cap=5, driver=driver)
    assert str(caught.value) == ("refused: Neo4j plans the query as one that reads and writes "
                                 "(query type 'rw'); the console only reads the graph (use "
                                 "MATCH ... RETURN ...)")
    assert [c[1] for c in driver.calls if c[0] == "tx.run"] == ["EXPLAIN MATCH (n) RETURN n"]
    assert [c for c in driver.calls if c[0] == "begin"] == [("begin", 2)]


def test_every_transaction_of_a_load_has_a_timeout(mini):
    driver = FakeDriver()
    neo4j_store.load(mini, driver=driver)
    begins = [c[1] for c in driver.calls if c[0] == "begin"]
    assert begins == [neo4j_store.SCHEMA_TIMEOUT_S] * 3 + [neo4j_store.LOAD_TIMEOUT_S]
    assert not [c for c in driver.calls if c[0] == "session.run"], "no auto-commit statement"


# -- with a server ------------------------------------------------------------------------

def test_the_server_refuses_a_query_its_planner_calls_writing_and_nothing_changes(neo4j_db,
                                                                                  mini):
    neo4j_store.load(mini)
    before = _nodes(neo4j_db, "MATCH (n) RETURN count(n) AS n")
    for cypher, planned in [("CREATE (n:Hacked) RETURN n", "reads and writes (query type 'rw')"),
                            ("MATCH (n:Trust) SET n.name = 'x'", "writes (query type 'w')"),
                            ("CREATE INDEX hacked FOR (n:Trust) ON (n.x)",
                             "changes the schema (query type 's')")]:
        with pytest.raises(query_runner.QueryError) as caught:
            neo4j_store.run_read(cypher, {}, timeout_s=5, row_cap=5)
        assert str(caught.value).startswith(f"refused: Neo4j plans the query as one that "
                                            f"{planned}; the console only reads the graph")
    assert _nodes(neo4j_db, "MATCH (n) RETURN count(n) AS n") == before
    assert _nodes(neo4j_db, "SHOW INDEXES YIELD name WHERE name = 'hacked' RETURN name") == []


def test_the_local_server_caps_the_memory_of_a_transaction_and_of_all(neo4j_db):
    """scripts/neo4j's launcher: a quarter of the heap for one transaction, half for all."""
    found = {row["name"]: row["value"] for row in _nodes(
        neo4j_db, "SHOW SETTINGS YIELD name, value WHERE name IN "
                  "['db.memory.transaction.max', 'dbms.memory.transaction.total.max'] "
                  "RETURN name, value")}
    heap = _nodes(neo4j_db, "CALL dbms.queryJmx('java.lang:type=Memory') YIELD attributes "
                            "RETURN attributes.HeapMemoryUsage.value.properties.max AS max")
    one, total = (float(found[name].removesuffix("MiB")) for name in (
        "db.memory.transaction.max", "dbms.memory.transaction.total.max"))
    assert total == pytest.approx(2 * one, abs=0.02)
    # The launcher takes the JVM's usable maximum; JMX's figure may count a survivor space more.
    # SHOW SETTINGS rounds to 0.01 MiB (227.625 shows as 227.63): allow that much.
    assert 0.2 < (one - 0.005) * 2**20 / heap[0]["max"] <= 0.25


def _nodes(server, cypher: str, **params) -> list[dict]:
    config, driver = server
    records, _, _ = driver.execute_query(cypher, params, database_=config.database)
    return [record.data() for record in records]


def test_the_composite_uniqueness_constraints_hold_on_the_server(neo4j_db, mini):
    neo4j_store.load(mini)
    constraints = _nodes(neo4j_db, "SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties "
                                   "WHERE name STARTS WITH 'orgs_' RETURN * ORDER BY name")
    assert constraints == [
        {"name": f"orgs_{label.lower()}_id", "type": "UNIQUENESS",
         "labelsOrTypes": [label], "properties": ["_orgs_dataset", "id"]}
        for label in ("Event", "Organisation", "Source")]
    with pytest.raises(neo4j.exceptions.ConstraintError):
        _nodes(neo4j_db, "CREATE (:Organisation {_orgs_dataset: $key, id: 'hospital'})",
               key=dataset_key(mini))
    _nodes(neo4j_db, "CREATE (:Organisation {_orgs_dataset: 'another', id: 'hospital'})")
    neo4j_store.load(mini)  # constraints already there: the load still works
    assert len(neo4j_store.read_back(dataset_key(mini)).organisations) == 7


def test_every_organisation_has_the_organisation_label_its_kind_and_the_marks(neo4j_db):
    schools = dataset_loader.load(DATA / "schools.yaml")
    neo4j_store.load(schools)
    rows = _nodes(neo4j_db, "MATCH (o:Organisation) RETURN o.id AS id, labels(o) AS labels, "
                            "o._orgs_dataset AS key, o._orgs_area AS area ORDER BY id")
    assert [{**row, "labels": sorted(row["labels"])} for row in rows] == [
        {"id": org, "labels": sorted(["Organisation", kind]), "key": dataset_key(schools),
         "area": "Schoolshire"}
        for org, kind in [("hill-academy", "School"), ("hill-school", "School"),
                          ("oak-trust", "AcademyTrust"), ("shire-council", "LocalAuthority")]]
    marks = _nodes(neo4j_db, "MATCH ()-[r]->() RETURN DISTINCT r._orgs_dataset AS key")
    assert marks == [{"key": dataset_key(schools)}]


def test_a_dataset_is_its_declared_id_or_else_its_files_path(tmp_path):
    assert dataset_key(dataset_loader.load(BUNDLED)) == "blmk"
    assert dataset_key(dataset_loader.load(MINI)) == f"file:{file_key(MINI)}"
    assert file_key(MINI).startswith("mini-") and len(file_key(MINI)) == len("mini-") + 8
    copy = tmp_path / "mini.yaml"
    copy.write_bytes(MINI.read_bytes())
    assert dataset_key(dataset_loader.load(copy)) != dataset_key(dataset_loader.load(MINI))


def test_copies_of_a_file_with_the_same_area_id_are_one_dataset(neo4j_db, tmp_path):
    text = MINI.read_text().replace("format: 1\n", "format: 1.1\n").replace(
        "area: {name: Testshire,", "area: {name: Testshire, id: testshire,")
    (tmp_path / "here").mkdir()
    first = tmp_path / "here" / "mini.yaml"
    first.write_text(text)
    neo4j_store.load(dataset_loader.load(first))
    moved = without_organisation(first, "ccg-south", tmp_path / "elsewhere.yaml")
    neo4j_store.load(dataset_loader.load(moved))
    rows = _nodes(neo4j_db, "MATCH (o:Organisation) RETURN o._orgs_dataset AS key, count(*) AS n")
    assert rows == [{"key": "testshire", "n": 6}]


def test_marks_of_earlier_versions_go_and_other_data_stays(neo4j_db, mini):
    """Before dataset keys, a load marked nodes with the area's name alone."""
    old = {"id": "hospital", "name": "Stale Hospital", "kind": "Trust",
           "_orgs_dataset": "Testshire"}
    _nodes(neo4j_db, "CREATE (a:Organisation:Trust) SET a = $old "
                     "CREATE (b:Organisation:Regulator {id: 'gone', kind: 'Regulator', "
                     "_orgs_dataset: 'Testshire'}) "
                     "CREATE (b)-[:OVERSEES {id: 'gone|OVERSEES|hospital|1', "
                     "_orgs_dataset: 'Testshire'}]->(a) "
                     "CREATE (:Source {id: 'src-a', _orgs_dataset: 'Testshire'}) "
                     "CREATE (:Organisation:Trust {id: 'elsewhere', _orgs_dataset: 'Othershire'}) "
                     "CREATE (:Organisation:Trust {id: 'hospital', name: 'Not ours'}) "
                     "CREATE (:Trust {id: 'hospital', name: 'Not ours either'})", old=old)
    neo4j_store.load(mini)
    left = _nodes(neo4j_db, "MATCH (n) WHERE n._orgs_dataset IS NULL OR n._orgs_area IS NULL "
                            "RETURN n.id AS id, n.name AS name, n._orgs_dataset AS mark "
                            "ORDER BY id, name")
    assert left == [{"id": "elsewhere", "name": None, "mark": "Othershire"},
                    {"id": "hospital", "name": "Not ours", "mark": None},
                    {"id": "hospital", "name": "Not ours either", "mark": None}]
    back = neo4j_store.read_back(dataset_key(mini))
    assert back.organisations == mini.organisations and back.sources == mini.sources
    assert _nodes(neo4j_db, "MATCH (n) RETURN count(n) AS n") == [{"n": 3 + 7 + 2 + 2}]


def test_a_read_transaction_is_no_sandbox_load_csv_still_reads_a_file(neo4j_db, tmp_path,
                                                                      monkeypatch):
    """Why the guard refuses LOAD CSV: the read transaction stops writes, not file reads (on
    this test server, which sets no import folder)."""
    secret = tmp_path / "secret.csv"
    secret.write_text("not for the console\n")
    monkeypatch.setattr(query_runner, "check_read_only", lambda cypher: None)  # bypass on purpose
    rows = run_query(f"LOAD CSV FROM 'file://{secret}' AS line RETURN line", neo4j=True).rows
    assert rows == [[["not for the console"]]]


def _cli(*argv: str, cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "graph", *argv], cwd=cwd, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT), **env})


def test_the_cli_loads_neo4j_answers_as_the_embedded_store_and_a_removed_organisation_leaves(
        neo4j_db, tmp_path):
    cache = str(tmp_path / "cache")
    loaded = _cli("load", "--neo4j")
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout == (f"Loaded {BUNDLED} into Neo4j as dataset 'blmk': "
                             "95 organisations, 220 relationships, 191 sources, 54 events "
                             "(392 citations, 139 event links)\n")
    on_neo4j = _cli("query", "--neo4j", DESIGN_QUERY, "--format", "json")
    embedded = _cli("query", DESIGN_QUERY, "--format", "json", ORGS_CACHE_DIR=cache)
    assert on_neo4j.returncode == embedded.returncode == 0, on_neo4j.stderr + embedded.stderr
    rows = sorted(json.loads(on_neo4j.stdout), key=json.dumps)
    assert rows == sorted(json.loads(embedded.stdout), key=json.dumps)
    assert {"r.name": "Monitor",
            "t.name": "Milton Keynes University Hospital NHS Foundation Trust"} in rows

    trimmed = without_organisation(BUNDLED, "monitor", tmp_path / "orgs.yaml")
    assert _cli("load", "--neo4j", str(trimmed)).returncode == 0
    on_neo4j = _cli("query", "--neo4j", DESIGN_QUERY, "--format", "json")
    embedded = _cli("query", DESIGN_QUERY, "--format", "json", "--data", str(trimmed),
                    ORGS_CACHE_DIR=cache)
    rows = sorted(json.loads(on_neo4j.stdout), key=json.dumps)
    assert rows == sorted(json.loads(embedded.stdout), key=json.dumps)
    assert rows and "Monitor" not in {row["r.name"] for row in rows}
    assert _cli("query", "--neo4j", "MATCH (m {id: 'monitor'}) RETURN count(m) AS n",
                "--format", "csv").stdout == "n\n0\n"


def test_settings_in_a_secrets_file_alone_take_the_cli_to_neo4j(neo4j_db, tmp_path):
    config, _ = neo4j_db
    neo4j_store.load(dataset_loader.load(MINI))
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(
        f'[neo4j]\nuri = "{config.uri}"\nusername = "{config.username}"\n'
        f'password = "{config.password}"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    done = subprocess.run([sys.executable, "-m", "graph", "query", "--neo4j",
                           "MATCH (t:Trust) RETURN t.name AS trust"], cwd=tmp_path, text=True,
                          capture_output=True, timeout=120,
                          env={**env, "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)})
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines() == ["trust", "-------------------------",
                                        "Testshire Hospitals Trust", "(1 row, neo4j store)"]


@pytest.mark.parametrize("version, area_id, problem", [
    ("1.1", "testshire", None),
    ("1", "testshire", "4:25: 'id' needs format 1.1 (write 'format: 1.1' at the top of the file)"),
    ("1.1", "Test shire", "4:29: id 'Test shire' is malformed (use lower-case letters, digits and "
                          "'-', starting with a letter or digit)"),
])
def test_an_area_id_is_a_format_1_1_id(tmp_path, version, area_id, problem):
    path = tmp_path / "area.yaml"
    path.write_text(MINI.read_text().replace("format: 1\n", f"format: {version}\n").replace(
        "area: {name: Testshire,", f"area: {{name: Testshire, id: '{area_id}',"))
    loaded, problems = dataset_loader.check(path)
    assert [str(p).removeprefix(f"{path}:") for p in problems] == ([problem] if problem else [])
    if problem is None:
        assert loaded.area.id == area_id and dataset_key(loaded) == area_id


def test_a_label_neo4j_does_not_have_gives_no_rows(neo4j_db, mini):
    """Unlike the embedded store, which says the table does not exist."""
    neo4j_store.load(mini)
    assert run_query("MATCH (t:Trsut) RETURN t.name", neo4j=True).rows == []
