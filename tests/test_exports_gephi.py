"""The GEXF opened in Gephi (the Gephi Toolkit 0.10.1, through scripts/gephi-probe): every
relationship kept, on any day exactly the nodes and edges the page draws under the names it
shows, colours and places from the page, typed attributes, and a round trip through Gephi's own
writers. Expected values come from the page's scene, never from the file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import igraph
import networkx as nx
import pytest
from export_clients import gephi
from lxml import etree

from graph.core.model import effective_span
from graph.core.temporal import build_graph
from graph.drawing.scene import kind_colours, scene
from graph.export.history import change_days
from graph.export.snapshot import render_snapshot
from loaders.dataset import default_path, load

SCHEMAS = Path(__file__).parent / "data" / "gexf-schema" / "1.3"
EVERYTHING = 10**9  # no grouping by kind: every organisation, as the exports hold them
ONE_DAY = dt.timedelta(days=1)


@pytest.fixture(scope="module")
def bundled() -> nx.MultiDiGraph:
    return build_graph(load(default_path()))


@pytest.fixture(scope="module")
def whole_history(bundled, tmp_path_factory) -> Path:
    """The bundled area's whole-history GEXF, as ``python -m graph snapshot`` writes it."""
    path = tmp_path_factory.mktemp("gexf") / "blmk.gexf"
    path.write_bytes(render_snapshot(bundled, "gexf", "2021-06-01"))
    return path


@pytest.fixture(scope="module")
def every_day(bundled) -> list[str]:
    """Each day on which what the page draws may change, and the day before it (where an
    interval that ends a day late or early would show), and the two days the issue measured."""
    days = {dt.date(2014, 6, 1), dt.date(2021, 6, 1)}
    for day in change_days(bundled):
        days.update({day, day - dt.timedelta(days=1)})
    return sorted(d.isoformat() for d in days)


@pytest.fixture(scope="module")
def seen(whole_history, every_day) -> dict:
    return gephi(whole_history, every_day)


def test_the_gexf_is_valid_against_the_official_gexf_13_grammar(whole_history):
    grammar = etree.RelaxNG(etree.parse(str(SCHEMAS / "gexf.rng")))
    assert grammar.validate(etree.parse(str(whole_history))), grammar.error_log


def test_the_published_gexf_13_xsd_does_not_compile_so_the_relax_ng_grammar_is_used():
    # gephi/gexf issue 19: the XSDs generated from the grammar leave graph-content undefined
    with pytest.raises(etree.XMLSchemaParseError, match="graph-content"):
        etree.XMLSchema(etree.parse(str(SCHEMAS / "gexf.xsd")))


def test_gephi_keeps_214_of_214_edges_each_its_own(bundled, seen):
    relationships = bundled.graph["dataset"].relationships
    assert len(relationships) == 220
    assert {e["id"] for e in seen["edges"]} == {r.id for r in relationships}
    assert not [i for i in seen["issues"] if i.startswith(("SEVERE", "WARNING"))]
    edges = {e["id"]: e for e in seen["edges"]}
    # the pair Gephi merged into one corrupt edge: a grant and a membership
    funds = edges["monitor|FUNDS|healthcare-review|1"]
    member = edges["monitor|MEMBER_OF|healthcare-review|1"]
    assert (funds["kind"], funds["label"], funds["attributes"]["amount_gbp"]) == (
        "FUNDS", "funds", 3_200_000.0)
    assert (member["kind"], member["label"], member["attributes"]["amount_gbp"]) == (
        "MEMBER_OF", "National partner", None)  # a role labels its edge, as on the page
    assert funds["weight"] == member["weight"] == 1.0


def test_gephi_keeps_two_contracts_of_one_type_between_one_pair(tmp_path):
    """Two relationships of one type between the same two organisations (here two contracts
    of different years) stay two edges in Gephi: the second's kind is ``TYPE (2)``."""
    mini = Path(__file__).parent / "data" / "mini.yaml"
    text = mini.read_text(encoding="utf-8").replace(
        "  - {from: ccg-all, type: COMMISSIONS, to: hospital, sources: [src-b]}",
        "  - {from: ccg-all, type: COMMISSIONS, to: hospital, valid_to: 2022-04-01, "
        "sources: [src-b]}\n"
        "  - {from: ccg-all, type: COMMISSIONS, to: hospital, valid_from: 2022-04-01, "
        "sources: [src-b]}")
    area = tmp_path / "two.yaml"
    area.write_text(text, encoding="utf-8")
    graph = build_graph(load(area))
    out = tmp_path / "two.gexf"
    out.write_bytes(render_snapshot(graph, "gexf", "2022-06-01"))
    seen = gephi(out)
    contracts = sorted(e["kind"] for e in seen["edges"]
                       if (e["source"], e["target"]) == ("ccg-all", "hospital"))
    assert contracts == ["COMMISSIONS", "COMMISSIONS (2)"]


@pytest.mark.parametrize("day, nodes, edges", [("2014-06-01", 41, 70), ("2021-06-01", 47, 70)])
def test_gephi_shows_on_a_day_exactly_what_the_page_shows(bundled, seen, day, nodes, edges):
    page = scene(bundled, day, max_nodes=EVERYTHING)
    alive = seen["at"][day]
    assert (len(alive["nodes"]), len(alive["edges"])) == (nodes, edges)
    assert set(alive["nodes"]) == {n.id for n in page.nodes}
    assert set(alive["edges"]) == {e.id for e in page.edges}
    assert {i: v["name"] for i, v in alive["node_values"].items()} == {
        n.id: n.name for n in page.nodes}
    assert {i: v["drawn_as"] for i, v in alive["node_values"].items()} == {
        n.id: n.state for n in page.nodes}


def test_gephi_shows_on_every_day_what_the_page_shows(bundled, seen, every_day):
    wrong = []
    for day in every_day:
        page = scene(bundled, day, max_nodes=EVERYTHING)
        alive = seen["at"][day]
        if (set(alive["nodes"]) != {n.id for n in page.nodes}
                or set(alive["edges"]) != {e.id for e in page.edges}
                or {i: v["name"] for i, v in alive["node_values"].items()}
                != {n.id: n.name for n in page.nodes}):
            wrong.append(day)
    assert len(every_day) > 100 and wrong == []


def test_a_person_is_alive_in_gephi_from_their_first_role_to_their_last(bundled, seen):
    dataset = bundled.graph["dataset"]
    people = {o.id for o in dataset.organisations.values() if dataset.kinds[o.kind].while_related}
    assert len(people) == 37
    nodes = {n["id"]: n for n in seen["nodes"]}
    for person in people:
        # the roles' own dates, clipped to both ends' lives, merged where they touch
        spans = sorted(effective_span(r, dataset) for r in dataset.relationships
                       if person in (r.source, r.target))
        merged: list[list] = []
        for first, after in spans:
            start = first.start if first else None
            end = after.start - dt.timedelta(days=1) if after else None
            if merged and merged[-1][1] is not None and start <= merged[-1][1] + ONE_DAY:
                merged[-1][1] = None if end is None else max(end, merged[-1][1])
            else:
                merged.append([start, end])
        expected = [[a.isoformat() if a else None, b.isoformat() if b else None]
                    for a, b in merged]
        assert nodes[person]["intervals"] == expected, person


def test_gephi_reads_names_over_time_and_the_label_lists_them_in_order(seen):
    hospitals = next(n for n in seen["nodes"] if n["id"] == "dhsc")
    assert hospitals["attributes"]["name"] == [
        [None, "2017-12-31", "Department of Health"],
        ["2018-01-01", None, "Department of Health and Social Care"]]
    assert hospitals["label"] == "Department of Health → Department of Health and Social Care"
    columns = {c["id"]: c for c in seen["node_columns"]}
    assert columns["name"]["dynamic"] and columns["name"]["type"] == "IntervalStringMap"


def test_gephi_colours_nodes_by_kind_and_places_them_where_the_file_says(bundled,
                                                                       whole_history, seen):
    colours = kind_colours(bundled)
    assert all(n["colour"] == colours[n["attributes"]["kind"]] for n in seen["nodes"])
    viz = "{http://gexf.net/1.3/viz}position"
    written = {n.get("id"): (float(n.find(viz).get("x")), float(n.find(viz).get("y")))
               for n in etree.parse(str(whole_history)).iter("{http://gexf.net/1.3}node")}
    # Gephi centres what it reads, so compare places relative to one box
    nodes = {n["id"]: n for n in seen["nodes"]}
    (ax, ay), a = written["dhsc"], nodes["dhsc"]
    for org_id, (x, y) in written.items():
        assert (nodes[org_id]["x"] - a["x"], nodes[org_id]["y"] - a["y"]) == (
            pytest.approx(x - ax, abs=0.01), pytest.approx(y - ay, abs=0.01))


def test_no_two_organisations_alive_on_one_day_share_a_place_in_gephi(seen, every_day):
    place = {n["id"]: (n["x"], n["y"]) for n in seen["nodes"]}
    for day in every_day:
        alive = seen["at"][day]["nodes"]
        assert len({place[i] for i in alive}) == len(alive), day


def test_gephi_draws_the_page_right_side_up(bundled, whole_history, tmp_path):
    picture = tmp_path / "gephi.svg"
    gephi(whole_history, export_svg=picture)
    # Gephi's Preview: one circle per node, classed by its id; SVG's y grows downward
    heights = {c.get("class").removeprefix("id_"): float(c.get("cy"))
               for c in etree.parse(str(picture)).iter("{http://www.w3.org/2000/svg}circle")}
    dataset = bundled.graph["dataset"]
    # people may sit beside their posts: compare the organisations' own bands
    tier = {o.id: dataset.kinds[o.kind].tier for o in dataset.organisations.values()
            if not dataset.kinds[o.kind].while_related}
    top, bottom = min(tier.values()), max(tier.values())
    assert max(heights[i] for i in tier if tier[i] == top) < min(
        heights[i] for i in tier if tier[i] == bottom)  # national bodies above local ones


def test_gephi_types_the_attributes_and_finds_no_internal_columns(seen):
    edge_columns = {c["id"]: c["type"] for c in seen["edge_columns"]}
    node_columns = {c["id"]: c["type"] for c in seen["node_columns"]}
    assert edge_columns["amount_gbp"] == "Double"
    assert not {"networkx_key", "x", "y", "colour"} & (set(edge_columns) | set(node_columns))
    assert seen["dynamic"] and seen["directed"]


def test_what_gephi_writes_back_keeps_names_kinds_dates_and_lifetimes(whole_history, seen,
                                                                      tmp_path):
    again = tmp_path / "gephi.gexf"
    gephi(whole_history, export_gexf=again)
    back = gephi(again, ["2014-06-01", "2021-06-01"])

    def facts(read: dict) -> tuple:
        nodes = {n["id"]: (n["label"], n["intervals"], n["attributes"]["name"],
                           n["attributes"]["kind"], n["attributes"]["valid_from"],
                           n["attributes"]["valid_to"]) for n in read["nodes"]}
        edges = {e["id"]: (e["source"], e["target"], e["kind"], e["label"], e["intervals"],
                           e["attributes"]["relationship"], e["attributes"]["valid_from"])
                 for e in read["edges"]}
        return nodes, edges

    assert facts(back) == facts(seen)
    for day in ("2014-06-01", "2021-06-01"):
        assert set(back["at"][day]["nodes"]) == set(seen["at"][day]["nodes"])
        assert set(back["at"][day]["edges"]) == set(seen["at"][day]["edges"])


def test_gephis_graphml_of_the_history_writes_names_over_time_in_a_type_igraph_refuses(
        whole_history, tmp_path):
    # what docs/exports.md says does not survive: Gephi writes a dynamic column with its own
    # type name, which GraphML does not define; our GraphML export is the way to igraph
    again = tmp_path / "gephi.graphml"
    gephi(whole_history, export_graphml=again)
    keys = etree.parse(str(again)).iter("{http://graphml.graphdrawing.org/xmlns}key")
    assert {k.get("attr.name") for k in keys if k.get("attr.type") == "intervalstringmap"} == {
        "name", "drawn_as"}
    with pytest.raises(igraph.InternalError, match="Unknown attribute type 'intervalstringmap'"):
        igraph.Graph.Read_GraphML(str(again))


@pytest.mark.parametrize("day", ["2014-06-01", "2021-06-01"])
def test_gephi_reads_the_graphml_labels_and_igraph_reads_gephis_re_export(bundled, tmp_path,
                                                                          day):
    page = scene(bundled, day, max_nodes=EVERYTHING)
    ours, again = tmp_path / "view.graphml", tmp_path / "gephi.graphml"
    ours.write_bytes(render_snapshot(bundled, "graphml", day))
    read = gephi(ours, export_graphml=again)
    assert {n["id"]: n["label"] for n in read["nodes"]} == {n.id: n.name for n in page.nodes}
    assert {e["id"] for e in read["edges"]} == {e.id for e in page.edges}
    back = igraph.Graph.Read_GraphML(str(again))
    assert (back.vcount(), back.ecount()) == (len(page.nodes), len(page.edges))
    assert dict(zip(back.vs["id"], back.vs["label"], strict=True)) == {
        n.id: n.name for n in page.nodes}
