"""Read-only Cypher on either store: the one function the page and the CLI call.

>>> result = run_query("MATCH (t:Trust) RETURN t.name AS trust ORDER BY trust")  # doctest: +SKIP
>>> result.columns, result.rows[0]                                               # doctest: +SKIP
(['trust'], ['Bedford Hospital NHS Trust'])

Guards, in order: a keyword pre-check that names what is refused (writes, schema changes,
file access, settings, several statements); then the real guards, a read-only database handle
(embedded) or a read transaction (Neo4j); a time limit; a row cap.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ladybug
import yaml

from loaders import embedded

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TIMEOUT_S = 10.0
DEFAULT_ROW_CAP = 5000
SAVED_QUERIES = ROOT / "data" / "queries.yaml"

# Words that change data, schema, settings or files on one store or the other.
_REFUSED_WORDS = {
    "CREATE", "MERGE", "DELETE", "DETACH", "SET", "REMOVE", "DROP", "ALTER", "RENAME",
    "FOREACH", "COPY", "LOAD", "IMPORT", "EXPORT", "INSTALL", "ATTACH", "USE", "CHECKPOINT",
    "BEGIN", "COMMIT", "ROLLBACK", "GRANT", "DENY", "REVOKE", "TERMINATE",
}
# Procedures known to only read; any other CALL is refused (they may write or change settings).
_READ_PROCEDURES = re.compile(
    r"^(show_\w+|table_info|current_setting|db_version|"
    r"db\.(labels|relationshipTypes|propertyKeys|schema\.\w+))$", re.IGNORECASE)
_LITERALS = re.compile(r"""
    //[^\n]*                          # line comment
  | /\*.*?\*/                         # block comment
  | '(?:[^'\\]|\\.)*'                 # 'string'
  | "(?:[^"\\]|\\.)*"                 # "string"
  | `(?:[^`]|``)*`                    # `quoted identifier`
""", re.VERBOSE | re.DOTALL)
_WORD = re.compile(r"(?<![\w.$])([A-Za-z_][A-Za-z0-9_]*)")
_CALL = re.compile(r"\bCALL\s+([A-Za-z_][\w.]*)\s*(\(|=)?", re.IGNORECASE)


class QueryError(Exception):
    """A query that cannot run: refused, malformed, too slow or the store is unreachable."""


@dataclass(frozen=True)
class QueryResult:
    """Rows as plain Python values (dates as ``datetime.date``; nodes, relationships and paths
    as dicts) and ``elements``: every node and relationship in them, for drawing."""

    columns: list[str]
    rows: list[list[Any]]
    truncated: bool
    store: str  # "embedded" or "neo4j"
    elements: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def check_read_only(cypher: str) -> None:
    """Raise ``QueryError`` naming the first clause a read-only query may not use."""
    code = _LITERALS.sub(" ", cypher)
    statements = [s for s in code.split(";") if s.strip()]
    if len(statements) > 1:
        raise QueryError("refused: several statements; run one query at a time")
    if not statements:
        raise QueryError("empty query (write a MATCH ... RETURN ...)")
    for match in _WORD.finditer(code):
        word = match.group(1).upper()
        if word in _REFUSED_WORDS:
            what = "LOAD CSV/LOAD FROM and COPY read or write files" if word in ("LOAD", "COPY") \
                else f"{word} changes the database"
            raise QueryError(f"refused: queries are read-only and {what} "
                             "(use MATCH ... RETURN ...)")
    for match in _CALL.finditer(code):
        name, after = match.group(1), match.group(2)
        if after == "=" or not _READ_PROCEDURES.match(name):
            raise QueryError(f"refused: CALL {name} may write or change settings; only "
                             "read-only procedures such as db.labels() or show_tables() may run")


def run_query(cypher: str, *, params: dict[str, Any] | None = None,
              dataset_path: str | Path | None = None, neo4j: bool = False,
              timeout_s: float = DEFAULT_TIMEOUT_S, row_cap: int = DEFAULT_ROW_CAP,
              driver: Any = None) -> QueryResult:
    """Run one read-only Cypher query on the embedded store (built on first use) or Neo4j.

    Raises ``QueryError`` (one line) for a refused, malformed or timed-out query, and
    ``loaders.problems.InvalidInput`` when the YAML needed for a first build is invalid.
    """
    check_read_only(cypher)
    if timeout_s <= 0 or row_cap <= 0:
        raise QueryError("the time limit and the row cap must be positive")
    if neo4j:
        from loaders import neo4j_store  # the driver is imported only when Neo4j is used
        return neo4j_store.run_read(cypher, params or {}, timeout_s=timeout_s,
                                    row_cap=row_cap, driver=driver)
    if dataset_path is None:
        from graph.cli import default_data
        dataset_path = default_data()
    try:
        store = embedded.ensure_store(dataset_path)
    except FileNotFoundError:
        raise QueryError(f"{dataset_path}: no such file (give the YAML with --data)") from None
    return run_embedded(store, cypher, params or {}, timeout_s=timeout_s, row_cap=row_cap)


def run_embedded(store: str | Path, cypher: str, params: dict[str, Any], *,
                 timeout_s: float = DEFAULT_TIMEOUT_S,
                 row_cap: int = DEFAULT_ROW_CAP) -> QueryResult:
    """A query on one store file through a read-only handle, with a time limit and a row cap."""
    check_read_only(cypher)
    connection = ladybug.Connection(embedded.open_read_only(store))
    try:
        connection.set_query_timeout(max(1, int(timeout_s * 1000)))
        try:
            result = connection.execute(cypher, params)
            if isinstance(result, list):  # several statements slipped through: refuse
                raise QueryError("refused: several statements; run one query at a time")
            columns = list(result.get_column_names())
            raw: list[list[Any]] = []
            while result.has_next() and len(raw) <= row_cap:
                raw.append(result.get_next())
            result.close()
        except RuntimeError as exc:
            raise QueryError(_embedded_message(str(exc), timeout_s)) from None
    finally:
        connection.close()
    truncated = len(raw) > row_cap
    collector = _Elements()
    rows = [[collector.embedded(value) for value in row] for row in raw[:row_cap]]
    return QueryResult(columns, rows, truncated, "embedded", collector.as_dict())


def _embedded_message(text: str, timeout_s: float) -> str:
    first = text.strip().splitlines()[0] if text.strip() else "query failed"
    if "Interrupted" in first:
        return (f"query stopped at the time limit of {timeout_s:g} s "
                "(narrow the MATCH, add a LIMIT, or raise --timeout)")
    if "read-only" in first:
        return "refused: the store is opened read-only (use MATCH ... RETURN ...)"
    if first.startswith(("Parser exception", "Binder exception", "Catalog exception")):
        return f"{first} (check the Cypher, labels and property names)"
    return first


# -- values -> plain Python ----------------------------------------------------------------

def _node(identity: str, label: str, properties: dict[str, Any]) -> dict[str, Any]:
    props = {k: v for k, v in properties.items() if v is not None and not k.startswith("_")}
    return {"id": identity, "label": label,
            "name": props.get("name") or props.get("title") or identity, "properties": props}


def _relationship(rtype: str, properties: dict[str, Any]) -> dict[str, Any]:
    props = {k: v for k, v in properties.items() if v is not None and not k.startswith("_")}
    rel_id = str(props.get("id", ""))
    ends = rel_id.split("|")  # every relationship id is "from|TYPE|to|n"
    return {"id": rel_id, "type": rtype, "from": ends[0] if len(ends) > 2 else None,
            "to": ends[2] if len(ends) > 2 else None, "properties": props}


class _Elements:
    """Converts store values to plain ones, collecting the nodes and relationships seen."""

    def __init__(self) -> None:
        self.nodes: dict[str, dict[str, Any]] = {}
        self.relationships: dict[str, dict[str, Any]] = {}

    def as_dict(self) -> dict[str, list[dict[str, Any]]]:
        return {"nodes": list(self.nodes.values()),
                "relationships": list(self.relationships.values())}

    def _keep_node(self, node: dict[str, Any]) -> dict[str, Any]:
        self.nodes.setdefault(node["id"], node)
        return node

    def _keep_relationship(self, rel: dict[str, Any]) -> dict[str, Any]:
        self.relationships.setdefault(rel["id"], rel)
        return rel

    def embedded(self, value: Any) -> Any:
        if isinstance(value, dict):
            if "_NODES" in value and "_RELS" in value:
                return {"nodes": [self.embedded(n) for n in value["_NODES"]],
                        "relationships": [self.embedded(r) for r in value["_RELS"]]}
            if "_SRC" in value and "_LABEL" in value:
                return self._keep_relationship(_relationship(value["_LABEL"], value))
            if "_ID" in value and "_LABEL" in value:
                return self._keep_node(_node(str(value.get("id")), value["_LABEL"], value))
            return {k: self.embedded(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.embedded(v) for v in value]
        return value

    def neo4j(self, value: Any) -> Any:
        from neo4j import graph as neo4j_graph  # only when Neo4j is in use

        if isinstance(value, neo4j_graph.Path):
            return {"nodes": [self.neo4j(n) for n in value.nodes],
                    "relationships": [self.neo4j(r) for r in value.relationships]}
        if isinstance(value, neo4j_graph.Node):
            labels = sorted(value.labels - {embedded.ORGANISATION}) or [embedded.ORGANISATION]
            props = {k: self.neo4j(v) for k, v in value.items()}
            return self._keep_node(_node(str(props.get("id", value.element_id)), labels[0], props))
        if isinstance(value, neo4j_graph.Relationship):
            props = {k: self.neo4j(v) for k, v in value.items()}
            return self._keep_relationship(_relationship(value.type, props))
        if isinstance(value, dict):
            return {k: self.neo4j(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.neo4j(v) for v in value]
        if hasattr(value, "to_native"):  # neo4j.time Date, DateTime, Time
            return value.to_native()
        if value is None or isinstance(value, (str, int, float, bool, dt.date)):
            return value
        return str(value)  # durations, points: shown as text


# -- saved queries --------------------------------------------------------------------------

@dataclass(frozen=True)
class SavedQuery:
    id: str
    title: str
    description: str
    cypher: str
    params: dict[str, Any] = field(default_factory=dict)


def load_saved_queries(path: str | Path | None = None) -> list[SavedQuery]:
    """The saved queries in ``data/queries.yaml`` (or ``path``), in file order."""
    path = Path(path or SAVED_QUERIES)
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise QueryError(f"{path}: cannot read saved queries ({exc})") from None
    if isinstance(entries, dict):
        entries = entries.get("queries") or []
    saved = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not all(
                isinstance(entry.get(k), str) for k in ("id", "title", "cypher")):
            raise QueryError(f"{path}: saved query {number} needs text id, title and cypher")
        params = entry.get("params") or {}
        saved.append(SavedQuery(entry["id"], entry["title"], str(entry.get("description", "")),
                                entry["cypher"].strip(), dict(params)))
    return saved
