"""Peers on the same data in the same run: Raphtory (a temporal graph engine in Rust) for
``at`` and ``diff``, and Neo4j for the load and the saved queries when a server is reachable."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from typing import Any

import networkx as nx

from bench.measure import Rows, median_time, per_call
from bench.stores import run_saved
from bench.timeline import dates
from graph.core import temporal
from graph.core.model import Dataset, Relationship, effective_span
from loaders.query.limits import DEFAULT_ROW_CAP

EXISTS = "exists"  # Raphtory's persistent graph deletes edges, not nodes: a lifetime is a loop
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_OPEN_START = dt.date(1900, 1, 1)


def _ms(day: dt.date) -> int:
    return int((dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
                - _EPOCH).total_seconds() * 1000)


def raphtory_graph(dataset: Dataset) -> Any:
    """A ``PersistentGraph`` of the same records: each relationship an edge in the layer of its
    type from its effective start, deleted at its end; each organisation's lifetime a loop in
    the ``exists`` layer."""
    import pyarrow as pa
    from raphtory import PersistentGraph

    adds: dict[str, list] = {"t": [], "src": [], "dst": [], "layer": []}
    ends: dict[str, list] = {"t": [], "src": [], "dst": [], "layer": []}

    def event(table: dict[str, list], day: dt.date, a: str, b: str, layer: str) -> None:
        table["t"].append(_ms(day))
        table["src"].append(a)
        table["dst"].append(b)
        table["layer"].append(layer)

    for org in dataset.organisations.values():
        event(adds, org.valid_from.start if org.valid_from else _OPEN_START, org.id, org.id,
              EXISTS)
        if org.valid_to:
            event(ends, org.valid_to.start, org.id, org.id, EXISTS)
    for rel in dataset.relationships:
        first, after = _span(rel, dataset)
        if after is None or first < after:
            event(adds, first, rel.source, rel.target, rel.type)
            if after:
                event(ends, after, rel.source, rel.target, rel.type)
    graph = PersistentGraph()
    with _quiet():  # it draws a progress bar per load
        graph.load_edges(pa.table(adds), time="t", src="src", dst="dst", layer_col="layer")
        graph.load_edge_deletions(pa.table(ends), time="t", src="src", dst="dst",
                                  layer_col="layer")
    return graph


def _span(rel: Relationship, dataset: Dataset) -> tuple[dt.date, dt.date | None]:
    """When a relationship counts in ``at``: its effective span, and only while both its ends
    exist (so a merger, dated on its predecessor's end, is never in force on a day)."""
    first, after = effective_span(rel, dataset)
    starts = [first.start if first else _OPEN_START]
    ends = [after.start] if after else []
    for end in (dataset.organisations[rel.source], dataset.organisations[rel.target]):
        starts += [end.valid_from.start] if end.valid_from else []
        ends += [end.valid_to.start] if end.valid_to else []
    return max(starts), min(ends, default=None)


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Standard error sent nowhere, at the file descriptor (Rust writes there directly)."""
    saved = os.dup(2)
    with open(os.devnull, "w") as nowhere:
        os.dup2(nowhere.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def raphtory_at(graph: Any, day: dt.date) -> tuple[list[str], list[str], list[str]]:
    """Organisations and relationships in force on ``day``, materialised as id lists."""
    view = graph.at(_ms(day))
    alive = view.layer(EXISTS).edges
    edges = view.exclude_layer(EXISTS).edges
    return alive.src.name.collect(), edges.src.name.collect(), edges.dst.name.collect()


def raphtory_diff(graph: Any, a: dt.date, b: dt.date) -> tuple[set, set, set, set]:
    """What began and ended between two days: two ``at`` and set differences (Raphtory has no
    diff of its own)."""
    nodes_a, src_a, dst_a = raphtory_at(graph, a)
    nodes_b, src_b, dst_b = raphtory_at(graph, b)
    edges_a, edges_b = set(zip(src_a, dst_a, strict=True)), set(zip(src_b, dst_b, strict=True))
    return (set(nodes_b) - set(nodes_a), set(nodes_a) - set(nodes_b), edges_b - edges_a,
            edges_a - edges_b)


def raphtory(rows: Rows, graph: nx.MultiDiGraph, repeat: int) -> None:
    try:
        import raphtory as _  # noqa: F401
    except ImportError:
        rows.note("Raphtory is not installed (.venv/bin/python -m pip install -r "
                  "requirements-bench.lock adds it): its figures are left out.")
        return
    dataset = temporal.dataset_of(graph)
    built = median_time(lambda: raphtory_graph(dataset), repeat)
    ours = median_time(lambda: temporal.build_graph(dataset), repeat)
    rows.add("Raphtory: PersistentGraph of the same records, built", built,
             "our all-time graph (build_graph)", ours)
    peer = raphtory_graph(dataset)
    index = graph.graph["index"]
    days = dates(graph)
    theirs = per_call(lambda d: raphtory_at(peer, d), days, repeat)
    at = per_call(lambda d: temporal.at(graph, d), days, repeat, index.cache.clear)
    rows.add("at(date) against Raphtory (new dates)", at, "Raphtory's at(t) as id lists", theirs)
    pairs = list(zip(days, days[len(days) // 2:], strict=False))
    their_diff = per_call(lambda ab: raphtory_diff(peer, *ab), pairs, repeat)
    diff = per_call(lambda ab: temporal.diff(graph, *ab), pairs, repeat, index.cache.clear)
    rows.add("diff(a, b) against Raphtory (new dates)", diff,
             "Raphtory: two at(t) and set differences", their_diff)
    day = days[-1]
    nodes, sources, _ = raphtory_at(peer, day)
    view = temporal.at(graph, day)
    rows.note(f"on {day} Raphtory has {len(nodes):,} organisations and {len(sources):,} edges "
              f"in force, at() {len(view.organisations):,} organisations and "
              f"{len(view.relationships):,} relationships (Raphtory's edge is a pair of "
              "organisations whatever relationships join them; at() names each organisation as "
              "on that day and counts a person only while one of their relationships is in "
              "force).")


def neo4j(rows: Rows, dataset: Dataset, queries: list[tuple[str, str, dict]],
          embedded_load: float, embedded_times: dict[str, float], heavy: int,
          repeat: int) -> None:
    """Load and saved queries on Neo4j beside the embedded store's. The area's data there is
    replaced before each load and removed at the end (as ``python -m graph load --neo4j``
    replaces it)."""
    from loaders.stores import neo4j_store
    from loaders.stores.records import dataset_key
    from loaders.stores.settings import neo4j_settings

    settings = neo4j_settings()
    if settings is None:
        rows.note("no Neo4j server configured (NEO4J_URI unset): the Neo4j figures are left "
                  "out (scripts/neo4j start runs one).")
        return
    try:
        driver = neo4j_store.connect(settings)
        driver.verify_connectivity()
    except Exception as exc:  # any failure to reach it: say so, measure the rest
        rows.note(f"Neo4j at {settings.where} is not reachable ({type(exc).__name__}): its "
                  "figures are left out.")
        return
    mark = dataset_key(dataset)  # what a load marks this dataset's elements with

    def clear() -> None:
        with driver.session(database=settings.database) as session:
            session.run(f"MATCH (n {{{neo4j_store.DATASET_MARK}: $mark}}) "
                        "CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS",
                        mark=mark).consume()

    try:
        load = median_time(lambda: neo4j_store.load(dataset, driver=driver, settings=settings),
                           heavy, clear)
        rows.add("embedded load against Neo4j's", embedded_load,
                 "Neo4j load (UNWIND MERGE batches, one transaction)", load)
        times = run_saved(rows, queries, lambda c, p: neo4j_store.run_read(
            c, p, timeout_s=120, row_cap=DEFAULT_ROW_CAP, driver=driver, settings=settings),
            repeat, "Neo4j")
        for qid, ours in embedded_times.items():
            if qid in times:
                rows.add(f"saved query {qid}: embedded against Neo4j", ours, "Neo4j", times[qid])
    finally:
        clear()
        driver.close()
