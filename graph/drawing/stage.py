"""One grid for a sequence of views on one sheet (a film's frames), so no box ever moves.

A sheet snapshot packs the organisations of its one day tier after tier, so the same
organisation sits elsewhere on another day's sheet. A film shows many days on the same sheet:
every organisation drawn on any of its days gets one cell for the whole film, packed in the
all-time order as a sheet packs one view. Two organisations may share a cell when there is a
day between the last on which one is drawn and the first on which the other is (so even while
one fades out and the next fades in, no two boxes overlap); each row is as tall as the longest
label any of its occupants has on any day. ``compose(frame, nodes, edges, grid,
keep_extent=True)`` then draws each day in it: the same places and the same canvas every day.
"""

from __future__ import annotations

from collections.abc import Sequence

from graph.drawing.geometry import NodeSpec, lines_needed
from graph.drawing.layout import Frame, Grid, share_cells


def stage_grid(frame: Frame, views: Sequence[Sequence[NodeSpec]]) -> Grid:
    """The grid in ``frame`` for the boxes of ``views`` (one list of node specs per day, in
    the order the days are shown)."""
    shown: dict[str, list[int]] = {}
    first_spec: dict[str, NodeSpec] = {}
    lines: dict[str, int] = {}
    for index, nodes in enumerate(views):
        for spec in nodes:
            shown.setdefault(spec.id, []).append(index)
            first_spec.setdefault(spec.id, spec)
            lines[spec.id] = max(lines.get(spec.id, 1), lines_needed(frame, spec))
    # a cell is held from the first view on which its occupant is drawn to one view after the
    # last, so the next occupant arrives only after a view with neither
    spans = {org_id: (days[0], days[-1] + 2) for org_id, days in shown.items()}
    tiers: dict[int, list[str]] = {}
    for org_id in sorted(first_spec, key=lambda o: (first_spec[o].tier, first_spec[o].order, o)):
        tiers.setdefault(first_spec[org_id].tier, []).append(org_id)
    rows: list[tuple[int, list[list[str]]]] = []
    for tier, members in sorted(tiers.items()):
        for slot in share_cells(members, spans):
            if rows and (rows[-1][0] == tier or not frame.tier_rows) \
                    and len(rows[-1][1]) < frame.columns:
                rows[-1][1].append(slot)
            else:
                rows.append((tier, [slot]))
    cells: dict[str, tuple[int, int]] = {}
    row_top: list[float] = []
    row_height: list[float] = []
    y = frame.row_gap
    for index, (tier, row) in enumerate(rows):
        if index and rows[index - 1][0] != tier:
            y += frame.band_gap  # as ``compose`` spaces two tiers
        first = (frame.columns - len(row)) // 2  # a short row is centred
        for offset, slot in enumerate(row):
            for org_id in slot:
                cells[org_id] = (index, first + offset)
        tallest = max(lines[org_id] for slot in row for org_id in slot)
        row_top.append(y)
        row_height.append(frame.box_height(min(tallest, frame.max_lines)))
        y += row_height[-1] + frame.row_gap
    return Grid(frame, cells, tuple(row_top), tuple(row_height), tuple(t for t, _ in rows))
