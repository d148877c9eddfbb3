"""Snapshots for briefings: the view at a date as SVG, PNG, offline HTML, JSON, GEXF, GraphML
or Cytoscape JSON.

``render_snapshot`` is the one entry point, used by ``python -m graph snapshot`` and by the
page's download buttons, so a file from either is the same file. Each format has its own module
with one function, ``render(graph, request) -> bytes``; they all draw from the same ``Scene``.
``FORMATS`` (format -> MIME type, extension) lives in ``graph.export.options``.
"""

from __future__ import annotations

import re

import networkx as nx

from graph.core.dates import as_day
from graph.core.temporal import DateLike, dataset_of
from graph.export.options import FORMATS, SnapshotError
from graph.export.request import SnapshotRequest, make_request


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise SnapshotError(f"unknown snapshot format '{fmt}' (choose one of: "
                            f"{', '.join(FORMATS)})")
    return fmt


def file_name(graph: nx.MultiDiGraph, fmt: str, date: DateLike, *, focus: str | None = None,
              diff_from: DateLike | None = None) -> str:
    """A download name such as ``testshire-2021-04-01-ccg-all.svg``."""
    area = re.sub(r"[^a-z0-9]+", "-", dataset_of(graph).area.name.lower()).strip("-")
    parts = [area or "snapshot", as_day(date).isoformat()]
    if diff_from is not None:
        parts.insert(1, f"{as_day(diff_from).isoformat()}-to")
    if focus:
        parts.append(focus)
    return "-".join(parts) + FORMATS[check_format(fmt)][1]


def render_snapshot(graph: nx.MultiDiGraph, fmt: str, date: DateLike, *, focus: str | None = None,
                    depth: int = 1, kinds: set[str] | list[str] | None = None,
                    types: set[str] | list[str] | None = None,
                    diff_from: DateLike | None = None, dpi: int = 200,
                    size: str = "a4") -> bytes:
    """The snapshot of ``graph`` on ``date`` in format ``fmt`` (see ``FORMATS``), as bytes.

    ``focus`` (an id or ODS code) and ``depth`` keep one organisation and its neighbours;
    ``kinds`` and ``types`` filter; ``diff_from`` marks what was added, ended or renamed since
    that date; ``dpi`` is the PNG's resolution; ``size`` the sheet of an SVG or PNG (``a4``
    landscape, ``a4-portrait`` or ``slide``), also the frame of the JSON's ``drawing``. Raises
    ``SnapshotError`` for bad options, and for an image too large for its sheet.
    """
    request = make_request(graph, check_format(fmt), date, focus=focus, depth=depth,
                           kinds=kinds, types=types, diff_from=diff_from, dpi=dpi, size=size)
    return _render(graph, request)


def _render(graph: nx.MultiDiGraph, request: SnapshotRequest) -> bytes:
    # a format's module is imported when that format is rendered: matplotlib alone takes 0.3 s
    if request.fmt in ("svg", "png"):
        from graph.export import image as renderer
    elif request.fmt == "html":
        from graph.export import html as renderer
    elif request.fmt == "json":
        from graph.export import json_snapshot as renderer
    elif request.fmt == "gexf":
        from graph.export import gexf as renderer
    elif request.fmt == "pdf":
        from graph.export import pdf as renderer
    elif request.fmt == "cytoscape":
        from graph.export import cytoscape as renderer
    else:
        from graph.export import graphml as renderer
    return renderer.render(graph, request)
