"""The order of the boxes within each tier, day by day, kept from one day to the next.

What the page draws changes only on the days the data names (and the days a predecessor stops
being shown as "ended recently"): ``change_days``. Between two such days the whole-area view
is the same (an *epoch*). Each tier gets one order for all the epochs, starting from
``dot``'s crossing minimisation over the whole history (``all_time_order``) and sifted to cross
the fewest lines summed over every epoch's view (``graph.drawing.sifting``). So a box present
on both sides of a slider step keeps its tier and its place among the others (the reader's
mental map), and no one view's order is forced on the others: over the 15 named stops of the
bundled area this crosses a quarter fewer lines than ordering the first view with ``dot``
and keeping that order for every view after it.

An area too large for this (more than ``EPOCH_LIMIT`` organisations or ``DAY_LIMIT`` change
days) keeps the all-time order (``graph.drawing.layout.all_time_order``).
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass

import networkx as nx

from graph.core.temporal import dataset_of
from graph.drawing.layout import GHOST_MONTHS, all_time_order
from graph.drawing.sifting import View, sifted

EPOCH_LIMIT = 250  # organisations (sifting over every epoch: a second for the bundled area)
DAY_LIMIT = 400  # change days


@dataclass(frozen=True)
class Epochs:
    """The first day of each epoch and its order (organisation id -> place in its tier)."""

    starts: tuple[dt.date, ...]
    orders: tuple[dict[str, float], ...]


def change_days(graph: nx.MultiDiGraph) -> list[dt.date]:
    """The days on which what the page draws may change, sorted: every day the data names,
    and the days a predecessor stops being shown as ended recently."""
    dataset = dataset_of(graph)
    days = set(dataset.dates())
    for rel in dataset.relationships:
        if dataset.relationship_types[rel.type].lineage and rel.valid_from:
            days.add(ghost_end(rel.valid_from.start))
    if not days:
        days.add(dt.date.today())
    return sorted(days)


def ghost_end(taken_over: dt.date, months: int = GHOST_MONTHS) -> dt.date:
    """The first day a predecessor taken over on ``taken_over`` is no longer drawn: the scene
    shows it while the first of the month ``months`` before the day is earlier than
    ``taken_over``."""
    month_index = taken_over.year * 12 + taken_over.month - 1 + (taken_over.day > 1) + months
    return dt.date(month_index // 12, month_index % 12 + 1, 1)


def order_at(graph: nx.MultiDiGraph, day: dt.date) -> dict[str, float]:
    """Organisation id -> its place within its tier on ``day`` (higher: further right). An
    organisation the day's epoch does not hold (a comparison's ended ones) takes its place from
    the nearest epoch that holds it."""
    epochs = epochs_of(graph)
    if epochs is None:
        return {k: float(v) for k, v in all_time_order(graph).items()}
    index = max(0, bisect.bisect_right(epochs.starts, day) - 1)
    return epochs.orders[index]


def nearest_place(graph: nx.MultiDiGraph, day: dt.date, org_id: str) -> float | None:
    """``org_id``'s place in the epoch nearest ``day`` that holds it, or None."""
    epochs = epochs_of(graph)
    if epochs is None:
        return None
    index = max(0, bisect.bisect_right(epochs.starts, day) - 1)
    for distance in range(len(epochs.starts)):
        for k in (index - distance, index + distance):
            if 0 <= k < len(epochs.starts) and org_id in epochs.orders[k]:
                return epochs.orders[k][org_id]
    return None


def epochs_of(graph: nx.MultiDiGraph) -> Epochs | None:
    """The epochs of ``graph``, computed once (and kept with the page's warm cache), or None
    for an area too large for them."""
    if "order_epochs" not in graph.graph:
        graph.graph["order_epochs"] = compute_epochs(graph)
    return graph.graph["order_epochs"]


def compute_epochs(graph: nx.MultiDiGraph) -> Epochs | None:
    from graph.drawing.scene import MAX_NODES, scene  # the scene imports the layout, not this

    dataset = dataset_of(graph)
    days = change_days(graph)
    if len(dataset.organisations) > EPOCH_LIMIT or len(days) > DAY_LIMIT:
        return None
    guests = {k for k, kind in dataset.kinds.items() if kind.while_related}
    first = days[0] - dt.timedelta(days=1)
    starts: list[dt.date] = []
    views: list[View] = []
    seen: tuple | None = None
    for day in [first, *days]:
        view = scene(graph, day, max_nodes=MAX_NODES)
        if view.grouped:
            return None
        members = [n for n in view.nodes if n.kind not in guests]
        links = sorted((e.source, e.target) for e in view.edges)
        key = (frozenset(n.id for n in members), tuple(links))
        if key == seen:
            continue
        seen = key
        tiers: dict[int, list[str]] = {}
        for node in sorted(members, key=lambda n: n.id):
            tiers.setdefault(dataset.kinds[node.kind].tier, []).append(node.id)
        starts.append(day)
        views.append(View(tiers, links))
    places = sifted(views, all_time_order(graph))
    orders = tuple({box: float(places[box]) for members in view.tiers.values() for box in members}
                   for view in views)
    return Epochs(tuple(starts), orders)
