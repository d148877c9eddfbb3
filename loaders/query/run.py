"""Read-only Cypher on either store: the one function the page and the CLI call.

>>> result = run_query("MATCH (t:Trust) RETURN t.name AS trust ORDER BY trust",
...                    dataset_path="data/orgs.yaml")                            # doctest: +SKIP
>>> result.columns, result.rows[0]                                               # doctest: +SKIP
(['trust'], ['Bedford Hospital NHS Trust'])

Guards, in order: the guard (``loaders.query.guard``) that names what is refused; then a
read-only database handle (embedded) or a read transaction (Neo4j); a time limit; a row cap.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ladybug

from loaders.dataset import default_path
from loaders.query.guard import check_read_only
from loaders.query.result import Elements, QueryError, QueryResult
from loaders.stores import embedded

DEFAULT_TIMEOUT_S = 10.0
DEFAULT_ROW_CAP = 5000


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
        from loaders.stores import neo4j_store  # the driver is imported only when Neo4j is used
        return neo4j_store.run_read(cypher, params or {}, timeout_s=timeout_s,
                                    row_cap=row_cap, driver=driver)
    if dataset_path is None:
        dataset_path = default_path()
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
    collector = Elements()
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
