"""What every command shares: the data file, one-line usage errors, dates and JSON output.

Command modules import their heavy libraries (networkx, the stores, matplotlib) inside the
command that uses them, so ``python -m graph --help`` and a command that draws nothing start
quickly and never load matplotlib.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from graph.core.dates import DateError, PartialDate

if TYPE_CHECKING:
    import networkx as nx

    from graph.core.model import Dataset


class UsageError(Exception):
    """Bad input from the command line: printed as one line, exit code 2."""


def data_path(args: argparse.Namespace) -> Path:
    """The data file of a command: ``--data``, else ``$ORGS_DATA``, else the bundled file."""
    if args.data:
        return Path(args.data)
    from loaders import dataset as dataset_loader

    return dataset_loader.default_path()


def load_graph(args: argparse.Namespace) -> nx.MultiDiGraph:
    """The all-time graph of the command's data file, from the warm cache when the file is
    unchanged (``loaders.warm``). Not laid out: no command draws it (a snapshot draws a graph
    of its own, on its sheet)."""
    from loaders import warm

    return warm.read_graph(data_path(args))


def load_data(args: argparse.Namespace) -> Dataset:
    from graph.core import temporal

    return temporal.dataset_of(load_graph(args))


def resolve(dataset: Dataset, id_or_code: str) -> str:
    org_id = dataset.resolve(id_or_code)
    if org_id is None:
        raise UsageError(f"no organisation with id or ODS code '{id_or_code}' "
                         f"in {dataset.path} (check the spelling)")
    return org_id


def date_argument(text: str) -> str:
    """A date given on the command line, checked (YYYY-MM-DD, YYYY-MM or YYYY)."""
    try:
        PartialDate.parse(text)
    except DateError as exc:
        raise UsageError(f"{exc} (write YYYY-MM-DD, YYYY-MM or YYYY)") from None
    return text


def print_json(value: object) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False))


def comma_list(text: str | None) -> list[str] | None:
    """``--kinds CCG,Trust`` as ``["CCG", "Trust"]`` (None when the option is not given)."""
    if text is None:
        return None
    return [item.strip() for item in text.split(",") if item.strip()]


def format_from(output: str, formats: dict[str, tuple[str, str]], what: str, how: str) -> str:
    """The format in ``formats`` (format -> (MIME type, extension)) that ``output`` ends with,
    or a one-line ``UsageError`` saying it cannot tell ``what`` and ``how`` to say it."""
    suffix = Path(output).suffix.lower()
    for fmt, (_mime, extension) in formats.items():
        if suffix == extension:
            return fmt
    raise UsageError(f"cannot tell {what} from '{output}' ({how})")


def write_output(output: str, content: bytes, fmt: str) -> None:
    """Write a made file (a snapshot, a film) and say so on stderr, or one line if it cannot."""
    try:
        Path(output).write_bytes(content)
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror} "
                         f"(check the folder exists and is writable)") from None
    print(f"wrote {output} ({fmt}, {len(content):,} bytes)", file=sys.stderr)
