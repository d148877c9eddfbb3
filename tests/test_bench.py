"""The benchmark's synthetic areas validate, and ``bench/run.py --smoke`` prints its ratios."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.make_area import make_area
from loaders import dataset as dataset_loader

ROOT = Path(__file__).resolve().parent.parent


def _check(tmp_path: Path, text: str, name: str = "area.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return dataset_loader.check(path)


def test_a_synthetic_area_is_valid_realistic_and_says_it_is_synthetic(tmp_path: Path) -> None:
    dataset, problems = _check(tmp_path, make_area(400, seed=7))
    assert problems == []  # not even a warning: every record cites a source
    assert dataset is not None and len(dataset.organisations) == 400
    assert "Synthetic" in dataset.area.name and "SYNTHETIC" in (dataset.area.description or "")
    per_org = len(dataset.relationships) / len(dataset.organisations)
    assert 4.0 <= per_org <= 6.5
    types = Counter(r.type for r in dataset.relationships)
    assert types["MERGED_INTO"] > 0 and types["SUCCEEDED_BY"] > 0  # mergers and successions
    precisions = Counter(o.valid_from.precision for o in dataset.organisations.values()
                         if o.valid_from)
    assert precisions["day"] and precisions["month"] and precisions["year"]
    assert any(o.former_names for o in dataset.organisations.values())  # renamings
    assert set(dataset.kinds) >= {"CCG", "ICB", "Trust", "Regulator", "Person"}


def test_the_same_seed_gives_the_same_bytes_and_another_seed_another_area() -> None:
    assert make_area(200, seed=3) == make_area(200, seed=3)
    assert make_area(200, seed=3) != make_area(200, seed=4)


@settings(max_examples=6, deadline=None)
@given(size=st.integers(min_value=60, max_value=500), seed=st.integers(0, 10_000))
def test_every_size_and_seed_validates_with_exactly_that_many_organisations(
        tmp_path_factory: pytest.TempPathFactory, size: int, seed: int) -> None:
    folder = tmp_path_factory.mktemp("area")
    dataset, problems = _check(folder, make_area(size, seed))
    assert [str(p) for p in problems] == []
    assert len(dataset.organisations) == size


def test_make_area_writes_a_file_the_validate_command_accepts(tmp_path: Path) -> None:
    out = tmp_path / "area.yaml"
    made = subprocess.run([sys.executable, "bench/make_area.py", "150", "--seed", "2", "-o",
                           str(out)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    run = subprocess.run([sys.executable, "-m", "graph", "validate", str(out)], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert "valid (150 organisations" in run.stdout and "0 warnings" in run.stdout


def test_a_size_too_small_is_one_line_and_exit_code_2() -> None:
    run = subprocess.run([sys.executable, "bench/make_area.py", "10"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [
        "error: size 10 is too small (at least 60) (give a larger size)"]


@pytest.mark.timeout(440)  # 20 s of CPU; minutes on a machine busy with other work
def test_smoke_benchmark_prints_a_ratio_on_every_comparison_line() -> None:
    """``--smoke`` runs every figure of ``--quick`` once, on a synthetic area of 60 organisations
    (the quick run's sizes, the bundled file and 1,000 organisations, take three minutes; they
    run the same code with more repeats on bigger files)."""
    run = subprocess.run([sys.executable, "bench/run.py", "--smoke"], cwd=ROOT,
                         capture_output=True, text=True, timeout=420)
    assert run.returncode == 0, run.stderr[-2000:]
    table = [line for line in run.stdout.splitlines()  # the rows: not the header, nor |---|
             if line.startswith("| ") and not line.startswith("| size |")]
    compared = [line for line in table if line.split("|")[4].strip()]  # a baseline is named
    measures = {line.split("|")[2].strip() for line in compared}
    assert {"validate", "at(date), new date", "embedded load", "layout, cached",
            "slider move (page view)", "peak memory",
            "routed view, same view again (cached)"} <= measures
    assert all("ratio " in line for line in compared)
    assert {line.split("|")[1].strip() for line in table} == {"60 synthetic"}
    assert "# the picture: other_area.yaml (a4)" in run.stdout
    assert "smoke run on " in run.stdout
