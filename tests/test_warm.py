"""The warm start: an unchanged file reopens its graph from the cache; a changed one never does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from graph.core.temporal import at
from graph.drawing.layout import layout
from loaders import dataset as dataset_loader
from loaders import warm

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "data" / "mini.yaml"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ORGS_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "graphs"


def _refuse_to_read(*args, **kwargs):
    raise AssertionError("the file was validated again")


def test_an_unchanged_file_reopens_its_graph_and_layout_without_reading_it_again(
        cache, tmp_path, monkeypatch):
    data = tmp_path / "area.yaml"
    data.write_bytes(MINI.read_bytes())
    first = warm.read_graph(data, prepare=layout)
    monkeypatch.setattr(dataset_loader, "load", _refuse_to_read)
    again = warm.read_graph(data, prepare=layout)
    assert again is not first and again.graph["dataset"] == first.graph["dataset"]
    assert layout(again) == layout(first) and "screen" in again.graph["grids"]
    assert at(again, "2021-04-01") == at(first, "2021-04-01")  # the index works unpickled
    assert len(list(cache.glob("graph-*.pickle"))) == 1


def test_a_changed_file_never_meets_a_stale_graph(cache, tmp_path):
    data = tmp_path / "area.yaml"
    data.write_bytes(MINI.read_bytes())
    assert "Old Regulator" in at(warm.read_graph(data), "2014-06-01").organisations.values()
    data.write_text(MINI.read_text().replace("Old Regulator", "Former Regulator"))
    names = at(warm.read_graph(data), "2014-06-01").organisations.values()
    assert "Former Regulator" in names and "Old Regulator" not in names


def test_a_damaged_cache_file_is_read_around_and_replaced(cache, tmp_path):
    data = tmp_path / "area.yaml"
    data.write_bytes(MINI.read_bytes())
    warm.read_graph(data)
    (stored,) = cache.glob("graph-*.pickle")
    stored.write_bytes(b"not a pickle")
    assert "ccg-north" in warm.read_graph(data).graph["dataset"].organisations
    assert stored.read_bytes() != b"not a pickle"


def test_an_invalid_file_is_refused_as_before(cache, tmp_path):
    data = tmp_path / "bad.yaml"
    data.write_text("format: 1\n")
    with pytest.raises(Exception, match="missing required field"):
        warm.read_graph(data)
    assert not list(cache.glob("graph-*.pickle"))


def test_only_the_most_recent_graphs_are_kept(cache, tmp_path, monkeypatch):
    monkeypatch.setattr(warm, "KEEP", 2)
    for n in range(4):
        data = tmp_path / f"area{n}.yaml"
        data.write_text(MINI.read_text().replace("Testshire", f"Testshire {n}"))
        warm.read_graph(data)
    assert len(list(cache.glob("graph-*.pickle"))) == 2


def test_the_cli_warms_the_cache_it_then_reads(cache, tmp_path):
    env = {"ORGS_CACHE_DIR": str(cache.parent), "PATH": "/usr/bin:/bin"}
    for _ in range(2):
        run = subprocess.run([sys.executable, "-m", "graph", "lineage", "icb", "--data", str(MINI)],
                             cwd=ROOT, capture_output=True, text=True, env=env, timeout=120)
        assert run.returncode == 0, run.stderr
        assert "Predecessors" in run.stdout
    assert len(list(cache.glob("graph-*.pickle"))) == 1
