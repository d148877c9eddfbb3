"""The stores: the embedded load against its old method and a CREATE per row, the saved
queries, and the same load and queries on Neo4j when a server is reachable."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any

import ladybug

from bench.measure import Rows, median_time
from graph.core.model import Dataset
from loaders.query import result as query_result
from loaders.query import run as query
from loaders.query.saved import load_saved_queries
from loaders.stores import embedded, embedded_write
from loaders.stores.records import graph_records, quote_identifier

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "orgs.yaml"
CREATE_PER_ROW_MAX_BYTES = 3_000_000  # the naive load takes over a minute past this


def fresh_store(folder: Path) -> Path:
    return folder / f"store-{time.perf_counter_ns()}{embedded.SUFFIX}"


def load_by_copy_each(dataset: Dataset, target: Path) -> None:
    """The old load: the same schema, then one auto-committed ``COPY`` per node table and per
    (type, from-kind, to-kind) group, with the writer's threads and pool as they were."""
    records = graph_records(dataset)
    database = ladybug.Database(str(target), buffer_pool_size=embedded_write.WRITER_POOL,
                                max_db_size=embedded_write.MAX_DB_SIZE)
    connection = ladybug.Connection(database)
    embedded_write.create_tables(connection, records)
    for label, rows in records.nodes.items():
        if rows:
            connection.execute(f"COPY {quote_identifier(label)} FROM $rows",
                               {"rows": embedded_write.arrow_table(rows, records.node_columns[label])})
    for edges in records.edges:
        table = embedded_write.arrow_table(edges.rows, records.edge_columns[edges.type],
                                           ("from", "to"))
        connection.execute(f"COPY {quote_identifier(edges.type)} FROM $rows "
                           f"(from='{edges.from_label}', to='{edges.to_label}')", {"rows": table})
    connection.execute("CHECKPOINT")
    connection.close()
    database.close()


def load_by_create(dataset: Dataset, target: Path) -> None:
    """The naive load: the same schema, then one auto-committed ``CREATE`` per row."""
    records = graph_records(dataset)
    database = ladybug.Database(str(target))
    connection = ladybug.Connection(database)
    embedded_write.create_tables(connection, records)
    for label, rows in records.nodes.items():
        columns = records.node_columns[label]
        props = ", ".join(f"`{c}`: $p{i}" for i, c in enumerate(columns))
        for row in rows:
            connection.execute(f"CREATE (:`{label}` {{{props}}})", _params(row, columns))
    for edges in records.edges:
        columns = records.edge_columns[edges.type]
        props = ", ".join(f"`{c}`: $p{i}" for i, c in enumerate(columns))
        statement = (f"MATCH (a:`{edges.from_label}` {{id: $from_id}}) "
                     f"MATCH (b:`{edges.to_label}` {{id: $to_id}}) "
                     f"CREATE (a)-[:`{edges.type}` {{{props}}}]->(b)")
        for row in edges.rows:
            connection.execute(statement, {"from_id": row["from"], "to_id": row["to"],
                                           **_params(row, columns)})
    connection.close()
    database.close()


def _params(row: dict, columns: dict[str, str]) -> dict:
    # Typed casts are not needed: LadybugDB coerces parameters to the column types.
    return {f"p{i}": row[c] for i, c in enumerate(columns)}


def embedded_load(rows: Rows, dataset: Dataset, path: Path, work: Path, heavy: int) -> float:
    """The embedded load against the old method (and, on small files, a CREATE per row);
    returns the median of the load."""
    load = median_time(lambda: embedded.build(dataset, fresh_store(work)), heavy)
    old = median_time(lambda: load_by_copy_each(dataset, fresh_store(work)), heavy)
    rows.add("embedded load", load, "a COPY per table and group, each committed (the old load)",
             old)
    if path.stat().st_size <= CREATE_PER_ROW_MAX_BYTES:
        naive = median_time(lambda: load_by_create(dataset, fresh_store(work)), 1)
        rows.add("embedded load against a CREATE per row", load, "a CREATE per row", naive)
    return load


def saved_queries(dataset: Dataset, bundled: Dataset | None) -> list[tuple[str, str, dict]]:
    """The bundled area's saved queries (``data/orgs.yaml``), with parameters that name a bundled
    organisation or source swapped for one of the same kind in ``dataset`` (so they find rows)."""
    kinds: dict[str, list[str]] = {}
    for org in dataset.organisations.values():
        kinds.setdefault(org.kind, []).append(org.id)
    cited = Counter(s for r in dataset.relationships for s in r.sources)
    busiest_source = cited.most_common(1)[0][0] if cited else ""
    result = []
    for saved in load_saved_queries(BUNDLED):
        params = dict(saved.params)
        for name, value in params.items():
            if not isinstance(value, str) or value in dataset.organisations:
                continue
            if bundled is not None and value in bundled.organisations:
                same = kinds.get(bundled.organisations[value].kind)
                params[name] = same[len(same) // 2] if same else value
            elif bundled is not None and value in bundled.sources:
                params[name] = busiest_source
        result.append((saved.id, saved.cypher, params))
    return result


def run_saved(rows: Rows, queries: list[tuple[str, str, dict]], run: Any, repeat: int,
              store_name: str) -> dict[str, float]:
    """Median time per saved query on one store (``run(cypher, params)``); a query naming a
    type the area lacks (e.g. OVERSEES in ODS data) cannot bind and is noted."""
    times: dict[str, float] = {}
    found: dict[str, int] = {}
    for qid, cypher, params in queries:
        try:
            found[qid] = len(run(cypher, params).rows)
        except query_result.QueryError as exc:
            rows.note(f"saved query {qid} does not apply on {store_name} ({exc}).")
            continue
        times[qid] = median_time(lambda c=cypher, p=params: run(c, p), repeat)
    if found:
        rows.note(f"rows per saved query ({store_name}): "
                  + ", ".join(f"{q} {n}" for q, n in found.items()) + ".")
    return times


def embedded_queries(rows: Rows, dataset: Dataset, bundled: Dataset | None, work: Path,
                     repeat: int) -> dict[str, float]:
    store = fresh_store(work)
    embedded.build(dataset, store)
    times = run_saved(rows, saved_queries(dataset, bundled),
                      lambda c, p: query.run_embedded(store, c, p), repeat, "embedded")
    if times:
        rows.add(f"saved queries ({len(times)}), total", sum(times.values()))
        slowest = max(times, key=times.get)
        rows.add(f"slowest saved query: {slowest}", times[slowest])
    return times
