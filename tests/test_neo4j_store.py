"""The Neo4j store: the Cypher and parameters it sends, batching, transactions, settings.

Without a server these tests use ``FakeDriver``, a stand-in that only records the calls the
code makes (sessions, transactions, statement text and parameters) and replays canned rows; it
does not imitate Neo4j's behaviour. Tests that need a real server are skipped with the reason
"NEO4J_URI not set".
"""

from __future__ import annotations

import datetime as dt
import math
import os
from pathlib import Path

import neo4j
import pytest

from loaders import dataset as dataset_loader
from loaders.query.result import QueryError
from loaders.query.run import run_query
from loaders.stores import neo4j_store, settings
from loaders.stores.records import StoreError
from loaders.stores.settings import Neo4jSettings

DATA = Path(__file__).parent / "data"
needs_server = pytest.mark.skipif(not os.environ.get("NEO4J_URI"), reason="NEO4J_URI not set")


class FakeResult:
    def __init__(self, columns=(), rows=()):
        self._columns, self._rows = list(columns), list(rows)

    def keys(self):
        return self._columns

    def __iter__(self):
        return (FakeRecord(row) for row in self._rows)

    def consume(self):
        return None


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
        if self.driver.fail_on is not None and len(self.driver.tx_runs()) == self.driver.fail_on:
            raise RuntimeError("lost the leader")
        return FakeResult(*self.driver.answer)

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

    def begin_transaction(self, timeout=None):
        self.driver.calls.append(("begin", timeout))
        return FakeTransaction(self.driver, timeout)


class FakeDriver:
    def __init__(self, fail_on=None, answer=((), ())):
        self.calls, self.fail_on, self.answer = [], fail_on, answer

    def session(self, **config):
        return FakeSession(self, **config)

    def close(self):
        self.calls.append(("driver closed",))

    def tx_runs(self):
        return [c for c in self.calls if c[0] == "tx.run"]


@pytest.fixture
def mini():
    return dataset_loader.load(DATA / "mini.yaml")


def test_constraints_come_first_then_one_transaction_that_commits(mini):
    driver = FakeDriver()
    counts = neo4j_store.load(mini, driver=driver)
    kinds = [c[0] for c in driver.calls]
    first_begin = kinds.index("begin")
    assert kinds[:first_begin].count("session.run") == 3
    assert all("CREATE CONSTRAINT" in c[1] and "IS UNIQUE" in c[1]
               for c in driver.calls[:first_begin] if c[0] == "session.run")
    assert kinds.count("begin") == 1 and kinds.count("commit") == 1 and "rollback" not in kinds
    assert kinds.index("commit") > max(i for i, k in enumerate(kinds) if k == "tx.run")
    assert counts == {"organisations": 7, "relationships": 8, "sources": 2, "events": 2,
                      "citations": 9, "involvements": 4}


def test_a_failed_load_rolls_back_and_never_commits(mini):
    driver = FakeDriver(fail_on=6)
    with pytest.raises(StoreError, match="Neo4j load failed: RuntimeError: lost the leader"):
        neo4j_store.load(mini, driver=driver)
    kinds = [c[0] for c in driver.calls]
    assert "rollback" in kinds and "commit" not in kinds
    assert len(driver.tx_runs()) == 6  # stopped at the failure


def test_sync_removes_only_what_this_tool_wrote_and_left_the_yaml(mini):
    statements = neo4j_store.load_statements(mini)
    removals = [s for s in statements if "DELETE" in s.cypher]
    assert [s.cypher for s in removals] == [
        "MATCH (n:Organisation {_orgs_dataset: $dataset}) WHERE NOT (n.id + '|' + n.kind) IN $keep "
        "DETACH DELETE n",
        "MATCH (n:Source {_orgs_dataset: $dataset}) WHERE NOT n.id IN $keep DETACH DELETE n",
        "MATCH (n:Event {_orgs_dataset: $dataset}) WHERE NOT n.id IN $keep DETACH DELETE n",
        "MATCH ()-[e]->() WHERE e._orgs_dataset = $dataset AND NOT e.id IN $keep DELETE e"]
    assert removals[0].params["dataset"] == "Testshire"
    assert "hospital|Trust" in removals[0].params["keep"]
    assert "ccg-north|MERGED_INTO|ccg-all|1" in removals[3].params["keep"]


def test_organisations_get_the_organisation_label_and_their_kind_label(mini):
    trusts = [s for s in neo4j_store.load_statements(mini) if s.what == "Trust"]
    assert [s.cypher for s in trusts] == [
        "UNWIND $rows AS row MERGE (n:Organisation {_orgs_dataset: $dataset, id: row.id}) "
        "SET n = row, n._orgs_dataset = $dataset, n:`Trust`"]
    row = trusts[0].params["rows"][0]
    assert row["id"] == "hospital" and row["valid_from"] == dt.date(2013, 4, 1)
    assert row["valid_from_precision"] == "day"
    assert row["former_names"] == ["Testshire General Hospital Trust"]
    assert row["former_names_valid_to"] == ["2015-04"]


def test_relationships_are_merged_by_id_between_marked_nodes(mini):
    merged = [s for s in neo4j_store.load_statements(mini) if s.what == "MERGED_INTO"]
    assert [s.cypher for s in merged] == [
        "UNWIND $rows AS row MATCH (a:Organisation {_orgs_dataset: $dataset, id: row.from}) "
        "MATCH (b:Organisation {_orgs_dataset: $dataset, id: row.to}) "
        "MERGE (a)-[e:`MERGED_INTO` {id: row.id}]->(b) SET e = row.properties, "
        "e._orgs_dataset = $dataset"]
    rows = merged[0].params["rows"]
    assert [(r["from"], r["to"]) for r in rows] == [("ccg-north", "ccg-all"), ("ccg-south", "ccg-all")]
    assert rows[0]["properties"]["valid_from"] == dt.date(2021, 4, 1)
    assert rows[0]["properties"]["sources"] == ["src-b"]


@pytest.mark.parametrize("batch_size", [1, 2, 3, 1000])
def test_rows_travel_in_unwind_batches_of_at_most_the_batch_size(mini, batch_size):
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


def test_queries_run_in_a_read_access_session_with_a_timeout_and_never_commit():
    driver = FakeDriver(answer=(["name", "since"], [["Monitor", neo4j.time.Date(2013, 4, 1)]]))
    result = run_query("MATCH (r:Regulator) RETURN r.name AS name, r.valid_from AS since",
                       neo4j=True, driver=driver, timeout_s=2.5)
    assert result.rows == [["Monitor", dt.date(2013, 4, 1)]] and result.store == "neo4j"
    session = next(c for c in driver.calls if c[0] == "session")
    assert session[1]["default_access_mode"] == neo4j.READ_ACCESS
    assert ("begin", 2.5) in driver.calls
    assert ("rollback",) in driver.calls and ("commit",) not in driver.calls


def test_the_row_cap_applies_on_neo4j_too():
    driver = FakeDriver(answer=(["n"], [[i] for i in range(10)]))
    result = run_query("MATCH (n) RETURN n", neo4j=True, driver=driver, row_cap=4)
    assert result.rows == [[0], [1], [2], [3]] and result.truncated


def test_a_write_query_is_refused_before_it_reaches_the_server():
    driver = FakeDriver()
    with pytest.raises(QueryError, match="refused"):
        run_query("MATCH (n) DETACH DELETE n", neo4j=True, driver=driver)
    assert driver.calls == []


class ServerError(Exception):
    """The shape of a server error as the driver reports it: a status code and a message."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def test_server_side_refusals_timeouts_and_syntax_errors_become_one_clear_line():
    settings = Neo4jSettings("bolt://db.example:7687", "neo4j", "pw")
    access = ServerError("Neo.ClientError.Statement.AccessMode",
                         "Writing in read access mode not allowed.")
    timeout = ServerError("Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
                          "The transaction has been terminated.")
    syntax = ServerError("Neo.ClientError.Statement.SyntaxError", "Invalid input 'RETRUN'\n  ^")
    assert neo4j_store._neo4j_message(access, settings, "query") == (
        "refused: queries run in read transactions (use MATCH ... RETURN ...)")
    assert neo4j_store._neo4j_message(timeout, settings, "query", 3.0) == (
        "query stopped at the time limit of 3 s (narrow the MATCH, add a LIMIT, or raise --timeout)")
    assert neo4j_store._neo4j_message(syntax, settings, "query") == (
        "syntax error: Invalid input 'RETRUN' ^ (check the Cypher)")


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


# -- with a server ------------------------------------------------------------------------

@needs_server
def test_loading_twice_gives_the_same_graph():
    dataset = dataset_loader.load(DATA / "schools.yaml")
    neo4j_store.load(dataset)
    neo4j_store.load(dataset)
    count = "MATCH (o:Organisation {_orgs_dataset: 'Schoolshire'}) RETURN count(o) AS n"
    assert run_query(count, neo4j=True).rows == [[4]]
    rows = run_query("MATCH (t:AcademyTrust)-[r:RUNS]->(s:School) RETURN t.name, s.name, "
                     "r.valid_from", neo4j=True).rows
    assert rows == [["Oak Academy Trust", "Hill Academy", dt.date(2019, 9, 1)]]


@needs_server
def test_every_organisation_node_has_the_organisation_label():
    neo4j_store.load(dataset_loader.load(DATA / "schools.yaml"))
    rows = run_query("MATCH (s:School) RETURN s.id, 'Organisation' IN labels(s) ORDER BY s.id",
                     neo4j=True).rows
    assert rows == [["hill-academy", True], ["hill-school", True]]


@needs_server
def test_removed_organisations_leave_the_database(tmp_path):
    text = (DATA / "schools.yaml").read_text()
    neo4j_store.load(dataset_loader.load(DATA / "schools.yaml"))
    trimmed = tmp_path / "schools.yaml"
    trimmed.write_text(text.replace(
        "  - {id: hill-academy, name: Hill Academy, kind: School, valid_from: 2019-09-01, "
        "ods_code: SCH1, sources: [gazette-2019]}\n", "").split("relationships:")[0])
    neo4j_store.load(dataset_loader.load(trimmed))
    rows = run_query("MATCH (o:Organisation {_orgs_dataset: 'Schoolshire'}) RETURN o.id ORDER BY o.id",
                     neo4j=True).rows
    assert rows == [["hill-school"], ["oak-trust"], ["shire-council"]]
    neo4j_store.load(dataset_loader.load(DATA / "schools.yaml"))
