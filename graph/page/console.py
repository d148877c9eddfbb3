"""The Cypher console's words and pictures: which store answers, the area's saved queries and
their parameters, the result table, and the nodes and relationships a query returned, drawn
like the main graph."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

import networkx as nx

from graph.core import temporal
from graph.core.colours import safe_colour
from graph.core.model import SavedQuery
from graph.drawing.layout import layout
from graph.drawing.scene import kind_colours, type_styles
from graph.drawing.vis import OPTIONS, tint
from loaders.query.result import QueryError, QueryResult, cell_text
from loaders.query.run import DEFAULT_ROW_CAP, DEFAULT_TIMEOUT_S
from loaders.query.saved import parameter_value
from loaders.query.tokens import parameters
from loaders.stores.settings import neo4j_settings


def store_label(environ: Mapping[str, str], secrets: Mapping[str, Any]) -> tuple[bool, str]:
    """(uses Neo4j, one line saying which store answers and how to switch), from the same
    settings the CLI reads (``loaders.stores.settings``); never the password."""
    settings = neo4j_settings(environ, secrets)
    if settings is not None:
        return True, (f"Neo4j at {settings.where} (NEO4J_URI is set; "
                      f"unset it to use the embedded store)")
    return False, ("Embedded LadybugDB store, built from the data file (set NEO4J_URI, "
                   "NEO4J_USERNAME and NEO4J_PASSWORD, or put them in .streamlit/secrets.toml, "
                   "to query Neo4j instead)")


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


def placeholder(kinds: Mapping[str, Any]) -> str:
    """An example query for the empty console, with one of the area's own labels."""
    return f"MATCH (o:{next(iter(kinds), 'Organisation')}) RETURN o.name LIMIT 10"


def console_caption(store_line: str) -> str:
    """What the console promises, from the limits the query runner applies."""
    return (f"Store: {store_line}. Queries are read-only, stopped after "
            f"{DEFAULT_TIMEOUT_S:g} seconds and capped at {DEFAULT_ROW_CAP:,} rows.")


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
