"""``python -m graph``: a thin shell over the functions the page uses.

Each command is a few lines that call one public function. Bad input is one line per problem on
stderr and exit code 2; nothing prints a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from pathlib import Path

from graph import serialize, temporal
from graph.dates import DateError, PartialDate, words
from graph.model import Dataset, Relationship
from loaders import dataset as dataset_loader
from loaders.problems import InvalidInput
from loaders.schema import json_schema

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT / "data" / "orgs.yaml"


class UsageError(Exception):
    """Bad input from the command line: printed as one line, exit code 2."""


def default_data() -> Path:
    return Path(os.environ.get("ORGS_DATA") or DEFAULT_DATA)


def load_data(args: argparse.Namespace) -> Dataset:
    return dataset_loader.load(args.data or default_data())


def resolve(dataset: Dataset, id_or_code: str) -> str:
    org_id = dataset.resolve(id_or_code)
    if org_id is None:
        raise UsageError(f"no organisation with id or ODS code '{id_or_code}' "
                         f"in {dataset.path} (check the spelling)")
    return org_id


def _print(value: object) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False))


# -- commands -----------------------------------------------------------------------------

def cmd_validate(args: argparse.Namespace) -> int:
    files = args.files or [args.data or default_data()]
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
    dataset = load_data(args)
    graph = temporal.build_graph(dataset)
    change = temporal.diff(graph, _date(args.date_a), _date(args.date_b))
    relationships = {r.id: r for r in dataset.relationships}
    if args.format == "json":
        _print(serialize.diff_json(change, relationships))
        return 0
    print(f"Changes from {words(change.a)} to {words(change.b)}")
    sections = [
        ("Added organisations", [f"  + {i}  {n}" for i, n in sorted(change.added.items())]),
        ("Removed organisations", [f"  - {i}  {n}" for i, n in sorted(change.removed.items())]),
        ("Renamed", [f"  ~ {i}  {old} -> {new}" for i, (old, new) in sorted(change.renamed.items())]),
        ("Relationships added", [f"  + {_rel_text(relationships[i])}"
                                 for i in sorted(change.relationships_added)]),
        ("Relationships removed", [f"  - {_rel_text(relationships[i])}"
                                   for i in sorted(change.relationships_removed)]),
        ("Lineage between the dates", [f"  > {_rel_text(relationships[i])}"
                                       for i in change.lineage]),
    ]
    for title, lines in sections:
        print(f"{title} ({len(lines)})")
        print("\n".join(lines) if lines else "  (none)")
    return 0


def cmd_lineage(args: argparse.Namespace) -> int:
    dataset = load_data(args)
    org_id = resolve(dataset, args.organisation)
    result = temporal.lineage(temporal.build_graph(dataset), org_id)
    if args.format == "json":
        _print(serialize.lineage_json(result))
        return 0
    org = dataset.organisations[org_id]
    print(f"{org.name} ({org_id}{', ODS ' + org.ods_code if org.ods_code else ''})")
    for title, steps, arrow in (("Predecessors", result.predecessors, "<-"),
                                ("Successors", result.successors, "->")):
        print(f"{title} ({len(steps)}):")
        for s in steps:
            when = words(s.date) or "date unknown"
            print(f"  {'  ' * (s.depth - 1)}{arrow} {s.name} ({s.organisation}) "
                  f"{s.type} on {when} [sources: {', '.join(s.sources) or 'none'}]")
        if not steps:
            print("  (none)")
    return 0


def cmd_timeline(args: argparse.Namespace) -> int:
    events = temporal.timeline(load_data(args))
    if args.format == "json":
        _print([serialize.event_json(e) for e in events])
        return 0
    for e in events:
        involved = f" [{', '.join(e.organisations)}]" if e.organisations else ""
        print(f"{e.date.iso():<10}  {e.title}{involved}")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    _print(json_schema())
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    data = Path(args.data or default_data()).resolve()
    dataset_loader.load(data)  # refuse to start on a broken file
    env = {**os.environ, "ORGS_DATA": str(data)}
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
               "--server.address", args.address, "--server.port", str(args.port),
               "--browser.gatherUsageStats", "false"]
    if args.headless:
        command += ["--server.headless", "true"]
    os.execve(sys.executable, command, env)  # become Streamlit, so signals reach it directly


def _date(text: str) -> str:
    try:
        PartialDate.parse(text)
    except DateError as exc:
        raise UsageError(f"{exc} (write YYYY-MM-DD, YYYY-MM or YYYY)") from None
    return text


def _rel_text(r: Relationship) -> str:
    span = f"from {words(r.valid_from)}" if r.valid_from else "open start"
    if r.valid_to:
        span += f" to {words(r.valid_to)}"
    return f"{r.source} {r.type} {r.target} ({span})"


# -- parser -------------------------------------------------------------------------------

# Modules that add their own commands: each has ``register(subparsers, common)`` adding
# parsers whose ``func`` is set with ``set_defaults(func=...)``. Imported only when parsing.
COMMAND_MODULES: list[str] = ["loaders.store_cli", "graph.snapshot_cli", "loaders.ods_cli"]


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data", help="the YAML file (default: data/orgs.yaml or $ORGS_DATA)")
    parser = argparse.ArgumentParser(
        prog="python -m graph",
        description="Who ran local health services, who oversaw whom, who merged with whom, when.")
    parser.add_argument("--data", dest="global_data", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

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

    p = sub.add_parser("schema", parents=[common], help="the JSON Schema of the YAML format")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("serve", parents=[common], help="start the page on 127.0.0.1")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--address", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    p.add_argument("--headless", action="store_true", help="do not open a browser")
    p.set_defaults(func=cmd_serve)

    for module in COMMAND_MODULES:
        importlib.import_module(module).register(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.data = getattr(args, "data", None) or args.global_data
    try:
        return args.func(args)
    except InvalidInput as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 2
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # one line, never a traceback
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
