"""A scene's ``Drawing`` in a frame, cached: what the page, the exports and the JSON draw.

``drawing(graph, scene, "screen")`` gives the page's geometry (every organisation in its
all-time cell, the same canvas at every date); ``"a4"``, ``"a4-portrait"`` and ``"slide"``
give a sheet's (the organisations drawn packed tier by tier). The cache holds the last
``CACHE_SIZE`` drawings per graph, keyed by what the scene shows.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict

import networkx as nx

from graph.core.temporal import dataset_of
from graph.drawing.geometry import Drawing, EdgeSpec, NodeSpec, compose, placed
from graph.drawing.layout import FRAMES
from graph.drawing.order import nearest_place, order_at
from graph.drawing.scene import Scene

CACHE_SIZE = 64
_CACHE_LOCK = threading.Lock()  # page sessions and the prefetch thread share a graph's cache
# per graph, the drawings being made now: a second asker waits for the first, never draws twice
_IN_FLIGHT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
RENAMED_MARK = "✎"


def drawing(graph: nx.MultiDiGraph, view: Scene, frame: str = "screen",
            notes: dict[str, str] | None = None) -> Drawing:
    """The geometry of ``view`` in ``frame`` (see ``graph.drawing.layout.FRAMES``); ``notes``
    (organisation id -> text, such as source numbers) end the boxes' labels."""
    key = (frame, tuple(sorted((notes or {}).items())), view.grouped,
           tuple((n.id, n.name, n.state, n.former_name) for n in view.nodes),
           tuple((e.id, e.state, e.colour) for e in view.edges))
    with _CACHE_LOCK:
        cache: OrderedDict = graph.graph.setdefault("drawings", OrderedDict())
        found = cache.get(key)
        if found is not None:
            cache.move_to_end(key)
            return found
        drawing_now: dict = _IN_FLIGHT.setdefault(graph, {})
        other = drawing_now.get(key)
        if other is None:
            mine = drawing_now[key] = threading.Event()
    if other is not None:  # another thread (the prefetch) is drawing it: wait, then read it
        other.wait()
        return drawing(graph, view, frame, notes)
    try:
        made = compute_drawing(graph, view, frame, notes)  # outside the lock: it takes a while
        with _CACHE_LOCK:
            cache[key] = made
            while len(cache) > CACHE_SIZE:
                cache.popitem(last=False)
    finally:
        with _CACHE_LOCK:
            drawing_now.pop(key, None)
        mine.set()
    return made


def compute_drawing(graph: nx.MultiDiGraph, view: Scene, frame: str = "screen",
                    notes: dict[str, str] | None = None) -> Drawing:
    """``drawing`` without the cache (the benchmark's "cold" figure)."""
    nodes, edges = specs(graph, view, notes)
    return compose(FRAMES[frame], nodes, edges)


def compute_places(graph: nx.MultiDiGraph, view: Scene, frame: str = "screen") -> Drawing:
    """The boxes of ``compute_drawing`` where it puts them, with no line routed."""
    nodes, edges = specs(graph, view)
    return placed(FRAMES[frame], nodes, edges)


def specs(graph: nx.MultiDiGraph, view: Scene,
          notes: dict[str, str] | None = None) -> tuple[list[NodeSpec], list[EdgeSpec]]:
    """What ``compose`` places for ``view``: each box's text (a renamed mark, the name on the
    day, its ``notes``), tier, colour and state, and each edge with its label."""
    dataset = dataset_of(graph)
    order = dict(order_at(graph, view.day))
    for node in view.nodes:  # a comparison's ended organisations: their place when drawn
        if node.id not in order:
            order[node.id] = nearest_place(graph, view.diff_from or view.day, node.id) or 0.0
    notes = notes or {}
    hosts = _hosts(graph, view)
    nodes = [NodeSpec(n.id, " ".join(filter(None, [RENAMED_MARK.strip() if n.state == "renamed"
                                                   else "", n.name, notes.get(n.id)])),
                      dataset.kinds[n.kind].tier, n.colour, n.state,
                      f"(formerly {n.former_name})" if n.former_name else None,
                      order.get(n.id, 0), hosts.get(n.id))
             for n in view.nodes]
    edges = [EdgeSpec(e.id, e.source, e.target, e.colour, e.lineage, e.dashes, e.state,
                      e.role or (f"× {e.count:,}" if e.count > 1 else None))
             for e in view.edges]
    return nodes, edges


def _hosts(graph: nx.MultiDiGraph, view: Scene) -> dict[str, str]:
    """Who sits beside whom: a box of a kind present only while related (a person) beside the
    other end of its first relationship in the view (the post it holds, where it has a role)."""
    kinds = dataset_of(graph).kinds
    guests = {n.id for n in view.nodes if n.kind in kinds and kinds[n.kind].while_related}
    hosts: dict[str, str] = {}
    for edge in sorted(view.edges, key=lambda e: (e.role is None, e.id)):
        for guest, host in ((edge.source, edge.target), (edge.target, edge.source)):
            if guest in guests and host not in guests and guest not in hosts:
                hosts[guest] = host
    return hosts
