"""The event timeline beside the graph."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from graph.core import temporal
from graph.core.dates import words
from graph.core.model import Dataset


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
        stated = f" ({event.attributes_text})" if event.attributes else ""
        rows.append(EventRow(event.date.start, words(event.date), event.title + stated,
                             ", ".join(involved)))
    return tuple(rows)
