"""The parser and the entry point of ``python -m graph``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from graph.cli import animate, brief, data, ods, serve, snapshot, sources, store
from graph.cli.common import UsageError
from loaders.problems import InvalidInput, one_line

COMMAND_GROUPS = (data, serve, store, snapshot, animate, brief, sources, ods)


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake on the command line is one line (not usage and a message)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"error: {one_line(message)} (see {self.prog} --help)\n")


def build_parser(prog: str = "python -m graph") -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument("--data", help="the YAML file (default: data/orgs.yaml or $ORGS_DATA)")
    parser = _Parser(
        prog=prog,
        description="Who ran local health services, who oversaw whom, who merged with whom, when.")
    parser.add_argument("--data", dest="global_data", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in COMMAND_GROUPS:
        group.register(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    # the installed command (pyproject.toml's [project.scripts]) names itself in usage lines
    installed = Path(sys.argv[0]).name == "orgs-graph"
    parser = build_parser("orgs-graph" if installed else "python -m graph")
    args = parser.parse_args(argv)
    args.data = getattr(args, "data", None) or args.global_data
    try:
        return args.func(args)
    except InvalidInput as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 2
    except UsageError as exc:
        print(f"error: {one_line(str(exc))}", file=sys.stderr)  # it may quote what was typed
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # one line, never a traceback
        print(f"error: {type(exc).__name__}: {one_line(str(exc))}", file=sys.stderr)
        return 1
