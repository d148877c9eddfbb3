"""A query on an open LadybugDB handle, and LadybugDB's errors in plain words.

What runs inside the query worker (``loaders.query.worker``) and, for the project's own
queries, in the caller (``loaders.query.run.run_embedded``).
"""

from __future__ import annotations

import re
from typing import Any

import ladybug

from loaders.query.catalogue import EVERY_ORGANISATION
from loaders.query.result import Elements, OutOfMemory, QueryError, QueryResult
from loaders.query.tokens import database_syntax_error
from loaders.stores.embedded import READER_POOL


def run_on(database: ladybug.Database, cypher: str, params: dict[str, Any], *,
           timeout_s: float, row_cap: int, threads: int = 0) -> QueryResult:
    """A query on an open handle: the engine's own time limit (checked between rows), the row
    cap, at most ``threads`` threads (0: the handle's). Raises ``QueryError``."""
    try:
        connection = ladybug.Connection(database, num_threads=threads)
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
        raise embedded_error(str(exc), cypher, timeout_s,
                             _tables(connection) if _MISSING.search(str(exc)) else None) from None
    except (TypeError, ValueError, OverflowError) as exc:  # a parameter the binding cannot pass
        raise QueryError(f"cannot run the query: {_first_line(str(exc))} (check the "
                         "parameters' values)") from None
    finally:
        connection.close()
    truncated = len(raw) > row_cap
    collector = Elements()
    rows = [[collector.embedded(value) for value in row] for row in raw[:row_cap]]
    return QueryResult(columns, rows, truncated, "embedded", collector.as_dict())


# How LadybugDB says an allocation failed at the worker's address-space cap (the C++ runtime's
# bad_alloc); a full buffer pool (where large strings and intermediate results live) says
# "Unable to allocate memory! The buffer pool is full".
_OUT_OF_MEMORY = ("bad_alloc", "out of memory")
_POSITION = re.compile(r"\(line: ([0-9]+), offset: ([0-9]+)\)")
_UNEXPECTED = re.compile(r"(?:extraneous|mismatched) input '(.*?)' expecting")
_MISSING = re.compile(r"Table (\w+) does not exist")


def _tables(connection: ladybug.Connection) -> dict[str, list[str]]:
    """The store's labels (node tables) and relationship types (rel tables), by kind."""
    try:
        result = connection.execute("CALL show_tables() RETURN name, type ORDER BY name")
        found: dict[str, list[str]] = {"NODE": [], "REL": []}
        while result.has_next():
            name, kind = result.get_next()
            found.setdefault(kind, []).append(name)
        result.close()
        return found
    except RuntimeError:  # the store cannot say: the message names no tables
        return {}


def embedded_error(text: str, cypher: str, timeout_s: float,
                   tables: dict[str, list[str]] | None = None) -> QueryError:
    """LadybugDB's error as one plain line; a syntax error says what is wrong near which part
    of the query first, with the database's own words kept as the detail; an unknown label
    or relationship type, with the nearest names the store has (``tables``) and all of them."""
    first = _first_line(text)
    missing = _MISSING.search(first)
    if missing and tables:
        return QueryError(unknown_name(missing.group(1), tables))
    if "buffer pool is full" in first:  # the engine's own limit, not the worker's cap
        return QueryError(f"query stopped at the store's buffer pool limit of "
                          f"{READER_POOL // 2**20} MB (narrow the MATCH or add a LIMIT)")
    if any(words in first for words in _OUT_OF_MEMORY):
        return OutOfMemory("query stopped: it needs more memory than it may take", first)
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


def unknown_name(name: str, tables: dict[str, list[str]]) -> str:
    """One line for a label or relationship type the store does not have."""
    import difflib

    labels, types = tables.get("NODE", []), tables.get("REL", [])
    near = difflib.get_close_matches(name, labels + types, n=3, cutoff=0.5) or [
        n for n in labels + types if n.lower() == name.lower()]
    said = f"no label or relationship type '{name}' in this store"
    if near:
        said += f" (did you mean {' or '.join(near)}?)"
    return (f"cannot run the query: {said}; labels: {', '.join(labels)}; relationship types: "
            f"{', '.join(types)}; every organisation, whatever its kind: "
            f"{EVERY_ORGANISATION['embedded']}")


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "query failed"
