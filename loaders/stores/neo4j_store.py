"""Model -> Neo4j, as a sync in one transaction; read-only queries in read transactions.

Settings come from ``loaders.stores.settings`` (the environment or Streamlit secrets). The
password is never printed: settings hide it from ``repr`` and every message this module raises
is scrubbed of it.

Every node and relationship this tool writes carries ``_orgs_dataset``, the dataset's key
(``records.dataset_key``: the area's ``id``, else one derived from the file's path), and every
node ``_orgs_area``, the area's name. A load only ever matches, changes or deletes elements with
its own key, so other data and other datasets in the same database are left alone.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from graph.core.model import Dataset
from loaders.query.result import Elements, QueryError, QueryResult
from loaders.query.tokens import database_syntax_error, tokenize
from loaders.stores.records import (
    EVENT,
    ORGANISATION,
    SOURCE,
    GraphRecords,
    StoreError,
    dataset_from_rows,
    dataset_key,
    graph_records,
    quote_identifier,
)
from loaders.stores.settings import Neo4jSettings, neo4j_settings

# The driver logs retries and routing failures; our one-line errors say the same thing.
logging.getLogger("neo4j").addHandler(logging.NullHandler())
DATASET_MARK = "_orgs_dataset"
AREA_MARK = "_orgs_area"
DEFAULT_BATCH = 1000
# Every transaction this tool opens has a timeout: a load of 10,000 organisations took 6 min on
# a local server (README, benchmarks), so an hour is far beyond a healthy one; reading an area
# back, 10 min; a constraint, a minute.
LOAD_TIMEOUT_S = 3600.0
READ_BACK_TIMEOUT_S = 600.0
SCHEMA_TIMEOUT_S = 60.0


def require_settings() -> Neo4jSettings:
    found = neo4j_settings()
    if found is None:
        raise StoreError("Neo4j is not configured (set NEO4J_URI, NEO4J_USERNAME and "
                         "NEO4J_PASSWORD, or drop --neo4j to use the embedded store)")
    return found


def connect(settings: Neo4jSettings) -> Any:
    """A driver for ``settings``. Fails fast: a dead server is reported in seconds."""
    import neo4j

    try:
        return neo4j.GraphDatabase.driver(
            settings.uri, auth=(settings.username, settings.password),
            connection_timeout=5.0, connection_acquisition_timeout=10.0,
            max_transaction_retry_time=3.0)
    except Exception as exc:
        raise StoreError(settings.scrub(f"Neo4j settings rejected: {exc} "
                                        "(check NEO4J_URI, e.g. neo4j+s://xxxx.databases.neo4j.io)")
                         ) from None


# -- the Cypher a load sends ---------------------------------------------------------------

@dataclass(frozen=True)
class Statement:
    cypher: str
    params: dict[str, Any]
    what: str = ""  # for the progress bar
    rows: int = 0


def constraint_statements() -> list[Statement]:
    """Uniqueness of (dataset, id) per node family; MERGE then finds nodes through the index."""
    return [Statement(f"CREATE CONSTRAINT orgs_{label.lower()}_id IF NOT EXISTS "
                      f"FOR (n:{quote_identifier(label)}) "
                      f"REQUIRE (n.{DATASET_MARK}, n.id) IS UNIQUE", {})
            for label in (ORGANISATION, SOURCE, EVENT)]


def _batches(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def load_statements(dataset: Dataset, batch_size: int = DEFAULT_BATCH,
                    records: GraphRecords | None = None) -> list[Statement]:
    """The statements of one load, in order: remove what left the YAML, then MERGE in batches.

    Labels and types reach the text only through ``quote_identifier``; every value is a
    parameter.
    """
    if batch_size < 1:
        raise StoreError("the batch size must be at least 1")
    records = records or graph_records(dataset)
    mark = {"dataset": dataset_key(dataset)}
    kinds = [label for label in records.nodes if label not in (SOURCE, EVENT)]
    org_keys = [f"{row['id']}|{label}" for label in kinds for row in records.nodes[label]]
    rel_ids = [row["id"] for edges in records.edges for row in edges.rows]
    m, area = DATASET_MARK, AREA_MARK
    statements = [
        # Earlier versions marked nodes with the area's name and no _orgs_area: this file's
        # area name is the best guess of what they were, so those go (see docs/stores.md).
        *[Statement(f"MATCH (n:{family} {{{m}: $area}}) WHERE n.{area} IS NULL DETACH DELETE n",
                    {"area": dataset.area.name}, "removed nodes of the old marking")
          for family in (ORGANISATION, SOURCE, EVENT)],
        # An organisation that left the YAML, or changed kind, is removed (then re-created).
        Statement(f"MATCH (n:{ORGANISATION} {{{m}: $dataset}}) "
                  "WHERE NOT (n.id + '|' + n.kind) IN $keep DETACH DELETE n",
                  {**mark, "keep": org_keys}, "removed organisations"),
        *[Statement(f"MATCH (n:{label} {{{m}: $dataset}}) WHERE NOT n.id IN $keep "
                    "DETACH DELETE n", {**mark, "keep": [r["id"] for r in records.nodes[label]]},
                    f"removed {label} nodes") for label in (SOURCE, EVENT)],
        # Relationships start at organisations and events; found through their index.
        *[Statement(f"MATCH (:{family} {{{m}: $dataset}})-[e]->() "
                    f"WHERE e.{m} = $dataset AND NOT e.id IN $keep DELETE e",
                    {**mark, "keep": rel_ids}, "removed relationships")
          for family in (ORGANISATION, EVENT)],
    ]
    for label, rows in records.nodes.items():
        family = label if label in (SOURCE, EVENT) else ORGANISATION
        extra = "" if family == label else f", n:{quote_identifier(label)}"
        cypher = (f"UNWIND $rows AS row MERGE (n:{family} {{{m}: $dataset, id: row.id}}) "
                  f"SET n = row, n.{m} = $dataset, n.{area} = $area{extra}")
        for batch in _batches(rows, batch_size):
            statements.append(Statement(cypher, {**mark, "area": dataset.area.name,
                                                 "rows": batch}, label, len(batch)))
    for edges in records.edges:
        ends = [end if end in (SOURCE, EVENT) else ORGANISATION
                for end in (edges.from_label, edges.to_label)]
        cypher = (f"UNWIND $rows AS row "
                  f"MATCH (a:{ends[0]} {{{m}: $dataset, id: row.from}}) "
                  f"MATCH (b:{ends[1]} {{{m}: $dataset, id: row.to}}) "
                  f"MERGE (a)-[e:{quote_identifier(edges.type)} {{id: row.id}}]->(b) "
                  f"SET e = row.properties, e.{m} = $dataset")
        # MERGE matches on row.id, so the id is on the row itself as well as in its properties
        rows = [{"from": r["from"], "to": r["to"], "id": r["id"],
                 "properties": {k: v for k, v in r.items() if k not in ("from", "to")}}
                for r in edges.rows]
        for batch in _batches(rows, batch_size):
            statements.append(Statement(cypher, {**mark, "rows": batch}, edges.type, len(batch)))
    return statements


def load(dataset: Dataset, *, driver: Any = None, settings: Neo4jSettings | None = None,
         batch_size: int = DEFAULT_BATCH,
         progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Sync ``dataset`` into Neo4j in one transaction: all of it, or (on failure) none of it."""
    records = graph_records(dataset)
    statements = load_statements(dataset, batch_size, records)
    own = driver is None
    settings = settings or (require_settings() if own else Neo4jSettings("(given driver)"))
    driver = driver or connect(settings)
    try:
        with driver.session(database=settings.database) as session:
            for statement in constraint_statements():  # schema first, in its own transactions
                schema = session.begin_transaction(timeout=SCHEMA_TIMEOUT_S)
                schema.run(statement.cypher, statement.params).consume()
                schema.commit()
            # The metadata names the load in the server's SHOW TRANSACTIONS.
            tx = session.begin_transaction(timeout=LOAD_TIMEOUT_S,
                                           metadata={"app": "orgs load",
                                                     "dataset": dataset_key(dataset)})
            try:
                for statement in statements:
                    tx.run(statement.cypher, statement.params).consume()
                    if progress and statement.rows:
                        progress(statement.what, statement.rows)
                tx.commit()
            except BaseException:
                try:
                    tx.rollback()  # the previous graph stays as it was
                except Exception:  # the server drops an unfinished transaction anyway
                    pass
                raise
    except StoreError:
        raise
    except Exception as exc:
        raise StoreError(settings.scrub(_neo4j_message(exc, settings, "load")[0])) from None
    finally:
        if own:
            driver.close()
    return records.counts()


# -- read-only queries ---------------------------------------------------------------------

def run_read(cypher: str, params: dict[str, Any], *, timeout_s: float, row_cap: int,
             driver: Any = None, settings: Neo4jSettings | None = None) -> QueryResult:
    """One query in a read transaction with a timeout; rows beyond ``row_cap`` are cut."""
    import neo4j

    own = driver is None
    try:
        settings = settings or (require_settings() if own else Neo4jSettings("(given driver)"))
        driver = driver or connect(settings)
    except StoreError as exc:
        raise QueryError(str(exc)) from None
    collector = Elements()

    def read(tx: Any) -> tuple[list[str], list[list[Any]], bool]:
        result = tx.run(cypher, params)
        columns = list(result.keys())
        rows: list[list[Any]] = []
        for record in result:
            if len(rows) == row_cap:
                return columns, rows, True
            rows.append([collector.neo4j(value) for value in record.values()])
        return columns, rows, False

    try:
        # A read-access session and an explicit transaction: the server refuses writes, the
        # timeout stops runaway queries, and no automatic retries hide a dead server.
        with driver.session(database=settings.database,
                            default_access_mode=neo4j.READ_ACCESS) as session:
            planned = _planned(session, cypher, params, timeout_s)
            if planned not in (None, "r"):
                raise QueryError(f"refused: Neo4j plans the query as one that "
                                 f"{_PLANNED.get(planned, 'does not only read')} (query type "
                                 f"'{planned}'); the console only reads the graph (use MATCH ... "
                                 "RETURN ...)")
            tx = session.begin_transaction(timeout=timeout_s)
            try:
                columns, rows, truncated = read(tx)
            finally:
                tx.rollback()  # nothing to keep: a read never commits
    except (QueryError, MemoryError):
        raise
    except Exception as exc:
        message, detail = _neo4j_message(exc, settings, "query", timeout_s)
        if detail:
            said, *where = _position(detail)
            raise database_syntax_error(cypher, *where, settings.scrub(said)) from None
        raise QueryError(settings.scrub(message)) from None
    finally:
        if own:
            driver.close()
    return QueryResult(columns, rows, truncated, "neo4j", collector.as_dict())


_PLANNED = {"rw": "reads and writes", "w": "writes", "s": "changes the schema"}


def _planned(session: Any, cypher: str, params: dict[str, Any], timeout_s: float) -> str | None:
    """What Neo4j's planner says the query does ('r': only reads; 'rw', 'w', 's'), from an
    EXPLAIN that runs nothing: a second layer behind the guard. None when the server cannot
    plan it (a syntax error, an unknown function): the query itself then fails the same way,
    before it runs, and its error names places in the text as written."""
    import neo4j

    tx = session.begin_transaction(timeout=timeout_s)
    try:
        return tx.run(f"EXPLAIN {_without_explain(cypher)}", params).consume().query_type
    except neo4j.exceptions.ClientError as exc:
        if ".Statement." in str(exc.code or ""):
            return None
        raise
    finally:
        try:
            tx.rollback()
        except Exception:  # a failed transaction is closed already
            pass


def _without_explain(cypher: str) -> str:
    """The query without a leading EXPLAIN or PROFILE, to be planned with EXPLAIN."""
    tokens = tokenize(cypher)
    if len(tokens) > 1 and tokens[0].keyword in ("EXPLAIN", "PROFILE"):
        return cypher[tokens[1].at:]
    return cypher


def read_back(key: str, *, driver: Any = None, settings: Neo4jSettings | None = None) -> Dataset:
    """The dataset stored under ``key`` (``records.dataset_key``), as the embedded store's
    ``read_back`` gives it: proves a load kept every value, date and precision."""
    def rows(cypher: str) -> list[list[Any]]:
        return run_read(cypher, {"key": key}, timeout_s=READ_BACK_TIMEOUT_S, row_cap=sys.maxsize,
                        driver=driver, settings=settings).rows

    m = DATASET_MARK
    organisations = rows(f"MATCH (n:{ORGANISATION} {{{m}: $key}}) RETURN properties(n)")
    relationships = rows(f"MATCH (a:{ORGANISATION} {{{m}: $key}})-[r]->(b:{ORGANISATION}) "
                         f"WHERE r.{m} = $key RETURN a.id, properties(r), b.id")
    return dataset_from_rows(
        [n for (n,) in organisations], [tuple(r) for r in relationships],
        [s for (s,) in rows(f"MATCH (s:{SOURCE} {{{m}: $key}}) RETURN properties(s)")],
        [e for (e,) in rows(f"MATCH (e:{EVENT} {{{m}: $key}}) RETURN properties(e)")],
        {n["kind"] for (n,) in organisations}, {r["type"] for _, r, _ in relationships},
        f"Neo4j dataset {key}")


def _neo4j_message(exc: Exception, settings: Neo4jSettings, action: str,
                   timeout_s: float | None = None) -> tuple[str, str]:
    """(one plain line, the server's own words when it is a syntax error, else '')."""
    code = str(getattr(exc, "code", "") or "")
    text = str(getattr(exc, "message", None) or exc or type(exc).__name__)
    first = " ".join(text.split())[:300]  # one line, however the driver wrapped it
    if any(name in code for name in _MEMORY_CODES) or "OutOfMemory" in type(exc).__name__:
        return ("query stopped at the Neo4j server's memory limit for a query (narrow the "
                f"MATCH or add a LIMIT; the server said: {first})"), ""
    if "TransactionTimedOut" in code or ("timed out" in first.lower() and timeout_s):
        return (f"query stopped at the time limit of {timeout_s:g} s "
                "(narrow the MATCH, add a LIMIT, or raise --timeout)"), ""
    if "AccessMode" in code or "in read access mode" in first:
        return ("refused: Neo4j runs the console's queries in read transactions; the console "
                "only reads the graph (use MATCH ... RETURN ...)"), ""
    if "SyntaxError" in code:
        return f"syntax error: {first} (check the Cypher)", text
    if "Security" in code or type(exc).__name__ in ("AuthError", "AuthConfigurationError"):
        return (f"Neo4j at {settings.safe_uri} refused the credentials of user "
                f"'{settings.username}' (check NEO4J_USERNAME and NEO4J_PASSWORD)"), ""
    if type(exc).__name__ in ("ServiceUnavailable", "SessionExpired", "ConfigurationError") \
            or isinstance(exc, OSError):
        return (f"cannot reach Neo4j at {settings.safe_uri} ({first}); "
                "check NEO4J_URI and that the server is running"), ""
    return f"Neo4j {action} failed: {type(exc).__name__}: {first}", ""


# A query the server stopped for memory: over db.memory.transaction.max (or .total.max), or
# its heap ran out in an expression the tracking does not count (the server carries on).
_MEMORY_CODES = ("MemoryLimit", "MemoryPoolOutOfMemory", "OutOfMemoryError")
_SERVER_POSITION = re.compile(r"Invalid input '(.*?)':.*?\(line ([0-9]+), column ([0-9]+) "
                              r"\(offset: [0-9]+\)\)", re.DOTALL)


def _position(text: str) -> tuple[str, int, int, str | None]:
    """A Neo4j syntax error's own words as one line, where it is (line from 1, column from 0)
    and the input it did not expect; the words alone when it does not say where."""
    found = _SERVER_POSITION.search(text)
    if found is None:
        return " ".join(text.split())[:300], 0, 0, None
    return (" ".join(text[:found.end()].split()), int(found.group(2)), int(found.group(3)) - 1,
            found.group(1))
