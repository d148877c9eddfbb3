"""The time functions on small hand-made graphs, with exact expected sets, and their invariants."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from graph.core.dates import PartialDate
from graph.core.describe import changes
from graph.core.model import (
    Area,
    Dataset,
    FormerName,
    Kind,
    Organisation,
    Relationship,
    RelationshipType,
)
from graph.core.temporal import (
    apply_diff,
    at,
    at_by_scan,
    build_graph,
    diff,
    lineage,
    neighbourhood,
    timeline,
)
from loaders.dataset import load

MINI = Path(__file__).parent / "data" / "mini.yaml"
GRAPH = build_graph(load(MINI))


def test_at_gives_the_organisations_in_force_under_their_names_that_day() -> None:
    view = at(GRAPH, "2014-06-01")
    assert view.organisations == {
        "reg-old": "Old Regulator", "ccg-north": "North CCG", "ccg-south": "South CCG",
        "hospital": "Testshire General Hospital Trust"}
    assert view.relationships == {"reg-old|OVERSEES|hospital|1",
                                  "ccg-north|COMMISSIONS|hospital|1"}


def test_valid_to_is_exclusive_and_valid_from_inclusive() -> None:
    assert "ccg-north" in at(GRAPH, "2021-03-31").organisations
    assert "ccg-north" not in at(GRAPH, "2021-04-01").organisations
    assert "ccg-all" in at(GRAPH, "2021-04-01").organisations


def test_a_month_precision_rename_takes_effect_on_the_first_of_the_month() -> None:
    assert at(GRAPH, "2015-03-31").organisations["hospital"] == "Testshire General Hospital Trust"
    assert at(GRAPH, "2015-04").organisations["hospital"] == "Testshire Hospitals Trust"


def test_a_lineage_relationship_is_not_in_force_once_its_predecessor_has_ended() -> None:
    assert not any("MERGED_INTO" in r for r in at(GRAPH, "2021-04-01").relationships)


def test_diff_lists_added_removed_renamed_and_the_lineage_between() -> None:
    change = diff(GRAPH, "2013-06-01", "2022-08-01")
    assert change.added == {"reg-new": "New Regulator", "icb": "Testshire ICB"}
    assert set(change.removed) == {"reg-old", "ccg-north", "ccg-south"}
    assert change.renamed == {"hospital": ("Testshire General Hospital Trust",
                                           "Testshire Hospitals Trust")}
    assert set(change.lineage) == {"reg-old|SUCCEEDED_BY|reg-new|1",
                                   "ccg-north|MERGED_INTO|ccg-all|1",
                                   "ccg-south|MERGED_INTO|ccg-all|1",
                                   "ccg-all|SUCCEEDED_BY|icb|1"}
    assert change.relationships_added == {"reg-new|OVERSEES|hospital|1"}


def test_lineage_walks_back_transitively_with_dates_and_sources() -> None:
    result = lineage(GRAPH, "icb")
    assert [(s.organisation, s.type, s.date.iso(), s.depth) for s in result.predecessors] == [
        ("ccg-all", "SUCCEEDED_BY", "2022-07-01", 1),
        ("ccg-north", "MERGED_INTO", "2021-04-01", 2),
        ("ccg-south", "MERGED_INTO", "2021-04-01", 2)]
    assert result.predecessors[0].sources == ("src-b",)
    assert result.successors == ()
    forward = lineage(GRAPH, "ccg-north")
    assert [s.organisation for s in forward.successors] == ["ccg-all", "icb"]


def test_neighbourhood_uses_only_what_is_in_force_on_the_date() -> None:
    assert neighbourhood(GRAPH, "hospital", 1, "2014-06-01") == {
        "hospital", "reg-old", "ccg-north"}
    assert neighbourhood(GRAPH, "hospital", 1, "2021-06-01") == {
        "hospital", "reg-new", "ccg-all"}
    assert neighbourhood(GRAPH, "ccg-north", 2, "2014-06-01") == {
        "ccg-north", "hospital", "reg-old"}
    assert neighbourhood(GRAPH, "icb", 1, "2014-06-01") == set()
    assert neighbourhood(GRAPH, "icb", 1) == {"icb", "ccg-all"}


def test_timeline_is_oldest_first() -> None:
    assert [e.title for e in timeline(GRAPH.graph["dataset"])] == [
        "A report is published", "The CCGs merge"]


# -- invariants on generated datasets -----------------------------------------------------

START = dt.date(2010, 1, 1)


@st.composite
def partial_dates(draw: st.DrawFn) -> PartialDate:
    day = START + dt.timedelta(days=draw(st.integers(0, 15 * 365)))
    precision = draw(st.sampled_from(["day", "month", "year"]))
    return PartialDate(day.year, day.month if precision != "year" else None,
                       day.day if precision == "day" else None)


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
            former = (FormerName(f"old name {i}", named[-1], since),)
        kind = draw(st.sampled_from(["K", "K", "P"]))  # P: present only while related
        organisations[f"o{i}"] = Organisation(f"o{i}", f"Org {i}", kind, valid_from, valid_to,
                                              former)
    ids = list(organisations)
    relationships = []
    for n in range(draw(st.integers(0, 20))):
        a, b = draw(st.sampled_from(ids)), draw(st.sampled_from(ids))
        dates = sorted({draw(partial_dates()) for _ in range(2)}, key=lambda d: d.start)
        valid_from = dates[0] if draw(st.booleans()) else None
        valid_to = dates[-1] if len(dates) == 2 and draw(st.booleans()) else None
        relationships.append(Relationship(f"{a}|R|{b}|{n}", a, "R", b, valid_from, valid_to))
    return Dataset(Area("generated"), {},
                   {"K": Kind("K", "K"), "P": Kind("P", "P", present="while_related")},
                   {"R": RelationshipType("R", "R")}, organisations, tuple(relationships))


days = st.integers(0, 16 * 365).map(lambda n: START + dt.timedelta(days=n))


@settings(max_examples=150, deadline=None)
@given(datasets(), days, days)
def test_applying_diff_a_b_to_at_a_gives_at_b(dataset: Dataset, a: dt.date, b: dt.date) -> None:
    graph = build_graph(dataset)
    assert apply_diff(at(graph, a), diff(graph, a, b)) == at(graph, b)


# A person (present only while related) on both days compared, but between its relationships
# (one ending on 2 January 2010, the next from the 3rd) on the day its new name took effect.
BETWEEN_RELATIONSHIPS = Dataset(
    Area("generated"), {}, {"K": Kind("K", "K"), "P": Kind("P", "P", present="while_related")},
    {"R": RelationshipType("R", "R")},
    {"o0": Organisation("o0", "Org 0", "P", None, None,
                        (FormerName("old name 0", PartialDate(2010, 1, 2)),))},
    (Relationship("o0|R|o0|0", "o0", "R", "o0", None, PartialDate(2010, 1, 2)),
     Relationship("o0|R|o0|1", "o0", "R", "o0", PartialDate(2010, 1, 3), None)))


@settings(max_examples=150, deadline=None)
@given(datasets(), days, days)
@example(BETWEEN_RELATIONSHIPS, dt.date(2010, 1, 1), dt.date(2010, 1, 3))
def test_every_line_of_a_description_is_dated_between_the_dates_compared(
        dataset: Dataset, a: dt.date, b: dt.date) -> None:
    """Each change is dated on the very day it happened, between the two dates (a start is its
    first day, an end the first day after), and names things as they were that day."""
    graph = build_graph(dataset)
    found = changes(graph, a, b)
    low, high = sorted((a, b))
    assert (found.a, found.b, found.swapped) == (low, high, a > b)
    one_day = dt.timedelta(days=1)
    for item in found.items:
        day = item.day.start
        assert low < day <= high
        before, on = at(graph, day - one_day), at(graph, day)
        if item.section == "began":
            assert item.id not in before.organisations
            assert on.organisations[item.id] == item.name
        elif item.section == "ended":
            assert before.organisations[item.id] == item.name
            assert item.id not in on.organisations
        elif item.section == "renamed":  # on the day the name took effect, which is true even
            # where a person (kind P) is between relationships that day, so not drawn
            org = dataset.organisations[item.id]
            assert org.name_at(day - one_day) != item.name == org.name_at(day)
            for view, named in ((before, org.name_at(day - one_day)), (on, item.name)):
                if org.kind != "P" or item.id in view.organisations:
                    assert view.organisations[item.id] == named
        elif item.section == "relationship began":
            assert item.id in on.relationships - before.relationships
            assert item.effective_from == item.day
        else:
            assert item.section == "relationship ended"
            assert item.id in before.relationships - on.relationships
            assert item.effective_to == item.day
    assert len(found.items) == sum(map(len, (
        (change := diff(graph, low, high)).added, change.removed, change.renamed,
        change.relationships_added, change.relationships_removed, change.lineage)))


@settings(max_examples=150, deadline=None)
@given(datasets(), days)
def test_everything_in_at_d_is_in_force_on_d(dataset: Dataset, day: dt.date) -> None:
    graph = build_graph(dataset)
    view = at(graph, day)
    for org_id, name in view.organisations.items():
        org = dataset.organisations[org_id]
        assert org.valid_from is None or org.valid_from.start <= day
        assert org.valid_to is None or day < org.valid_to.start
        assert name == org.name_at(day)
    relationships = {r.id: r for r in dataset.relationships}
    for rel_id in view.relationships:
        rel = relationships[rel_id]
        assert rel.in_force_on(day)
        assert rel.source in view.organisations and rel.target in view.organisations
    related = {end for rel_id in view.relationships
               for end in (relationships[rel_id].source, relationships[rel_id].target)}
    for org_id in view.organisations:  # a P exists only with a relationship in force
        assert dataset.organisations[org_id].kind != "P" or org_id in related


def test_a_kind_present_only_while_related_appears_only_with_a_relationship_in_force(
        tmp_path: Path) -> None:
    text = MINI.read_text().replace("format: 1\n", "format: 1.1\n")
    text = text.replace("kinds:\n", "kinds:\n  Person: {tier: 3, present: while_related}\n", 1)
    text = text.replace("organisations:\n", "organisations:\n  - {id: chair, name: Pat Chair, "
                        "kind: Person, sources: [src-a]}\n", 1)
    text = text.replace("relationships:\n", "relationships:\n  - {from: chair, type: OVERSEES, "
                        "to: hospital, valid_from: 2016-01-01, valid_to: 2018-01-01, "
                        "sources: [src-a]}\n", 1)
    (tmp_path / "people.yaml").write_text(text)
    graph = build_graph(load(tmp_path / "people.yaml"))
    assert "chair" not in at(graph, "2015-12-31").organisations
    assert at(graph, "2016-01-01").organisations["chair"] == "Pat Chair"
    assert "chair|OVERSEES|hospital|1" in at(graph, "2017-12-31").relationships
    assert "chair" not in at(graph, "2018-01-01").organisations
    assert diff(graph, "2015-12-01", "2016-02-01").added == {"chair": "Pat Chair"}


@settings(max_examples=150, deadline=None)
@given(datasets(), st.lists(days, min_size=1, max_size=6))
def test_the_indexed_at_agrees_with_a_plain_scan(dataset: Dataset, dates: list[dt.date]) -> None:
    graph = build_graph(dataset)
    for day in dates:  # repeated days hit the epoch cache
        assert at(graph, day) == at_by_scan(graph, day)


@settings(max_examples=100, deadline=None)
@given(datasets(), st.lists(days, min_size=1, max_size=6), st.integers(1, 5))
def test_the_index_agrees_with_a_scan_from_any_checkpoint(dataset: Dataset, dates: list[dt.date],
                                                          stride: int) -> None:
    import graph.core.interval_index as interval_index

    original, interval_index.STRIDE = interval_index.STRIDE, stride  # many checkpoints
    try:
        graph = build_graph(dataset)
    finally:
        interval_index.STRIDE = original
    assert len(graph.graph["index"].checkpoints) >= len(graph.graph["index"].days) // stride
    for day in dates:
        assert at(graph, day) == at_by_scan(graph, day)


def test_every_day_of_the_bundled_story_agrees_with_a_scan() -> None:
    graph = build_graph(load(Path(__file__).parent.parent / "data" / "orgs.yaml"))
    dataset = graph.graph["dataset"]
    for day in dataset.dates():
        for probe in (day - dt.timedelta(days=1), day):
            assert at(graph, probe) == at_by_scan(graph, probe), probe


def test_the_epoch_cache_stays_within_its_size_bound(monkeypatch) -> None:
    import graph.core.interval_index as interval_index

    monkeypatch.setattr(interval_index, "CACHE_ITEMS", 8)
    graph = build_graph(load(MINI))
    index = graph.graph["index"]
    for year in range(2012, 2025):
        assert at(graph, f"{year}-06-01") == at_by_scan(graph, f"{year}-06-01")
        assert index.cached_items <= 8 or len(index.cache) == 1
    assert index.cached_items == sum(len(n) + len(r) for n, r in index.cache.values())


def test_the_epoch_cache_is_safe_under_concurrent_sessions(monkeypatch) -> None:
    """Streamlit serves sessions from threads sharing one cached graph: many threads asking for
    many dates, with a cache small enough to evict all the time, get the right answers and leave
    the cache's books balanced."""
    import threading

    import graph.core.interval_index as interval_index

    monkeypatch.setattr(interval_index, "CACHE_EPOCHS", 3)
    graph = build_graph(load(Path(__file__).parent.parent / "data" / "orgs.yaml"))
    days = [dt.date(2012, 1, 1) + dt.timedelta(days=37 * i) for i in range(120)]
    expected = {day: at_by_scan(graph, day) for day in days}
    failures: list[object] = []

    def session(offset: int) -> None:
        for i in range(len(days)):
            day = days[(i * 7 + offset) % len(days)]
            try:
                if at(graph, day) != expected[day]:
                    failures.append(day)
            except Exception as exc:  # noqa: BLE001 - any error fails the test
                failures.append(exc)

    threads = [threading.Thread(target=session, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    index = graph.graph["index"]
    assert failures == []
    assert len(index.cache) <= 3
    assert index.cached_items == sum(len(n) + len(r) for n, r in index.cache.values())
