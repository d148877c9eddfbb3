"""Read-only Cypher on either store: the one function the page and the CLI call.

>>> result = run_query("MATCH (t:Trust) RETURN t.name AS trust ORDER BY trust",
...                    dataset_path="data/orgs.yaml")                            # doctest: +SKIP
>>> result.columns, result.rows[0]                                               # doctest: +SKIP
(['trust'], ['Bedford Hospital NHS Trust'])

Layers, in order: the guard (``loaders.query.guard``), an allowlist that refuses anything but
reading clauses and names what it refused; then a read-only database handle (embedded) or a
read transaction (Neo4j); a time limit; a row cap. A store that no longer opens is rebuilt
from the YAML (``loaders.stores.embedded.ensure_store``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ladybug

from loaders.dataset import default_path
from loaders.query.guard import check_read_only
from loaders.query.limits import DEFAULT_ROW_CAP, DEFAULT_TIMEOUT_S
from loaders.query.result import Elements, QueryError, QueryResult
from loaders.query.tokens import database_syntax_error
from loaders.stores import embedded
from loaders.stores.records import StoreError

if TYPE_CHECKING:
    from graph.core.temporal import DateLike

_ATTEMPTS = 5  # a reload may replace the store between finding it and opening it


def run_query(cypher: str, *, params: dict[str, Any] | None = None,
              dataset_path: str | Path | None = None, neo4j: bool = False,
              timeout_s: float = DEFAULT_TIMEOUT_S, row_cap: int = DEFAULT_ROW_CAP,
              driver: Any = None, at: DateLike | None = None,
              settings: Any = None) -> QueryResult:
    """Run one read-only Cypher query on the embedded store (built on first use) or Neo4j
    (``settings``: a ``Neo4jSettings``, default ``loaders.stores.settings.neo4j_settings()``);
    with ``at``, against the graph as it stood that day (embedded store only).

    Raises ``QueryError`` (one line) for a refused, malformed or timed-out query and for a
    store that cannot be built or opened, and ``loaders.problems.InvalidInput`` when the YAML
    needed for a build is invalid.
    """
    check_read_only(cypher)
    if timeout_s <= 0 or row_cap <= 0:
        raise QueryError("the time limit and the row cap must be positive")
    if neo4j and at is not None:
        raise QueryError("refused: a query as at a date runs on the embedded store, built from "
                         "the YAML as it stood that day (drop --neo4j, or drop --at)")
    if neo4j:
        from loaders.stores import neo4j_store  # the driver is imported only when Neo4j is used
        return neo4j_store.run_read(cypher, params or {}, timeout_s=timeout_s,
                                    row_cap=row_cap, driver=driver, settings=settings)
    if dataset_path is None:
        dataset_path = default_path()
    if at is not None:  # the time model (networkx, numpy) only for a query as at a date
        from loaders.stores.as_at import ensure_store_as_at
    for _ in range(_ATTEMPTS):
        try:
            store = (embedded.ensure_store(dataset_path) if at is None
                     else ensure_store_as_at(dataset_path, at))
            return run_embedded(store, cypher, params or {}, timeout_s=timeout_s,
                                row_cap=row_cap)
        except FileNotFoundError:
            raise QueryError(f"{dataset_path}: no such file (give the YAML with --data)") from None
        except embedded.StoreGone:
            continue
        except StoreError as exc:
            raise QueryError(str(exc)) from None
    raise QueryError("the store was replaced by reloads while the query started, "
                     f"{_ATTEMPTS} times in a row (run it again)")


def run_embedded(store: str | Path, cypher: str, params: dict[str, Any], *,
                 timeout_s: float = DEFAULT_TIMEOUT_S,
                 row_cap: int = DEFAULT_ROW_CAP) -> QueryResult:
    """A query on one store file through a read-only handle, with a time limit and a row cap.
    Raises ``QueryError``, or ``StoreError`` when the store does not open."""
    check_read_only(cypher)
    database = embedded.open_read_only(store)
    try:
        connection = ladybug.Connection(database)
    except RuntimeError as exc:
        raise QueryError(f"cannot connect to the embedded store: {_first_line(str(exc))}") from None
    try:
        connection.set_query_timeout(max(1, int(timeout_s * 1000)))
        result = connection.execute(cypher, params)
        if isinstance(result, list):  # several statements slipped through: refuse
            raise QueryError("refused: several statements; run one query at a time")
        columns = list(result.get_column_names())
        raw: list[list[Any]] = []
        while result.has_next() and len(raw) <= row_cap:
            raw.append(result.get_next())
        result.close()
    except RuntimeError as exc:
        raise embedded_error(str(exc), cypher, timeout_s) from None
    finally:
        connection.close()
    truncated = len(raw) > row_cap
    collector = Elements()
    rows = [[collector.embedded(value) for value in row] for row in raw[:row_cap]]
    return QueryResult(columns, rows, truncated, "embedded", collector.as_dict())


_POSITION = re.compile(r"\(line: (\d+), offset: (\d+)\)")
_UNEXPECTED = re.compile(r"(?:extraneous|mismatched) input '(.*?)' expecting")


def embedded_error(text: str, cypher: str, timeout_s: float) -> QueryError:
    """LadybugDB's error as one plain line; a syntax error says what is wrong near which part
    of the query first, with the database's own words kept as the detail."""
    first = _first_line(text)
    if "Interrupted" in first:
        return QueryError(f"query stopped at the time limit of {timeout_s:g} s "
                          "(narrow the MATCH, add a LIMIT, or raise --timeout)")
    if "read-only" in first.lower() or "read only" in first.lower():
        return QueryError("refused: the store is opened read-only; the console only reads the "
                          "graph (use MATCH ... RETURN ...)")
    if first.startswith("Parser exception"):
        # The message may quote the query, newlines and all, before saying where.
        position = _POSITION.search(text)
        said = " ".join(text[:position.end()].split()) if position else first
        unexpected = _UNEXPECTED.search(said)
        return database_syntax_error(
            cypher, int(position.group(1)) if position else 0,
            int(position.group(2)) if position else 0,
            unexpected.group(1) if unexpected else None, said)
    if first.startswith(("Binder exception", "Catalog exception")):
        return QueryError(f"cannot run the query: {first.split(': ', 1)[-1].rstrip('.')} "
                          "(check the labels, relationship types, properties and variables)")
    return QueryError(first)


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "query failed"
