"""The console's guard (``loaders.query.guard``): an allowlist of reading clauses.

``tests/data/hostile_queries.jsonl`` is the hostile corpus, one JSON object a line:
``category`` (writes, ddl, indexes, extensions, files, databases, checkpoint, transactions,
settings, procedures, macros, statements, comments, spelling, backticks, unknown), ``query``
(``{tmp}`` stands for a folder of the test's own) and ``refused``, the start of the one line
each must be refused with. Its ``resources`` rows pass the guard and are tested for their
limits in ``tests/test_hard_limits.py``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stores_under_test import same_model
from test_neo4j_store import FakeDriver

from loaders import dataset as dataset_loader
from loaders.query.guard import READ_PROCEDURES, check_read_only
from loaders.query.result import QueryError
from loaders.query.run import run_query
from loaders.query.tokens import parameters, tokenize
from loaders.stores import neo4j_store
from loaders.stores.records import dataset_key

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
MINI = DATA / "mini.yaml"
# The "resources" rows are queries the guard lets through that ask for too much time or memory
# (tests/test_hard_limits.py); every other row is refused by the guard.
CORPUS = [row for row in map(json.loads, (DATA / "hostile_queries.jsonl").read_text(
    encoding="utf-8").splitlines()) if row["category"] != "resources"]
ONE_LINE_REFUSAL = re.compile(r"^refused: [^\n]+; the console (only reads the graph|runs one "
                              r"query at a time) \([^\n]+\)$")

# Reading queries that must keep working: every kind of clause, the catalogue procedures,
# EXPLAIN and PROFILE, comments, strings and names that look like refused words.
ALLOWED = [
    "MATCH (t:Trust) RETURN t.id AS id, t.name AS name ORDER BY id",
    "CALL show_tables() RETURN *",
    "CALL table_info('Trust') RETURN *",
    "CALL show_connection('OVERSEES') RETURN *",
    "CALL db_version() RETURN *",
    "CALL show_indexes() RETURN *",
    "CALL SHOW_TABLES() WHERE type = 'NODE' RETURN name ORDER BY name",
    "EXPLAIN MATCH (t:Trust) RETURN t.name",
    "PROFILE MATCH (t:Trust) RETURN t.name",
    "MATCH (t:Trust) WHERE t.name <> 'CREATE (x) SET y; DROP TABLE Trust' RETURN t.id",
    "MATCH (t:Trust) RETURN t.name AS `set` // DELETE in a comment",
    "/* CHECKPOINT */ MATCH (t:Trust) RETURN t.id ORDER BY t.id SKIP 0 LIMIT 1;",
    "MATCH (a)-[r]->(b) WHERE a.name STARTS WITH 'Old' AND NOT b.id IS NULL RETURN a.name",
    "MATCH (c:CCG)-[:MERGED_INTO|SUCCEEDED_BY*1..3]->(i) RETURN c.id, i.id ORDER BY c.id",
    "MATCH (a)-[e* SHORTEST 1..3]->(b:CCG) RETURN count(*)",
    "MATCH (a)-[e:MERGED_INTO*1..3 (r, n | WHERE r.valid_from IS NOT NULL)]->(b) RETURN a.id",
    "MATCH (n:CCG) WHERE EXISTS { MATCH (n)-[:MERGED_INTO]->() } RETURN n.id ORDER BY n.id",
    "MATCH (n:CCG) RETURN n.id, COUNT { MATCH (n)-->() } AS links ORDER BY n.id",
    "RETURN CASE WHEN 1 = 1 THEN 'a' ELSE 'b' END AS x UNION ALL RETURN 'c' AS x",
    "UNWIND [date('2014-06-01'), date('2021-04-01')] AS day "
    "OPTIONAL MATCH (c:CCG) WHERE c.valid_from <= day WITH day, count(c) AS ccgs "
    "RETURN day, ccgs ORDER BY day DESC",
    "MATCH (n)\u00a0RETURN\u3000n.id\tORDER BY n.id LIMIT 2",
]
# Neo4j reading syntax LadybugDB does not have: the guard lets it through to the server.
NEO4J_ONLY = [
    "CALL db.labels() YIELD label RETURN label",
    "CALL `db`.`relationshipTypes`()",
    "MATCH p = SHORTEST 1 (a)-->+(b) RETURN p",
    "MATCH (a) ((x)-[:R]->(y)){1,3} (b) RETURN a",
    "RETURN [x IN [1, 2, 3] WHERE x > 1 | x * 2] AS doubled",
    "MATCH (n) RETURN n {.name, .id, kind: n.kind}",
    "RETURN reduce(total = 0, x IN [1, 2] | total + x), all(x IN [1] WHERE x > 0)",
]


def _query(row: dict, tmp: Path) -> str:
    return row["query"].replace("{tmp}", str(tmp))


def test_the_corpus_has_over_60_statements_in_every_category():
    counts = Counter(row["category"] for row in CORPUS)
    assert len(CORPUS) >= 60
    assert set(counts) == {"writes", "ddl", "indexes", "extensions", "files", "databases",
                           "checkpoint", "transactions", "settings", "procedures", "macros",
                           "statements", "comments", "spelling", "backticks", "unknown"}
    assert min(counts.values()) >= 2


@pytest.mark.parametrize("row", CORPUS, ids=lambda row: f"{row['category']}-{row['query'][:40]}")
def test_each_hostile_statement_is_refused_in_one_line_saying_what_and_what_to_do(row, tmp_path):
    with pytest.raises(QueryError) as caught:
        check_read_only(_query(row, tmp_path))
    assert str(caught.value).startswith(row["refused"])
    assert ONE_LINE_REFUSAL.match(str(caught.value)), str(caught.value)


@pytest.mark.parametrize("query", ALLOWED + NEO4J_ONLY)
def test_reading_queries_pass_the_guard(query):
    check_read_only(query)


@pytest.mark.parametrize("query", ALLOWED)
def test_reading_queries_run_on_the_embedded_store(query, tmp_path, monkeypatch):
    monkeypatch.setenv("ORGS_CACHE_DIR", str(tmp_path))
    result = run_query(query, dataset_path=MINI)
    assert result.columns and result.rows


def test_the_catalogue_procedures_are_the_only_ones_allowed():
    assert READ_PROCEDURES == {
        "show_tables", "table_info", "show_connection", "show_indexes", "show_functions",
        "db_version", "db.labels", "db.relationshiptypes", "db.propertykeys",
        "db.schema.visualization", "db.schema.nodetypeproperties",
        "db.schema.reltypeproperties"}


@pytest.mark.parametrize("query, says", [
    ("MATCH (n RETURN n", "syntax error at line 1, column 7: '(' is not closed"),
    ("MATCH (n) WHERE n.name = 'x RETURN n", "syntax error at line 1, column 26: a string "
                                             "opened with ' is not closed"),
    ("MATCH (n) /* note RETURN n", "syntax error at line 1, column 11: a /* comment is not closed"),
    ("MATCH (n)\nRETURN n\u200b", "syntax error at line 2, column 9: the character '\\u200b' "
                                  "(U+200B) has no meaning outside a string"),
    ("MATCH (n) RETURN n.name ]", "syntax error at line 1, column 25: ']' closes no open bracket"),
    ("MATCH (n) RETURN n 'x'", "syntax error at line 1, column 20: ''...'' cannot follow 'n'"),
])
def test_text_that_is_not_cypher_is_a_syntax_error_saying_where(query, says):
    with pytest.raises(QueryError) as caught:
        check_read_only(query)
    assert str(caught.value).startswith(says) and "\n" not in str(caught.value)


def test_the_tokenizer_keeps_strings_names_and_parameters_whole():
    kinds = [(t.kind, t.text) for t in tokenize(
        "MATCH (`a``b`) WHERE a.x = 'it\\'s // no' AND $`day one` < $day /* c */ RETURN 1.5")]
    assert kinds == [("word", "MATCH"), ("punct", "("), ("quoted", "a`b"), ("punct", ")"),
                     ("word", "WHERE"), ("word", "a"), ("punct", "."), ("word", "x"),
                     ("punct", "="), ("string", "it\\'s // no"), ("word", "AND"),
                     ("param", "day one"), ("punct", "<"), ("param", "day"), ("word", "RETURN"),
                     ("number", "1.5")]
    assert parameters("RETURN $day, date($day), $1 // $not") == {"day", "1"}


# -- the corpus against the stores ------------------------------------------------------------

_DRIVER = """
import contextlib, io, json, sys
from graph.cli.main import main
data, queries = sys.argv[1], json.loads(sys.stdin.read())
results = []
for query in queries:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["query", "--data", data, query, "--format", "json"])
    results.append([code, out.getvalue(), err.getvalue()])
print(json.dumps(results))
"""


def _fresh_environment(tmp_path: Path) -> dict[str, str]:
    """HOME, TMPDIR and the store cache in fresh folders under ``tmp_path``. matplotlib's font
    list cache, which any ``python -m graph`` command writes once as it imports the snapshot
    exporter, goes to ``mpl`` (checked separately: it is the only file there)."""
    for name in ("home", "tmp", "cache", "mpl"):
        (tmp_path / name).mkdir()
    return {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT), "LANG": "C.UTF-8",
            "HOME": str(tmp_path / "home"), "TMPDIR": str(tmp_path / "tmp"),
            "ORGS_CACHE_DIR": str(tmp_path / "cache"), "MPLCONFIGDIR": str(tmp_path / "mpl")}


def _only_the_font_cache(mpl: Path) -> bool:
    return all(re.fullmatch(r"fontlist-v[\d.]+\.json", p.name) for p in mpl.iterdir())


def _every_file(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else b"<folder>")
            for p in sorted(folder.rglob("*"))}


def test_the_corpus_through_the_cli_is_refused_and_writes_nothing_anywhere(tmp_path):
    """Each statement through ``python -m graph query`` in a process whose HOME, TMPDIR, working
    folder and store cache are fresh folders: exit 2 and one line each; afterwards every file
    under them (the store included) is byte-identical and nothing was added; then the allowed
    queries still answer from the same store, also writing nothing."""
    env = _fresh_environment(tmp_path)
    home, temp, cwd, data = (tmp_path / name for name in ("home", "tmp", "cwd", "data"))
    cwd.mkdir()
    data.mkdir()
    shutil.copy(MINI, data / "mini.yaml")
    load = subprocess.run([sys.executable, "-m", "graph", "load", str(data / "mini.yaml")],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert load.returncode == 0, load.stderr
    before = _every_file(tmp_path)
    assert any(name.startswith("cache/mini-") for name in before) and _only_the_font_cache(
        tmp_path / "mpl")
    leak_before = Path("/tmp/leak.csv").exists()

    queries = [_query(row, temp) for row in CORPUS] + ALLOWED
    run = subprocess.run([sys.executable, "-c", _DRIVER, str(data / "mini.yaml")],
                         input=json.dumps(queries), cwd=cwd, env=env, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    results = json.loads(run.stdout)
    for row, (code, out, err) in zip(CORPUS, results, strict=False):
        assert (code, out) == (2, ""), row
        assert err.startswith(f"error: {row['refused']}") and err.count("\n") == 1, (row, err)
        assert "Traceback" not in err
    for query, (code, out, err) in zip(ALLOWED, results[len(CORPUS):], strict=True):
        assert (code, err) == (0, ""), (query, err)
        assert json.loads(out), query
    assert _every_file(tmp_path) == before, "a file was written, changed or removed"
    assert not (home / ".lbdb").exists()
    assert Path("/tmp/leak.csv").exists() == leak_before


@pytest.mark.parametrize("query, refused", [
    ("LOAD FROM '.streamlit/secrets.toml' RETURN *", "refused: LOAD FROM reads files"),
    ("CALL `threads`=1", "refused: CALL threads=... changes a setting"),
    ("UPDATE json", "refused: UPDATE updates an extension"),
])
def test_the_issues_statements_exit_2_in_one_line_and_create_nothing_under_home(
        query, refused, tmp_path):
    env = _fresh_environment(tmp_path)
    done = subprocess.run([sys.executable, "-m", "graph", "query", query], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith(f"error: {refused}") and done.stderr.count("\n") == 1
    for folder in ("home", "tmp", "cache"):
        assert list((tmp_path / folder).rglob("*")) == [], folder
    assert _only_the_font_cache(tmp_path / "mpl")


@pytest.mark.parametrize("row", CORPUS, ids=lambda row: f"{row['category']}-{row['query'][:40]}")
def test_no_hostile_statement_reaches_a_neo4j_server(row, tmp_path):
    driver = FakeDriver()
    with pytest.raises(QueryError, match="^refused"):
        run_query(_query(row, tmp_path), neo4j=True, driver=driver)
    assert driver.calls == []


def test_the_corpus_leaves_a_neo4j_server_unchanged(neo4j_db, tmp_path):
    loaded = dataset_loader.load(MINI)
    neo4j_store.load(loaded)
    count = "MATCH (n) OPTIONAL MATCH (n)-[r]->() RETURN count(DISTINCT n), count(r)"
    before = run_query(count, neo4j=True).rows
    for row in CORPUS:
        with pytest.raises(QueryError, match="^refused"):
            run_query(_query(row, tmp_path), neo4j=True)
    for query in NEO4J_ONLY[:3]:
        run_query(query, neo4j=True)
    assert run_query(count, neo4j=True).rows == before == [[11, 21]]
    same_model(loaded, neo4j_store.read_back(dataset_key(loaded)))


# -- a property: however they are mixed, a refused clause never gets through --------------------

_READING = ["MATCH (n:Trust)", "OPTIONAL MATCH (n)-[r:OVERSEES]->(m)", "WHERE n.name <> 'x'",
            "WITH n", "UNWIND [1, 2] AS i", "RETURN n.id AS id", "ORDER BY id", "LIMIT 3",
            "CALL show_tables()", "WHERE n.note = 'CREATE (x) SET y'", "RETURN `set`.x",
            "WITH n AS `DELETE`"]
_REFUSED = ["CREATE (m:Trust {id: 'x'})", "SET n.name = 'x'", "DELETE n", "DETACH DELETE n",
            "MERGE (m:Trust {id: 'x'})", "REMOVE n.name", "FOREACH (i IN [1] | CREATE ())",
            "LOAD FROM '/etc/passwd'", "LOAD CSV FROM 'file:///etc/passwd' AS row",
            "COPY (MATCH (n) RETURN n) TO '/tmp/x.csv'", "CALL threads=1", "CALL `threads`=1",
            "CALL `apoc`.`export`.`csv`.`all`('x', {})", "CALL read_csv('/etc/passwd')",
            "CALL { CREATE (m) }", "INSTALL json", "UPDATE json", "UNINSTALL json",
            "CHECKPOINT", "USE other", "ATTACH 'x.lbug' AS x", "EXPORT DATABASE '/tmp/x'",
            "BEGIN TRANSACTION", "CREATE MACRO m(x) AS x", "DROP TABLE Trust", "; MATCH (x)",
            "FROBNICATE (n)"]
_NOISE = [" ", "\n", "\t", "\u00a0", "\u2028", "\u3000", " /* CREATE (n) */ ",
          " // SET n.x = 1\n", "\r\n", "/**/"]


def _scramble_case(draw: st.DrawFn, text: str) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(c.swapcase() if flip else c for c, flip in zip(text, flips, strict=True))


@st.composite
def _mixed_query(draw: st.DrawFn) -> tuple[str, bool]:
    clauses = draw(st.lists(st.sampled_from(_READING), min_size=1, max_size=5))
    refused = draw(st.lists(st.sampled_from(_REFUSED), max_size=2))
    for clause in refused:
        clauses.insert(draw(st.integers(0, len(clauses))), clause)
    words = [_scramble_case(draw, word) for clause in clauses for word in clause.split(" ")]
    text = words[0]
    for word in words[1:]:
        text += draw(st.sampled_from(_NOISE)) + word
    return text, bool(refused)


@settings(max_examples=400, deadline=None)
@given(_mixed_query())
def test_mixed_clauses_comments_case_and_quoting_never_let_a_refused_clause_through(case):
    query, has_refused = case
    try:
        check_read_only(query)
    except QueryError as error:
        assert "\n" not in str(error)
    else:
        assert not has_refused, f"let through: {query!r}"


@st.composite
def _reading_query(draw: st.DrawFn) -> str:
    parts = [draw(st.sampled_from(["MATCH (n:Trust)", "MATCH (n)-[r]->(m)",
                                   "OPTIONAL MATCH (n)"]))]
    if draw(st.booleans()):
        parts.append(draw(st.sampled_from(["WHERE n.name = 'DELETE n; CREATE (m)'",
                                           "WHERE n.id IN ['a', 'b'] OR n.id STARTS WITH 'x'",
                                           "WHERE NOT n.name IS NULL"])))
    if draw(st.booleans()):
        parts.append("WITH n, count(*) AS c")
    parts.append(draw(st.sampled_from(["RETURN n.id AS id ORDER BY id DESC LIMIT 5",
                                       "RETURN DISTINCT n.`name`", "RETURN *"])))
    words = [_scramble_case(draw, w) if "'" not in w and "`" not in w else w
             for part in parts for w in part.split(" ")]
    text = words[0]
    for word in words[1:]:
        text += draw(st.sampled_from(_NOISE)) + word
    return text


@settings(max_examples=200, deadline=None)
@given(_reading_query())
def test_reading_queries_in_any_case_spacing_and_comments_pass(query):
    check_read_only(query)
