"""What a snapshot shows, checked: the request (date, focus, filters, diff) and its caption.

Every export format reads a ``SnapshotRequest`` and draws from the same ``Scene``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import networkx as nx

from graph.core.dates import DateError, as_day, span, words
from graph.core.model import SOURCE_KIND_WORDS
from graph.core.temporal import DateLike, dataset_of, exists
from graph.drawing.geometry import Drawing
from graph.drawing.picture import drawing
from graph.drawing.scene import MAX_NODES, Scene, scene
from graph.export.options import DPI_RANGE, SIZES, SnapshotError


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
    size: str = "a4"  # the sheet of an SVG or PNG, and the frame of the JSON's drawing

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
    kind: str | None = None  # official | press | reference | mirror (format 1.2), or None

    @property
    def standing(self) -> str:
        """The kind in words ("mirror copy, not the original"), "" when not said."""
        return SOURCE_KIND_WORDS.get(self.kind or "", "")

    def text(self) -> str:
        """'1. Title. Publisher, March 2014 [P].' with the kind as one letter (``KIND_KEY``):
        a sheet has room for a letter per source, not for the words."""
        detail = ", ".join(filter(None, [self.publisher, self.published]))
        mark = f" [{KIND_MARKS[self.kind]}]" if self.kind in KIND_MARKS else ""
        return f"{self.number}. {self.title}" + (f". {detail}{mark}." if detail else
                                                 f"{mark}.")


KIND_MARKS = {"official": "O", "press": "P", "reference": "R", "mirror": "M"}
KIND_KEY = "O official, P press, R reference work, M mirror copy"


def sources_heading(sources: tuple[CitedSource, ...]) -> str:
    """'Sources:' or, when any says its kind, 'Sources (O official, P press, ...):'."""
    return f"Sources ({KIND_KEY}):" if any(s.kind in KIND_MARKS for s in sources) \
        else "Sources:"


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
                                 words(source.published) or None, source.url, source.kind))
    focus = dataset.organisations[request.focus] if request.focus else None
    return Caption(view.area, words(view.day), view.content_hash, tuple(cited),
                   words(request.diff_from) or None,
                   focus.name_at(view.day) if focus else None, request.depth, view.note)


def sheet_drawing(graph: nx.MultiDiGraph, view: Scene, request: SnapshotRequest,
                  text: Caption) -> Drawing:
    """The drawing an SVG or PNG puts on its sheet (and the JSON exposes): each box ends with
    the numbers of its sources in the caption's list."""
    return drawing(graph, view, request.size, notes=box_notes(view, text))


def box_notes(view: Scene, text: Caption) -> dict[str, str]:
    """Organisation id -> the numbers of its sources in the caption's list ("[1,3–5]"), to
    end its box's label."""
    numbers = {s.id: s.number for s in text.sources}
    return {n.id: f"[{numbers_text(numbers[s] for s in n.sources)}]"
            for n in view.nodes if n.sources}


def type_sources(view: Scene, text: Caption) -> dict[str, str]:
    """Relationship type -> the numbers of the sources behind its edges drawn ("3, 7–9"): the
    legend line of each type refers to them."""
    numbers = {s.id: s.number for s in text.sources}
    by_type: dict[str, set[int]] = {}
    for edge in view.edges:
        by_type.setdefault(edge.type, set()).update(numbers[s] for s in edge.sources)
    return {t: numbers_text(found) for t, found in by_type.items() if found}


def numbers_text(numbers) -> str:
    """Sorted numbers with runs joined: 1,3–5,9."""
    ordered = sorted(set(numbers))
    runs: list[list[int]] = []
    for n in ordered:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ",".join(f"{r[0]}–{r[-1]}" if len(r) > 2 else ",".join(map(str, r)) for r in runs)


def make_request(graph: nx.MultiDiGraph, fmt: str, date: DateLike, *, focus: str | None = None,
                 depth: int = 1, kinds: set[str] | list[str] | None = None,
                 types: set[str] | list[str] | None = None, diff_from: DateLike | None = None,
                 dpi: int = 200, size: str = "a4") -> SnapshotRequest:
    """Check the options against the dataset; one ``SnapshotError`` naming the first problem
    (``fmt`` is checked by ``graph.export.snapshot``, which knows the formats)."""
    dataset = dataset_of(graph)
    day = _day(date, "date")
    since = _day(diff_from, "diff-from date") if diff_from is not None else None
    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 0:
        raise SnapshotError(f"depth must be a whole number 0 or more, not {depth!r}")
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not DPI_RANGE[0] <= dpi <= DPI_RANGE[1]:
        raise SnapshotError(f"dpi must be a whole number from {DPI_RANGE[0]} to {DPI_RANGE[1]}, "
                            f"not {dpi!r}")
    if size not in SIZES:
        raise SnapshotError(f"unknown size '{size}' (choose one of: {', '.join(SIZES)})")
    org_id = None
    if focus:
        org_id = dataset.resolve(focus)
        if org_id is None:
            raise SnapshotError(f"no organisation with id or ODS code '{focus}' "
                                f"(check the spelling)")
        org = dataset.organisations[org_id]
        if not (exists(graph, org_id, day) or (since and exists(graph, org_id, since))):
            lifetime = span(org.valid_from, org.valid_to, "has no dates recorded")
            said = (f"existed {lifetime}" if org.valid_to else f"exists {lifetime}")
            if dataset.kinds[org.kind].while_related:
                said = "is shown only while one of its relationships is in force"
            raise SnapshotError(f"'{org_id}' does not exist on {words(day)} (it {said}; "
                                f"choose a date in that span)")
    return SnapshotRequest(fmt, day, org_id, depth,
                           _names(kinds, dataset.kinds, "kind"),
                           _names(types, dataset.relationship_types, "relationship type"),
                           since, dpi, size)


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
