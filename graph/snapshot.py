"""Snapshots for briefings: the view at a date as SVG, PNG, offline HTML, JSON, GEXF or GraphML.

``render_snapshot`` is the one entry point, used by ``python -m graph snapshot`` and by the
page's download buttons, so a file from either is the same file. Each format family lives in
its own module (``export_image``, ``export_html``, ``export_data``) with one function,
``render(graph, request) -> bytes``; they all draw from the same ``Scene``.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from dataclasses import dataclass

import networkx as nx

from graph.dates import DateError, as_day, words
from graph.scene import MAX_NODES, Scene, scene
from graph.temporal import DateLike, dataset_of

# format -> (MIME type, file extension, module that renders it)
FORMATS: dict[str, tuple[str, str, str]] = {
    "svg": ("image/svg+xml", ".svg", "graph.export_image"),
    "png": ("image/png", ".png", "graph.export_image"),
    "html": ("text/html; charset=utf-8", ".html", "graph.export_html"),
    "json": ("application/json", ".json", "graph.export_data"),
    "gexf": ("application/gexf+xml", ".gexf", "graph.export_data"),
    "graphml": ("application/graphml+xml", ".graphml", "graph.export_data"),
}
DPI_RANGE = (30, 1200)


class SnapshotError(ValueError):
    """A snapshot asked for with bad options: one line saying what to change."""


@dataclass(frozen=True)
class SnapshotRequest:
    """Everything that decides what a snapshot shows (already checked)."""

    fmt: str
    day: dt.date
    focus: str | None = None
    depth: int = 1
    kinds: frozenset[str] | None = None
    types: frozenset[str] | None = None
    diff_from: dt.date | None = None
    dpi: int = 200

    def scene(self, graph: nx.MultiDiGraph, day: dt.date | None = None,
              max_nodes: int = MAX_NODES) -> Scene:
        """The scene for this request, at ``day`` (default: the request's day)."""
        return scene(graph, day or self.day, focus=self.focus, depth=self.depth,
                     kinds=set(self.kinds) if self.kinds is not None else None,
                     types=set(self.types) if self.types is not None else None,
                     diff_from=self.diff_from, max_nodes=max_nodes)


@dataclass(frozen=True)
class CitedSource:
    number: int
    id: str
    title: str
    publisher: str | None
    published: str | None  # in words, at the source's own precision
    url: str | None

    def text(self) -> str:
        """'1. Title. Publisher, March 2014.'"""
        detail = ", ".join(filter(None, [self.publisher, self.published]))
        return f"{self.number}. {self.title}" + (f". {detail}." if detail else "")


@dataclass(frozen=True)
class Caption:
    """What every image and page says under the graph: area, date, data version, sources."""

    area: str
    as_at: str  # "1 April 2021"
    content_hash: str
    sources: tuple[CitedSource, ...]
    diff_from: str | None = None
    focus: str | None = None  # the focused organisation's name
    depth: int = 1
    note: str = ""

    @property
    def title(self) -> str:
        return f"{self.area}: as at {self.as_at}"

    @property
    def subtitle(self) -> str:
        parts = []
        if self.focus:
            step = "step" if self.depth == 1 else "steps"
            parts.append(f"around {self.focus} ({self.depth} {step})")
        if self.diff_from:
            parts.append(f"changes since {self.diff_from} marked")
        return "; ".join(parts)

    @property
    def provenance(self) -> str:
        return f"Data version (content hash) {self.content_hash}"


def caption(graph: nx.MultiDiGraph, view: Scene, request: SnapshotRequest) -> Caption:
    dataset = dataset_of(graph)
    cited = []
    for number, source_id in enumerate(view.sources, start=1):
        source = dataset.sources[source_id]
        cited.append(CitedSource(number, source.id, source.title, source.publisher,
                                 words(source.published) or None, source.url))
    focus = dataset.organisations[request.focus] if request.focus else None
    return Caption(view.area, words(view.day), view.content_hash, tuple(cited),
                   words(request.diff_from) or None,
                   focus.name_at(view.day) if focus else None, request.depth, view.note)


def media_type(fmt: str) -> str:
    """The MIME type of a snapshot format, e.g. ``image/svg+xml``."""
    return FORMATS[_format(fmt)][0]


def file_extension(fmt: str) -> str:
    """The file extension of a snapshot format, with its dot, e.g. ``.svg``."""
    return FORMATS[_format(fmt)][1]


def file_name(graph: nx.MultiDiGraph, fmt: str, date: DateLike, *, focus: str | None = None,
              diff_from: DateLike | None = None) -> str:
    """A download name such as ``testshire-2021-04-01-ccg-all.svg``."""
    area = re.sub(r"[^a-z0-9]+", "-", dataset_of(graph).area.name.lower()).strip("-")
    parts = [area or "snapshot", as_day(date).isoformat()]
    if diff_from is not None:
        parts.insert(1, f"{as_day(diff_from).isoformat()}-to")
    if focus:
        parts.append(focus)
    return "-".join(parts) + file_extension(fmt)


def render_snapshot(graph: nx.MultiDiGraph, fmt: str, date: DateLike, *, focus: str | None = None,
                    depth: int = 1, kinds: set[str] | list[str] | None = None,
                    types: set[str] | list[str] | None = None,
                    diff_from: DateLike | None = None, dpi: int = 200) -> bytes:
    """The snapshot of ``graph`` on ``date`` in format ``fmt`` (see ``FORMATS``), as bytes.

    ``focus`` (an id or ODS code) and ``depth`` keep one organisation and its neighbours;
    ``kinds`` and ``types`` filter; ``diff_from`` marks what was added, ended or renamed since
    that date; ``dpi`` is the PNG's resolution. Raises ``SnapshotError`` for bad options.
    """
    request = make_request(graph, fmt, date, focus=focus, depth=depth, kinds=kinds, types=types,
                           diff_from=diff_from, dpi=dpi)
    module = importlib.import_module(FORMATS[request.fmt][2])
    return module.render(graph, request)


def make_request(graph: nx.MultiDiGraph, fmt: str, date: DateLike, *, focus: str | None = None,
                 depth: int = 1, kinds: set[str] | list[str] | None = None,
                 types: set[str] | list[str] | None = None, diff_from: DateLike | None = None,
                 dpi: int = 200) -> SnapshotRequest:
    """Check the options against the dataset; one ``SnapshotError`` naming the first problem."""
    dataset = dataset_of(graph)
    day = _day(date, "date")
    since = _day(diff_from, "diff-from date") if diff_from is not None else None
    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 0:
        raise SnapshotError(f"depth must be a whole number 0 or more, not {depth!r}")
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not DPI_RANGE[0] <= dpi <= DPI_RANGE[1]:
        raise SnapshotError(f"dpi must be a whole number from {DPI_RANGE[0]} to {DPI_RANGE[1]}, "
                            f"not {dpi!r}")
    org_id = None
    if focus:
        org_id = dataset.resolve(focus)
        if org_id is None:
            raise SnapshotError(f"no organisation with id or ODS code '{focus}' "
                                f"(check the spelling)")
        org = dataset.organisations[org_id]
        if not (org.exists_on(day) or (since and org.exists_on(since))):
            span = f"from {words(org.valid_from) or 'an open start'}"
            span = f"existed {span} to {words(org.valid_to)}" if org.valid_to else f"exists {span}"
            raise SnapshotError(f"'{org_id}' does not exist on {words(day)} (it {span}; "
                                f"choose a date in that span)")
    return SnapshotRequest(_format(fmt), day, org_id, depth,
                           _names(kinds, dataset.kinds, "kind"),
                           _names(types, dataset.relationship_types, "relationship type"),
                           since, dpi)


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise SnapshotError(f"unknown snapshot format '{fmt}' (choose one of: "
                            f"{', '.join(FORMATS)})")
    return fmt


def _day(value: DateLike, what: str) -> dt.date:
    try:
        return as_day(value)
    except DateError as exc:
        raise SnapshotError(f"{what}: {exc} (write YYYY-MM-DD, YYYY-MM or YYYY)") from None


def _names(chosen: set[str] | list[str] | None, known: dict, what: str) -> frozenset[str] | None:
    if chosen is None:
        return None
    unknown = sorted(set(chosen) - set(known))
    if unknown:
        raise SnapshotError(f"unknown {what} '{unknown[0]}' (choose from: {', '.join(known)})")
    return frozenset(chosen)


__all__ = ["FORMATS", "Caption", "SnapshotError", "SnapshotRequest", "caption", "file_extension",
           "file_name", "make_request", "media_type",
           "render_snapshot"]
