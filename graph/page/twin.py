"""The words beside and under the graph: the compare list, the tables of what is drawn (the
graph's accessible twin) and the numbered sources behind them.

The compare list is ``graph.core.describe``'s change record, line for line the text of
``python -m graph diff``; the tables give dates as last days ("until 31 March 2021") and number
their sources in the view's one numbering (``graph.page.citations``), the numbers the graph's
tooltips, the details panel and the exports use.
"""

from __future__ import annotations

from typing import Any

from graph.core.dates import span
from graph.core.describe import Changes
from graph.core.model import Dataset, effective_span
from graph.core.stops import Stop
from graph.drawing.scene import Scene
from graph.drawing.vis import STATE_LABELS
from graph.page import compare
from graph.page.citations import Citations, CitedLine


def compare_list(found: Changes, dataset: Dataset, citations: Citations | None = None
                 ) -> tuple[tuple[compare.Page, ...], Citations]:
    """The whole compare list, each section on one page (``graph.page.compare.sections``),
    every line with its own numbered sources, and the numbering: the view's ``citations``
    when given, else a numbering of its own."""
    citations = citations or Citations(dataset)
    return compare.sections(found, citations, whole=True), citations


def scene_citations(drawn: Scene, dataset: Dataset) -> Citations:
    """The view's one numbering: the sources behind what is drawn, numbered in the scene's
    order (as the tooltips and every export of the view number them)."""
    return Citations(dataset, drawn.sources)


def _numbers(citations: Citations, sources: tuple[str, ...]) -> str:
    return ", ".join(str(s.number) for s in citations.cite(sources))


def organisation_rows(drawn: Scene, dataset: Dataset,
                      citations: Citations) -> list[dict[str, Any]]:
    """The table of organisations drawn (or groups, when grouped): names as on the date and
    last days, never exclusive ends."""
    rows = []
    for node in sorted(drawn.nodes, key=lambda n: (n.name.lower(), n.id)):
        kind = dataset.kinds.get(node.kind)
        rows.append({"id": node.id, "name": node.name,
                     "kind": kind.label if kind else node.kind,
                     "dates": span(node.valid_from, node.valid_to),
                     "ODS code": node.ods_code or "",
                     "shown as": STATE_LABELS.get(node.state, "in force")
                     + (f" (formerly {node.former_name})" if node.former_name else ""),
                     "organisations": node.count,
                     "sources": _numbers(citations, node.sources)})
    return rows


def relationship_rows(drawn: Scene, dataset: Dataset,
                      citations: Citations) -> list[dict[str, Any]]:
    """The table of relationships drawn, with role, the dates each was really in force
    (clipped to its ends' lifetimes) and its sources."""
    names = {n.id: n.name for n in drawn.nodes}
    relationships = {r.id: r for r in dataset.relationships}
    rows = []
    for edge in drawn.edges:
        rel = relationships.get(edge.id)
        rel_type = dataset.relationship_types.get(edge.type)
        rows.append({"from": names.get(edge.source, edge.source),
                     "relationship": rel_type.label if rel_type else edge.type,
                     "to": names.get(edge.target, edge.target),
                     "role": rel.role or "" if rel else "",
                     "dates": span(*effective_span(rel, dataset)) if rel else "",
                     "shown as": STATE_LABELS.get(edge.state, "in force"),
                     "count": edge.count,
                     "sources": _numbers(citations, edge.sources), "id": edge.id})
    return rows


def stop_lines(stop: Stop, dataset: Dataset,
               citations: Citations | None = None) -> tuple[CitedLine, ...]:
    """What happens on a slider stop: its named snapshot and its events, each with its own
    numbered sources (in the view's ``citations`` when given)."""
    citations = citations or Citations(dataset)
    lines = [citations.line(f"Snapshot: {stop.snapshot.title}", stop.snapshot.sources)] \
        if stop.snapshot else []
    lines += [citations.line(f"Event: {event.title}", event.sources) for event in stop.events]
    return tuple(lines)
