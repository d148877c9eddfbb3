"""The lines of a description of change (``graph.core.describe``): how each is made, dated
and named, and the ones that read the same whichever two days are compared, kept per graph.

``items(graph, a, b)`` gives a description's lines in order: by section (in the order of
``describe.SECTIONS``), each section by day, then text. ``graph.core.describe`` wraps them in
``Changes`` (kept per pair of days) and renders them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from operator import itemgetter

import networkx as nx

from graph.core import temporal
from graph.core.dates import PartialDate, span, until
from graph.core.model import Dataset, Organisation, Relationship, effective_span

_ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Change:
    """One line of a description of change."""

    section: str  # a key of ``describe.SECTIONS``
    id: str  # the organisation's or relationship's id
    text: str  # the line as read, e.g. "− ended: North CCG (until 31 March 2021)"
    day: PartialDate  # what the line is about: a first day, an exclusive end, a rename, a merger
    what: str  # the line's words without marker and dates: "North CCG merged into ..."
    when: str  # its dates: "on 1 April 2021", "from 1 April 2013 until 31 March 2021, ..."
    sources: tuple[str, ...] = ()
    name: str = ""  # an organisation's name as on ``day`` (renamed: the new name)
    former: str | None = None  # renamed: the name before (None: not recorded)
    effective_from: PartialDate | None = None  # relationships: when really in force,
    effective_to: PartialDate | None = None  # clipped to their ends' lifetimes (end exclusive)
    ceased: tuple[str, ...] = ()  # ended early: the organisations whose end ended it
    ceased_names: tuple[str, ...] = ()


def items(graph: nx.MultiDiGraph, first: dt.date, second: dt.date) -> tuple[Change, ...]:
    """The lines of the description from ``first`` to ``second`` (the earlier day first), in
    order."""
    lines = _Lines.of(graph)
    change = temporal.diff(graph, first, second)
    renamed = sorted((_entry(_renamed(temporal.organisation(graph, org_id), first, second))
                      for org_id in change.renamed), key=_KEY)
    # the sections in the order of describe.SECTIONS, each sorted by day, then text
    return (*lines.organisations(graph, change.added, True, first, second),
            *lines.organisations(graph, change.removed, False, first, second),
            *map(_CHANGE, renamed),
            *lines.mergers.sorted(change.lineage),
            *lines.began.sorted(change.relationships_added),
            *lines.ended.sorted(change.relationships_removed))


# A line kept with what it is sorted by within its section: its day (ISO, of fixed width),
# then its text, as UTF-8 read as Latin-1: one byte a character, so it sorts as the pair
# (day, text) would (UTF-8's byte order is the order of code points), and compares faster.
_Entry = tuple[str, Change]
_KEY, _CHANGE = itemgetter(0), itemgetter(1)


def _entry(change: Change) -> _Entry:
    key = change.day.start.isoformat() + change.text
    return key.encode("utf-8", "surrogatepass").decode("latin-1"), change


class _Kept:
    """One section's lines that read the same whichever two days are compared: made the first
    time a description needs them, then kept. Once lines are asked for again, every line kept
    is numbered in the section's order, so a description whose lines are all numbered sorts
    numbers, not texts."""

    def __init__(self, make: Callable[[str], Change | None]):
        self.make = make  # None: an id never listed in this section
        self.lines: dict[str, _Entry] = {}
        self.unlisted: set[str] = set()
        # the lines kept when last numbered: id -> place, the lines in that order, and the
        # ids of lines alike (the same day and text), which keep the order they are asked in;
        # replaced whole, so a thread reads one numbering
        self.numbered: tuple[dict[str, int], list[Change], frozenset[str]] = ({}, [], frozenset())

    def sorted(self, ids: Collection[str]) -> list[Change]:
        """The lines of ``ids`` in the section's order (a stable sort: lines alike keep the
        order of ``ids``)."""
        if self.unlisted and not self.unlisted.isdisjoint(ids):
            ids = [i for i in ids if i not in self.unlisted]
        place, in_order, alike = self.numbered
        places = list(map(place.get, ids))
        if None not in places and alike.isdisjoint(ids):
            places.sort()
            return list(map(in_order.__getitem__, places))
        found = list(map(self.lines.get, ids))  # (a set gives its items in one order)
        made = None in found
        if made:
            found = [entry or self.entry(i) for i, entry in zip(ids, found, strict=True)]
            if None in found:
                found = [entry for entry in found if entry is not None]
        found.sort(key=_KEY)
        if not made and None in places:  # asked again for lines kept: worth numbering
            self._number()
        return list(map(_CHANGE, found))

    def entry(self, line_id: str) -> _Entry | None:
        """The line of ``line_id`` with its key, made now if not kept yet."""
        if (kept := self.lines.get(line_id)) is not None:
            return kept
        change = self.make(line_id)
        if change is None:
            self.unlisted.add(line_id)
            return None
        entry = self.lines[line_id] = _entry(change)
        return entry

    def _number(self) -> None:
        ordered = sorted(list(self.lines.items()), key=lambda line: line[1][0])
        alike: set[str] = set()
        for (before, (key_before, _)), (line_id, (key, _)) in zip(ordered, ordered[1:],
                                                                   strict=False):
            if key == key_before:
                alike.update((before, line_id))
        self.numbered = ({line_id: n for n, (line_id, _) in enumerate(ordered)},
                         [change for _, (_, change) in ordered], frozenset(alike))


class _Lines:
    """The lines that read the same whichever two days are compared, kept per graph and shared
    by every description: a relationship that began or ended (named as on its own first or
    last day), a merger or succession, and an organisation of a kind with a lifetime of its
    own that began or ended (on its ``valid_from`` or ``valid_to``). Only renames and
    organisations present while related depend on the two days (``items`` works those out
    each time).

    Most of a description at national scale is relationships (30,000 lines between two
    distant days at 10,000 organisations), so keeping their lines is what makes a new pair of
    days cost little more than ``temporal.diff``."""

    def __init__(self, graph: nx.MultiDiGraph):
        self.dataset = dataset = temporal.dataset_of(graph)
        self.rels = graph.graph["relationships"]  # id -> Relationship
        self.lineage = frozenset(t for t, rt in dataset.relationship_types.items() if rt.lineage)
        self.related_kinds = frozenset(k for k, kind in dataset.kinds.items()
                                       if kind.while_related)
        self.began, self.ended = _Kept(self._rel_began), _Kept(self._rel_ended)
        self.mergers = _Kept(self._merger)
        self.org_began, self.org_ended = _Kept(self._org_began), _Kept(self._org_ended)

    def _rel_began(self, rel_id: str) -> Change | None:
        rel = self.rels[rel_id]  # a lineage one is listed as a merger, never as begun
        return None if rel.type in self.lineage else _relationship(self.dataset, rel, True)

    def _rel_ended(self, rel_id: str) -> Change:
        return _relationship(self.dataset, self.rels[rel_id], began=False)

    def _merger(self, rel_id: str) -> Change:
        return _lineage(self.dataset, self.rels[rel_id])

    def _org_began(self, org_id: str) -> Change:  # its own lifetime: from its valid_from
        org = self.dataset.organisations[org_id]
        return _began(org, org.valid_from)

    def _org_ended(self, org_id: str) -> Change:  # until its valid_to
        org = self.dataset.organisations[org_id]
        return _ended(org, org.valid_to)

    @staticmethod
    def of(graph: nx.MultiDiGraph) -> _Lines:
        found = graph.graph.get("described_lines")
        if found is None:  # two threads may both make one: they are the same, one is kept
            found = graph.graph.setdefault("described_lines", _Lines(graph))
        return found

    def organisations(self, graph: nx.MultiDiGraph, ids: Iterable[str], began: bool,
                      a: dt.date, b: dt.date) -> list[Change]:
        """Those of a kind present only while related are dated by their relationships, so
        worked out each time and sorted in."""
        ids, orgs = tuple(ids), self.dataset.organisations
        kept = self.org_began if began else self.org_ended
        if not self.related_kinds or not any(orgs[i].kind in self.related_kinds for i in ids):
            return kept.sorted(ids)
        dated = _organisation_began if began else _organisation_ended
        entries = [_entry(dated(graph, i, a, b)) if orgs[i].kind in self.related_kinds
                   else kept.entry(i) for i in ids]
        entries.sort(key=_KEY)
        return list(map(_CHANGE, entries))



def _since(days: list[dt.date], holds: Callable[[dt.date], bool], b: dt.date) -> dt.date:
    """The first day of the run of days up to ``b`` on which ``holds`` is true (true on ``b``,
    false before the first of ``days``; it changes only on ``days``)."""
    for day in reversed(days):
        if not holds(day - _ONE_DAY):
            return day
    return b


def _until(days: list[dt.date], holds: Callable[[dt.date], bool], b: dt.date) -> dt.date:
    """The first of ``days`` on which ``holds`` (true on the earlier day) is false."""
    return next((day for day in days if not holds(day)), b)


def _as_written(day: dt.date, candidates: Iterable[PartialDate | None]) -> PartialDate:
    """``day`` at the precision the data wrote it ("April 2015", not "1 April 2015")."""
    return next((c for c in candidates if c is not None and c.start == day), PartialDate.of(day))


def _presence(graph: nx.MultiDiGraph, org: Organisation) -> tuple[
        Callable[[dt.date], bool], list[PartialDate | None]]:
    """Whether an organisation exists on a day, worked out from its records as ``at`` does
    (its lifetime; for a kind present only while related, also a relationship in force with
    both ends alive), and the dates on which that can change."""
    dataset = temporal.dataset_of(graph)
    if not dataset.kinds[org.kind].while_related:
        return org.exists_on, [org.valid_from, org.valid_to]
    rels = [rel for _, _, rel in (*graph.out_edges(org.id, data="relationship"),
                                  *graph.in_edges(org.id, data="relationship"))]
    ends = [(rel, dataset.organisations[rel.source], dataset.organisations[rel.target])
            for rel in rels]
    dates = [org.valid_from, org.valid_to, *(d for rel, source, target in ends
                                             for d in (rel.valid_from, rel.valid_to,
                                                       source.valid_from, source.valid_to,
                                                       target.valid_from, target.valid_to))]
    return (lambda day: org.exists_on(day) and any(
        rel.in_force_on(day) and source.exists_on(day) and target.exists_on(day)
        for rel, source, target in ends)), dates


def _days(dates: list[PartialDate | None], a: dt.date, b: dt.date) -> list[dt.date]:
    return sorted({d.start for d in dates if d is not None and a < d.start <= b})


def _name_at(org: Organisation, day: dt.date) -> str:
    """``org.name_at(day)``, at once for the many organisations never renamed."""
    return org.name_at(day) if org.former_names else org.name


def _organisation_began(graph: nx.MultiDiGraph, org_id: str, a: dt.date, b: dt.date) -> Change:
    org = temporal.organisation(graph, org_id)
    present, dates = _presence(graph, org)
    return _began(org, _as_written(_since(_days(dates, a, b), present, b), dates))


def _began(org: Organisation, first: PartialDate) -> Change:
    name, when = _name_at(org, first.start), f"from {first.words()}"
    return Change("began", org.id, f"+ began: {name} ({when})", first, name, when, org.sources,
                  name)


def _organisation_ended(graph: nx.MultiDiGraph, org_id: str, a: dt.date, b: dt.date) -> Change:
    org = temporal.organisation(graph, org_id)
    present, dates = _presence(graph, org)
    return _ended(org, _as_written(_until(_days(dates, a, b), present, b), dates))


def _ended(org: Organisation, end: PartialDate) -> Change:
    name, when = _name_at(org, end.start - _ONE_DAY), until(end)
    return Change("ended", org.id, f"− ended: {name} ({when})", end, name, when, org.sources,
                  name)


def _renamed(org: Organisation, a: dt.date, b: dt.date) -> Change:
    """The name on ``b`` and the day it took effect (the first day, after ``a``, of the run of
    days with that name)."""
    new = org.name_at(b)
    dates = [d for p in org.name_periods for d in (p.valid_from, p.valid_to)]
    began = _since(_days(dates, a, b), lambda day: org.name_at(day) == new, b)
    when = _as_written(began, dates)
    former = org.recorded_name_at(a)
    if former is None:  # on ``a`` the data records no name
        recorded = org.name_period(a).later
        named = new if recorded == new else f"{recorded}, then renamed {new}"
        what, words_when = f"{named} first recorded", f"from {when.words()}"
        text = f"✎ name first recorded: {named} ({words_when}; no earlier name recorded)"
    else:
        what, words_when = f"{former} became {new}", f"from {when.words()}"
        text = f"✎ renamed: {former} → {new} ({words_when})"
    return Change("renamed", org.id, text, when, what, words_when, org.sources, new, former)


def _lineage(dataset: Dataset, rel: Relationship) -> Change:
    """A merger or succession: the predecessor named as on its last day, the successor as on
    the take-over day."""
    day = rel.valid_from
    before = _name_at(dataset.organisations[rel.source], day.start - _ONE_DAY)
    after = _name_at(dataset.organisations[rel.target], day.start)
    what = f"{before} {dataset.relationship_types[rel.type].label} {after}"
    return Change("lineage", rel.id, f"→ {what} (on {day.words()})", day, what,
                  f"on {day.words()}", rel.sources, effective_from=day)


def _relationship(dataset: Dataset, rel: Relationship, began: bool) -> Change:
    """A relationship that began (named as on its first day) or ended (named as on its last
    day, with why when it ended before its own ``valid_to``: one of its ends ceased)."""
    first, after = effective_span(rel, dataset)
    ceased = _ceased(dataset, rel, after)
    day = first if began else after
    on = day.start if began else day.start - _ONE_DAY
    organisations = dataset.organisations
    source, target = _name_at(organisations[rel.source], on), _name_at(organisations[rel.target], on)
    ceased_names = tuple(_name_at(organisations[i], after.start - _ONE_DAY) for i in ceased)
    when = span(first, after, "at every date in the data")
    if ceased:
        when += ", the last day of " + " and of ".join(ceased_names)
    role = f" as {rel.role}" if rel.role else ""
    what = f"{source} {dataset.relationship_types[rel.type].label} {target}{role}"
    return Change("relationship began" if began else "relationship ended", rel.id,
                  f"{'+' if began else '−'} {what} ({when})", day, what, when, rel.sources,
                  effective_from=first, effective_to=after, ceased=ceased,
                  ceased_names=ceased_names)


def _ceased(dataset: Dataset, rel: Relationship, after: PartialDate | None) -> tuple[str, ...]:
    """The ends whose end ended a relationship before its own ``valid_to`` (or open end)."""
    if after is None or (rel.valid_to is not None and rel.valid_to.start <= after.start):
        return ()
    ends = dict.fromkeys((rel.source, rel.target))
    return tuple(i for i in ends if (end := dataset.organisations[i].valid_to) is not None
                 and end.start == after.start)
