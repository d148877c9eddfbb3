"""One layout for all time, so an organisation stays in the same place at every date.

Organisations are layered by their kind's ``tier`` (0 at the top). Within a layer they are
ordered by the barycentre heuristic over all-time relationships (as in Sugiyama layouts), so
linked organisations, predecessors and successors end up near each other. Wide layers wrap
onto extra rows.
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from graph.core.temporal import dataset_of

COLUMN_GAP = 215.0
ROW_GAP = 150.0
WRAP_GAP = 85.0
MAX_PER_ROW = 7
SWEEPS = 6
LINEAGE_WEIGHT = 4

Positions = dict[str, tuple[float, float]]


def layout(graph: nx.MultiDiGraph) -> Positions:
    """Positions (x, y) in pixels for every organisation; cached on the graph."""
    cached = graph.graph.get("layout")
    if cached is None:
        cached = graph.graph["layout"] = compute_layout(graph)
    return cached


def compute_layout(graph: nx.MultiDiGraph) -> Positions:
    """The layout without the cache (the benchmark's "cold" figure)."""
    dataset = dataset_of(graph)
    layers: dict[int, list[str]] = defaultdict(list)
    for org in sorted(dataset.organisations.values(),
                      key=lambda o: (o.valid_from.start.toordinal() if o.valid_from else 0, o.name)):
        layers[dataset.kinds[org.kind].tier].append(org.id)
    neighbours: dict[str, list[str]] = defaultdict(list)
    for source, target, rel in graph.edges(data="relationship"):
        if source != target:
            # a successor should sit by its predecessors: lineage pulls harder than other links
            weight = LINEAGE_WEIGHT if dataset.relationship_types[rel.type].lineage else 1
            neighbours[source].extend([target] * weight)
            neighbours[target].extend([source] * weight)

    rank = {org_id: i for layer in layers.values() for i, org_id in enumerate(layer)}
    layer_size = {org_id: len(layer) for layer in layers.values() for org_id in layer}
    tiers = sorted(layers)
    for sweep in range(SWEEPS):
        order = tiers if sweep % 2 == 0 else list(reversed(tiers))
        for tier in order:
            layer = layers[tier]
            def barycentre(org_id: str, layer: list[str] = layer) -> float:
                near = neighbours.get(org_id)
                if not near:
                    return rank[org_id]
                # neighbours' places as fractions of their own layer, scaled to this one
                scale = len(layer)
                return sum(rank[n] / layer_size[n] for n in near) / len(near) * scale
            layer.sort(key=lambda o: (barycentre(o), rank[o]))
            rank.update({org_id: i for i, org_id in enumerate(layer)})

    positions: Positions = {}
    y = 0.0
    for tier in tiers:
        layer = layers[tier]
        rows = [layer[i:i + MAX_PER_ROW] for i in range(0, len(layer), MAX_PER_ROW)]
        for row_index, row in enumerate(rows):
            offset = (len(row) - 1) / 2
            shift = (COLUMN_GAP / 2) * (row_index % 2)  # stagger wrapped rows for readability
            for i, org_id in enumerate(row):
                positions[org_id] = ((i - offset) * COLUMN_GAP + shift, y)
            y += WRAP_GAP if row_index < len(rows) - 1 else ROW_GAP
    return positions

