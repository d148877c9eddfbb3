"""The description of change (``graph.core.describe.changes``) against a plain reference: the
fast way keeps the lines that do not depend on the dates compared and sorts them by a
precomputed key; the reference below works every line out again from the records, as the
first version did. They must give the same items, in the same order, on any two dates."""

from __future__ import annotations

import datetime as dt
import pickle
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bench.make_area import make_area
from graph.core import temporal
from graph.core.dates import PartialDate, span, until
from graph.core.describe import SECTIONS, Change, Changes, changes, diff_text
from graph.core.model import (
    Area,
    Dataset,
    FormerName,
    Kind,
    Organisation,
    Relationship,
    RelationshipType,
    effective_span,
)
from graph.core.stops import slider_stops
from loaders.dataset import load

ONE_DAY = dt.timedelta(days=1)
START = dt.date(2010, 1, 1)


# -- the reference: every line worked out from the records, nothing kept ----------------------

def reference(graph, a: dt.date, b: dt.date) -> Changes:
    first, second = min(a, b), max(a, b)
    dataset = temporal.dataset_of(graph)
    orgs, types = dataset.organisations, dataset.relationship_types
    change = temporal.diff(graph, first, second)
    items = [_org_began(graph, orgs[i], first, second) for i in change.added]
    items += [_org_ended(graph, orgs[i], first, second) for i in change.removed]
    items += [_renamed(orgs[i], first, second) for i in change.renamed]
    items += [_lineage(dataset, temporal.relationship(graph, i)) for i in change.lineage]
    items += [_relationship(dataset, rel, True) for i in change.relationships_added
              if not types[(rel := temporal.relationship(graph, i)).type].lineage]
    items += [_relationship(dataset, temporal.relationship(graph, i), False)
              for i in change.relationships_removed]
    order = list(SECTIONS)
    items.sort(key=lambda c: (order.index(c.section), c.day.start, c.text))
    return Changes(first, second, a > b, tuple(items))


def _as_written(day: dt.date, dates: list[PartialDate | None]) -> PartialDate:
    return next((d for d in dates if d is not None and d.start == day), PartialDate.of(day))


def _presence(graph, org: Organisation):
    dataset = temporal.dataset_of(graph)
    if not dataset.kinds[org.kind].while_related:
        return org.exists_on, [org.valid_from, org.valid_to]
    rels = [r for _, _, r in (*graph.out_edges(org.id, data="relationship"),
                              *graph.in_edges(org.id, data="relationship"))]
    ends = [(r, dataset.organisations[r.source], dataset.organisations[r.target]) for r in rels]
    dates = [org.valid_from, org.valid_to, *(d for r, s, t in ends for d in (
        r.valid_from, r.valid_to, s.valid_from, s.valid_to, t.valid_from, t.valid_to))]
    return (lambda day: org.exists_on(day) and any(
        r.in_force_on(day) and s.exists_on(day) and t.exists_on(day) for r, s, t in ends)), dates


def _between(dates: list[PartialDate | None], a: dt.date, b: dt.date) -> list[dt.date]:
    return sorted({d.start for d in dates if d is not None and a < d.start <= b})


def _since(dates, holds, a: dt.date, b: dt.date) -> dt.date:
    return next((d for d in reversed(_between(dates, a, b)) if not holds(d - ONE_DAY)), b)


def _org_began(graph, org: Organisation, a: dt.date, b: dt.date) -> Change:
    present, dates = _presence(graph, org)
    day = _as_written(_since(dates, present, a, b), dates)
    name, when = org.name_at(day.start), f"from {day.words()}"
    return Change("began", org.id, f"+ began: {name} ({when})", day, name, when, org.sources,
                  name)


def _org_ended(graph, org: Organisation, a: dt.date, b: dt.date) -> Change:
    present, dates = _presence(graph, org)
    day = _as_written(next((d for d in _between(dates, a, b) if not present(d)), b), dates)
    name, when = org.name_at(day.start - ONE_DAY), until(day)
    return Change("ended", org.id, f"− ended: {name} ({when})", day, name, when, org.sources,
                  name)


def _renamed(org: Organisation, a: dt.date, b: dt.date) -> Change:
    new = org.name_at(b)
    dates = [d for p in org.name_periods for d in (p.valid_from, p.valid_to)]
    when = _as_written(_since(dates, lambda day: org.name_at(day) == new, a, b), dates)
    former = org.recorded_name_at(a)
    words_when = f"from {when.words()}"
    if former is None:
        recorded = org.name_period(a).later
        named = new if recorded == new else f"{recorded}, then renamed {new}"
        what = f"{named} first recorded"
        text = f"✎ name first recorded: {named} ({words_when}; no earlier name recorded)"
    else:
        what, text = f"{former} became {new}", f"✎ renamed: {former} → {new} ({words_when})"
    return Change("renamed", org.id, text, when, what, words_when, org.sources, new, former)


def _lineage(dataset: Dataset, rel: Relationship) -> Change:
    day = rel.valid_from
    before = dataset.organisations[rel.source].name_at(day.start - ONE_DAY)
    after = dataset.organisations[rel.target].name_at(day.start)
    what = f"{before} {dataset.relationship_types[rel.type].label} {after}"
    return Change("lineage", rel.id, f"→ {what} (on {day.words()})", day, what,
                  f"on {day.words()}", rel.sources, effective_from=day)


def _relationship(dataset: Dataset, rel: Relationship, began: bool) -> Change:
    orgs = dataset.organisations
    first, after = effective_span(rel, dataset)
    ceased = ()
    if after is not None and (rel.valid_to is None or rel.valid_to.start > after.start):
        ceased = tuple(i for i in dict.fromkeys((rel.source, rel.target))
                       if orgs[i].valid_to is not None and orgs[i].valid_to.start == after.start)
    day = first if began else after
    on = day.start if began else day.start - ONE_DAY
    source, target = orgs[rel.source].name_at(on), orgs[rel.target].name_at(on)
    ceased_names = tuple(orgs[i].name_at(after.start - ONE_DAY) for i in ceased)
    when = span(first, after, "at every date in the data")
    if ceased:
        when += ", the last day of " + " and of ".join(ceased_names)
    role = f" as {rel.role}" if rel.role else ""
    what = f"{source} {dataset.relationship_types[rel.type].label} {target}{role}"
    return Change("relationship began" if began else "relationship ended", rel.id,
                  f"{'+' if began else '−'} {what} ({when})", day, what, when, rel.sources,
                  effective_from=first, effective_to=after, ceased=ceased,
                  ceased_names=ceased_names)


# -- small random areas -----------------------------------------------------------------------

@st.composite
def partial_dates(draw: st.DrawFn) -> PartialDate:
    day = START + dt.timedelta(days=draw(st.integers(0, 15 * 365)))
    precision = draw(st.sampled_from(["day", "month", "year"]))
    return PartialDate(day.year, day.month if precision != "year" else None,
                       day.day if precision == "day" else None)


# names that sort apart only past ASCII, or alike (lines alike keep the diff's order)
NAMES = ["Org A", "Org B", "Örg C", "Org — D", "org a", "Org A", "Ärzte", "Zed"]


@st.composite
def datasets(draw: st.DrawFn) -> Dataset:
    organisations = {}
    for i in range(draw(st.integers(1, 12))):
        bounds = sorted({draw(partial_dates()) for _ in range(2)}, key=lambda d: d.start)
        valid_from = bounds[0] if draw(st.booleans()) else None
        valid_to = bounds[-1] if len(bounds) == 2 and draw(st.booleans()) else None
        former = ()
        if valid_to is None and draw(st.booleans()):  # a former name, maybe with its own start
            named = sorted({draw(partial_dates()) for _ in range(2)}, key=lambda d: d.start)
            since = named[0] if named[0].start < named[-1].start and draw(st.booleans()) else None
            former = (FormerName(draw(st.sampled_from(NAMES)) + " old", named[-1], since),)
        kind = draw(st.sampled_from(["K", "K", "P"]))  # P: present only while related
        organisations[f"o{i}"] = Organisation(
            f"o{i}", draw(st.sampled_from(NAMES)), kind, valid_from, valid_to, former,
            sources=(f"s{i}",))
    ids = list(organisations)
    relationships = []
    for n in range(draw(st.integers(0, 20))):
        a, b = draw(st.sampled_from(ids)), draw(st.sampled_from(ids))
        dates = sorted({draw(partial_dates()) for _ in range(2)}, key=lambda d: d.start)
        valid_from = dates[0] if draw(st.booleans()) else None
        valid_to = dates[-1] if len(dates) == 2 and draw(st.booleans()) else None
        kind = draw(st.sampled_from(["R", "R", "M"]))  # M: a merger (lineage)
        if kind == "M" and (end := organisations[a].valid_to) and draw(st.booleans()):
            valid_from = end  # as the loader requires: dated on the predecessor's end
        role = draw(st.sampled_from([None, None, "chair"]))
        for copy in range(draw(st.sampled_from([1, 1, 2]))):  # twins: the same line twice
            relationships.append(Relationship(f"{a}|{kind}|{b}|{n}.{copy}", a, kind, b,
                                              valid_from, valid_to, role=role,
                                              sources=(f"r{n}.{copy}",)))
    return Dataset(Area("generated"), {},
                   {"K": Kind("K", "K"), "P": Kind("P", "P", present="while_related")},
                   {"R": RelationshipType("R", "works with"),
                    "M": RelationshipType("M", "merged into", lineage=True)},
                   organisations, tuple(relationships))


days = st.integers(0, 16 * 365).map(lambda n: START + dt.timedelta(days=n))


@settings(max_examples=300, deadline=None)
@given(datasets(), st.lists(st.tuples(days, days), min_size=1, max_size=6))
def test_the_description_is_the_references_on_any_two_dates(
        dataset: Dataset, pairs: list[tuple[dt.date, dt.date]]) -> None:
    """On one graph, asked several pairs in turn (the lines kept from earlier pairs reused),
    and each pair also given later day first."""
    graph = temporal.build_graph(dataset)
    for a, b in pairs:
        assert outcome(changes, graph, a, b) == outcome(reference, graph, a, b)
        assert outcome(changes, graph, b, a) == outcome(reference, graph, b, a)


def outcome(describe, graph, a: dt.date, b: dt.date) -> Changes | str:
    """The description, or the error both ways meet on a lineage relationship the loader
    would refuse (not dated on its predecessor's end) that ends while in force: the line has
    no day to be dated on."""
    try:
        return describe(graph, a, b)
    except AttributeError as error:
        assert "'NoneType' object has no attribute 'start'" in str(error)
        return "no day"


def test_a_synthetic_area_is_described_as_the_reference_describes_it(tmp_path: Path) -> None:
    (file := tmp_path / "area.yaml").write_text(make_area(400, seed=3), encoding="utf-8")
    graph = temporal.build_graph(load(file))
    stops = [s.day for s in slider_stops(temporal.dataset_of(graph))]
    picked = stops[:: max(1, len(stops) // 8)]
    for a in picked:
        for b in picked[::2]:
            found, expected = changes(graph, a, b), reference(graph, a, b)
            assert found == expected
    assert len(changes(graph, picked[0], picked[-1]).items) > 100  # a real test


def test_sessions_asking_at_once_get_the_references_lines(tmp_path: Path) -> None:
    """The page's sessions are threads sharing one graph: lines made, kept and numbered by
    one while another reads them, answers kept and dropped (the last 16) by each."""
    (file := tmp_path / "area.yaml").write_text(make_area(120, seed=4), encoding="utf-8")
    graph = temporal.build_graph(load(file))
    stops = [s.day for s in slider_stops(temporal.dataset_of(graph))]
    pairs = [(a, b) for a in stops[::len(stops) // 10] for b in stops[3::len(stops) // 8]]
    expected = {pair: reference(graph, *pair) for pair in pairs}

    def ask(turn: int) -> bool:  # each its own way round the pairs, four times
        mine = pairs[turn * 7:] + pairs[:turn * 7]
        return all(changes(graph, *pair) == expected[pair] for pair in (mine + mine[::-1]) * 2)

    switching = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads taking turns as often as they can
    try:
        with ThreadPoolExecutor(4) as pool:
            assert all(pool.map(ask, range(4)))
    finally:
        sys.setswitchinterval(switching)
    # and the graph with its kept lines pickles (the warm cache) and answers the same
    again = pickle.loads(pickle.dumps(graph))
    again.graph.pop("described", None)
    assert changes(again, *pairs[0]) == expected[pairs[0]]


def test_the_bundled_area_is_described_as_the_reference_describes_it() -> None:
    """Its people are present only while related; its names change on the way."""
    graph = temporal.build_graph(load(Path(__file__).parent.parent / "data" / "orgs.yaml"))
    stops = [s.day for s in slider_stops(temporal.dataset_of(graph))]
    for a, b in zip(stops, stops[3:], strict=False):
        assert changes(graph, a, b) == reference(graph, a, b)
    assert diff_text(graph, stops[0], stops[-1])[1:] == _text(reference(graph, stops[0],
                                                                         stops[-1]))


def _text(found: Changes) -> list[str]:
    lines = []
    for section, title in SECTIONS.items():
        items = found.section(section)
        lines.append(f"{title} ({len(items)})")
        lines += [f"  {c.text} [sources: {', '.join(c.sources) or 'none'}]" for c in items]
        lines += [] if items else ["  (none)"]
    return lines

