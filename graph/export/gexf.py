"""A snapshot as GEXF 1.3 for Gephi: the selection over all of time, so Gephi's timeline plays
the whole history and shows, on any day, exactly what the page shows that day.

- Every relationship is its own edge: its id, ``kind`` = its relationship type (Gephi merges
  parallel edges of one kind, so a second edge of one type between the same two organisations
  gets the kind ``TYPE (2)``), ``label`` = its role or its type's label.
- Every node and edge is alive on the days the page draws it (``graph.export.history``): a
  person from their first role to their last, with a gap between roles; a predecessor for the
  months it is shown as "ended recently"; a merger while its predecessor is shown.
- ``name`` (the name on each day) and ``drawn_as`` (``current`` or ``ghost``) are dynamic
  attributes with their periods; the ``label`` is the names in order ("A → B").
- ``viz:color`` is the kind's (a node) or the type's (an edge) colour; ``viz:position`` the
  place of the box when the page's drawing code draws the whole history at once (one place for
  all of time, no two boxes on one spot), in CSS pixels, with y negated because Gephi's y axis
  points up.
- Other attributes are static and typed: money as a double; recorded dates stay text at their
  own precision ("2014-03"), since GEXF has no date type and a month is not a day; the lifetime
  itself is in the node's and edge's typed ``start``/``end`` (``timeformat="date"``).

The file validates against the official GEXF 1.3 RELAX NG grammar (with its viz module);
see ``tests/data/gexf-schema/1.3/README.md``.
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

import networkx as nx

from graph.core.colours import hex_colour, safe_colour
from graph.core.temporal import dataset_of, relationship
from graph.drawing.scene import kind_colours, type_styles
from graph.export.attributes import NO_GROUPING, edge_kinds, flat, org_attributes, rel_attributes
from graph.export.history import Changing, Drawn, History, Spell, history
from graph.export.request import SnapshotRequest

GEXF = "http://gexf.net/1.3"
VIZ = "http://gexf.net/1.3/viz"
ABSENT = "absent"  # the state of an organisation or relationship not drawn on the request's day
NAME_SEPARATOR = " → "

# (title, GEXF type) of the static attributes, in the order Gephi's Data Laboratory lists them
NODE_STATIC = (("kind", "string"), ("kind_label", "string"), ("valid_from", "string"),
               ("valid_to", "string"), ("former_names", "string"), ("ods_code", "string"),
               ("url", "string"), ("notes", "string"), ("sources", "string"),
               ("unverified", "string"), ("state", "string"))
EDGE_STATIC = (("relationship", "string"), ("type_label", "string"), ("valid_from", "string"),
               ("valid_to", "string"), ("basis", "string"), ("role", "string"),
               ("amount_gbp", "double"), ("notes", "string"), ("sources", "string"),
               ("unverified", "string"), ("state", "string"))
NODE_DYNAMIC = (("name", "string"), ("drawn_as", "string"))
EDGE_DYNAMIC = (("drawn_as", "string"),)

ET.register_namespace("", GEXF)
ET.register_namespace("viz", VIZ)


def render(graph: nx.MultiDiGraph, request: SnapshotRequest) -> bytes:
    document = gexf_document(graph, request)
    ET.indent(document, space="  ")
    return ET.tostring(document, encoding="utf-8", xml_declaration=True) + b"\n"


def gexf_document(graph: nx.MultiDiGraph, request: SnapshotRequest) -> ET.Element:
    """The GEXF 1.3 document of ``request``'s selection over all of time."""
    found = history(graph, request)
    today = request.scene(graph, max_nodes=NO_GROUPING)  # ``state``: as at the request's day
    node_state = {n.id: n.state for n in today.nodes}
    edge_state = {e.id: e.state for e in today.edges}

    root = ET.Element(_tag("gexf"), version="1.3")
    meta = ET.SubElement(root, _tag("meta"))
    ET.SubElement(meta, _tag("creator")).text = "python -m graph snapshot"
    ET.SubElement(meta, _tag("description")).text = _description(found, request)
    body = ET.SubElement(root, _tag("graph"), defaultedgetype="directed", mode="dynamic",
                         timeformat="date", timezone="UTC")
    _declare(body, "node", "static", NODE_STATIC)
    _declare(body, "node", "dynamic", NODE_DYNAMIC)
    _declare(body, "edge", "static", EDGE_STATIC)
    _declare(body, "edge", "dynamic", EDGE_DYNAMIC)

    nodes = ET.SubElement(body, _tag("nodes"), count=str(len(found.nodes)))
    for org_id, drawn in found.nodes.items():
        nodes.append(_node(graph, found, org_id, drawn, node_state.get(org_id, ABSENT)))
    edges = ET.SubElement(body, _tag("edges"), count=str(len(found.edges)))
    for rel_id, kind in edge_kinds(graph, found.edges).items():
        edges.append(_edge(graph, found, rel_id, kind, edge_state.get(rel_id, ABSENT)))
    return root


def _node(graph: nx.MultiDiGraph, found: History, org_id: str, drawn: Drawn,
          state: str) -> ET.Element:
    dataset = dataset_of(graph)
    org = dataset.organisations[org_id]
    names = list(dict.fromkeys(value for _, _, value in drawn.name.runs))
    element = ET.Element(_tag("node"), id=org_id, label=NAME_SEPARATOR.join(names))
    _lifetime(element, found.spells(drawn.state))
    static = flat(org_attributes(org, org.name, dataset))
    static["state"] = state
    _values(element, found, static, NODE_STATIC, {"name": drawn.name, "drawn_as": drawn.state})
    _colour(element, kind_colours(graph)[org.kind])
    if drawn.place is not None:
        x, y = drawn.place
        ET.SubElement(element, _viz("position"), x=_number(x), y=_number(-y), z="0")
    return element


def _edge(graph: nx.MultiDiGraph, found: History, rel_id: str, kind: str,
          state: str) -> ET.Element:
    dataset = dataset_of(graph)
    drawn = found.edges[rel_id]
    rel = relationship(graph, rel_id)
    static = flat(rel_attributes(rel, dataset))
    static["state"] = state
    element = ET.Element(_tag("edge"), id=rel.id, source=rel.source, target=rel.target,
                         kind=kind, label=rel.role or static["type_label"])
    _lifetime(element, found.spells(drawn.state))
    _values(element, found, static, EDGE_STATIC, {"drawn_as": drawn.state})
    _colour(element, type_styles(graph)[rel.type][0])
    return element


def _declare(body: ET.Element, what: str, mode: str, columns: tuple[tuple[str, str], ...]) -> None:
    block = ET.SubElement(body, _tag("attributes"), {"class": what, "mode": mode})
    for title, kind in columns:
        ET.SubElement(block, _tag("attribute"), id=title, title=title, type=kind)


def _values(element: ET.Element, found: History, static: dict[str, Any],
            columns: tuple[tuple[str, str], ...], changing: dict[str, Changing]) -> None:
    values = ET.SubElement(element, _tag("attvalues"))
    for title, _ in columns:
        if static.get(title) is not None:
            ET.SubElement(values, _tag("attvalue"), {"for": title, "value": str(static[title])})
    for title, periods in changing.items():
        for spell, value in found.periods(periods):
            ET.SubElement(values, _tag("attvalue"), {"for": title, "value": value,
                                                     **_span(spell)})


def _lifetime(element: ET.Element, spells: list[Spell]) -> None:
    """One spell as the element's ``start``/``end``; several as ``<spells>`` (a person between
    two roles is not drawn, so not alive)."""
    if len(spells) == 1:
        element.attrib.update(_span(spells[0]))
    elif spells:
        block = ET.SubElement(element, _tag("spells"))
        for spell in spells:
            ET.SubElement(block, _tag("spell"), _span(spell))


def _span(spell: Spell) -> dict[str, str]:
    span = {}
    if spell.first is not None:
        span["start"] = spell.first.isoformat()
    if spell.last is not None:
        span["end"] = spell.last.isoformat()
    return span


def _colour(element: ET.Element, colour: str) -> None:
    value = hex_colour(safe_colour(colour))
    ET.SubElement(element, _viz("color"), r=str(int(value[1:3], 16)),
                  g=str(int(value[3:5], 16)), b=str(int(value[5:7], 16)))


def _description(found: History, request: SnapshotRequest) -> str:
    text = (f"{found.area}: all of time for the selection. Each node and edge is alive on the "
            f"days the page draws it; name and drawn_as change with time; state is as at "
            f"{request.day.isoformat()}")
    if request.diff_from:
        text += f" compared with {request.diff_from.isoformat()}"
    return text + "."


def _number(value: float) -> str:
    return f"{value:g}"


def _tag(name: str) -> str:
    return f"{{{GEXF}}}{name}"


def _viz(name: str) -> str:
    return f"{{{VIZ}}}{name}"

