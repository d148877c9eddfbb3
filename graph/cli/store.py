"""``load`` and ``query``: thin shells over ``loaders.stores`` and ``loaders.query.run``."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
from typing import Any

from graph.cli.common import UsageError, data_path, date_argument
from loaders.query.limits import (
    DEFAULT_MEMORY_MB,
    DEFAULT_ROW_CAP,
    DEFAULT_TIMEOUT_S,
    MEMORY_BOUNDS,
    ROW_CAP_BOUNDS,
    TIMEOUT_BOUNDS,
    memory_limit,
    row_cap,
    time_limit,
)
from loaders.query.result import QueryError, QueryResult, cell_text


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("load", parents=[common],
                       help="load the YAML into the embedded store (default) or Neo4j")
    p.add_argument("file", nargs="?", help="the YAML file (default: --data or data/orgs.yaml)")
    p.add_argument("--neo4j", action="store_true", help="load into Neo4j (NEO4J_URI ...)")
    p.add_argument("--batch-size", type=int, default=1000, help="rows per UNWIND (Neo4j)")
    p.set_defaults(func=cmd_load)

    p = sub.add_parser("query", parents=[common], help="run a read-only Cypher query")
    p.add_argument("cypher", nargs="?", help="the query (or use --saved ID)")
    p.add_argument("--saved", metavar="ID",
                   help="run one of the area's saved queries (its YAML's queries: section)")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="a query parameter ($NAME); repeatable")
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.add_argument("--neo4j", action="store_true", help="query Neo4j instead")
    p.add_argument("--at", metavar="DATE",
                   help="run against the graph as it stood that day (embedded store)")
    # Read as text and checked here, so a bad value is one line (argparse would print usage).
    p.add_argument("--timeout", default=str(DEFAULT_TIMEOUT_S), metavar="SECONDS",
                   help=f"time limit in seconds, {TIMEOUT_BOUNDS[0]:g} to {TIMEOUT_BOUNDS[1]:g} "
                        f"(default {DEFAULT_TIMEOUT_S:g})")
    p.add_argument("--memory", default=str(DEFAULT_MEMORY_MB), metavar="MB",
                   help=f"memory the query may take, {MEMORY_BOUNDS[0]} to {MEMORY_BOUNDS[1]} MB "
                        f"(default {DEFAULT_MEMORY_MB})")
    p.add_argument("--limit", default=str(DEFAULT_ROW_CAP), metavar="ROWS",
                   help=f"row cap, {ROW_CAP_BOUNDS[0]} to {ROW_CAP_BOUNDS[1]:,} "
                        f"(default {DEFAULT_ROW_CAP})")
    p.set_defaults(func=cmd_query)


def cmd_load(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from loaders import dataset as dataset_loader
    from loaders.stores import embedded
    from loaders.stores.records import StoreError, dataset_key

    path = args.file or data_path(args)
    dataset = dataset_loader.load(path)
    records = embedded.graph_records(dataset)
    total = sum(map(len, records.nodes.values())) + sum(len(e.rows) for e in records.edges)
    where = "Neo4j" if args.neo4j else "the embedded store"
    with tqdm(total=total, desc=f"loading into {where}", unit=" rows", file=sys.stderr,
              disable=None) as bar:
        def progress(what: str, rows: int) -> None:
            bar.set_postfix_str(what)
            bar.update(rows)

        try:
            if args.neo4j:
                from loaders.stores import neo4j_store
                counts = neo4j_store.load(dataset, batch_size=args.batch_size, progress=progress)
                target = f"Neo4j as dataset '{dataset_key(dataset)}'"
            else:
                counts = embedded.build(dataset, progress=progress)
                target = f"the embedded store {embedded.store_path(path, dataset.content_hash)}"
        except StoreError as exc:
            raise UsageError(str(exc)) from None
    print(f"Loaded {path} into {target}: {counts['organisations']} organisations, "
          f"{counts['relationships']} relationships, {counts['sources']} sources, "
          f"{counts['events']} events ({counts['citations']} citations, "
          f"{counts['involvements']} event links)")
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    from loaders import dataset as dataset_loader
    from loaders.query.run import run_query
    from loaders.query.saved import saved_query
    from loaders.stores.records import StoreError

    cypher, params = args.cypher, {}
    try:
        timeout_s, memory_mb = time_limit(args.timeout), memory_limit(args.memory)
        cap = row_cap(args.limit)
    except QueryError as exc:
        raise UsageError(str(exc)) from None
    at = date_argument(args.at) if args.at is not None else None
    if args.saved:
        try:
            saved = saved_query(dataset_loader.load(data_path(args)), args.saved)
        except QueryError as exc:
            raise UsageError(str(exc)) from None
        cypher, params = cypher or saved.cypher, dict(saved.params)
        if saved.as_at and args.at is None:
            raise UsageError(f"saved query '{saved.id}' runs as at a date: add --at YYYY-MM-DD")
    if not cypher:
        raise UsageError("give a Cypher query, e.g. \"MATCH (n) RETURN count(n)\", or --saved ID")
    params.update(_param(text) for text in args.param)
    try:
        result = run_query(cypher, params=params, dataset_path=data_path(args),
                           neo4j=args.neo4j, timeout_s=timeout_s, row_cap=cap,
                           memory_mb=memory_mb, at=at)
    except (QueryError, StoreError) as exc:
        raise UsageError(str(exc)) from None
    {"json": _print_json, "csv": _print_csv}.get(args.format, _print_table)(result)
    if result.truncated:
        print(f"note: only the first {len(result.rows)} rows are shown: the result was cut at "
              "the row cap (narrow the query or raise --limit)", file=sys.stderr)
    return 0


def _param(text: str) -> tuple[str, Any]:
    name, sep, value = text.partition("=")
    if not sep or not name.isidentifier():
        raise UsageError(f"--param '{text}' is not NAME=VALUE (e.g. --param day=2014-06-01)")
    try:
        parsed = json.loads(value)  # numbers, true/false, lists; anything else stays text
    except ValueError:
        parsed = value
    return name, parsed


# -- output ---------------------------------------------------------------------------------

def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def _print_json(result: QueryResult) -> None:
    rows = [dict(zip(result.columns, row, strict=True)) for row in result.rows]
    print(json.dumps(rows, indent=2, ensure_ascii=False, default=_json_value))


def _cell(value: Any) -> str:
    text = cell_text(value)
    return "" if text is None else str(text)


def _print_csv(result: QueryResult) -> None:
    writer = csv.writer(sys.stdout)
    writer.writerow(result.columns)
    writer.writerows([_cell(v) for v in row] for row in result.rows)


def _print_table(result: QueryResult) -> None:
    cells = [[_cell(v) for v in row] for row in result.rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(result.columns)]
    print("  ".join(c.ljust(w) for c, w in zip(result.columns, widths, strict=True)).rstrip())
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    print(f"({len(cells)} row{'s' if len(cells) != 1 else ''}, {result.store} store)")
