"""What rests on each source: the fact-checker's first question.

A claim is a record that cites sources: an organisation, a relationship, an event, a named
snapshot or a story's step (its text's citations). ``source_impact`` counts, per source, the claims citing it and those that rest on it
alone; ``withdrawal`` lists every claim citing one source and what would be left with no source
at all if it were withdrawn (exactly what validation would then warn about).

>>> [i.id for i in source_impact(dataset)][:1]          # doctest: +SKIP
['ods-successors']
>>> withdrawal(dataset, "seed-000").unsourced          # doctest: +SKIP
(Claim(kind='event', ...),)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from graph.core.dates import PartialDate, words
from graph.core.model import Dataset, Organisation, Relationship, effective_span

# The fields a claim of each kind asserts, in the order the format lists them.
_FIELDS = {
    "organisation": ("name", "kind", "valid_from", "valid_to", "former_names", "ods_code", "url"),
    "relationship": ("from", "type", "to", "valid_from", "valid_to", "basis", "role",
                     "amount_gbp"),
    "event": ("date", "title", "organisations"),
    "snapshot": ("date", "title"),
    "story step": ("title", "date", "text"),
}


@dataclass(frozen=True)
class Claim:
    """One record that cites sources, described in words, with the fields it asserts."""

    kind: str  # organisation | relationship | event | snapshot | story step
    id: str
    text: str
    fields: tuple[str, ...]  # the fields it states, less those marked unverified
    sources: tuple[str, ...]


@dataclass(frozen=True)
class SourceImpact:
    id: str
    title: str
    cited_by: int  # claims citing it
    alone: int  # claims citing nothing else


@dataclass(frozen=True)
class Withdrawal:
    source: str
    citing: tuple[Claim, ...]  # every claim citing the source
    unsourced: tuple[Claim, ...]  # those left with no source if it were withdrawn


def claims(dataset: Dataset) -> tuple[Claim, ...]:
    """Every record of the dataset that cites sources. Events are ``event-N`` in date order,
    as the stores number them; snapshots are named by their date; a story's steps are
    ``STORY/N`` (N from 1)."""
    found = [_organisation(o) for o in dataset.organisations.values()]
    found += [_relationship(r, dataset) for r in dataset.relationships]
    for number, event in enumerate(dataset.events, start=1):
        stated = [f for f in _FIELDS["event"] if f != "organisations" or event.organisations]
        found.append(Claim("event", f"event-{number}", f"{words(event.date)}: {event.title}",
                           tuple(stated), event.sources))
    for snapshot in dataset.snapshots:
        found.append(Claim("snapshot", snapshot.date.iso(),
                           f"{words(snapshot.date)}: {snapshot.title}", _FIELDS["snapshot"],
                           snapshot.sources))
    for story in dataset.stories:
        for number, step in enumerate(story.steps, start=1):
            found.append(Claim("story step", f"{story.id}/{number}",
                               f"“{story.title}”, step {number}: {step.title}",
                               _FIELDS["story step"], step.sources))
    return tuple(found)


def source_impact(dataset: Dataset) -> tuple[SourceImpact, ...]:
    """Each source with the claims citing it and those resting on it alone, most cited first."""
    cited: dict[str, int] = dict.fromkeys(dataset.sources, 0)
    alone: dict[str, int] = dict.fromkeys(dataset.sources, 0)
    for claim in claims(dataset):
        for source in set(claim.sources):
            cited[source] = cited.get(source, 0) + 1
        if len(set(claim.sources)) == 1:
            alone[claim.sources[0]] = alone.get(claim.sources[0], 0) + 1
    rows = [SourceImpact(sid, dataset.sources[sid].title if sid in dataset.sources else "",
                         cited[sid], alone.get(sid, 0)) for sid in cited]
    return tuple(sorted(rows, key=lambda r: (-r.alone, -r.cited_by, r.id)))


def withdrawal(dataset: Dataset, source_id: str) -> Withdrawal:
    """Every claim citing ``source_id``, and those that cite nothing else."""
    citing = tuple(c for c in claims(dataset) if source_id in c.sources)
    return Withdrawal(source_id, citing,
                      tuple(c for c in citing if set(c.sources) == {source_id}))


def _organisation(org: Organisation) -> Claim:
    present = {"name": True, "kind": True, "valid_from": org.valid_from,
               "valid_to": org.valid_to, "former_names": org.former_names,
               "ods_code": org.ods_code, "url": org.url}
    stated = tuple(f for f in _FIELDS["organisation"]
                   if present[f] and f not in org.unverified)
    return Claim("organisation", org.id, org.name, stated, org.sources)


def _relationship(rel: Relationship, dataset: Dataset) -> Claim:
    first, after = effective_span(rel, dataset)
    source, target = dataset.organisations[rel.source], dataset.organisations[rel.target]
    # names as they were when the relationship began (or, undated, as last known)
    day = first.start if first else None
    names = [o.name_at(day) if day else o.name for o in (source, target)]
    label = dataset.relationship_types[rel.type].label
    role = f" as {rel.role}" if rel.role else ""
    span = f"from {words(first)}" if first else "from an unknown start"
    if after:
        span += f" until {_last_period(after)}"
    if dataset.relationship_types[rel.type].lineage:  # dated on the take-over day
        span = f"on {words(first)}" if first else "on an unknown day"
    present = {"from": True, "type": True, "to": True, "valid_from": rel.valid_from,
               "valid_to": rel.valid_to, "basis": rel.basis, "role": rel.role,
               "amount_gbp": rel.amount_gbp is not None}
    stated = tuple(f for f in _FIELDS["relationship"]
                   if present[f] and f not in rel.unverified)
    joiner = " " if span.startswith("on ") else ", "
    return Claim("relationship", rel.id, f"{names[0]} {label} {names[1]}{role}{joiner}{span}",
                 stated, rel.sources)


def _last_period(end: PartialDate) -> str:
    """An exclusive end as the last day (month, year) in force: 2021-04-01 -> '31 March 2021',
    2015-04 -> 'March 2015', 2016 -> '2015'."""
    if end.day:
        return words(end.start - dt.timedelta(days=1))
    if end.month:
        return words(PartialDate(end.year - (end.month == 1), (end.month - 2) % 12 + 1))
    return words(PartialDate(end.year - 1))
