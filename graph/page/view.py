"""The view the page draws for a state: the scene, its vis-network data, legend and tables, and
the view's one numbering of sources (``graph.page.citations``) that every part of the page
shares."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import networkx as nx

from graph.core.colours import safe_colour
from graph.core.model import Dataset, Organisation
from graph.core.stops import Stop
from graph.core.temporal import dataset_of
from graph.drawing.order import epochs_of
from graph.drawing.picture import drawing
from graph.drawing.scene import Scene, scene
from graph.drawing.vis import OPTIONS, STATE_LABELS, highlight, vis_data
from graph.export import html as html_export
from graph.export import image
from graph.export.request import SnapshotError, make_request
from graph.page import twin
from graph.page.citations import Citations
from graph.page.evidence import supported
from graph.page.state import ViewState, default_day, default_diff_from
from loaders import warm

# The column beside the graph (changes, details, events) sticks below the page's header.
PAGE_CSS = ('[data-testid="stColumn"]:has(.st-key-side-panel)'
            " { position: sticky; top: 3.75rem; align-self: flex-start; }"
            # Streamlit's wide layout keeps 5rem each side: on a laptop that is the graph's
            # room, and its labels shrink with it
            ' [data-testid="stMainBlockContainer"]'
            " { padding-left: 2rem; padding-right: 2rem; }"
            # a keyboard user sees where they are: a strong ring on a slider's thumb (Streamlit
            # gives a faint one), and the skip link (``graph/page/timebar``) when it has focus
            ' [data-testid="stSlider"] [data-rac]:has(> div > input:focus-visible)'
            " { outline: 3px solid #1a5fb4; outline-offset: 3px; }"
            " .org-skip { position: fixed; left: -10000px; top: 0.5rem; z-index: 1000001; }"
            " .org-skip:focus { left: 0.5rem; padding: 0.5rem 1rem; background: #fff;"
            " color: #1a5fb4; outline: 3px solid #1a5fb4; }")
WHEN_HEIGHT = 104  # px for the date and the named snapshot's line above the graph


def load_graph(path: str | Path) -> nx.MultiDiGraph:
    """The all-time graph of a data file with the order of its boxes computed, from the warm cache
    when the file is unchanged (raises ``loaders.problems.InvalidInput`` listing every problem of
    a bad file)."""
    return warm.read_graph(path, prepare=prepare)


def prepare(graph: nx.MultiDiGraph) -> None:
    """What the page computes once per data file and keeps in the warm cache: the order of
    the boxes in each stretch of time (``graph.drawing.order``), so no slider step waits for
    it."""
    epochs_of(graph)


def file_identity(path: str | Path) -> tuple[str, int, int]:
    """(resolved path, mtime in ns, size): the cache key that changes when the file does."""
    resolved = Path(path).resolve()
    info = resolved.stat()
    return str(resolved), info.st_mtime_ns, info.st_size


@dataclass(frozen=True)
class PageView:
    """What the page shows for one state: the scene, its vis-network data and the view's one
    numbering of sources, which the tooltips, details panel, tables and Sources tab share (a
    line beside the graph citing a source not drawn numbers it here, next after the view's)."""

    state: ViewState
    day: dt.date
    scene: Scene
    graph_data: dict[str, Any] = field(repr=False)
    citations: Citations = field(repr=False, compare=False)


def view(graph: nx.MultiDiGraph, state: ViewState, stops: tuple[Stop, ...]) -> PageView:
    """The scene to draw for ``state`` (its date, filters, focus and diff) and its graph data."""
    day = state.date or default_day(stops)
    diff_from = state.diff_from if state.mode == "diff" else None
    if state.mode == "diff" and diff_from is None:
        diff_from = default_diff_from(stops, day)
    drawn = scene(graph, day, focus=state.focus, depth=state.depth,
                  kinds=set(state.kinds) if state.kinds is not None else None,
                  types=set(state.types) if state.types is not None else None,
                  diff_from=diff_from)
    citations = twin.scene_citations(drawn, dataset_of(graph))
    # the page's geometry: every box in its all-time cell, the same canvas at every date
    data = vis_data(drawn, drawing(graph, drawn, "screen"), citations.numbers)
    data.update(options=OPTIONS, legend=legend(drawn), selected=state.selected,
                # a new "frame" (different focus or filters) is fitted to the screen again
                frame="|".join([str(state.focus), str(state.depth), str(sorted(state.kinds or [])),
                                str(sorted(state.types or [])), drawn.content_hash]))
    if state.source:  # what the chosen source supports stands out, the rest fades
        data = highlight(data, *supported(drawn, state.source))
    return PageView(replace(state, date=day, diff_from=diff_from), day, drawn, data, citations)


def sheet_problem(graph: nx.MultiDiGraph, shown: PageView, state: ViewState) -> str | None:
    """Why this view cannot be downloaded as an SVG or PNG on one A4 sheet, or None."""
    return _problem(graph, shown, state, "svg", image.problem)


def html_problem(graph: nx.MultiDiGraph, shown: PageView, state: ViewState) -> str | None:
    """Why this view cannot be downloaded as one offline HTML page (too much to draw: the
    whole of a large area), or None; worked out without drawing anything."""
    return _problem(graph, shown, state, "html", html_export.problem)


def _problem(graph: nx.MultiDiGraph, shown: PageView, state: ViewState, fmt: str,
             check: Callable[[nx.MultiDiGraph, Any], str | None]) -> str | None:
    """``check``'s answer for the request of this view in ``fmt``, or why there is none."""
    try:
        request = make_request(graph, fmt, shown.day, focus=state.focus, depth=state.depth,
                               kinds=state.kinds, types=state.types,
                               diff_from=shown.scene.diff_from)
    except SnapshotError as error:
        return str(error)
    return check(graph, request)


def legend(drawn: Scene) -> dict[str, list[dict[str, Any]]]:
    """Legend entries for the graph: kinds (colours), types (line styles) and node states."""
    states = sorted({n.state for n in drawn.nodes} - {"current"})
    lineage = {e.type for e in drawn.edges if e.lineage}
    return {
        "kinds": [{"label": k.label, "colour": safe_colour(k.colour)} for k in drawn.kinds],
        "types": [{"label": t.label, "colour": safe_colour(t.colour), "dashes": t.dashes,
                   "lineage": t.id in lineage} for t in drawn.types],
        "states": [{"label": STATE_LABELS[s], "state": s} for s in states if s in STATE_LABELS],
    }


def organisation_label(org: Organisation, day: dt.date | None = None) -> str:
    """How an organisation is listed in the pickers: its name on ``day`` (without a day, its
    last), its other names (formerly, later) and ODS code, so typing any of them finds it."""
    periods = org.name_periods  # a property: computed once here
    here = periods[-1] if day is None else org.name_period(day)
    at = periods.index(here)
    earlier = [p.name for p in periods[:at] if p.name is not None and p.name != here.name]
    later = [p.name for p in periods[at + 1:] if p.name is not None and p.name != here.name]
    said = [*([f"formerly {', '.join(earlier)}"] if earlier else []),
            *([f"later {', '.join(later)}"] if later else [])]
    code = f" · {org.ods_code}" if org.ods_code else ""
    name = org.name if day is None else org.name_at(day)
    return name + (f" ({'; '.join(said)})" if said else "") + code


def organisation_choices(dataset: Dataset, day: dt.date | None = None) -> dict[str, str]:
    """Organisation id -> picker label (names as on ``day``, if given), sorted by label."""
    labels = {o.id: organisation_label(o, day) for o in dataset.organisations.values()}
    return dict(sorted(labels.items(), key=lambda item: (item[1].lower(), item[0])))
