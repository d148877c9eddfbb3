"""A snapshot as GraphML for yEd, igraph, networkx and Gephi: the view at a date
(``graph.export.at_day``), written by networkx's GraphML writer with typed keys (text, money as
a double, places as doubles) and a ``label`` on every node and edge; lists are joined with "; ",
dates are ISO text at their own precision (GraphML has no date type).

yEd shows only what its own extension says, so each node also carries a yEd ``ShapeNode`` (the
page's box: place, size, fill and label) and each edge a ``PolyLineEdge`` (colour, arrow,
label). Other readers skip or read these as yEd data; the plain keys carry the same facts.
"""

from __future__ import annotations

import io
from xml.etree.ElementTree import Element, SubElement

import networkx as nx
from networkx.readwrite.graphml import GraphMLWriter

from graph.export.at_day import DayView, day_view
from graph.export.attributes import edge_kinds
from graph.export.request import SnapshotRequest

YED = "http://www.yworks.com/xml/graphml"
YED_NODE, YED_EDGE = "yed_node_graphics", "yed_edge_graphics"


def render(graph: nx.MultiDiGraph, request: SnapshotRequest) -> bytes:
    view = day_view(graph, request)
    kinds = edge_kinds(graph, {e.id for e in view.edges})
    return graphml_bytes(snapshot_graph(view, request), view, kinds)


def snapshot_graph(view: DayView, request: SnapshotRequest) -> nx.MultiDiGraph:
    """The view at the date as a networkx graph of flat, typed attributes."""
    result = nx.MultiDiGraph(**view.graph_attributes(request))
    for node in view.nodes:
        result.add_node(node.id, **node.attributes)
    for edge in view.edges:
        # the id again as data: igraph does not keep an <edge>'s id attribute
        result.add_edge(edge.source, edge.target, key=edge.id, relationship_id=edge.id,
                        **edge.attributes)
    return result


def graphml_bytes(result: nx.MultiDiGraph, view: DayView, kinds: dict[str, str]) -> bytes:
    # networkx's plain (xml.etree) writer, whether or not lxml is installed: the same bytes
    writer = GraphMLWriter(encoding="utf-8", prettyprint=True, named_key_ids=False)
    writer.add_graph_element(result)
    _add_yed(writer.xml, view)
    for element in writer.xml.find("graph").findall("edge"):
        # Gephi reads an <edge>'s ``label`` attribute as its kind (and writes it so): without
        # it Gephi merges two relationships between the same organisations into one edge
        element.set("label", kinds[element.get("id")])
    buffer = io.BytesIO()
    writer.dump(buffer)
    return buffer.getvalue()


def _add_yed(root: Element, view: DayView) -> None:
    """yEd's own node and edge graphics. networkx writes un-prefixed tags under a declared
    default namespace, so yEd's go the same way, under the prefix ``y``."""
    root.set("xmlns:y", YED)
    graph = root.find("graph")
    at = list(root).index(graph)  # keys precede the graph
    root.insert(at, Element("key", {"for": "edge", "id": YED_EDGE, "yfiles.type": "edgegraphics"}))
    root.insert(at, Element("key", {"for": "node", "id": YED_NODE, "yfiles.type": "nodegraphics"}))
    nodes = {n.id: n for n in view.nodes}
    for element in graph.findall("node"):
        node = nodes[element.get("id")]
        box = node.box
        shape = SubElement(SubElement(element, "data", key=YED_NODE), "y:ShapeNode")
        SubElement(shape, "y:Geometry", x=f"{box.x - box.width / 2:g}",
                   y=f"{box.y - box.height / 2:g}", width=f"{box.width:g}",
                   height=f"{box.height:g}")
        SubElement(shape, "y:Fill", color=box.fill.upper(), transparent="false")
        SubElement(shape, "y:BorderStyle", color=box.border.upper(), type="line",
                   width=f"{box.border_width:g}")
        SubElement(shape, "y:NodeLabel").text = str(node.attributes["label"])
        SubElement(shape, "y:Shape", type="roundrectangle")
    edges = {e.id: e for e in view.edges}
    for element in graph.findall("edge"):
        edge = edges[element.get("id")]
        line = SubElement(SubElement(element, "data", key=YED_EDGE), "y:PolyLineEdge")
        SubElement(line, "y:LineStyle", color=str(edge.attributes["colour"]).upper(),
                   type="line", width="1.0")
        SubElement(line, "y:Arrows", source="none", target="standard")
        SubElement(line, "y:EdgeLabel").text = str(edge.attributes["label"])
