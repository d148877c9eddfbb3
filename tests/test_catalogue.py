"""What a store holds for a query to name (``loaders.query.catalogue``): the labels and
relationship types with their counts and properties, and three example queries, which run on
both stores and answer what the data file says."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from loaders import dataset as dataset_loader
from loaders.query.catalogue import catalogue

ROOT = Path(__file__).resolve().parent.parent
AREAS = [ROOT / "data" / "orgs.yaml", ROOT / "tests" / "data" / "schools.yaml",
         ROOT / "tests" / "data" / "other_area.yaml"]


@pytest.mark.parametrize("path", AREAS, ids=lambda p: p.stem)
def test_the_counts_are_the_data_files(path):
    dataset = dataset_loader.load(path)
    found = catalogue(dataset)
    counts = {lab.name: lab.count for lab in found.labels}
    for kind in dataset.kinds:
        assert counts.get(kind, 0) == sum(o.kind == kind for o in dataset.organisations.values())
    assert counts["Source"] == len(dataset.sources)
    types = {rel.name: rel.count for rel in found.types}
    for rtype in dataset.relationship_types:
        assert types.get(rtype, 0) == sum(r.type == rtype for r in dataset.relationships)
    assert all(rel.ends for rel in found.types)


@pytest.mark.parametrize("path", AREAS, ids=lambda p: p.stem)
def test_every_example_runs_on_the_store_and_counts_every_organisation(store, path):
    dataset = dataset_loader.load(path)
    store.load(path)
    examples = catalogue(dataset, store.name).examples
    assert len(examples) == 3
    for example in examples:
        result = store.query(example.cypher, path)
        assert result.rows, example.cypher
    by_kind = store.query(examples[0].cypher, path)
    assert sum(row[1] for row in by_kind.rows) == len(dataset.organisations)
    kind = examples[1].cypher.split("`")[1]  # every organisation of its kind, and no other
    assert len(store.query(examples[1].cypher, path).rows) == sum(
        o.kind == kind for o in dataset.organisations.values())


def test_the_cli_prints_the_catalogue():
    run = subprocess.run([sys.executable, "-m", "graph", "schema", "--store", "embedded"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "Labels (nodes), with how many:"
    assert "Trust (10)" in lines[1] and "CCG (4)" in lines[1]
    assert any(line.startswith("  COMMISSIONS (33): ") for line in lines)
    assert "Example queries:" in lines
