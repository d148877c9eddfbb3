"""``import-ods`` and ``merge``: build an area's YAML from NHS ODS files, join it with another."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from graph.cli.common import UsageError


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("import-ods", parents=[common],
                       help="build a YAML file from NHS ODS CSV files")
    p.add_argument("--ods-dir", required=True, type=Path,
                   help="folder of ODS files (eccg, etr, eauth, succ), read recursively")
    p.add_argument("--area", nargs="+", default=[], metavar="CODE",
                   help="keep these organisations, what was part of them, their lineage and "
                        "their parents")
    p.add_argument("--region", action="append", default=[], metavar="CODE",
                   help="keep everything ever in this region (same rule as --area)")
    p.add_argument("--all", action="store_true", help="keep every organisation in the files")
    p.add_argument("--name", help="the area's name in the file (default: from the codes)")
    p.add_argument("--skip-bad-rows", action="store_true",
                   help="report malformed rows and go on without them (default: exit 2)")
    p.add_argument("-o", "--output", required=True, type=Path, help="the YAML file to write")
    p.set_defaults(func=cmd_import_ods)

    p = sub.add_parser("merge", parents=[common],
                       help="join two YAML files on ODS codes, reporting conflicts")
    p.add_argument("first", type=Path, help="the file whose values win (e.g. hand-written)")
    p.add_argument("second", type=Path, help="the file that fills gaps (e.g. an ODS import)")
    p.add_argument("-o", "--output", required=True, type=Path, help="the YAML file to write")
    p.add_argument("--strict", action="store_true", help="exit 2 if there is any conflict")
    p.set_defaults(func=cmd_merge)


def cmd_import_ods(args: argparse.Namespace) -> int:
    from loaders.ods import build as ods
    from loaders.ods import read as ods_read

    if not args.ods_dir.is_dir():
        raise UsageError(f"--ods-dir {args.ods_dir} is not a folder (give the folder holding "
                     "eccg.csv, etr.csv, eauth.csv, succ.csv)")
    codes = [*args.area, *args.region]
    if bool(codes) == bool(args.all):
        raise UsageError("choose either --all or --area CODE ... / --region CODE")
    releases, problems, notes = ods_read.read_dir(args.ods_dir)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems and not args.skip_bad_rows:
        print(f"error: {len(problems)} malformed rows; fix them or pass --skip-bad-rows",
              file=sys.stderr)
        return 2
    if not any(r.layout in ods_read.ORGANISATION_LAYOUTS for r in releases):
        raise UsageError(f"no eccg, etr or eauth file in {args.ods_dir} (file names must start "
                     "with the ODS layout name, e.g. eccg.csv or etr-2021_04.csv)")
    try:
        result = ods.build(releases, codes or None, args.name, args.output.parent)
    except KeyError as exc:
        raise UsageError(f"no organisation with ODS code {exc.args[0]} in the files read "
                     "(check the code)") from None
    for note in notes + result.notes:
        print(f"note: {note}", file=sys.stderr)
    status = _write_checked(result.document, args.output)
    if status == 0:
        doc = result.document
        counts = _count_types(doc)
        unknown_end = sum("valid_to" in o.get("unverified", ()) for o in doc["organisations"])
        print(f"wrote {args.output}: {len(doc['organisations'])} organisations, "
              f"{len(doc['relationships'])} relationships ({counts}) from "
              f"{len(doc['sources'])} ODS files; {unknown_end} organisations end after the "
              "last file that shows them (their end unknown, marked unverified)")
    return status


def cmd_merge(args: argparse.Namespace) -> int:
    from loaders import merge

    result = merge.merge(args.first, args.second, args.output.parent)
    for conflict in result.conflicts:
        print(conflict, file=sys.stderr)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    status = _write_checked(result.document, args.output)
    if status:
        return status
    doc = result.document
    print(f"wrote {args.output}: {len(doc['organisations'])} organisations, "
          f"{len(doc['relationships'])} relationships; {result.matched} matched on ODS code or "
          f"id, {len(result.conflicts)} conflicts (first file's value kept)")
    return 2 if args.strict and result.conflicts else 0


def _count_types(doc: dict) -> str:
    counts: dict[str, int] = {}
    for rel in doc["relationships"]:
        counts[rel["type"]] = counts.get(rel["type"], 0) + 1
    return ", ".join(f"{n} {t}" for t, n in counts.items()) or "none"


def _write_checked(document: dict, output: Path) -> int:
    from loaders.yaml_write import write_yaml

    problems = write_yaml(document, output)
    for problem in problems:
        print(problem, file=sys.stderr)
    if any(not p.warning for p in problems):
        print(f"error: not written: the result would not validate ({output})", file=sys.stderr)
        return 2
    return 0
