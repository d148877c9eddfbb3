"""``sources`` and ``source ID``: what rests on each source, and what a withdrawal would leave
with no source."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from graph.cli.common import UsageError, load_data, print_json


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("sources", parents=[common],
                       help="each source with the claims citing it and those resting on it alone")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_sources)

    p = sub.add_parser("source", parents=[common],
                       help="every claim citing a source, and what would be left unsourced")
    p.add_argument("source", help="a source id, e.g. seed-000")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_source)


def cmd_sources(args: argparse.Namespace) -> int:
    from graph.core.sources import source_impact

    rows = source_impact(load_data(args))
    if args.format == "json":
        print_json([asdict(r) for r in rows])
        return 0
    width = max((len(r.id) for r in rows), default=6)
    print(f"{'source':<{width}}  cited by  alone  title")
    for r in rows:
        print(f"{r.id:<{width}}  {r.cited_by:>8}  {r.alone:>5}  {r.title}")
    print(f"({len(rows)} sources; 'alone': claims that cite nothing else)")
    return 0


def cmd_source(args: argparse.Namespace) -> int:
    from graph.core.sources import withdrawal

    dataset = load_data(args)
    if args.source not in dataset.sources:
        raise UsageError(f"no source '{args.source}' in {dataset.path} "
                         "(python -m graph sources lists them)")
    found = withdrawal(dataset, args.source)
    if args.format == "json":
        print_json({"source": asdict(found)["source"],
                    "title": dataset.sources[args.source].title,
                    "citing": [asdict(c) for c in found.citing],
                    "unsourced_if_withdrawn": [asdict(c) for c in found.unsourced]})
        return 0
    source = dataset.sources[args.source]
    print(f"{source.id}: {source.title}")
    print(f"Cited by {len(found.citing)} claim{'s' if len(found.citing) != 1 else ''}:")
    for claim in found.citing:
        alone = " [rests on this source alone]" if claim in found.unsourced else ""
        print(f"  {claim.kind} {claim.id}: {claim.text} (fields: {', '.join(claim.fields)})"
              f"{alone}")
    print(f"Left with no source if it were withdrawn ({len(found.unsourced)}):")
    for claim in found.unsourced:
        print(f"  {claim.kind} {claim.id}: {claim.text}")
    if not found.unsourced:
        print("  (none: every claim citing it cites another source too)")
    return 0
