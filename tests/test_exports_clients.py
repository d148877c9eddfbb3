"""The GraphML, GEXF and Cytoscape exports opened by the libraries users read them with:
networkx and igraph (Python), cytoscape (npm, under Node). Each holds the nodes and edges the
page draws that day, computed here from the page's scene, with the names it shows."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import igraph
import networkx as nx
import pytest
from export_clients import cytoscape

from graph.core.temporal import build_graph
from graph.drawing.picture import drawing
from graph.drawing.scene import scene
from graph.export.snapshot import render_snapshot
from loaders.dataset import default_path, load

ROOT = Path(__file__).resolve().parent.parent
DAYS = ["2014-06-01", "2021-06-01"]
EVERYTHING = 10**9


@pytest.fixture(scope="module")
def bundled() -> nx.MultiDiGraph:
    return build_graph(load(default_path()))


def page(graph, day, **options):
    return scene(graph, day, max_nodes=EVERYTHING, **options)


@pytest.mark.parametrize("day", DAYS)
def test_networkx_and_igraph_read_the_graphml_with_a_label_on_every_node(bundled, tmp_path,
                                                                         day):
    view = page(bundled, day)
    path = tmp_path / "view.graphml"
    path.write_bytes(render_snapshot(bundled, "graphml", day))

    read = nx.read_graphml(path, force_multigraph=True)
    assert {i: a["label"] for i, a in read.nodes(data=True)} == {n.id: n.name for n in view.nodes}
    assert {k for _, _, k in read.edges(keys=True)} == {e.id for e in view.edges}
    assert all(a["label"] for _, _, a in read.edges(data=True))

    other = igraph.Graph.Read_GraphML(str(path))
    assert dict(zip(other.vs["id"], other.vs["label"], strict=True)) == {
        n.id: n.name for n in view.nodes}
    assert sorted(other.es["relationship_id"]) == sorted(e.id for e in view.edges)
    assert {"x", "y", "r", "g", "b", "size"}.isdisjoint(other.vs.attributes())


def test_graphml_types_money_and_places_and_carries_the_pages_places(bundled, tmp_path):
    day = "2014-06-01"  # Monitor's £3.2m grant to the Healthcare Review is in force
    path = tmp_path / "view.graphml"
    path.write_bytes(render_snapshot(bundled, "graphml", day))
    other = igraph.Graph.Read_GraphML(str(path))
    grant = other.es.find(relationship_id="monitor|FUNDS|healthcare-review|1")
    assert grant["amount_gbp"] == 3_200_000.0 and isinstance(grant["amount_gbp"], float)
    boxes = {b.id: (b.x, b.y) for b in drawing(bundled, page(bundled, day), "screen").nodes}
    assert {v["id"]: (v["position_x"], v["position_y"]) for v in other.vs} == boxes
    read = nx.read_graphml(path, force_multigraph=True)
    kinds = {v["id"]: v["kind"] for v in other.vs}
    # yEd's own label (y:NodeLabel), as networkx's reader of yEd files finds it
    assert all(read.nodes[i]["label"] == v["label"] for i, v in zip(other.vs["id"], other.vs,
                                                                   strict=True))
    assert read.nodes["monitor"]["shape_type"] == "roundrectangle" and kinds["monitor"]


def test_networkx_reads_the_gexf_with_names_over_time(bundled, tmp_path):
    path = tmp_path / "history.gexf"
    path.write_bytes(render_snapshot(bundled, "gexf", "2021-06-01"))
    read = nx.read_gexf(path)
    assert read.number_of_nodes() == 95 and read.number_of_edges() == 220
    names = read.nodes["dhsc"]["name"]
    assert [n for n, _, _ in names] == ["Department of Health",
                                        "Department of Health and Social Care"]
    assert read.nodes["dhsc"]["viz"]["color"] == {"r": 57, "g": 59, "b": 121, "a": 1.0}


@pytest.mark.parametrize("day", DAYS)
def test_cytoscape_js_loads_the_export_with_the_pages_counts(bundled, tmp_path, day):
    view = page(bundled, day)
    path = tmp_path / "view.cyjs"
    path.write_bytes(render_snapshot(bundled, "cytoscape", day))
    loaded = cytoscape(path)
    assert loaded["version"] == "3.35.0" and loaded["warnings"] == []
    assert (len(loaded["nodes"]), len(loaded["edges"])) == (len(view.nodes), len(view.edges))
    assert {n["id"]: n["label"] for n in loaded["nodes"]} == {n.id: n.name for n in view.nodes}
    assert {(e["id"], e["source"], e["target"]) for e in loaded["edges"]} == {
        (e.id, e.source, e.target) for e in view.edges}
    boxes = {b.id: {"x": b.x, "y": b.y} for b in drawing(bundled, view, "screen").nodes}
    assert {n["id"]: n["position"] for n in loaded["nodes"]} == boxes


def test_cytoscape_js_loads_a_focused_view(bundled, tmp_path):
    view = page(bundled, "2021-06-01", focus="blmk-ccg", depth=1)
    path = tmp_path / "focus.cyjs"
    path.write_bytes(render_snapshot(bundled, "cytoscape", "2021-06-01", focus="blmk-ccg"))
    loaded = cytoscape(path)
    assert {n["id"] for n in loaded["nodes"]} == {n.id for n in view.nodes}
    assert {e["id"] for e in loaded["edges"]} == {e.id for e in view.edges}
    assert loaded["warnings"] == []


def test_the_cli_writes_cytoscape_json_from_the_file_name(tmp_path):
    out = tmp_path / "blmk.cyjs"
    done = subprocess.run([sys.executable, "-m", "graph", "snapshot", "--date", "2021-06-01",
                           "-o", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith(f"wrote {out} (cytoscape, ")
    loaded = cytoscape(out)
    assert (len(loaded["nodes"]), len(loaded["edges"])) == (47, 70)
