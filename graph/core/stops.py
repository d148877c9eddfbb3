"""The stops of the time slider: the page's (every day the story names, ``story_stops``)
and the offline HTML snapshot's (every month too, ``slider_stops``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from graph.core.dates import PartialDate, words
from graph.core.model import Dataset, Event, Snapshot


@dataclass(frozen=True)
class Stop:
    """One position of the time slider: a named snapshot, a month, a day on which something
    changed, or a day the page was asked for (an event's or a link's)."""

    day: dt.date
    label: str
    snapshot: Snapshot | None = None
    events: tuple[Event, ...] = ()  # the events on this day
    written: PartialDate | None = None  # the day as the data writes it ("2012", "March 2016")

    @property
    def key(self) -> str:
        return self.day.isoformat()

    @property
    def words(self) -> str:
        """The stop's date as the page heads it: a month-precision snapshot as 'April 2021', a
        day only events known to the year name as '2011'."""
        if self.snapshot:
            return words(self.snapshot.date)
        if self.events and all(e.date.precision != "day" for e in self.events):
            return words(min((e.date for e in self.events), key=lambda d: d.end))
        return words(self.written or self.day)

    @property
    def title(self) -> str:
        """What happens on this stop: the snapshot's title, else its events' titles."""
        if self.snapshot:
            return self.snapshot.title
        return "; ".join(e.title for e in self.events)


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


def story_stops(dataset: Dataset, extra: tuple[dt.date, ...] = (), *, today: dt.date,
                all_time: bool = False) -> tuple[Stop, ...]:
    """The page's slider: every day the data names (a change, a named snapshot, an event) from
    the story's start (its first snapshot or event; with ``all_time``, the first day the data
    names) to today (or a later day the data names), plus today and any ``extra`` days.

    Between two of these days nothing in the data changes, so every stop shows something new
    and the keyboard reaches the story in a few presses. A stop on an event's day is labelled
    with the event's title, a named snapshot's with its title.
    """
    days = dataset.dates()
    story = [s.date.start for s in dataset.snapshots] + [e.date.start for e in dataset.events]
    first = days[0] if all_time or not story else min(story)
    chosen = {d for d in days if d >= first} | {today} | set(extra)
    on_day: dict[dt.date, list[Event]] = {}
    for event in dataset.events:
        on_day.setdefault(event.date.start, []).append(event)
    named = {s.date.start: s for s in dataset.snapshots}
    written = _as_written(dataset)
    stops = []
    for day in sorted(chosen):
        stop = Stop(day, "", named.get(day), tuple(on_day.get(day, ())), written.get(day))
        label = f"{stop.words} · {stop.title}" if stop.title else stop.words
        stops.append(replace(stop, label=label + (" (today)" if day == today else "")))
    return tuple(stops)


def _as_written(dataset: Dataset) -> dict[dt.date, PartialDate]:
    """Each day the data's lifetimes, names and relationships name, at the finest precision
    any of them writes it (a day only ever written "2012" stays "2012")."""
    found: dict[dt.date, PartialDate] = {}
    for item in (*dataset.organisations.values(), *dataset.relationships,
                 *(f for o in dataset.organisations.values() for f in o.former_names)):
        for date in (item.valid_from, item.valid_to):
            if date is not None and (date.start not in found or date.end < found[date.start].end):
                found[date.start] = date
    return found


def year_ticks(stops: tuple[Stop, ...]) -> list[tuple[int, float]]:
    """(year, where 1 January falls on the slider from 0 to 1) for every year the stops span:
    the slider spaces its stops evenly, so a year's place lies between the stops around it."""
    if len(stops) < 2:
        return []
    ticks = []
    for year in range(stops[0].day.year + 1, stops[-1].day.year + 1):
        new_year = dt.date(year, 1, 1)
        after = next(i for i, s in enumerate(stops) if s.day >= new_year)
        before = stops[after - 1].day
        share = (new_year - before).days / (stops[after].day - before).days
        ticks.append((year, (after - 1 + share) / (len(stops) - 1)))
    return ticks


def year_step(stops: tuple[Stop, ...], day: dt.date, years: int) -> dt.date:
    """PageUp (``years`` 1) or PageDown (-1): the nearest stop at least a year later (or
    earlier) than ``day``, else the last (or first) stop."""
    try:
        target = day.replace(year=day.year + years)
    except ValueError:  # 29 February
        target = (day - dt.timedelta(days=1)).replace(year=day.year + years)
    if years > 0:
        return next((s.day for s in stops if s.day >= target), stops[-1].day)
    return next((s.day for s in reversed(stops) if s.day <= target), stops[0].day)
