"""The explorer page's logic, without Streamlit: view state <-> URL, slider stops, the view,
the details of an organisation, the change paragraph, the events and the accessible tables.

``app.py`` only lays out widgets and shows what these functions return, so everything here is
tested as plain Python. Text that reaches Markdown goes through ``md``; links through
``safe_url``.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import networkx as nx

from graph import temporal
from graph.dates import DateError, PartialDate, words
from graph.layout import layout
from graph.model import Dataset, Organisation
from graph.scene import Scene, kind_colours, scene, type_styles
from graph.stops import Stop, slider_stops  # noqa: F401 (re-exported for app.py)
from graph.vis import OPTIONS, STATE_LABELS, tint, vis_data
from loaders import dataset as dataset_loader

MODES = ("explore", "diff", "console")
MODE_LABELS = {"explore": "Explore", "diff": "Compare two dates", "console": "Cypher console"}
MAX_DEPTH = 4


# -- escaping -----------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>$:=<&\"'])")


def md(text: object) -> str:
    """Text that Markdown shows exactly as written: every character Markdown or HTML could
    read as markup is backslash-escaped (so ``<img ...>`` shows as text, ``**x**`` stays)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def safe_url(url: str | None) -> str | None:
    """An http(s) URL fit for a Markdown link target, or None (``javascript:`` and the like
    are never linked). Characters that would end the link are percent-encoded."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return quote(url.strip(), safe=":/?#@!$&'*+,;=%~-._")


_COLOUR = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20}|rgba?\([0-9.,% ]+\))$")


def safe_colour(colour: str | None, fallback: str = "#999999") -> str:
    """A CSS colour fit for a style property: a hex code, a colour name or rgb(); anything
    else (say ``url(https://...)``, which would fetch) becomes ``fallback``."""
    return colour if colour and _COLOUR.match(colour) else fallback


def link(title: str, url: str | None) -> str:
    """A Markdown link with an escaped title, or just the escaped title."""
    target = safe_url(url)
    return f"[{md(title)}]({target})" if target else md(title)


# -- the data -----------------------------------------------------------------------------

def load_graph(path: str | Path) -> nx.MultiDiGraph:
    """The all-time graph of a data file with its layout computed, ready to cache (raises
    ``loaders.problems.InvalidInput`` listing every problem of a bad file)."""
    graph = temporal.build_graph(dataset_loader.load(path))
    layout(graph)
    return graph


def file_identity(path: str | Path) -> tuple[str, int, int]:
    """(resolved path, mtime in ns, size): the cache key that changes when the file does."""
    resolved = Path(path).resolve()
    info = resolved.stat()
    return str(resolved), info.st_mtime_ns, info.st_size


# -- slider stops -------------------------------------------------------------------------

def default_day(dataset: Dataset, stops: tuple[Stop, ...]) -> dt.date:
    """Where the slider starts: the latest named snapshot, else the last stop."""
    named = [s.day for s in stops if s.snapshot is not None]
    return named[-1] if named else stops[-1].day


def previous_snapshot(stops: tuple[Stop, ...], day: dt.date) -> Stop | None:
    """The latest named stop strictly before ``day``."""
    earlier = [s for s in stops if s.snapshot is not None and s.day < day]
    return earlier[-1] if earlier else None


def step(stops: tuple[Stop, ...], day: dt.date, by: int = 1) -> dt.date | None:
    """The stop ``by`` places after (or, negative, before) ``day``; None past either end.
    The play button's tick."""
    if by >= 0:
        later = [s.day for s in stops if s.day > day]
        return later[by - 1] if 0 < by <= len(later) else None
    earlier = [s.day for s in stops if s.day < day]
    return earlier[by] if -by <= len(earlier) else None


# -- view state <-> query params ----------------------------------------------------------

@dataclass(frozen=True)
class ViewState:
    """Everything a link has to carry to reopen the same view."""

    date: dt.date | None = None  # None: the default stop
    mode: str = "explore"
    diff_from: dt.date | None = None
    focus: str | None = None
    depth: int = 1
    kinds: frozenset[str] | None = None  # None: every kind
    types: frozenset[str] | None = None  # None: every relationship type
    selected: str | None = None


def _first(value: str | list[str] | None) -> str | None:
    if isinstance(value, list):
        return value[-1] if value else None
    return value


def to_query_params(state: ViewState) -> dict[str, str]:
    """The URL's query parameters for a view (defaults left out, lists comma-separated)."""
    params: dict[str, str] = {}
    if state.date is not None:
        params["date"] = state.date.isoformat()
    if state.mode != "explore":
        params["mode"] = state.mode
    if state.diff_from is not None:
        params["from"] = state.diff_from.isoformat()
    if state.focus:
        params["focus"] = state.focus
        if state.depth != 1:
            params["depth"] = str(state.depth)
    if state.kinds is not None:
        params["kinds"] = ",".join(sorted(state.kinds))
    if state.types is not None:
        params["types"] = ",".join(sorted(state.types))
    if state.selected:
        params["org"] = state.selected
    return params


def from_query_params(params: Mapping[str, Any], dataset: Dataset) -> tuple[ViewState, list[str]]:
    """A view from a link, and one warning per part of it that had to be ignored."""
    warnings: list[str] = []

    def day(key: str) -> dt.date | None:
        text = _first(params.get(key))
        if not text:
            return None
        try:
            return PartialDate.parse(text).start
        except DateError:
            warnings.append(f"the link's {key} '{text}' is not a date (write YYYY-MM-DD)")
            return None

    def organisation(key: str) -> str | None:
        text = _first(params.get(key))
        if not text:
            return None
        org_id = dataset.resolve(text)
        if org_id is None:
            warnings.append(f"the link's {key} '{text}' is no organisation id or ODS code "
                            f"in this data file")
        return org_id

    def names(key: str, known: Mapping[str, Any], what: str) -> frozenset[str] | None:
        text = _first(params.get(key))
        if text is None:
            return None
        chosen = {n for n in text.split(",") if n}
        for unknown in sorted(chosen - set(known)):
            warnings.append(f"the link's {key} names an unknown {what} '{unknown}'")
        return frozenset(chosen & set(known))

    mode = _first(params.get("mode")) or "explore"
    if mode not in MODES:
        warnings.append(f"the link's mode '{mode}' is not one of {', '.join(MODES)}")
        mode = "explore"
    depth_text = _first(params.get("depth")) or "1"
    depth = int(depth_text) if depth_text.isdigit() else 1
    if not depth_text.isdigit() or not 1 <= depth <= MAX_DEPTH:
        warnings.append(f"the link's depth '{depth_text}' is not a whole number from 1 to "
                        f"{MAX_DEPTH}")
        depth = min(max(depth, 1), MAX_DEPTH)
    state = ViewState(date=day("date"), mode=mode, diff_from=day("from"),
                      focus=organisation("focus"), depth=depth,
                      kinds=names("kinds", dataset.kinds, "kind"),
                      types=names("types", dataset.relationship_types, "relationship type"),
                      selected=organisation("org"))
    return state, warnings


def state_from_widgets(values: Mapping[str, Any], dataset: Dataset) -> ViewState:
    """The view the page's widgets describe (``values`` is ``st.session_state``): ISO dates,
    "" for no organisation, and every kind (or type) ticked meaning "no filter"."""
    def day(key: str) -> dt.date | None:
        return dt.date.fromisoformat(values[key]) if values.get(key) else None

    def chosen(key: str, known: Mapping[str, Any]) -> frozenset[str] | None:
        ticked = frozenset(values.get(key, known))
        return None if ticked == frozenset(known) else ticked

    mode = values.get("mode", "explore")
    return ViewState(date=day("date"), mode=mode,
                     diff_from=day("diff_from") if mode == "diff" else None,
                     focus=values.get("focus") or None, depth=int(values.get("depth", 1)),
                     kinds=chosen("kinds", dataset.kinds),
                     types=chosen("types", dataset.relationship_types),
                     selected=values.get("selected") or None)


def default_diff_from(stops: tuple[Stop, ...], day: dt.date) -> dt.date:
    """What a comparison starts from: the previous named snapshot, else the first stop."""
    previous = previous_snapshot(stops, day)
    return previous.day if previous else stops[0].day


# -- the view -----------------------------------------------------------------------------

@dataclass(frozen=True)
class PageView:
    """What the page shows for one state: the scene and its vis-network data."""

    state: ViewState
    day: dt.date
    scene: Scene
    graph_data: dict[str, Any] = field(repr=False)


def view(graph: nx.MultiDiGraph, state: ViewState, stops: tuple[Stop, ...]) -> PageView:
    """The scene to draw for ``state`` (its date, filters, focus and diff) and its graph data."""
    dataset = temporal.dataset_of(graph)
    day = state.date or default_day(dataset, stops)
    diff_from = state.diff_from if state.mode == "diff" else None
    if state.mode == "diff" and diff_from is None:
        diff_from = default_diff_from(stops, day)
    drawn = scene(graph, day, focus=state.focus, depth=state.depth,
                  kinds=set(state.kinds) if state.kinds is not None else None,
                  types=set(state.types) if state.types is not None else None,
                  diff_from=diff_from)
    data = vis_data(drawn)
    places = layout(graph).values()
    xs, ys = [x for x, _ in places] or [0.0], [y for _, y in places] or [0.0]
    data.update(options=OPTIONS, legend=legend(drawn), selected=state.selected,
                # the all-time layout's size, so the canvas keeps one shape at every date
                extent=[max(xs) - min(xs) + 240.0, max(ys) - min(ys) + 120.0],
                # a new "frame" (different focus or filters) is fitted to the screen again
                frame="|".join([str(state.focus), str(state.depth), str(sorted(state.kinds or [])),
                                str(sorted(state.types or [])), drawn.content_hash]))
    return PageView(replace(state, date=day, diff_from=diff_from), day, drawn, data)


def legend(drawn: Scene) -> dict[str, list[dict[str, Any]]]:
    """Legend entries for the graph: kinds (colours), types (line styles) and node states."""
    states = sorted({n.state for n in drawn.nodes} - {"current"})
    return {
        "kinds": [{"label": k.label, "colour": safe_colour(k.colour)} for k in drawn.kinds],
        "types": [{"label": t.label, "colour": safe_colour(t.colour), "dashes": t.dashes}
                  for t in drawn.types],
        "states": [{"label": STATE_LABELS[s], "state": s} for s in states if s in STATE_LABELS],
    }


def organisation_rows(drawn: Scene, dataset: Dataset) -> list[dict[str, Any]]:
    """The accessible table of organisations drawn (or groups, when grouped)."""
    rows = []
    for node in sorted(drawn.nodes, key=lambda n: (n.name.lower(), n.id)):
        kind = dataset.kinds.get(node.kind)
        rows.append({"id": node.id, "name": node.name,
                     "kind": kind.label if kind else node.kind,
                     "from": words(node.valid_from), "to": words(node.valid_to),
                     "ODS code": node.ods_code or "",
                     "shown as": STATE_LABELS.get(node.state, "in force")
                     + (f" (formerly {node.former_name})" if node.former_name else ""),
                     "organisations": node.count})
    return rows


def relationship_rows(drawn: Scene, dataset: Dataset) -> list[dict[str, Any]]:
    """The accessible table of relationships drawn."""
    names = {n.id: n.name for n in drawn.nodes}
    rows = []
    for edge in drawn.edges:
        rel_type = dataset.relationship_types.get(edge.type)
        rows.append({"from": names.get(edge.source, edge.source),
                     "relationship": rel_type.label if rel_type else edge.type,
                     "to": names.get(edge.target, edge.target),
                     "since": words(edge.valid_from), "until": words(edge.valid_to),
                     "shown as": STATE_LABELS.get(edge.state, "in force"),
                     "count": edge.count, "id": edge.id})
    return rows


def _list(names: list[str], limit: int = 6) -> str:
    shown = names[:limit]
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    if len(shown) > 1 and not more:
        return ", ".join(shown[:-1]) + " and " + shown[-1]
    return ", ".join(shown) + more


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def change_paragraph(graph: nx.MultiDiGraph, stops: tuple[Stop, ...], day: dt.date) -> str:
    """One paragraph: what changed from the previous named snapshot to ``day``."""
    previous = previous_snapshot(stops, day)
    if previous is None:
        return (f"{words(day)} is at or before the first named snapshot, so there is no "
                f"earlier snapshot to compare with.")
    change = temporal.diff(graph, previous.day, day)
    since = f"Since the snapshot “{previous.snapshot.title}” ({words(previous.snapshot.date)})"
    parts = []
    if change.added:
        parts.append(f"{_count(len(change.added), 'organisation began', 'organisations began')}"
                     f" ({_list(sorted(change.added.values()))})")
    if change.removed:
        parts.append(f"{_count(len(change.removed), 'ended', 'ended')}"
                     f" ({_list(sorted(change.removed.values()))})")
    if change.renamed:
        parts.append(f"{_count(len(change.renamed), 'was renamed', 'were renamed')} ("
                     + _list([f"{old} is now {new}" for old, new
                              in sorted(change.renamed.values())]) + ")")
    added, removed = len(change.relationships_added), len(change.relationships_removed)
    if added or removed:
        parts.append(f"{_count(added, 'relationship', 'relationships')} began and "
                     f"{removed} ended")
    if not parts:
        return f"{since}, nothing in the data has changed by {words(day)}."
    return f"{since}, by {words(day)}: " + "; ".join(parts) + "."


def change_lines(graph: nx.MultiDiGraph, a: dt.date, b: dt.date) -> list[str]:
    """The diff of two dates as a text list, one change a line, beside the diff drawing."""
    dataset = temporal.dataset_of(graph)
    change = temporal.diff(graph, a, b)

    def rel_text(rel_id: str) -> str:
        r = temporal.relationship(graph, rel_id)
        label = dataset.relationship_types[r.type].label
        when = f" ({words(r.valid_from)})" if r.valid_from else ""
        source, target = (dataset.organisations[i].name_at(b) for i in (r.source, r.target))
        return f"{source} {label} {target}{when}"

    lines = [f"+ began: {n}" for n in sorted(change.added.values())]
    lines += [f"− ended: {n}" for n in sorted(change.removed.values())]
    lines += [f"✎ renamed: {old} → {new}" for old, new in sorted(change.renamed.values())]
    lines += [f"→ {rel_text(i)}" for i in change.lineage]
    lines += [f"+ {rel_text(i)}" for i in sorted(change.relationships_added)
              if i not in change.lineage]
    lines += [f"− {rel_text(i)}" for i in sorted(change.relationships_removed)]
    return lines


# -- events -------------------------------------------------------------------------------

@dataclass(frozen=True)
class EventRow:
    day: dt.date
    when: str
    title: str
    organisations: str


def event_rows(dataset: Dataset) -> tuple[EventRow, ...]:
    """The dated events, oldest first, with the names of the organisations involved."""
    rows = []
    for event in temporal.timeline(dataset):
        involved = [dataset.organisations[o].name_at(event.date.start)
                    for o in event.organisations if o in dataset.organisations]
        rows.append(EventRow(event.date.start, words(event.date), event.title,
                             ", ".join(involved)))
    return tuple(rows)


# -- details of one organisation ----------------------------------------------------------

@dataclass(frozen=True)
class SourceInfo:
    id: str
    title: str
    publisher: str
    published: str
    url: str | None
    file: Path | None


@dataclass(frozen=True)
class RelationshipLine:
    text: str
    other: str  # the other organisation's id


@dataclass(frozen=True)
class Details:
    id: str
    name: str
    kind: str
    lifetime: str
    ods_code: str
    url: str | None
    notes: str
    exists: bool
    names: tuple[str, ...]
    relationships: tuple[RelationshipLine, ...]
    lineage: tuple[str, ...]
    sources: tuple[SourceInfo, ...]
    unverified: tuple[str, ...]


_PRECISION = {"day": "exact day", "month": "month only", "year": "year only"}


def _when(value: PartialDate | None, open_text: str) -> str:
    if value is None:
        return open_text
    return f"{value.words()} ({_PRECISION[value.precision]})"


def name_history(org: Organisation) -> tuple[str, ...]:
    """Each name the organisation had, oldest first, with the period it was used."""
    lines = []
    start = org.valid_from
    for former in sorted(org.former_names, key=lambda f: f.valid_to.start):
        began = former.valid_from or start
        lines.append(f"{former.name}: {words(began, 'open start')} to "
                     f"{words(former.valid_to)}")
        start = former.valid_to
    until = f" to {words(org.valid_to)}" if org.valid_to else " onwards"
    lines.append(f"{org.name}: {words(start, 'open start')}{until}")
    return tuple(lines)


def lineage_tree(graph: nx.MultiDiGraph, org_id: str) -> tuple[str, ...]:
    """The family tree of an organisation as indented text lines: predecessors above it,
    successors below, each with the relationship and its date."""
    types = temporal.dataset_of(graph).relationship_types
    found = temporal.lineage(graph, org_id)
    org = temporal.organisation(graph, org_id)

    def line(s: temporal.LineageStep, arrow: str) -> str:
        when = words(s.date, "date unknown")
        return f"{'    ' * (s.depth - 1)}{arrow} {s.name} ({types[s.type].label}, {when})"

    lines = [line(s, "↑") for s in sorted(found.predecessors, key=lambda s: -s.depth)]
    span = " to ".join(filter(None, [words(org.valid_from, "?"), words(org.valid_to)]))
    lines.append(f"● {org.name} ({span})")
    lines += [line(s, "↓") for s in found.successors]
    return tuple(lines)


def source_info(dataset: Dataset, source_id: str) -> SourceInfo:
    source = dataset.sources[source_id]
    file = None
    if source.file:
        file = Path(dataset.path).parent / source.file if dataset.path else Path(source.file)
    return SourceInfo(source.id, source.title, source.publisher or "",
                      words(source.published), safe_url(source.url), file)


def details(graph: nx.MultiDiGraph, org_id: str, day: dt.date) -> Details:
    """Everything the details panel shows about one organisation on ``day``."""
    dataset = temporal.dataset_of(graph)
    org = temporal.organisation(graph, org_id)
    view_now = temporal.at(graph, day)
    outgoing, incoming, cited = [], [], dict.fromkeys(org.sources)
    for _, other, rel in graph.out_edges(org_id, data="relationship"):
        if rel.id in view_now.relationships:
            label = dataset.relationship_types[rel.type].label
            outgoing.append(RelationshipLine(f"{label} → {view_now.organisations[other]}", other))
            cited.update(dict.fromkeys(rel.sources))
    for other, _, rel in graph.in_edges(org_id, data="relationship"):
        if rel.id in view_now.relationships:
            label = dataset.relationship_types[rel.type].label
            incoming.append(RelationshipLine(f"{view_now.organisations[other]} {label} → this",
                                             other))
            cited.update(dict.fromkeys(rel.sources))
    lines = sorted(outgoing, key=lambda r: r.text) + sorted(incoming, key=lambda r: r.text)
    found = temporal.lineage(graph, org_id)
    for s in (*found.predecessors, *found.successors):
        cited.update(dict.fromkeys(s.sources))
    kind = dataset.kinds[org.kind]
    lifetime = (f"from {_when(org.valid_from, 'an open start')} "
                f"{'to ' + _when(org.valid_to, '') if org.valid_to else 'onwards'}")
    return Details(org.id, org.name_at(day) if org.exists_on(day) else org.name, kind.label,
                   lifetime, org.ods_code or "", safe_url(org.url), org.notes or "",
                   org.exists_on(day), name_history(org), tuple(lines),
                   lineage_tree(graph, org_id),
                   tuple(source_info(dataset, s) for s in cited if s in dataset.sources),
                   org.unverified)


# -- choosing an organisation -------------------------------------------------------------

def organisation_label(org: Organisation) -> str:
    """How an organisation is listed in the pickers: its names and ODS code, so typing any of
    them finds it."""
    formerly = f" (formerly {', '.join(f.name for f in org.former_names)})" \
        if org.former_names else ""
    code = f" · {org.ods_code}" if org.ods_code else ""
    return f"{org.name}{formerly}{code}"


def organisation_choices(dataset: Dataset) -> dict[str, str]:
    """Organisation id -> picker label, sorted by name."""
    return {o.id: organisation_label(o)
            for o in sorted(dataset.organisations.values(), key=lambda o: o.name.lower())}


def search(dataset: Dataset, text: str) -> list[str]:
    """Organisation ids matching ``text``: an exact id or ODS code first, then names (current
    or former) containing it, case-insensitively."""
    text = text.strip()
    if not text:
        return []
    exact = dataset.resolve(text)
    needle = text.lower()
    found = [o.id for o in sorted(dataset.organisations.values(), key=lambda o: o.name.lower())
             if o.id != exact and (needle in o.name.lower()
                                   or any(needle in f.name.lower() for f in o.former_names))]
    return ([exact] if exact else []) + found


# -- the store the console uses -----------------------------------------------------------

def store_label(environ: Mapping[str, str], secrets: Mapping[str, Any]) -> tuple[bool, str]:
    """(uses Neo4j, one line saying which store answers and how to switch)."""
    uri = environ.get("NEO4J_URI") or secrets.get("NEO4J_URI")
    if uri:
        where = urlsplit(str(uri))
        return True, (f"Neo4j at {where.scheme}://{where.hostname or ''} (NEO4J_URI is set; "
                      f"unset it to use the embedded store)")
    return False, ("Embedded LadybugDB store, built from the data file (set NEO4J_URI, "
                   "NEO4J_USERNAME and NEO4J_PASSWORD, or put them in .streamlit/secrets.toml, "
                   "to query Neo4j instead)")


# -- the console's results ----------------------------------------------------------------

def cell_text(value: Any) -> Any:
    """A query result cell for the table: numbers and text as they are; a node as its name,
    a relationship as its type, a path as its names; dates in ISO; lists joined."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        if "properties" in value and "label" in value:
            return f"({value['label']}) {value['name']}"
        if "properties" in value and "type" in value:
            return f"[{value['type']}]"
        if set(value) == {"nodes", "relationships"}:
            return " — ".join(str(n.get("name", n.get("id"))) for n in value["nodes"])
        return ", ".join(f"{k}: {cell_text(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(str(cell_text(v)) for v in value)
    return str(value)


def result_table(columns: list[str], rows: list[list[Any]]) -> list[dict[str, Any]]:
    """Query rows as table records keyed by column name (duplicate names numbered)."""
    names: list[str] = []
    for column in columns:
        name, n = column, 2
        while name in names:
            name, n = f"{column} ({n})", n + 1
        names.append(name)
    return [dict(zip(names, (cell_text(v) for v in row), strict=False)) for row in rows]


def query_graph_data(elements: Mapping[str, list[dict[str, Any]]],
                     graph: nx.MultiDiGraph) -> dict[str, Any] | None:
    """The nodes and relationships a query returned, drawn like the main graph (organisations
    at their all-time places and colours; sources and events in a row beneath), or None when
    the query returned none."""
    found = elements.get("nodes") or []
    if not found:
        return None
    positions, colours, styles = layout(graph), kind_colours(graph), type_styles(graph)
    bottom = max((y for _, y in positions.values()), default=0.0) + 200.0
    nodes, others = [], 0
    for node in found:
        node_id = str(node["id"])
        if node_id in positions:
            (x, y), colour = positions[node_id], colours.get(node["label"], "#999999")
        else:
            x, y, colour, others = others * 230.0, bottom, "#bbbbbb", others + 1
        nodes.append({"id": node_id, "label": "\n".join(_wrap(str(node["name"]))),
                      "title": f"{node['name']}\n{node['label']}", "x": x, "y": y,
                      "shape": "box", "color": {"background": tint(colour), "border": colour},
                      "font": {"color": "#111", "size": 14}})
    ids = {n["id"] for n in nodes}
    edges = [{"id": r["id"] or f"rel-{i}", "from": r["from"], "to": r["to"], "arrows": "to",
              "title": r["type"], "color": {"color": styles.get(r["type"], ("#555555",))[0]},
              "dashes": styles.get(r["type"], ("", False))[1]}
             for i, r in enumerate(elements.get("relationships") or [])
             if r.get("from") in ids and r.get("to") in ids]
    kinds = temporal.dataset_of(graph).kinds
    used = {n["label"] for n in found}
    xs, ys = [n["x"] for n in nodes], [n["y"] for n in nodes]
    return {"nodes": nodes, "edges": edges, "options": OPTIONS, "selected": None,
            "frame": "query", "extent": [max(xs) - min(xs) + 240.0, max(ys) - min(ys) + 120.0],
            "legend": {
                "kinds": [{"label": kinds[k].label, "colour": safe_colour(c)}
                          for k, c in colours.items()
                          if k in used],
                "types": [], "states": []}}


def _wrap(text: str) -> list[str]:
    return textwrap.wrap(text, 24) or [text]
