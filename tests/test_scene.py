"""What is drawn at a date: ghosts of recent mergers, diff marks, focus, filters and grouping."""

from __future__ import annotations

from pathlib import Path

from graph.core.temporal import build_graph
from graph.drawing.picture import drawing
from graph.drawing.scene import scene
from loaders.dataset import load

GRAPH = build_graph(load(Path(__file__).parent / "data" / "mini.yaml"))


def states(drawn) -> dict[str, str]:
    return {n.id: n.state for n in drawn.nodes}


def test_organisations_that_ended_in_the_last_months_are_ghosts_linked_to_their_successor():
    drawn = scene(GRAPH, "2021-06-01")
    assert states(drawn) == {"reg-new": "current", "ccg-north": "ghost", "ccg-south": "ghost",
                             "ccg-all": "current", "hospital": "current"}
    ghost_edges = {e.id for e in drawn.edges if e.state == "ghost"}
    assert ghost_edges == {"ccg-north|MERGED_INTO|ccg-all|1", "ccg-south|MERGED_INTO|ccg-all|1"}
    assert all(e.lineage and not e.dashes for e in drawn.edges if e.state == "ghost")
    assert "ccg-north" not in states(scene(GRAPH, "2022-06-01"))  # more than 12 months on


def test_a_comparison_draws_what_ended_and_what_came_in_its_place_side_by_side():
    compared = drawing(GRAPH, scene(GRAPH, "2022-08-01", diff_from="2013-06-01"))
    places = {n.id: (n.x, n.y) for n in compared.nodes}
    assert len(set(places.values())) == len(places)  # no two boxes in one place
    assert places["ccg-south"][1] == places["icb"][1]  # one tier, one row


def test_a_diff_marks_added_ended_and_renamed():
    drawn = scene(GRAPH, "2022-08-01", diff_from="2013-06-01")
    assert states(drawn) == {"reg-old": "ended", "reg-new": "added", "ccg-north": "ended",
                             "ccg-south": "ended", "icb": "added", "hospital": "renamed"}
    renamed = next(n for n in drawn.nodes if n.id == "hospital")
    assert renamed.former_name == "Testshire General Hospital Trust"


def test_focus_keeps_the_neighbourhood_and_counts_what_it_hides():
    drawn = scene(GRAPH, "2014-06-01", focus="hospital", depth=1)
    assert set(states(drawn)) == {"hospital", "reg-old", "ccg-north"}
    assert drawn.hidden == {"outside focus": 1}


def test_filters_drop_kinds_and_types_and_the_legend_follows():
    drawn = scene(GRAPH, "2014-06-01", kinds={"CCG", "Trust"}, types={"COMMISSIONS"})
    assert set(states(drawn)) == {"ccg-north", "ccg-south", "hospital"}
    assert [e.type for e in drawn.edges] == ["COMMISSIONS"]
    assert [k.id for k in drawn.kinds] == ["CCG", "Trust"]
    assert [t.id for t in drawn.types] == ["COMMISSIONS"]


def test_the_sources_are_those_behind_what_is_drawn():
    assert scene(GRAPH, "2014-06-01").sources == ("src-a",)
    assert set(scene(GRAPH, "2021-06-01").sources) == {"src-a", "src-b"}


def test_too_many_organisations_are_grouped_by_kind_with_counted_edges():
    drawn = scene(GRAPH, "2014-06-01", max_nodes=3)
    assert drawn.grouped and "4 organisations are too many" in drawn.note
    assert {(n.id, n.count) for n in drawn.nodes} == {
        ("group:Regulator", 1), ("group:CCG", 2), ("group:Trust", 1)}
    assert {(e.source, e.type, e.target, e.count) for e in drawn.edges} == {
        ("group:Regulator", "OVERSEES", "group:Trust", 1),
        ("group:CCG", "COMMISSIONS", "group:Trust", 1)}
