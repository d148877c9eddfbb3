"""The stops of the time slider, shared by the page and the offline HTML snapshot."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from graph.core.dates import words
from graph.core.model import Dataset, Snapshot


@dataclass(frozen=True)
class Stop:
    """One position of the time slider: a named snapshot, a month, a day on which something
    changed, or a day the page was asked for (an event's or a link's)."""

    day: dt.date
    label: str
    snapshot: Snapshot | None = None

    @property
    def key(self) -> str:
        return self.day.isoformat()

    @property
    def words(self) -> str:
        """The stop's date as the page heads it: a month-precision snapshot as 'April 2021'."""
        return words(self.snapshot.date if self.snapshot else self.day)


def slider_stops(dataset: Dataset, extra: tuple[dt.date, ...] = ()) -> tuple[Stop, ...]:
    """The named snapshots, every day the data names a change, every event's day, any
    ``extra`` days, and the first of every month from the story's start (the first snapshot or
    event) to the last date the data names: oldest first, one stop per day.

    Monthly stops start with the story rather than with the oldest date (a hospital founded in
    1992), so the slider is not mostly empty decades; those older days are still stops.
    """
    days = dataset.dates()
    stops: dict[dt.date, Stop] = {}
    if days:
        story = [s.date.start for s in dataset.snapshots] + [e.date.start for e in dataset.events]
        first, last = min(story) if story else days[0], days[-1]
        year, month = first.year, first.month
        while dt.date(year, month, 1) <= last:
            day = dt.date(year, month, 1)
            stops[day] = Stop(day, words(day))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    for day in (*days, *extra):
        stops.setdefault(day, Stop(day, words(day)))
    for snapshot in dataset.snapshots:  # a named stop wins over a plain month
        day = snapshot.date.start
        stops[day] = Stop(day, f"{words(snapshot.date)} · {snapshot.title}", snapshot)
    return tuple(stops[day] for day in sorted(stops))


def previous_snapshot(stops: tuple[Stop, ...], day: dt.date) -> Stop | None:
    """The latest named stop strictly before ``day``."""
    earlier = [s for s in stops if s.snapshot is not None and s.day < day]
    return earlier[-1] if earlier else None
