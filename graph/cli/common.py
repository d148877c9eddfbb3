"""What every command shares: the data file, one-line usage errors, dates and JSON output."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from graph.core.dates import DateError, PartialDate
from graph.core.model import Dataset
from loaders import dataset as dataset_loader


class UsageError(Exception):
    """Bad input from the command line: printed as one line, exit code 2."""


def data_path(args: argparse.Namespace) -> Path:
    """The data file of a command: ``--data``, else ``$ORGS_DATA``, else the bundled file."""
    return Path(args.data) if args.data else dataset_loader.default_path()


def load_data(args: argparse.Namespace) -> Dataset:
    return dataset_loader.load(data_path(args))


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
