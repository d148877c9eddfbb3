"""Read-only Cypher on either store: the one function the page and the CLI call.

>>> result = run_query("MATCH (t:Trust) RETURN t.name AS trust ORDER BY trust",
...                    dataset_path="data/orgs.yaml")                            # doctest: +SKIP
>>> result.columns, result.rows[0]                                               # doctest: +SKIP
(['trust'], ['Bedford Hospital NHS Trust'])

Layers, in order: the guard (``loaders.query.guard``), an allowlist that refuses anything but
reading clauses and names what it refused; a worker process (``loaders.query.worker``) with a
memory cap, killed at the deadline; then a read-only database handle (embedded) or a read
transaction that Neo4j first plans as read-only (Neo4j); the engine's time limit; a row cap.
A store that no longer opens is rebuilt from the YAML (``loaders.stores.embedded.ensure_store``)
in this process, before the query goes to the worker.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from loaders.dataset import default_path
from loaders.query import pool
from loaders.query.embedded_query import run_on
from loaders.query.guard import check_read_only
from loaders.query.limits import DEFAULT_MEMORY_MB, DEFAULT_ROW_CAP, DEFAULT_TIMEOUT_S, Limits
from loaders.query.result import QueryError, QueryResult
from loaders.query.worker import Request
from loaders.stores import embedded
from loaders.stores.records import StoreError

if TYPE_CHECKING:
    from graph.core.temporal import DateLike

_ATTEMPTS = 5  # a reload may replace the store between finding it and opening it


def run_query(cypher: str, *, params: dict[str, Any] | None = None,
              dataset_path: str | Path | None = None, neo4j: bool = False,
              timeout_s: float = DEFAULT_TIMEOUT_S, row_cap: int = DEFAULT_ROW_CAP,
              memory_mb: int = DEFAULT_MEMORY_MB, driver: Any = None,
              at: DateLike | None = None, settings: Any = None) -> QueryResult:
    """Run one read-only Cypher query on the embedded store (built on first use) or Neo4j
    (``settings``: a ``Neo4jSettings``, default ``loaders.stores.settings.neo4j_settings()``);
    with ``at``, against the graph as it stood that day (embedded store only).

    The query runs in a worker process (``loaders.query.pool``) under the limits: killed at
    the time limit, refused memory beyond ``memory_mb``. Only a caller's own Neo4j ``driver``
    is used in this process (no memory cap then: the project's own tools and tests).

    Raises ``QueryError`` (one line) for a refused, malformed or stopped query, for limits out
    of bounds and for a store that cannot be built or opened, and
    ``loaders.problems.InvalidInput`` when the YAML needed for a build is invalid.
    """
    check_read_only(cypher)
    limits = Limits(timeout_s=timeout_s, memory_mb=memory_mb, row_cap=row_cap)
    params = params or {}
    if neo4j and at is not None:
        raise QueryError("refused: a query as at a date runs on the embedded store, built from "
                         "the YAML as it stood that day (drop --neo4j, or drop --at)")
    if neo4j:
        from loaders.stores import neo4j_store  # the driver is imported only when Neo4j is used
        if driver is not None:
            return neo4j_store.run_read(cypher, params, timeout_s=timeout_s, row_cap=row_cap,
                                        driver=driver, settings=settings)
        try:
            settings = settings or neo4j_store.require_settings()
        except StoreError as exc:
            raise QueryError(str(exc)) from None
        return pool.run(Request(cypher, params, limits, settings=settings))
    if dataset_path is None:
        dataset_path = default_path()
    if at is not None:  # the time model (networkx, numpy) only for a query as at a date
        from loaders.stores.as_at import ensure_store_as_at
    for _ in range(_ATTEMPTS):
        try:
            store = (embedded.ensure_store(dataset_path) if at is None
                     else ensure_store_as_at(dataset_path, at))
            return pool.run(Request(cypher, params, limits, store=str(store)))
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
    """A query on one store file through a read-only handle, with a time limit and a row cap,
    in this process (no memory cap: for the project's own queries and tests; the console's go
    through ``run_query``). Raises ``QueryError``, or ``StoreError`` when the store does not
    open."""
    check_read_only(cypher)
    return run_on(embedded.open_read_only(store), cypher, params, timeout_s=timeout_s,
                  row_cap=row_cap)
