"""Reading a file: validation against the exact marked pass and the parse floors, and the warm
start (an unchanged file reopened from the cache) in process and from the command line."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import yaml

from bench.measure import Rows, median_time
from loaders import dataset as dataset_loader
from loaders import warm, yaml_read

ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def marked_pass_only() -> Iterator[None]:
    """Validate the exact way only: PyYAML's C parser with every value's line and column, as
    when a file has a problem (``read_fast`` declines every file)."""
    fast = yaml_read.read_fast
    yaml_read.read_fast = lambda raw: None
    try:
        yield
    finally:
        yaml_read.read_fast = fast


def validation(rows: Rows, path: Path, heavy: int, slow: int) -> float:
    """``validate`` against the marked pass it replaces for a valid file, and the floors of
    parsing the same bytes; returns the median of ``validate``."""
    validate = median_time(lambda: dataset_loader.check(path), heavy)
    with marked_pass_only():
        marked = median_time(lambda: dataset_loader.check(path), slow)
    rows.add("validate", validate, "the exact marked pass (every value's line and column)",
             marked)
    raw = path.read_bytes()
    loader = yaml_read.Loader
    events = median_time(lambda: sum(1 for _ in yaml.parse(raw, Loader=loader)), heavy)
    rows.add("parse floor: PyYAML C parser, events only", events, "validate", validate)
    loaded: list[object] = []
    full = median_time(lambda: loaded.append(yaml.load(raw, Loader=loader)), slow)  # a safe loader
    rows.add("parse floor: PyYAML C loader, full load (CSafeLoader)", full, "validate", validate)
    text = json.dumps(loaded[-1], default=str)
    rows.add("parse floor: json.loads of the same data", median_time(lambda: json.loads(text),
                                                                    heavy), "validate", validate)
    return validate


def warm_start(rows: Rows, path: Path, repeat: int, cold_repeat: int) -> None:
    """An unchanged file reopened from the cache: in process (``loaders.warm``), and the whole
    command line to its first answer (``lineage``, ``query``) in a fresh interpreter, each
    against the same with an empty cache."""
    with tempfile.TemporaryDirectory() as folder, _cache_dir(folder):
        cold = median_time(lambda: warm.read_graph(path), cold_repeat,
                           lambda: _empty(Path(folder)))
        warmed = median_time(lambda: warm.read_graph(path), repeat)
    rows.add("warm start, the graph from the cache (in process)", warmed,
             "validate and build the graph", cold)
    dataset = dataset_loader.load(path)
    lineage = next((r.target for r in dataset.relationships
                    if dataset.relationship_types[r.type].lineage), next(iter(dataset.organisations)))
    for what, argv in (("lineage", ["lineage", lineage]),
                       ("query", ["query", "MATCH (n) RETURN count(n) AS nodes"])):
        command = [sys.executable, "-m", "graph", *argv, "--data", str(path)]
        with tempfile.TemporaryDirectory() as folder:
            env = {**os.environ, "ORGS_CACHE_DIR": folder}
            cold = median_time(lambda: _run(command, env), cold_repeat,  # noqa: B023
                               lambda: _empty(Path(folder)))  # noqa: B023
            warmed = median_time(lambda: _run(command, env), repeat)  # noqa: B023
        rows.add(f"warm start, CLI to first answer ({what})", warmed,
                 "the same with an empty cache", cold)


@contextlib.contextmanager
def _cache_dir(folder: str) -> Iterator[None]:
    before = os.environ.get("ORGS_CACHE_DIR")
    os.environ["ORGS_CACHE_DIR"] = folder
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("ORGS_CACHE_DIR")
        else:
            os.environ["ORGS_CACHE_DIR"] = before


def _empty(folder: Path) -> None:
    for item in folder.rglob("*"):
        if item.is_file():
            item.unlink()


def _run(command: list[str], env: dict[str, str]) -> None:
    run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    if run.returncode != 0:
        raise RuntimeError(f"{' '.join(command[2:4])} failed: {run.stderr.strip()[-300:]}")
