"""Rip-up and reroute (graph.drawing.reroute): on any boxes in rows and any lines between them,
drawn first as straight lines, rerouting never adds a crossing (counted by
graph.drawing.quality, not by the code under test), every redrawn line enters no box and ends
on its own two boxes, and two redrawn runs down one gap keep apart."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from graph.drawing import reroute
from graph.drawing.engine import _as_array, _through
from graph.drawing.quality import Line, crossings, false_joins

WIDTH, BOX, GAP, TALL, CHANNEL = 600.0, 60.0, 20.0, 30.0, 24.0


@st.composite
def rows_and_lines(draw):
    """Boxes in 2-5 rows (each box in one of 7 columns), and 6 to 40 lines between boxes of
    different rows, each drawn straight from centre to centre and cut at its boxes' borders."""
    boxes: dict[str, tuple[float, float, float, float]] = {}
    for r in range(draw(st.integers(2, 5))):
        top = r * (TALL + CHANNEL) + CHANNEL
        for c in sorted(draw(st.sets(st.integers(0, 6), min_size=1, max_size=7))):
            left = GAP + c * (BOX + GAP) + draw(st.sampled_from((0.0, 5.0)))
            boxes[f"r{r}c{c}"] = (left, top, left + BOX, top + TALL)
    names = sorted(boxes)
    pairs = draw(st.lists(st.tuples(st.sampled_from(names), st.sampled_from(names)),
                          min_size=6, max_size=40))
    lines = {}
    for k, (a, b) in enumerate(pairs):
        if boxes[a][1] != boxes[b][1]:
            lines[f"l{k}"] = (a, b)
    return boxes, lines


def _cut(a, b):
    """The straight line between two boxes' centres, from the border of one to the other's."""
    (l1, t1, r1, b1), (l2, t2, r2, b2) = a, b
    p, q = ((l1 + r1) / 2, (t1 + b1) / 2), ((l2 + r2) / 2, (t2 + b2) / 2)
    down = q[1] > p[1]
    start_y, end_y = (b1, t2) if down else (t1, b2)

    def at(y):
        return p[0] + (q[0] - p[0]) * (y - p[1]) / (q[1] - p[1])

    return (at(start_y), start_y), (at(end_y), end_y)


@given(rows_and_lines())
def test_rerouting_never_adds_a_crossing_and_every_new_route_stays_clear_of_the_boxes(case):
    boxes, ends = case
    routes = {i: _cut(boxes[a], boxes[b]) for i, (a, b) in ends.items()}
    after = reroute.reroute(routes, boxes, ends, WIDTH)

    def drawn(r):
        return [Line(i, *ends[i], tuple(r[i])) for i in ends]

    assert crossings(drawn(after)) <= crossings(drawn(routes))
    rects = _as_array(boxes)
    for line_id, points in after.items():
        if points == routes[line_id]:
            continue
        source, target = ends[line_id]
        assert not _through(points, rects), (line_id, points)
        for point, box in ((points[0], boxes[source]), (points[-1], boxes[target])):
            left, top, right, bottom = box
            assert left <= point[0] <= right and point[1] in (top, bottom), (line_id, points)
    moved = {i for i in after if after[i] != routes[i]}
    assert not [j for j in false_joins(drawn(after)) if set(j) <= moved]



def test_a_view_over_the_limit_keeps_its_routes(monkeypatch):
    """Rerouting grows with the square of the lines: beyond ``LIMIT`` the routes are kept."""
    boxes = {"a": (20.0, 24.0, 80.0, 54.0), "b": (420.0, 132.0, 480.0, 162.0),
             "c": (420.0, 24.0, 480.0, 54.0), "d": (20.0, 132.0, 80.0, 162.0)}
    ends = {"ad": ("a", "d"), "cb": ("c", "b")}
    # a line from a to d sent the long way, across the one from c to b, and back
    routes = {"ad": ((50.0, 54.0), (470.0, 80.0), (470.0, 100.0), (50.0, 132.0)),
              "cb": ((450.0, 54.0), (450.0, 132.0))}
    redrawn = reroute.reroute(routes, boxes, ends, WIDTH)
    assert redrawn["cb"] == routes["cb"] and redrawn["ad"] != routes["ad"]
    assert crossings([Line(i, *ends[i], redrawn[i]) for i in ends]) == 0
    monkeypatch.setattr(reroute, "LIMIT", 1)
    assert reroute.reroute(routes, boxes, ends, WIDTH) == routes
