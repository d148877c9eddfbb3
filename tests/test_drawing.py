"""The geometry every picture draws, measured: no route enters a box other than its two ends,
no boxes overlap, labels sit clear of the boxes, people appear only with a role, roles are
on their edges. Checked on the JSON that ``python -m graph snapshot`` writes and on the page's
geometry, at every named snapshot and at random dates (Hypothesis), for the bundled data, the
test areas and a synthetic area of a few hundred organisations.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.core.temporal import build_graph, dataset_of
from graph.drawing.picture import drawing
from graph.drawing.scene import scene
from graph.export.snapshot import render_snapshot
from loaders.dataset import load

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
AREAS = {"bundled": ROOT / "data" / "orgs.yaml", "mini": DATA / "mini.yaml",
         "schools": DATA / "other_area.yaml", "academies": DATA / "schools.yaml",
         "hostile": DATA / "hostile.yaml"}
SYNTHETIC_SIZE = 200  # views of 137-167 boxes, up to 552 lines (300: 203-243 boxes, 20 s each)
SMALL_SYNTHETIC_SIZE = 120  # for the random dates: the same kind of area, a tenth of the cost
EPS = 1e-3  # the JSON keeps 4 decimals


@cache
def area_graph(name: str):
    if name.startswith("synthetic"):
        sys.path.insert(0, str(ROOT))
        from bench.make_area import make_area

        size = SYNTHETIC_SIZE if name == "synthetic" else SMALL_SYNTHETIC_SIZE
        path = Path(__import__("tempfile").mkdtemp()) / f"{name}.yaml"
        path.write_text(make_area(size, seed=3), encoding="utf-8")
        return build_graph(load(path))
    return build_graph(load(AREAS[name]))


def enters(segment, rect) -> bool:
    """Whether a straight segment passes through the inside of a rectangle (touching its
    border does not count): Liang-Barsky clipping against the open rectangle."""
    (x1, y1), (x2, y2) = segment
    left, top, right, bottom = rect[0] + EPS, rect[1] + EPS, rect[2] - EPS, rect[3] - EPS
    dx, dy = x2 - x1, y2 - y1
    low, high = 0.0, 1.0
    for p, q in ((-dx, x1 - left), (dx, right - x1), (-dy, y1 - top), (dy, bottom - y1)):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return False
    return high - low > EPS


def rect_of(node: dict) -> tuple[float, float, float, float]:
    return (node["x"] - node["width"] / 2, node["y"] - node["height"] / 2,
            node["x"] + node["width"] / 2, node["y"] + node["height"] / 2)


def overlap(a, b) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > EPS and min(a[3], b[3]) - max(a[1], b[1]) > EPS


def label_rect(edge: dict, width_of) -> tuple[float, float, float, float]:
    x, y = edge["label_at"]
    w, h = width_of(edge["label"], edge["font_size"]), edge["font_size"] * 1.25
    return (x - w / 2, y - h / 2, x + w / 2, y + h / 2)


def entering(segments: np.ndarray, rects: np.ndarray) -> np.ndarray:
    """``enters`` for every segment (rows of x1, y1, x2, y2) against every rectangle (rows of
    left, top, right, bottom) at once: a segments × rectangles array of booleans, worked out
    with the same arithmetic in the same order (``test_entering_agrees_with_enters``)."""
    x1, y1, x2, y2 = (segments[:, i:i + 1] for i in range(4))
    left, top = rects[:, 0] + EPS, rects[:, 1] + EPS
    right, bottom = rects[:, 2] - EPS, rects[:, 3] - EPS
    dx, dy = x2 - x1, y2 - y1
    shape = (len(segments), len(rects))
    low, high = np.zeros(shape), np.ones(shape)
    outside = np.zeros(shape, dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        for p, q in ((-dx, x1 - left), (dx, right - x1), (-dy, y1 - top), (dy, bottom - y1)):
            p = np.broadcast_to(p, shape)
            t = q / p
            outside |= (p == 0) & (q < 0)
            low = np.where(p < 0, np.maximum(low, t), low)
            high = np.where(p > 0, np.minimum(high, t), high)
    # enters() stops as soon as low > high; carrying on only raises low and lowers high
    return ~outside & (high - low > EPS)


def overlapping(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``overlap`` of every rectangle in ``a`` with every one in ``b`` (an array of booleans)."""
    a, b = a[:, None, :], b[None, :, :]
    return ((np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]) > EPS)
            & (np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]) > EPS))


def problems(drawn: dict) -> list[str]:
    """Everything wrong with a drawing (as ``Drawing.json()`` gives it): the checks of
    ``enters`` and ``overlap`` on every pair, in arrays (a view of 240 boxes has 7,000
    segments)."""
    from graph.drawing.text import width

    found = []
    boxes = {n["id"]: rect_of(n) for n in drawn["nodes"]}
    ids = list(boxes)
    column = {box_id: i for i, box_id in enumerate(ids)}
    rects = np.array([boxes[i] for i in ids], dtype=float).reshape(-1, 4)
    pairs = np.triu(overlapping(rects, rects), k=1)
    found += [f"boxes {ids[i]} and {ids[j]} overlap" for i, j in zip(*np.nonzero(pairs),
                                                                       strict=True)]
    for box_id, (left, top, right, bottom) in boxes.items():
        if left < -EPS or top < -EPS or right > drawn["width"] + EPS or \
                bottom > drawn["height"] + EPS:
            found.append(f"box {box_id} is outside the drawing")
    segments, owners = [], []
    for edge in drawn["edges"]:
        points = edge["points"]
        assert len(points) >= 2, edge
        for (ax, ay), (bx, by) in zip(points, points[1:], strict=False):
            segments.append((ax, ay, bx, by))
            owners.append(edge)
    for start in range(0, len(segments), 2000):  # a few MB at a time
        chunk = entering(np.array(segments[start:start + 2000], dtype=float), rects)
        for row in np.nonzero(chunk.any(axis=1))[0]:
            edge = owners[start + row]
            ends = (edge["from"], edge["to"])
            found += [f"edge {edge['id']} runs through {ids[j]}" for j in np.nonzero(chunk[row])[0]
                      if ids[j] not in ends]
            # nor through its own ends: it stops there
            found += [f"edge {edge['id']} runs inside its end {end}" for end in ends
                      if chunk[row, column[end]]]
    labelled = [edge for edge in drawn["edges"] if edge["label"]]
    if labelled:
        covers = overlapping(np.array([label_rect(e, width) for e in labelled], dtype=float), rects)
        for row, j in zip(*np.nonzero(covers), strict=True):
            found.append(f"label of {labelled[row]['id']} covers {ids[j]}")
    return found


def check_view(graph, day: dt.date, frame: str, **options) -> None:
    view = scene(graph, day, **options)
    drawn = drawing(graph, view, frame).json()
    assert problems(drawn) == []
    assert {n["id"] for n in drawn["nodes"]} == {n.id for n in view.nodes}
    dataset = dataset_of(graph)
    ends = {end for e in drawn["edges"] for end in (e["from"], e["to"])}
    if not view.grouped and options.get("types") is None and options.get("depth", 1) > 0:
        for node in view.nodes:
            if dataset.kinds[node.kind].while_related and node.state == "current":
                assert node.id in ends, f"{node.id} drawn without a relationship on {day}"
    roles = {e.id: e.role for e in view.edges if e.role}
    labels = {e["id"]: e["label"] for e in drawn["edges"]}
    for edge_id, role in roles.items():
        assert labels.get(edge_id), f"{edge_id} has the role {role!r} but no label"
        label = labels[edge_id]
        assert label == role or (label.endswith("…") and role.startswith(label[:-1].rstrip()))


def named_days(name: str) -> list[dt.date]:
    return [s.date.start for s in dataset_of(area_graph(name)).snapshots]


FRAMES = ["screen", "a4", "a4-portrait", "slide"]


# the large synthetic area in the page's frame and the default sheet's (the other two sheets
# differ only in sizes, and are drawn for every other area)
@pytest.mark.parametrize(("area", "frame"), [
    *((area, frame) for area in AREAS for frame in FRAMES),
    ("synthetic", "screen"), ("synthetic", "a4")])
def test_every_named_snapshot_draws_clean(area, frame):
    graph = area_graph(area)
    days = named_days(area) or [dt.date(2020, 1, 1)]
    for day in days:
        check_view(graph, day, frame)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(area=st.sampled_from([*AREAS, "synthetic-small"]),
       day=st.dates(dt.date(2011, 1, 1), dt.date(2026, 12, 31)),
       frame=st.sampled_from(FRAMES),
       diff_back=st.one_of(st.none(), st.integers(30, 4000)))
def test_any_date_and_any_comparison_draws_clean(area, day, frame, diff_back):
    graph = area_graph(area)
    options = {} if diff_back is None else {"diff_from": day - dt.timedelta(days=diff_back)}
    check_view(graph, day, frame, **options)


@settings(max_examples=25, deadline=None)
@given(day=st.dates(dt.date(2013, 4, 1), dt.date(2025, 12, 31)), depth=st.integers(0, 3),
       data=st.data())
def test_any_focus_draws_clean(day, depth, data):
    graph = area_graph("bundled")
    present = sorted(scene(graph, day).nodes, key=lambda n: n.id)
    focus = data.draw(st.sampled_from([n.id for n in present if n.state == "current"]))
    check_view(graph, day, "screen", focus=focus, depth=depth)


def test_the_checker_catches_a_route_through_a_box_and_overlapping_boxes():
    box = {"id": "b", "x": 50, "y": 50, "width": 20, "height": 20}
    drawn = {"width": 100, "height": 100, "edges": [
        {"id": "e", "from": "a", "to": "c", "points": [[0, 50], [100, 50]], "label": None}],
        "nodes": [box, {"id": "a", "x": 0, "y": 40, "width": 0, "height": 0},
                  {"id": "c", "x": 100, "y": 40, "width": 0, "height": 0},
                  {"id": "d", "x": 55, "y": 55, "width": 20, "height": 20}]}
    assert set(problems(drawn)) == {"edge e runs through b", "edge e runs through d",
                                    "boxes b and d overlap"}
    assert not enters(((0, 40), (100, 40)), (40, 40, 60, 60))  # along the border: outside


coordinate = st.sampled_from([0.0, 10.0, 20.0, 30.0, 40.0]) | st.floats(-5, 45, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(segments=st.lists(st.tuples(*[coordinate] * 4), min_size=1, max_size=8),
       rects=st.lists(st.tuples(coordinate, coordinate, st.floats(0, 30), st.floats(0, 30)),
                      min_size=1, max_size=6))
def test_entering_agrees_with_enters(segments, rects):
    """The checker's arrays give ``enters`` pair by pair, on borders, corners and points too."""
    rects = [(x, y, x + w, y + h) for x, y, w, h in rects]
    found = entering(np.array(segments, dtype=float), np.array(rects, dtype=float))
    assert found.tolist() == [[enters(((a, b), (c, d)), r) for r in rects]
                              for a, b, c, d in segments]
    both = overlapping(np.array(rects, dtype=float), np.array(rects, dtype=float))
    assert both.tolist() == [[overlap(a, b) for b in rects] for a in rects]


def slider_days(start: int = 2012, end: int = 2026) -> list[dt.date]:
    """Every month of the slider, with the named stops among them, in order."""
    months = [dt.date(y, m, 1) for y in range(start, end) for m in range(1, 13)]
    return sorted(set(months) | set(named_days("bundled")))


@pytest.mark.parametrize("frame", ["screen", "a4"])
def test_a_box_on_both_sides_of_a_slider_step_keeps_its_tier_and_its_order(frame):
    """The mental map: tiers stay top to bottom, and two organisations drawn on both sides
    of a step keep their order within their tier (reading a wrapped tier column by column:
    left to right, and top to bottom within a column)."""
    graph = area_graph("bundled")
    dataset = dataset_of(graph)
    tier = {o.id: dataset.kinds[o.kind].tier for o in dataset.organisations.values()
            if not dataset.kinds[o.kind].while_related}
    before: dict[str, tuple[int, tuple[float, float]]] | None = None
    for day in slider_days():
        drawn = drawing(graph, scene(graph, day), frame)
        boxes = [n for n in drawn.nodes if n.id in tier]
        for upper in boxes:  # a higher tier is drawn wholly above a lower one
            for lower in boxes:
                if tier[upper.id] < tier[lower.id]:
                    assert upper.y + upper.height / 2 < lower.y - lower.height / 2, (day, upper.id)
        now = {n.id: (tier[n.id], (round(n.x, 3), n.y)) for n in boxes}
        if before is not None:
            common = sorted(set(now) & set(before))
            for a in common:
                for b in common:
                    if now[a][0] == now[b][0] and before[a][1] < before[b][1]:
                        assert now[a][1] < now[b][1], (day, a, b)
        before = now


def test_people_sit_beside_the_body_where_they_hold_their_role():
    graph = area_graph("bundled")
    for day in named_days("bundled"):
        view = scene(graph, day)
        drawn = {n.id: n for n in drawing(graph, view, "a4").nodes}
        people = {n.id for n in view.nodes if n.kind == "Person"}
        for person in people:
            posts = [e.target for e in view.edges if e.source == person and e.role]
            assert posts, (day, person)
            assert any(abs(drawn[p].y - drawn[person].y) < EPS for p in posts), (day, person)


def test_people_without_a_role_are_not_drawn_or_counted():
    graph = area_graph("bundled")
    dataset = dataset_of(graph)
    people = {o.id for o in dataset.organisations.values() if o.kind == "Person"}
    early = scene(graph, "1992-06-01")
    assert not people & {n.id for n in early.nodes}
    on_the_day = scene(graph, "2021-04-01")
    drawn = people & {n.id for n in on_the_day.nodes}
    assert len(drawn) == 7 and len(people) == 37  # 7 people hold a role that day
    with_role = {e.source for e in on_the_day.edges if e.type in ("HOLDS_ROLE", "LEADS")}
    assert drawn <= with_role


def test_three_mergers_arrive_as_three_arrows_into_one_box():
    graph = area_graph("bundled")
    for frame in ("screen", "a4"):
        drawn = drawing(graph, scene(graph, "2021-04-01"), frame)
        merged = [e for e in drawn.edges if e.target == "blmk-ccg" and e.lineage]
        assert len(merged) == 3
        target = next(n for n in drawn.nodes if n.id == "blmk-ccg")
        tips = {e.points[-1] for e in merged}
        assert len(tips) == 3  # three separate arrowheads
        left, top = target.x - target.width / 2, target.y - target.height / 2
        right, bottom = target.x + target.width / 2, target.y + target.height / 2
        for x, y in tips:  # each on the successor's border
            assert left - EPS <= x <= right + EPS and top - EPS <= y <= bottom + EPS
            assert min(abs(x - left), abs(x - right), abs(y - top), abs(y - bottom)) < EPS
        others = [e for e in drawn.edges if not e.lineage]
        assert drawn.edges[-3:] == tuple(merged) or all(e.lineage for e in drawn.edges[-3:])
        assert min(e.line_width for e in merged) > max(e.line_width for e in others)


def test_the_json_snapshot_exposes_the_drawing_of_its_sheet():
    result = subprocess.run([sys.executable, "-m", "graph", "snapshot", "--date", "2021-04-01",
                             "--format", "json", "-o", "-"], cwd=ROOT, capture_output=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    drawn = json.loads(result.stdout)["drawing"]
    assert {"width", "height", "unit", "nodes", "edges"} <= set(drawn)
    assert drawn["unit"] == "pt" and drawn["frame"] == "a4"
    assert set(drawn["nodes"][0]) >= {"id", "x", "y", "width", "height", "font_size", "label"}
    assert set(drawn["edges"][0]) >= {"id", "from", "to", "points", "label"}
    assert problems(drawn) == []
    data = json.loads(render_snapshot(area_graph("bundled"), "json", "2021-04-01"))
    assert {e["id"] for e in data["edges"]} == {e["id"] for e in drawn["edges"]}
    roles = {e["id"]: e["role"] for e in data["edges"] if e.get("role")}
    assert len(roles) >= 5 and all(drawn_edge["label"] for drawn_edge in drawn["edges"]
                                   if drawn_edge["id"] in roles)


def test_the_consoles_merger_reads_as_three_arrows_into_one_box():
    from graph.drawing.vis import BOX_MARGIN
    from graph.page import console

    graph = area_graph("bundled")
    ccgs = ["bedfordshire-ccg", "luton-ccg", "mk-ccg"]
    elements = {
        "nodes": [{"id": i, "label": "CCG", "name": dataset_of(graph).organisations[i].name}
                  for i in [*ccgs, "blmk-ccg"]],
        "relationships": [{"id": f"{c}|MERGED_INTO|blmk-ccg|1", "type": "MERGED_INTO",
                           "from": c, "to": "blmk-ccg", "properties": {}} for c in ccgs]}
    data = console.query_graph_data(elements, graph)
    drawn = {"width": data["size"][0], "height": data["size"][1],
             "nodes": [{"id": n["id"], "x": n["x"], "y": n["y"],
                        "width": n["widthConstraint"]["minimum"] + 2 * BOX_MARGIN,
                        "height": n["heightConstraint"]["minimum"] + 2 * BOX_MARGIN}
                       for n in data["nodes"]],
             "edges": [{**e, "font_size": data["labelFont"]} for e in data["edges"]]}
    assert problems(drawn) == []
    tips = {tuple(e["points"][-1]) for e in data["edges"]}
    assert len(tips) == 3 and all(e["lineage"] for e in data["edges"])
    assert [t["label"] for t in data["legend"]["types"]] == ["merged into"]


def test_the_pages_tables_count_only_the_people_in_post():
    from graph.core.stops import slider_stops
    from graph.page import state as page_state
    from graph.page import twin
    from graph.page import view as page_view

    graph = area_graph("bundled")
    dataset = dataset_of(graph)
    stops = slider_stops(dataset)
    shown = page_view.view(graph, page_state.ViewState(date=dt.date(2021, 4, 1)), stops)
    citations = twin.scene_citations(shown.scene, dataset)
    people = [r for r in twin.organisation_rows(shown.scene, dataset, citations)
              if r["kind"] == "Person"]
    assert len(people) == 7
    drawn_people = [n for n in shown.graph_data["nodes"] if n["group"] == "Person"]
    assert len(drawn_people) == 7
    roles = {r["role"] for r in twin.relationship_rows(shown.scene, dataset, citations)}
    assert {"Chair", "Chief Executive", "Accountable Officer"} <= roles  # whole, in the table


@pytest.mark.parametrize("frame", ["screen", "a4"])
@pytest.mark.parametrize("area", ["bundled", "synthetic"])
def test_a_view_grouped_by_kind_draws_clean_with_counted_edges(area, frame):
    graph = area_graph(area)
    view = scene(graph, dt.date(2022, 1, 1), max_nodes=5)
    assert view.grouped
    drawn = drawing(graph, view, frame).json()
    assert problems(drawn) == []
    # (relationships inside one group, such as CCGs merging, are loops: not drawn)
    counted = {e.id: e.count for e in view.edges if e.count > 1 and e.source != e.target}
    labels = {e["id"]: e["label"] for e in drawn["edges"]}
    assert counted and all(labels[i] == f"× {n:,}" for i, n in counted.items())


@cache
def picture_figures(area: str, frame: str) -> dict:
    """Crossings, false joins and lines drawn downward over the area's named stops, with
    Graphviz ``dot``'s crossings on the same boxes and edges (laid out freely)."""
    sys.path.insert(0, str(ROOT))
    from bench.layout_peer import dot_lines
    from graph.drawing.quality import crossings, downward, false_joins, lines_of

    graph = area_graph(area)
    totals = {"crossings": 0, "dot": 0, "false_joins": 0, "down": 0, "counted": 0}
    for day in named_days(area) or [dt.date(2020, 1, 1)]:
        view = scene(graph, day)
        drawn = drawing(graph, view, frame).json()
        lines = lines_of(drawn)
        types = {e.id: e.type for e in view.edges}
        down, counted = downward(
            [line for line in lines if types[line.id] in ("OVERSEES", "COMMISSIONS", "FUNDS")])
        totals["crossings"] += crossings(lines)
        totals["dot"] += crossings(dot_lines(drawn))
        totals["false_joins"] += len(false_joins(lines))
        totals["down"] += down
        totals["counted"] += counted
    return totals


@pytest.mark.parametrize("frame", ["screen", "a4"])
@pytest.mark.parametrize("area", ["bundled", "schools"])
def test_no_two_unrelated_lines_share_a_track(area, frame):
    assert picture_figures(area, frame)["false_joins"] == 0


@pytest.mark.parametrize("frame", ["screen", "a4"])
def test_nine_in_ten_oversight_commissioning_and_funding_lines_point_down(frame):
    figures = picture_figures("bundled", frame)
    assert figures["counted"] > 400  # 15 stops' worth of such lines
    assert figures["down"] >= 0.9 * figures["counted"]


@pytest.mark.parametrize("frame", ["screen", "a4"])
def test_crossings_are_within_1_25_times_graphviz_dot_at_a4_and_1_35_on_the_page(frame):
    """dot lays each day out freely, 1,200-1,900 pt wide with no tiers kept; ours keeps the
    tiers and each box's order between days and fits the page's column or one A4 sheet. The
    issue's goal, 1.25 times dot, is met on the A4 sheet (1.24); the page's frame is at 1.30
    (docs/picture.md). Before: the grid 8.5 times; one view's order kept for all later ones
    2.08 times; the sifted order with Graphviz's routes alone 1.56 times."""
    figures = picture_figures("bundled", frame)
    assert figures["dot"] > 1000
    assert figures["crossings"] <= (1.25 if frame == "a4" else 1.35) * figures["dot"]


def test_sifting_beyond_its_budget_keeps_the_starting_order_or_thins_the_views(monkeypatch):
    """An area whose views would take minutes to sift keeps the order it started from (the
    whole history's, from dot) or sifts over every k-th view."""
    from graph.drawing import sifting
    from graph.drawing.sifting import View, sifted

    views = [View({0: ["a", "b", "c"], 1: ["x", "y"]}, [("a", "y"), ("c", "x")])] * 4
    start = {"a": 0, "b": 1, "c": 2, "x": 0, "y": 1}
    assert sifted(views, start) != {"a": 0, "b": 1, "c": 2, "x": 0, "y": 1}  # it uncrosses
    monkeypatch.setattr(sifting, "BUDGET", 0)
    assert sifted(views, start) == start
    monkeypatch.setattr(sifting, "BUDGET", 2 * 4 * 2 ** 2)  # two of the four views
    assert len(sifting._within_budget(views, 4)) == 2


@st.composite
def views_over_time(draw):
    """A few views of up to four tiers: boxes that come and go, random lines between them."""
    boxes = [(f"t{t}b{k}", t) for t in range(draw(st.integers(2, 4)))
             for k in range(draw(st.integers(1, 6)))]
    views = []
    for _ in range(draw(st.integers(1, 5))):
        shown = [b for b in boxes if draw(st.booleans())] or boxes[:1]
        tiers: dict[int, list[str]] = {}
        for box, tier in shown:
            tiers.setdefault(tier, []).append(box)
        names = [b for b, _ in shown]
        links = draw(st.lists(st.tuples(st.sampled_from(names), st.sampled_from(names)),
                              max_size=12))
        views.append((tiers, links))
    return views


@settings(max_examples=120, deadline=None)
@given(views_over_time(), st.randoms(use_true_random=False))
def test_sifting_gives_each_tier_one_order_and_never_adds_a_crossing(case, random):
    """Counted with ``graph.drawing.quality.crossings`` (not the code under test) on the
    sifting's own model (a row per tier, boxes spread evenly, straight lines), summed over the
    views: the sifted order crosses no more lines than the order it started from."""
    from graph.drawing.quality import Line, crossings
    from graph.drawing.sifting import View, sifted

    views = [View(tiers, links) for tiers, links in case]
    boxes = sorted({b for v in views for members in v.tiers.values() for b in members})
    start = {b: random.random() for b in boxes}

    def total(place) -> int:
        count = 0
        for view in views:
            at = {}
            for row, tier in enumerate(sorted(view.tiers)):
                ranked = sorted(view.tiers[tier], key=lambda b: place[b])
                at.update({b: ((k + 0.5) / len(ranked), row) for k, b in enumerate(ranked)})
            count += crossings([Line(str(i), a, b, (at[a], at[b]))
                                for i, (a, b) in enumerate(view.links) if a != b])
        return count

    places = sifted(views, start)
    assert sorted(places) == boxes
    for tier in {int(b[1:b.index("b")]) for b in boxes}:  # 0, 1, … within each tier
        assert sorted(places[b] for b in boxes if b.startswith(f"t{tier}b")) == list(
            range(sum(b.startswith(f"t{tier}b") for b in boxes)))
    assert total(places) <= total(start)


@st.composite
def rows_and_links(draw):
    """Rows of units (a box, or a body with the people beside it) spread over a few columns,
    and links between random boxes."""
    columns = draw(st.integers(3, 8))
    rows, names = [], []
    for r in range(draw(st.integers(2, 5))):
        widths = draw(st.lists(st.integers(1, 2), min_size=1, max_size=columns))
        while sum(widths) > columns:
            widths.pop()
        units = [[f"r{r}u{k}b{i}" for i in range(w)] for k, w in enumerate(widths)]
        names += [n for u in units for n in u]
        rows.append((r, units))
    pairs = st.tuples(st.sampled_from(names), st.sampled_from(names))
    return columns, rows, draw(st.lists(pairs, max_size=25))


@settings(max_examples=150, deadline=None)
@given(rows_and_links())
def test_untangling_keeps_each_rows_order_and_never_adds_a_crossing(case):
    """Measured with ``graph.drawing.quality.crossings`` (not the code under test), on the
    straight lines between box centres (column, row)."""
    from itertools import accumulate
    from types import SimpleNamespace

    from graph.drawing.layers import _fill, _untangle
    from graph.drawing.quality import Line, crossings

    columns, rows, pairs = case
    links = [SimpleNamespace(source=a, target=b) for a, b in pairs]
    place: dict[str, int] = {}
    for _, units in rows:  # packed to the left, as a wrapped tier starts
        _fill(place, units, list(accumulate((len(u) for u in units[:-1]), initial=0)))
    row_of = {n: r for r, (_, units) in enumerate(rows) for u in units for n in u}

    def straight() -> int:
        return crossings([Line(str(i), a, b, ((place[a], row_of[a]), (place[b], row_of[b])))
                          for i, (a, b) in enumerate(pairs) if a != b])

    before = straight()
    _untangle(rows, place, links, lambda r, unit: (0, columns - len(unit)))
    assert straight() <= before
    for _, units in rows:
        cells = [place[n] for u in units for n in u]
        assert cells == sorted(set(cells)) and 0 <= cells[0] and cells[-1] < columns
        for unit in units:  # a body and its people stay side by side
            assert [place[n] for n in unit] == list(range(place[unit[0]], place[unit[0]] + len(unit)))


def test_untangling_moves_a_box_off_a_crossing():
    """A long line from the top right to the bottom left, and a short one from a box in the
    middle row, left of it, to the bottom right: moving that box right of the long line (a
    free column) uncrosses them."""
    from types import SimpleNamespace

    from graph.drawing.layers import _untangle
    from graph.drawing.quality import Line, crossings

    rows = [(0, [["a"]]), (1, [["m"]]), (2, [["c"], ["f"]])]
    place = {"a": 3, "m": 1, "c": 0, "f": 3}
    pairs = [("a", "c"), ("m", "f")]
    row_of = {"a": 0, "m": 1, "c": 2, "f": 2}

    def straight() -> int:
        return crossings([Line(a + b, a, b, ((place[a], row_of[a]), (place[b], row_of[b])))
                          for a, b in pairs])

    assert straight() == 1
    _untangle(rows, place, [SimpleNamespace(source=a, target=b) for a, b in pairs],
              lambda r, unit: (0, 4 - len(unit)))
    assert straight() == 0 and place["c"] < place["f"]
