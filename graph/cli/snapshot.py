"""``python -m graph snapshot``: the view at a date as a file for a briefing."""

from __future__ import annotations

import argparse
import sys

from graph.cli.common import UsageError, comma_list, format_from, load_data, write_output
from graph.export.options import DPI_RANGE, FORMATS, SIZES, SnapshotError


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("snapshot", parents=[common],
                       help="the view at a date as SVG, PNG, offline HTML, JSON, GEXF, GraphML "
                            "or Cytoscape JSON")
    p.add_argument("file", nargs="?", help="the YAML file (default: --data)")
    p.add_argument("--date", required=True, help="as at this date: YYYY-MM-DD, YYYY-MM or YYYY")
    p.add_argument("--format", choices=list(FORMATS),
                   help="output format (default: from the -o file's extension)")
    p.add_argument("-o", "--output", required=True, help="file to write ('-' for stdout)")
    p.add_argument("--focus", help="an organisation id or ODS code: it and its neighbours only")
    p.add_argument("--depth", type=int, default=1, help="relationships from --focus (default 1)")
    p.add_argument("--diff-from", help="mark what was added, ended or renamed since this date")
    p.add_argument("--kinds", help="comma-separated kinds to keep, e.g. CCG,Trust")
    p.add_argument("--types", help="comma-separated relationship types to keep, e.g. OVERSEES")
    p.add_argument("--dpi", type=int, default=200,
                   help=f"PNG resolution, {DPI_RANGE[0]}-{DPI_RANGE[1]} (default 200)")
    p.add_argument("--size", choices=list(SIZES), default="a4",
                   help="the sheet of an SVG or PNG (and the frame of the JSON's drawing): "
                        "a4 landscape (default), a4-portrait or slide (16:9)")
    p.set_defaults(func=cmd_snapshot)


def cmd_snapshot(args: argparse.Namespace) -> int:
    from graph.core import temporal
    from graph.export.snapshot import render_snapshot

    fmt = args.format or format_from(args.output, FORMATS, "the format",
                                         f"add --format {'|'.join(FORMATS)}")
    if args.file:
        args.data = args.file
    dataset = load_data(args)
    graph = temporal.build_graph(dataset)
    try:
        content = render_snapshot(graph, fmt, args.date, focus=args.focus, depth=args.depth,
                                  kinds=comma_list(args.kinds), types=comma_list(args.types),
                                  diff_from=args.diff_from, dpi=args.dpi, size=args.size)
    except SnapshotError as exc:
        raise UsageError(str(exc)) from None
    if args.output == "-":
        sys.stdout.buffer.write(content)
        return 0
    write_output(args.output, content, fmt)
    return 0

