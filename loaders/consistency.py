"""Warnings for what a careful reader finds by hand: the records are each valid, but together
they say something that cannot be right, or that a journalist cannot check.

- a claim whose only sources are mirrors (copies of someone else's text, format 1.2);
- a role left empty between two holders (the next one at the same body or its successor);
- two relationships of one type (and role) between one pair in force at once;
- two bodies with one name over overlapping periods;
- events or snapshots out of date order in the file;
- a field listed as unverified that the record does not give.

Each warning points at the line and column of the value concerned. Every rule groups the
records first, so a large file costs a sort, not a comparison of every pair.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from graph.core.dates import PartialDate
from graph.core.model import Dataset, Organisation, Relationship
from loaders.checker import Checker

_FOREVER = dt.date.max


@dataclass
class Paths:
    """Where each record was written: its path in the document, for the warnings' positions."""

    organisations: dict[str, tuple] = field(default_factory=dict)
    relationships: dict[str, tuple] = field(default_factory=dict)
    events: list[tuple[PartialDate, tuple]] = field(default_factory=list)  # in file order
    snapshots: list[tuple[PartialDate, tuple]] = field(default_factory=list)
    # path -> the sources a snapshot or event cites (organisations and relationships are in
    # the dataset itself)
    cited: list[tuple[tuple, str, tuple[str, ...]]] = field(default_factory=list)
    steps: list[tuple[object, tuple]] = field(default_factory=list)  # (StoryStep, path)


def check(c: Checker, dataset: Dataset, paths: Paths) -> None:
    """Add every consistency warning to ``c``."""
    _mirror_only(c, dataset, paths)
    _role_gaps(c, dataset, paths)
    _doubled(c, dataset, paths)
    _same_names(c, dataset, paths)
    for section, items in (("event", paths.events), ("snapshot", paths.snapshots)):
        _order(c, section, items)
    _unverified_not_given(c, dataset, paths)


# -- sources ----------------------------------------------------------------------------------

def _mirror_only(c: Checker, dataset: Dataset, paths: Paths) -> None:
    mirrors = {sid for sid, s in dataset.sources.items() if s.mirror}
    if not mirrors:
        return
    claims: list[tuple[tuple, str, tuple[str, ...]]] = [
        (paths.organisations[o.id], f"organisation '{o.id}'", o.sources)
        for o in dataset.organisations.values() if o.id in paths.organisations]
    claims += [(paths.relationships[r.id], f"relationship {r.source} {r.type} {r.target}",
                r.sources) for r in dataset.relationships if r.id in paths.relationships]
    claims += paths.cited
    for path, what, sources in claims:
        if sources and set(sources) <= mirrors:
            c.warn((*path, "sources"),
                   f"{what} rests only on mirror copies ({', '.join(dict.fromkeys(sources))})",
                   "cite the original or an official source beside or instead of the copy")


# -- roles ------------------------------------------------------------------------------------

_ACTING = re.compile(r"^(?:interim|acting|joint)\s+")


def role_key(role: str) -> str:
    """'Interim Chief Executive (Luton and Dunstable ...)' -> 'chief executive': an interim or
    acting holder fills the role, and a parenthesis only says where or how it was held."""
    text = re.sub(r"\([^)]*\)", " ", role.casefold())
    text = " ".join(text.split())
    while _ACTING.match(text):
        text = _ACTING.sub("", text, count=1)
    return text


def _span(rel: Relationship) -> tuple[dt.date, dt.date]:
    return (rel.valid_from.start if rel.valid_from else dt.date.min,
            rel.valid_to.start if rel.valid_to else _FOREVER)


def _role_gaps(c: Checker, dataset: Dataset, paths: Paths) -> None:
    lineage = {t for t, spec in dataset.relationship_types.items() if spec.lineage}
    successors: dict[str, list[str]] = defaultdict(list)
    holders: dict[tuple[str, str, str], list[Relationship]] = defaultdict(list)
    for rel in dataset.relationships:
        if rel.type in lineage:
            successors[rel.source].append(rel.target)
        elif rel.role:
            holders[(rel.type, rel.target, role_key(rel.role))].append(rel)
    for (rtype, org_id, role), held in holders.items():
        body = dataset.organisations[org_id]
        life_end = body.valid_to.start if body.valid_to else _FOREVER
        for rel in held:
            if rel.valid_to is None or rel.id not in paths.relationships:
                continue
            left = rel.valid_to.start
            if left >= life_end or any(_span(o)[0] <= left < _span(o)[1] for o in held):
                continue  # the body ended with the holder, or someone else holds it that day
            later = [o for o in held if _span(o)[0] > left]
            at = body
            if not later:  # the next holder may be at the body that took this one over
                for successor in successors.get(org_id, ()):
                    later += [o for o in holders.get((rtype, successor, role), ())
                              if _span(o)[0] > left]
                    at = dataset.organisations[successor]
            if not later:
                continue
            nxt = min(later, key=lambda o: _span(o)[0])
            until = min(_span(nxt)[0], life_end)
            where = f"'{org_id}'" + (f" (then its successor '{at.id}')" if at is not body else "")
            c.warn((*paths.relationships[rel.id], "valid_to"),
                   f"'{rel.role}' at {where} is held by nobody from {rel.valid_to} until "
                   f"{PartialDate.of(until)}, between '{rel.source}' and '{nxt.source}'",
                   "date the handover, add who held it in between, or explain the gap in "
                   "notes with a source and list the dates as unverified")


# -- relationships ----------------------------------------------------------------------------

def _doubled(c: Checker, dataset: Dataset, paths: Paths) -> None:
    lineage = {t for t, spec in dataset.relationship_types.items() if spec.lineage}
    groups: dict[tuple[str, str, str, str], list[Relationship]] = defaultdict(list)
    for rel in dataset.relationships:
        if rel.type not in lineage and rel.id in paths.relationships:
            groups[(rel.source, rel.type, rel.target, role_key(rel.role or ""))].append(rel)
    for (source, rtype, target, _), rels in groups.items():
        if len(rels) < 2:
            continue
        rels.sort(key=_span)
        reach, first = _span(rels[0])[1], rels[0]
        for rel in rels[1:]:
            start, end = _span(rel)
            if start < reach:
                line = c.doc.where(paths.relationships[first.id])[0]
                c.warn(paths.relationships[rel.id],
                       f"a second {rtype} from '{source}' to '{target}' is in force while the "
                       f"one on line {line} is",
                       "make them one relationship (say both in its basis), or end the first")
            if end > reach:
                reach, first = end, rel


# -- names ------------------------------------------------------------------------------------

def _name_spans(org: Organisation, path: tuple) -> Iterable[tuple[str, dt.date, dt.date, tuple]]:
    """Each name the organisation had, with its period and where it is written."""
    start = org.valid_from.start if org.valid_from else dt.date.min
    ordered = sorted(enumerate(org.former_names), key=lambda pair: pair[1].valid_to.start)
    for j, former in ordered:
        began = former.valid_from.start if former.valid_from else start
        yield former.name, began, former.valid_to.start, (*path, "former_names", j, "name")
        start = former.valid_to.start
    yield org.name, start, org.valid_to.start if org.valid_to else _FOREVER, (*path, "name")


def _same_names(c: Checker, dataset: Dataset, paths: Paths) -> None:
    named: dict[str, list[tuple[dt.date, dt.date, str, tuple]]] = defaultdict(list)
    for org in dataset.organisations.values():
        if dataset.kinds[org.kind].while_related:
            continue  # people: two people may well share a name; bodies may not
        if org.id in paths.organisations:
            for name, start, end, where in _name_spans(org, paths.organisations[org.id]):
                named[" ".join(name.casefold().split())].append((start, end, org.id, where))
    for spans in named.values():
        if len({org_id for _, _, org_id, _ in spans}) < 2:
            continue
        spans.sort()
        for i, (start, end, org_id, where) in enumerate(spans):
            for other_start, other_end, other, _ in spans[:i]:
                if other != org_id and other_start < end and start < other_end:
                    since = max(start, other_start)
                    when = (f"from {PartialDate.of(since)}" if since > dt.date.min
                            else "at the same time")
                    c.warn(where, f"'{org_id}' and '{other}' both have this name {when}",
                           "tell the two bodies apart in their names, or make them one "
                           "organisation")
                    break


# -- order and unverified fields ---------------------------------------------------------------

def _order(c: Checker, section: str, items: list[tuple[PartialDate, tuple]]) -> None:
    for (before, before_path), (date, path) in zip(items, items[1:], strict=False):
        if date.start < before.start:
            c.warn((*path, "date"),
                   f"{section} dated {date} comes after one dated {before} (line "
                   f"{c.doc.where(before_path)[0]})",
                   f"list the {section}s oldest first: move it up")


_GIVEN_ORG = {"name": "name", "kind": "kind", "valid_from": "valid_from",
              "valid_to": "valid_to", "former_names": "former_names", "ods_code": "ods_code",
              "url": "url", "notes": "notes", "sources": "sources"}
_GIVEN_REL = {"from": "source", "type": "type", "to": "target", "valid_from": "valid_from",
              "valid_to": "valid_to", "basis": "basis", "role": "role",
              "amount_gbp": "amount_gbp", "notes": "notes", "sources": "sources"}


def _unverified_not_given(c: Checker, dataset: Dataset, paths: Paths) -> None:
    records: list[tuple[object, tuple, dict[str, str]]] = [
        (o, paths.organisations[o.id], _GIVEN_ORG) for o in dataset.organisations.values()
        if o.unverified and o.id in paths.organisations]
    records += [(r, paths.relationships[r.id], _GIVEN_REL) for r in dataset.relationships
                if r.unverified and r.id in paths.relationships]
    for record, path, attributes in records:
        for j, name in enumerate(record.unverified):
            attribute = attributes.get(name)
            if attribute and getattr(record, attribute) in (None, (), ""):
                c.warn((*path, "unverified", j),
                       f"'{name}' is listed as unverified but is not given",
                       f"remove it from unverified, or give {name}")
