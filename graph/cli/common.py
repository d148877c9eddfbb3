"""What every command shares: the data file, one-line usage errors, dates and JSON output."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import networkx as nx

from graph.core import temporal
from graph.core.dates import DateError, PartialDate
from graph.core.model import Dataset
from graph.drawing.layout import layout
from loaders import dataset as dataset_loader
from loaders import warm


class UsageError(Exception):
    """Bad input from the command line: printed as one line, exit code 2."""


def data_path(args: argparse.Namespace) -> Path:
    """The data file of a command: ``--data``, else ``$ORGS_DATA``, else the bundled file."""
    return Path(args.data) if args.data else dataset_loader.default_path()


def load_graph(args: argparse.Namespace) -> nx.MultiDiGraph:
    """The all-time graph of the command's data file, laid out; from the warm cache when the
    file is unchanged (``loaders.warm``)."""
    return warm.read_graph(data_path(args), prepare=layout)


def load_data(args: argparse.Namespace) -> Dataset:
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
