"""The dataset as it stood on one day: what a query "as at" a date runs against.

Only the organisations and relationships in force that day (``temporal.at``: people only while
they hold a role), each organisation under the name it had then; the events up to that day,
involving only organisations that existed then; every source and saved query as they are.
"""

from __future__ import annotations

import dataclasses
import hashlib

import networkx as nx

from graph.core.model import Dataset
from graph.core.temporal import DateLike, View, at, dataset_of


def view_key(view: View) -> str:
    """A short key naming what is in force (and under which names) in a view: two days with
    the same key hold the same graph, so they can share a store."""
    text = "\n".join([*(f"{i}\t{n}" for i, n in sorted(view.organisations.items())),
                      *sorted(view.relationships)])
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def dataset_as_at(graph: nx.MultiDiGraph, date: DateLike) -> Dataset:
    """The dataset of ``graph`` as it stood on ``date`` (see the module's docstring)."""
    dataset = dataset_of(graph)
    view = at(graph, date)
    organisations = {i: dataclasses.replace(dataset.organisations[i], name=name)
                     for i, name in view.organisations.items()}
    events = tuple(
        dataclasses.replace(e, organisations=tuple(o for o in e.organisations
                                                   if o in organisations))
        for e in dataset.events if e.date.start <= view.day)
    return dataclasses.replace(
        dataset, organisations=organisations,
        relationships=tuple(r for r in dataset.relationships if r.id in view.relationships),
        events=events,
        snapshots=tuple(s for s in dataset.snapshots if s.date.start <= view.day),
        ods_index={code: i for code, i in dataset.ods_index.items() if i in organisations},
        _dates=[])
