"""The validated dataset: plain, immutable records built by ``loaders.dataset``, and the one
lifetime rule every layer uses (``in_force``, ``lifetime_conflicts``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from graph.core.dates import PartialDate


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str | None = None
    published: PartialDate | None = None
    url: str | None = None
    file: str | None = None
    kind: str | None = None  # format 1.2: official | press | reference | mirror (None: not said)
    notes: str | None = None

    @property
    def mirror(self) -> bool:
        """A copy of someone else's text: not what a journalist can cite."""
        return self.kind == "mirror"

    @property
    def standing(self) -> str:
        """How a reader should take it, in words ("" when the file does not say)."""
        return SOURCE_KIND_WORDS.get(self.kind or "", "")


# What each source kind (format 1.2) is called wherever sources are listed.
SOURCE_KIND_WORDS = {"official": "official", "press": "press", "reference": "reference work",
                     "mirror": "mirror copy, not the original"}


@dataclass(frozen=True)
class Kind:
    id: str
    label: str
    tier: int = 0
    colour: str | None = None
    present: str = "always"  # or "while_related": exists only while a relationship is in force

    @property
    def while_related(self) -> bool:
        return self.present == "while_related"


@dataclass(frozen=True)
class RelationshipType:
    id: str
    label: str
    lineage: bool = False


@dataclass(frozen=True)
class FormerName:
    name: str
    valid_to: PartialDate
    valid_from: PartialDate | None = None


@dataclass(frozen=True)
class NamePeriod:
    """A stretch of an organisation's life under one name; ``name`` None where the data records
    no name (before a former name's own ``valid_from``, say)."""

    name: str | None
    valid_from: PartialDate | None
    valid_to: PartialDate | None
    later: str = ""  # for a period with no recorded name: the next name the data records


KNOWN_LATER = "known later as "


def in_force(valid_from: PartialDate | None, valid_to: PartialDate | None, day: dt.date) -> bool:
    """True when ``valid_from <= day < valid_to`` (open ends always hold; a partial date counts
    from its period's first day)."""
    return (valid_from is None or valid_from.start <= day) and (
        valid_to is None or day < valid_to.start
    )


def lifetime_conflicts(valid_from: PartialDate | None, valid_to: PartialDate | None,
                       life_from: PartialDate | None, life_to: PartialDate | None) -> list[str]:
    """How dates ``valid_from``/``valid_to`` fall outside a lifetime ``life_from``/``life_to``:
    any of "starts_before", "starts_after", "ends_after", "ends_before" (empty: they fit).

    A start known only to the month or year fits if any day of its period could be in the
    lifetime (``2013`` fits a body founded on 1 April 2013); an end is the first day no longer
    in force, so it may be the lifetime's end but not later.
    """
    found = []
    if valid_from and life_from and valid_from.end <= life_from.start:
        found.append("starts_before")
    if valid_from and life_to and valid_from.start >= life_to.start:
        found.append("starts_after")
    if valid_to and life_to and valid_to.start > life_to.start:
        found.append("ends_after")
    if valid_to and life_from and valid_to.start <= life_from.start:
        found.append("ends_before")
    return found


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    kind: str
    valid_from: PartialDate | None = None
    valid_to: PartialDate | None = None
    former_names: tuple[FormerName, ...] = ()
    ods_code: str | None = None
    url: str | None = None
    notes: str | None = None
    sources: tuple[str, ...] = ()
    unverified: tuple[str, ...] = ()

    @cached_property
    def name_periods(self) -> tuple[NamePeriod, ...]:
        """Its names over time, oldest first, as the data gives them. A former name with its own
        ``valid_from`` starts there, leaving the time before it with no recorded name (format 1:
        without ``valid_from`` a former name runs from the end of the one before)."""
        periods: list[NamePeriod] = []
        start = self.valid_from
        for former in sorted(self.former_names, key=lambda f: f.valid_to.start):
            began = former.valid_from or start
            if began is not None and (start is None or began.start > start.start):
                periods.append(NamePeriod(None, start, began, former.name))
            periods.append(NamePeriod(former.name, began, former.valid_to))
            start = former.valid_to
        periods.append(NamePeriod(self.name, start, self.valid_to))
        return tuple(periods)

    def name_period(self, day: dt.date) -> NamePeriod:
        """The name period ``day`` falls in (the first one before its life, the last after)."""
        for period in self.name_periods:
            if period.valid_to is None or day < period.valid_to.start:
                return period
        return self.name_periods[-1]

    def recorded_name_at(self, day: dt.date) -> str | None:
        """The name the data records for ``day``, or None where it records none."""
        return self.name_period(day).name

    def name_at(self, day: dt.date) -> str:
        """The name it had on ``day``; where the data records none, the next recorded name
        marked as later: "known later as Milton Keynes Hospital NHS Foundation Trust"."""
        period = self.name_period(day)
        return period.name if period.name is not None else KNOWN_LATER + period.later

    def exists_on(self, day: dt.date) -> bool:
        return in_force(self.valid_from, self.valid_to, day)


@dataclass(frozen=True)
class Relationship:
    id: str  # stable within a dataset: "from|TYPE|to|n"
    source: str  # the `from` organisation's id
    type: str
    target: str  # the `to` organisation's id
    valid_from: PartialDate | None = None
    valid_to: PartialDate | None = None
    basis: str | None = None
    role: str | None = None
    amount_gbp: float | None = None
    notes: str | None = None
    sources: tuple[str, ...] = ()
    unverified: tuple[str, ...] = ()

    def in_force_on(self, day: dt.date) -> bool:
        return in_force(self.valid_from, self.valid_to, day)


@dataclass(frozen=True)
class Snapshot:
    date: PartialDate
    title: str
    sources: tuple[str, ...] = ()
    notes: str | None = None


@dataclass(frozen=True)
class Event:
    date: PartialDate
    title: str
    organisations: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    notes: str | None = None
    # format 1.2: named facts the event states, e.g. (("rating", "Good"),), in the file's order
    attributes: tuple[tuple[str, str | int | float | bool], ...] = ()

    @property
    def attributes_text(self) -> str:
        """'rating: Good; beds: 400' (empty when it states none)."""
        return "; ".join(f"{name}: {value}" for name, value in self.attributes)


@dataclass(frozen=True)
class Area:
    name: str
    description: str | None = None
    id: str | None = None  # format 1.1: the dataset's identity in a shared store


@dataclass(frozen=True)
class SavedQuery:
    """A read-only Cypher query kept with an area's data, offered by the console and the CLI;
    ``params`` are the default values of its ``$parameters``."""

    id: str
    title: str
    cypher: str
    description: str | None = None
    params: dict[str, str | int | float | bool] = field(default_factory=dict)
    as_at: bool = False  # runs against the graph as it stood on a date the user gives


@dataclass(frozen=True)
class StoryStep:
    """One view of a story (format 1.3): a date, what to draw, and a sourced text."""

    title: str
    date: PartialDate
    text: str  # Markdown citing sources as [@id] (``graph.core.story``)
    compare_from: PartialDate | None = None  # None: the previous step's date
    focus: str | None = None
    depth: int = 1
    kinds: tuple[str, ...] | None = None
    types: tuple[str, ...] | None = None
    sources: tuple[str, ...] = ()  # the ids the text cites, in order of first citation


@dataclass(frozen=True)
class Story:
    """Dated views told in order, for a briefing (``python -m graph brief``, the page's Story
    mode)."""

    id: str
    title: str
    steps: tuple[StoryStep, ...]
    description: str | None = None


@dataclass(frozen=True)
class Dataset:
    """Everything one YAML file says, checked and cross-referenced."""

    area: Area
    sources: dict[str, Source]
    kinds: dict[str, Kind]
    relationship_types: dict[str, RelationshipType]
    organisations: dict[str, Organisation]
    relationships: tuple[Relationship, ...]
    snapshots: tuple[Snapshot, ...] = ()
    events: tuple[Event, ...] = ()
    queries: tuple[SavedQuery, ...] = ()
    stories: tuple[Story, ...] = ()
    content_hash: str = ""
    path: str = ""
    format: float = 1
    ods_index: dict[str, str] = field(default_factory=dict)  # ODS code -> organisation id
    _dates: list[dt.date] = field(default_factory=list, compare=False, repr=False)

    def resolve(self, id_or_code: str) -> str | None:
        """An organisation id from an id or an ODS code (case-insensitive code)."""
        if id_or_code in self.organisations:
            return id_or_code
        return self.ods_index.get(id_or_code.upper())

    def dates(self) -> list[dt.date]:
        """Every day the data names, sorted: lifetimes, names, relationships, snapshots,
        events. Worked out once (the page asks on every rerun); the dataset never changes."""
        if self._dates:
            return list(self._dates)
        days: set[dt.date] = set()
        for item in (*self.organisations.values(), *self.relationships,
                     *(f for o in self.organisations.values() for f in o.former_names)):
            days.update(d.start for d in (item.valid_from, item.valid_to) if d)
        days.update(s.date.start for s in self.snapshots)
        days.update(e.date.start for e in self.events)
        self._dates.extend(sorted(days))
        return list(self._dates)


def effective_span(rel: Relationship, dataset: Dataset) -> tuple[PartialDate | None,
                                                               PartialDate | None]:
    """When a relationship was really in force: its own dates clipped to the lifetimes of both
    its ends (the end exclusive, like ``valid_to``). A lineage relationship keeps its own dates:
    it is dated on the day its predecessor ends."""
    first, after = rel.valid_from, rel.valid_to
    if dataset.relationship_types[rel.type].lineage:
        return first, after
    for end in (dataset.organisations[rel.source], dataset.organisations[rel.target]):
        if end.valid_from and (first is None or end.valid_from.start > first.start):
            first = end.valid_from
        if end.valid_to and (after is None or end.valid_to.start < after.start):
            after = end.valid_to
    return first, after
