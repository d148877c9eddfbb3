"""Where a line's label goes: along its line where it covers no box and as little of the
labels already placed as can be (every candidate measured at once, with numpy)."""

from __future__ import annotations

from collections.abc import Sequence

Rect = tuple[float, float, float, float]  # left, top, right, bottom
Point = tuple[float, float]

_FRACTIONS = tuple(sorted((k / 20 for k in range(1, 20)), key=lambda f: (abs(f - 0.5), f)))
_ACROSS = (0.0, -0.6, 0.6, -1.2, 1.2, -2.0, 2.0, -3.0, 3.0)  # label widths along x off the line
# label heights off the line: on it first, then above or below, up to clear of a tall box
_SHIFTS = (0.0, *(sign * k / 2 for k in range(1, 25) for sign in (-1, 1)))


def rect(centre: Point, size: tuple[float, float]) -> Rect:
    return (centre[0] - size[0] / 2, centre[1] - size[1] / 2,
            centre[0] + size[0] / 2, centre[1] + size[1] / 2)


def place(route: Sequence[Point], size: tuple[float, float], boxes: Sequence[Rect],
          taken: list[Rect]) -> tuple[Point, bool]:
    """Where along ``route`` a label of ``size`` covers no box and as little of the labels
    already placed as can be: on the line, or near it; and whether it covers no box. Every
    candidate is measured at once (numpy): a dense view has thousands of them."""
    import numpy as np  # when a label is placed, not when this module is imported

    boxes = np.asarray(boxes, dtype=float).reshape(-1, 4)  # once, not per candidate set

    lengths = [0.0]
    for a, b in zip(route, route[1:], strict=False):
        lengths.append(lengths[-1] + ((b[0] - a[0]) ** 2 + (b[1] - a[1]) ** 2) ** 0.5)
    # the middles of the gaps between rows of boxes tall enough for the label: a narrow gap
    # has room only at its middle, which a step of half a label's height can miss
    tops, bottoms = np.unique(boxes[:, 1]), np.unique(boxes[:, 3])
    nxt = np.searchsorted(tops, bottoms)  # the first top at or below each bottom
    gap_top = tops[np.minimum(nxt, len(tops) - 1)] if len(tops) else bottoms
    bands = ((bottoms + gap_top) / 2)[(nxt < len(tops)) & (gap_top - bottoms >= size[1])]
    # every candidate at once, in the order of the loops they replace: across the line,
    # then along it (middle first), then off it (the shifts, then the gaps' middles)
    along = np.array([_along(route, lengths, lengths[-1] * f) for f in _FRACTIONS])
    offsets = np.concatenate([np.broadcast_to(np.array(_SHIFTS) * size[1],
                                              (len(along), len(_SHIFTS))),
                              bands[None, :] - along[:, 1:2]], axis=1)
    across = np.array(_ACROSS)[:, None, None]
    shape = (len(_ACROSS), *offsets.shape)
    cx = np.broadcast_to(along[None, :, 0:1] + across * size[0], shape).ravel()
    cy = np.broadcast_to(along[None, :, 1:2] + offsets[None], shape).ravel()
    # a label far from its line misleads more than one touching another label
    penalty = ((np.abs(offsets)[None] / size[1] + np.abs(across) * 2)
               * size[1] * size[0] * 0.5).ravel()
    left, right = cx - size[0] / 2, cx + size[0] / 2
    top, bottom = cy - size[1] / 2, cy + size[1] / 2

    def covered(rects: Sequence[Rect]):
        r = np.array(rects, dtype=float).reshape(-1, 4)
        # only the rectangles that some candidate can touch: most of a big view is far away
        r = r[(r[:, 0] < right.max()) & (r[:, 2] > left.min())
              & (r[:, 1] < bottom.max()) & (r[:, 3] > top.min())]
        if not len(r):
            return np.zeros(len(cx))
        w = np.minimum(right[:, None], r[None, :, 2]) - np.maximum(left[:, None], r[None, :, 0])
        h = np.minimum(bottom[:, None], r[None, :, 3]) - np.maximum(top[:, None], r[None, :, 1])
        return (np.clip(w, 0, None) * np.clip(h, 0, None)).sum(axis=1)

    on_boxes = covered(boxes)
    second = covered(taken) + penalty
    best = int(np.lexsort((np.arange(len(cx)), second, on_boxes))[0])  # never over a box first
    return (float(cx[best]), float(cy[best])), bool(on_boxes[best] == 0)


def _along(route: Sequence[Point], lengths: list[float], distance: float) -> Point:
    for i in range(1, len(route)):
        if lengths[i] >= distance:
            piece = lengths[i] - lengths[i - 1] or 1.0
            t = (distance - lengths[i - 1]) / piece
            (x1, y1), (x2, y2) = route[i - 1], route[i]
            return x1 + (x2 - x1) * t, y1 + (y2 - y1) * t
    return route[-1]
