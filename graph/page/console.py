"""The Cypher console's words and pictures: which store answers, the area's saved queries and
their parameters, the result table, and the nodes and relationships a query returned, drawn
like the main graph."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import networkx as nx

from graph.core import temporal
from graph.core.colours import safe_colour
from graph.core.dates import DateError, as_day
from graph.core.model import SavedQuery
from graph.drawing.geometry import EdgeSpec, NodeSpec, compose
from graph.drawing.layout import FRAMES, all_time_order, grid
from graph.drawing.scene import kind_colours, type_styles
from graph.drawing.vis import OPTIONS, drawing_data
from loaders.query.limits import (
    DEFAULT_MEMORY_MB,
    DEFAULT_ROW_CAP,
    DEFAULT_TIMEOUT_S,
    MEMORY_BOUNDS,
    ROW_CAP_BOUNDS,
    TIMEOUT_BOUNDS,
    Limits,
)
from loaders.query.result import QueryError, QueryResult, cell_text
from loaders.query.saved import parameter_value
from loaders.query.tokens import parameters
from loaders.stores.settings import Neo4jSettings, neo4j_settings


def store_label(environ: Mapping[str, str],
                secrets: Mapping[str, Any]) -> tuple[Neo4jSettings | None, str]:
    """(the Neo4j settings, or None for the embedded store; one line saying which store answers,
    where its settings come from and how to switch), from the same function the CLI asks
    (``loaders.stores.settings``). The line never holds the password or a user name."""
    settings = neo4j_settings(environ, secrets)
    if settings is None:
        return None, ("Embedded LadybugDB store, built from the data file (set NEO4J_URI, "
                      "NEO4J_USERNAME and NEO4J_PASSWORD, or put them in .streamlit/secrets.toml, "
                      "to query Neo4j instead)")
    if settings.source == "environment":
        return settings, (f"Neo4j at {settings.where} (NEO4J_URI is set in the environment; "
                          "unset it to use the embedded store)")
    return settings, (f"Neo4j at {settings.where} (set in Streamlit's secrets, "
                      ".streamlit/secrets.toml; remove it there to use the embedded store)")


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
    in their all-time cells, routed edges, mergers as arrows into the successor; sources and
    events in a row beneath), or None when the query returned none."""
    found = elements.get("nodes") or []
    if not found:
        return None
    dataset = temporal.dataset_of(graph)
    colours, styles = kind_colours(graph), type_styles(graph)
    below = max((k.tier for k in dataset.kinds.values()), default=0) + 1
    order = all_time_order(graph)
    nodes, titles, seen = [], {}, set()
    for node in found:
        node_id = str(node["id"])
        if node_id in seen:
            continue
        seen.add(node_id)
        kind = dataset.kinds.get(str(node["label"]))
        org = dataset.organisations.get(node_id)
        nodes.append(NodeSpec(node_id, str(node["name"]), kind.tier if kind and org else below,
                              colours.get(str(node["label"]), "#bbbbbb"),
                              order=order.get(node_id, len(order) + len(nodes))))
        titles[node_id] = f"{node['name']}\n{node['label']}"
    edges, edge_titles, used_types = [], {}, set()
    for i, rel in enumerate(elements.get("relationships") or []):
        if rel.get("from") in seen and rel.get("to") in seen:
            rel_type = dataset.relationship_types.get(str(rel["type"]))
            edge_id = str(rel["id"] or f"rel-{i}")
            colour, dashes = styles.get(str(rel["type"]), ("#555555", False))
            role = (rel.get("properties") or {}).get("role")
            edges.append(EdgeSpec(edge_id, str(rel["from"]), str(rel["to"]), colour,
                                  bool(rel_type and rel_type.lineage), dashes,
                                  label=str(role) if role else None))
            edge_titles[edge_id] = str(rel["type"]) + (f"\n{role}" if role else "")
            used_types.add(str(rel["type"]))
    drawn = compose(FRAMES["screen"], nodes, edges, grid(graph, "screen"), keep_extent=True)
    used = {str(n["label"]) for n in found}
    types = dataset.relationship_types
    data = drawing_data(drawn, titles, edge_titles, {n.id: "" for n in nodes})
    data.update(options=OPTIONS, selected=None, frame="query", legend={
        "kinds": [{"label": dataset.kinds[k].label, "colour": safe_colour(c)}
                  for k, c in colours.items() if k in used],
        "types": [{"label": types[t].label, "colour": safe_colour(c), "dashes": d,
                   "lineage": types[t].lineage} for t, (c, d) in styles.items() if t in used_types],
        "states": []})
    return data


def placeholder(kinds: Mapping[str, Any]) -> str:
    """An example query for the empty console, with one of the area's own labels."""
    return f"MATCH (o:{next(iter(kinds), 'Organisation')}) RETURN o.name LIMIT 10"


def console_caption(store_line: str, limits: Limits) -> str:
    """What the console promises, from the limits the query runner applies."""
    return (f"Store: {store_line}. Queries are read-only, stopped after "
            f"{limits.timeout_s:g} seconds or at {limits.memory_mb:,} MB of memory, and capped "
            f"at {limits.row_cap:,} rows (Limits).")


# The console's limit settings: (session key, label, bounds, step, default, help).
LIMIT_SETTINGS = (
    ("limit_timeout", "Time limit (seconds)", TIMEOUT_BOUNDS, 1.0, DEFAULT_TIMEOUT_S,
     "A query still running then is stopped."),
    ("limit_memory", "Memory limit (MB)", MEMORY_BOUNDS, 64, DEFAULT_MEMORY_MB,
     "Memory a query may take on the embedded store, and for its rows from Neo4j; one that "
     "wants more is stopped (Neo4j's server has its own limit)."),
    ("limit_rows", "Row cap", ROW_CAP_BOUNDS, 100, DEFAULT_ROW_CAP,
     "Rows beyond it are cut, and the result says so."),
)


def chosen_limits(session: Mapping[str, Any]) -> Limits:
    """The limits the console's settings hold (their defaults until changed); ``QueryError``
    in one line for a value out of bounds (``Limits`` checks each)."""
    return Limits(*(session.get(key, default)
                    for key, _label, _bounds, _step, default, _help in LIMIT_SETTINGS))


def result_caption(result: QueryResult) -> str:
    rows = len(result.rows)
    return (f"{rows} row{'' if rows == 1 else 's'} from the {result.store} store"
            + (" (truncated at the row cap)" if result.truncated else ""))


def unchanged(query: SavedQuery | None, text: str) -> bool:
    """True while the console's text is still the saved query's own (its title and description
    describe it only then)."""
    return query is not None and text.strip() == query.cypher.strip()


def parameter_defaults(queries: tuple[SavedQuery, ...]) -> dict[str, Any]:
    """Each $parameter the area's saved queries use, with its first default."""
    defaults: dict[str, Any] = {}
    for query in queries:
        for name, value in query.params.items():
            defaults.setdefault(name, value)
    return defaults


def parameter_names(text: str) -> list[str]:
    """The $parameters the console's text uses, in order of name (none while it does not
    read as Cypher: the guard reports that when it runs)."""
    try:
        return sorted(parameters(text))
    except QueryError:
        return []


def parameter_values(names: list[str], entered: Mapping[str, str],
                     defaults: Mapping[str, Any]) -> dict[str, Any]:
    """The values typed for ``names``, each read as the type of its default (text when it has
    none); raises ``QueryError`` naming the parameter that does not read."""
    values = {}
    for name in names:
        try:
            values[name] = parameter_value(defaults.get(name, ""), entered.get(name, ""))
        except QueryError as error:
            raise QueryError(f"${name}: {error} (type a value like {defaults[name]!r})") from None
    return values


AS_AT_HELP = ("Only the organisations and relationships in force that day, under the names they "
              "had then (the embedded store; not on Neo4j)")


def as_at_day(text: str, chosen: SavedQuery | None) -> dt.date | None:
    """The console's "as at" box read as a day (empty: no date), or ``QueryError`` in words;
    a saved query declared ``as_at`` needs one."""
    text = (text or "").strip()
    if not text:
        if chosen is not None and chosen.as_at:
            raise QueryError(f"'{chosen.title}' runs as at a date: fill in As at (YYYY-MM-DD)")
        return None
    try:
        return as_day(text)
    except DateError as exc:
        raise QueryError(f"As at: {exc} (write YYYY-MM-DD, YYYY-MM or YYYY)") from None
