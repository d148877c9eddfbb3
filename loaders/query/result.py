"""What a query returns, as plain Python values, the same from both stores.

Nodes, relationships and paths become dicts (``Elements`` also collects them for drawing);
``cell_text`` is the one rule that turns any such value into a table cell, for the page's
tables and for the CLI's table and CSV output.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from loaders.problems import one_line
from loaders.stores.records import ORGANISATION


class QueryError(Exception):
    """A query that cannot run: refused, malformed, too slow or the store is unreachable.

    ``message`` is one plain line; ``detail`` the database's own words, when they add to it
    (the page shows them below the message, the CLI at the end of the same line).
    """

    def __init__(self, message: str, detail: str = ""):
        message, detail = one_line(message), one_line(detail)  # they may quote what was typed
        super().__init__(message)
        self.message, self.detail = message, detail

    def __str__(self) -> str:
        return self.message + (f" (the database said: {self.detail})" if self.detail else "")


class OutOfMemory(QueryError):
    """A query that wanted more memory than it may take (the engine said so, or an allocation
    failed at the worker's cap); the worker turns it into "stopped at the memory limit"."""


@dataclass(frozen=True)
class QueryResult:
    """Rows as plain Python values (dates as ``datetime.date``; nodes, relationships and paths
    as dicts) and ``elements``: every node and relationship in them, for drawing."""

    columns: list[str]
    rows: list[list[Any]]
    truncated: bool
    store: str  # "embedded" or "neo4j"
    elements: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def _node(identity: str, label: str, properties: dict[str, Any]) -> dict[str, Any]:
    props = {k: v for k, v in properties.items() if v is not None and not k.startswith("_")}
    return {"id": identity, "label": label,
            "name": props.get("name") or props.get("title") or identity, "properties": props}


def _relationship(rtype: str, properties: dict[str, Any]) -> dict[str, Any]:
    props = {k: v for k, v in properties.items() if v is not None and not k.startswith("_")}
    rel_id = str(props.get("id", ""))
    ends = rel_id.split("|")  # every relationship id is "from|TYPE|to|n"
    return {"id": rel_id, "type": rtype, "from": ends[0] if len(ends) > 2 else None,
            "to": ends[2] if len(ends) > 2 else None, "properties": props}


class Elements:
    """Converts store values to plain ones, collecting the nodes and relationships seen."""

    def __init__(self) -> None:
        self.nodes: dict[str, dict[str, Any]] = {}
        self.relationships: dict[str, dict[str, Any]] = {}

    def as_dict(self) -> dict[str, list[dict[str, Any]]]:
        return {"nodes": list(self.nodes.values()),
                "relationships": list(self.relationships.values())}

    def _keep_node(self, node: dict[str, Any]) -> dict[str, Any]:
        self.nodes.setdefault(node["id"], node)
        return node

    def _keep_relationship(self, rel: dict[str, Any]) -> dict[str, Any]:
        self.relationships.setdefault(rel["id"], rel)
        return rel

    def embedded(self, value: Any) -> Any:
        if isinstance(value, dict):
            if "_NODES" in value and "_RELS" in value:
                return {"nodes": [self.embedded(n) for n in value["_NODES"]],
                        "relationships": [self.embedded(r) for r in value["_RELS"]]}
            # an element met again (paths share their nodes) is the one converted before
            if "_SRC" in value and "_LABEL" in value:
                seen = self.relationships.get(str(value.get("id", "")))
                return seen or self._keep_relationship(_relationship(value["_LABEL"], value))
            if "_ID" in value and "_LABEL" in value:
                seen = self.nodes.get(str(value.get("id")))
                return seen or self._keep_node(_node(str(value.get("id")), value["_LABEL"], value))
            return {k: self.embedded(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.embedded(v) for v in value]
        return value

    def neo4j(self, value: Any) -> Any:
        from neo4j import graph as neo4j_graph  # only when Neo4j is in use

        if isinstance(value, neo4j_graph.Path):
            return {"nodes": [self.neo4j(n) for n in value.nodes],
                    "relationships": [self.neo4j(r) for r in value.relationships]}
        if isinstance(value, neo4j_graph.Node):
            labels = sorted(value.labels - {ORGANISATION}) or [ORGANISATION]
            props = {k: self.neo4j(v) for k, v in value.items()}
            return self._keep_node(_node(str(props.get("id", value.element_id)), labels[0], props))
        if isinstance(value, neo4j_graph.Relationship):
            props = {k: self.neo4j(v) for k, v in value.items()}
            return self._keep_relationship(_relationship(value.type, props))
        if isinstance(value, dict):
            return {k: self.neo4j(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.neo4j(v) for v in value]
        if hasattr(value, "to_native"):  # neo4j.time Date, DateTime, Time
            return value.to_native()
        if value is None or isinstance(value, (str, int, float, bool, dt.date)):
            return value
        return str(value)  # durations, points: shown as text


def cell_text(value: Any) -> Any:
    """A result cell for a table: numbers and text as they are (None stays None); a node as
    "(Label) name", a relationship as "[TYPE]", a path as its names; dates in ISO; lists joined."""
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
