"""``validate``, ``diff``, ``lineage``, ``timeline`` and ``schema``: the data file's checks and
its time questions."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from graph.cli.common import (
    data_path,
    date_argument,
    load_data,
    load_graph,
    print_json,
    resolve,
)


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("validate", parents=[common], help="check YAML files")
    p.add_argument("files", nargs="*", help="files to check (default: --data)")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("diff", parents=[common], help="what changed between two dates")
    p.add_argument("date_a")
    p.add_argument("date_b")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser("lineage", parents=[common], help="predecessors and successors")
    p.add_argument("organisation", help="an organisation id or ODS code")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_lineage)

    p = sub.add_parser("timeline", parents=[common], help="the dated events, oldest first")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_timeline)

    p = sub.add_parser("schema", parents=[common],
                       help="the JSON Schema of the YAML format, or what a store holds")
    p.add_argument("--store", choices=["embedded", "neo4j"],
                   help="instead, the labels and relationship types (with counts and "
                        "properties) the data file's graph has in this store, and example "
                        "queries for its console")
    p.set_defaults(func=cmd_schema)


def cmd_validate(args: argparse.Namespace) -> int:
    from loaders import dataset as dataset_loader

    files = args.files or [data_path(args)]
    status = 0
    for file in files:
        dataset, problems = dataset_loader.check(file)
        for problem in problems:
            print(problem, file=sys.stderr)
        errors = [p for p in problems if not p.warning]
        if errors or (args.strict and problems):
            status = 2
        elif dataset is not None:
            print(f"{file}: valid ({len(dataset.organisations)} organisations, "
                  f"{len(dataset.relationships)} relationships, {len(dataset.sources)} sources, "
                  f"{len(problems)} warnings)")
    return status


def cmd_diff(args: argparse.Namespace) -> int:
    from graph.core import describe, serialize, temporal

    graph = load_graph(args)
    dataset = temporal.dataset_of(graph)
    a, b = date_argument(args.date_a), date_argument(args.date_b)
    if args.format == "json":
        relationships = {r.id: r for r in dataset.relationships}
        print_json(serialize.diff_json(describe.changes(graph, a, b), relationships))
        return 0
    print("\n".join(describe.diff_text(graph, a, b)))
    return 0


def cmd_lineage(args: argparse.Namespace) -> int:
    from graph.core import describe, serialize, temporal

    graph = load_graph(args)
    org_id = resolve(temporal.dataset_of(graph), args.organisation)
    if args.format == "json":
        print_json(serialize.lineage_json(temporal.lineage(graph, org_id)))
        return 0
    print("\n".join(describe.lineage_text(graph, org_id)))
    return 0


def cmd_timeline(args: argparse.Namespace) -> int:
    from graph.core import serialize, temporal

    events = temporal.timeline(load_data(args))
    if args.format == "json":
        print_json([serialize.event_json(e) for e in events])
        return 0
    for e in events:
        involved = f" [{', '.join(e.organisations)}]" if e.organisations else ""
        stated = f" ({e.attributes_text})" if e.attributes else ""
        print(f"{e.date.iso():<10}  {e.title}{stated}{involved}")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    if args.store:
        from loaders.query.catalogue import as_text, catalogue

        print(as_text(catalogue(load_data(args), args.store)))
        return 0
    from loaders.schema import json_schema

    print_json(json_schema())
    return 0
