"""Change and lineage in words: one description for the CLI and the page.

``changes(graph, a, b)`` is the record of what changed between two days: one ``Change`` per
organisation that began, ended or was renamed, per merger or succession and per relationship
that began or ended. Each carries the day it is about, the names as they were on that day (an
ended relationship: its last day in force; a begun one: its first), its sources and, for a
relationship that ended with one of its ends, the organisation that ceased. ``python -m graph
diff`` (text and JSON, see ``graph.core.serialize``), the page's compare list and the paragraph
under the graph are all rendered from these items, so they cannot disagree. The lines
themselves are made (and kept per graph) in ``graph.core.describe_lines``.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from functools import cached_property

import networkx as nx

from graph.core import describe_lines, temporal
from graph.core.dates import as_day, span, words
from graph.core.describe_lines import Change
from graph.core.stops import Stop, previous_snapshot
from graph.core.temporal import DateLike

# the sections of a description, in the order they are listed
SECTIONS = {"began": "Organisations that began", "ended": "Organisations that ended",
            "renamed": "Names that changed", "lineage": "Mergers and successions",
            "relationship began": "Relationships that began",
            "relationship ended": "Relationships that ended"}
_KEPT = 16  # descriptions kept per graph
_KEEPING = threading.Lock()  # the page's sessions are threads: one changes ``kept`` at a time


@dataclass(frozen=True)
class Changes:
    """What changed from ``a`` to ``b`` (``a`` the earlier day; ``swapped`` when the later one
    was given first)."""

    a: dt.date
    b: dt.date
    swapped: bool
    items: tuple[Change, ...]

    def section(self, name: str) -> tuple[Change, ...]:
        return self._sections.get(name, ())

    @cached_property
    def _sections(self) -> dict[str, tuple[Change, ...]]:
        """The items by section, worked out once (a description is read section by section,
        by the page's paragraph and list, ``diff_text`` and the JSON)."""
        found: dict[str, list[Change]] = {}
        for c in self.items:
            found.setdefault(c.section, []).append(c)
        return {name: tuple(items) for name, items in found.items()}

    @property
    def heading(self) -> str:
        text = f"Changes from {words(self.a)} to {words(self.b)}"
        if self.swapped:
            text += " (the later date was given first, so the dates are swapped)"
        return text


def changes(graph: nx.MultiDiGraph, a: DateLike, b: DateLike) -> Changes:
    """Everything that changed between two days, each change with its dates, names and sources.
    Given the later day first, the days are swapped (and ``swapped`` says so).

    The last few answers are kept on the graph: the page asks again on every rerun (a click, a
    tab) for the same two days."""
    first, second = as_day(a), as_day(b)
    kept = graph.graph.setdefault("described", {})
    key = (first, second)
    found = kept.get(key)
    if found is None:  # returned as made: another thread may drop it from ``kept`` at once
        low, high = min(key), max(key)
        found = Changes(low, high, first > second, describe_lines.items(graph, low, high))
        with _KEEPING:
            kept[key] = found
            while len(kept) > _KEPT:
                del kept[next(iter(kept))]  # the oldest
    return found


# -- renderings: text lines, the paragraph -----------------------------------------------------

def diff_text(graph: nx.MultiDiGraph, a: DateLike, b: DateLike) -> list[str]:
    """``python -m graph diff`` as text: the heading, then each section with its count and its
    lines (the page's compare list, word for word), each followed by its sources' ids."""
    found = changes(graph, a, b)
    lines = [found.heading]
    for section, title in SECTIONS.items():
        items = found.section(section)
        lines.append(f"{title} ({len(items)})")
        lines.extend(f"  {c.text} [sources: {', '.join(c.sources) or 'none'}]" for c in items)
        if not items:
            lines.append("  (none)")
    return lines


def _list(names: list[str], limit: int = 6) -> str:
    shown = names[:limit]
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    if len(shown) > 1 and not more:
        return ", ".join(shown[:-1]) + " and " + shown[-1]
    return ", ".join(shown) + more


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def summary(found: Changes, opening: str) -> str:
    """The changes as one paragraph after ``opening`` (names as on each change's day)."""
    began, ended = found.section("began"), found.section("ended")
    renamed, merged = found.section("renamed"), found.section("lineage")
    parts = []
    for items, one, many in ((began, "organisation began", "organisations began"),
                             (ended, "ended", "ended"),
                             (renamed, "name changed", "names changed"),
                             (merged, "merger or succession", "mergers or successions")):
        if items:
            parts.append(f"{_count(len(items), one, many)} ("
                         + _list([f"{c.what} {c.when}" for c in items]) + ")")
    added = len(found.section("relationship began"))
    removed = len(found.section("relationship ended"))
    if added or removed:
        parts.append(f"{_count(added, 'relationship', 'relationships')} began and "
                     f"{removed} ended")
    if not parts:
        return f"{opening}, nothing in the data changed."
    return f"{opening}: " + "; ".join(parts) + "."


def change_paragraph(graph: nx.MultiDiGraph, stops: tuple[Stop, ...], day: dt.date) -> str:
    """One paragraph: what changed from the previous named snapshot to ``day``."""
    previous = previous_snapshot(stops, day)
    if previous is None:
        return (f"{words(day)} is at or before the first named snapshot, so there is no "
                f"earlier snapshot to compare with.")
    since = (f"Since the snapshot “{previous.snapshot.title}” ({words(previous.snapshot.date)}),"
             f" by {words(day)}")
    return summary(changes(graph, previous.day, day), since)


def comparison_paragraph(found: Changes) -> str:
    """The compare mode's paragraph: the same changes as its list."""
    opening = f"From {words(found.a)} to {words(found.b)}"
    if found.swapped:
        opening = "The later date was given first, so the dates are swapped. " + opening
    return summary(found, opening)


# -- lineage -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class LineageLine:
    """One step of an organisation's family tree in words, with its own sources."""

    text: str
    sources: tuple[str, ...]


def lineage_text(graph: nx.MultiDiGraph, org_id: str) -> list[str]:
    """``python -m graph lineage`` as text: predecessors and successors with dates and sources."""
    found = temporal.lineage(graph, org_id)
    org = temporal.organisation(graph, org_id)
    lines = [f"{org.name} ({org_id}{', ODS ' + org.ods_code if org.ods_code else ''})"]
    for title, steps, arrow in (("Predecessors", found.predecessors, "<-"),
                                ("Successors", found.successors, "->")):
        lines.append(f"{title} ({len(steps)}):")
        for s in steps:
            lines.append(f"  {'  ' * (s.depth - 1)}{arrow} {s.name} ({s.organisation}) "
                         f"{s.type} on {words(s.date, 'date unknown')} "
                         f"[sources: {', '.join(s.sources) or 'none'}]")
        if not steps:
            lines.append("  (none)")
    return lines


def lineage_tree(graph: nx.MultiDiGraph, org_id: str,
                 day: dt.date | None = None) -> tuple[LineageLine, ...]:
    """The family tree of an organisation: predecessors above it (↑), successors below (↓),
    each step with its relationship, its date, the names as they were then and its sources;
    the organisation itself by its name on ``day`` (without one, its last)."""
    types = temporal.dataset_of(graph).relationship_types
    found = temporal.lineage(graph, org_id)
    org = temporal.organisation(graph, org_id)

    def line(s: temporal.LineageStep, backwards: bool) -> LineageLine:
        when = f"on {s.date.words()}" if s.date else "date unknown"
        text = (f"{'    ' * (s.depth - 1)}{'↑' if backwards else '↓'} "
                f"{s.name} ({types[s.type].label}, {when})")
        return LineageLine(text, s.sources)

    lines = [line(s, True) for s in sorted(found.predecessors, key=lambda s: -s.depth)]
    name = org.name_at(day) if day is not None else org.name
    lines.append(LineageLine(f"● {name} ({span(org.valid_from, org.valid_to, 'open')})",
                             org.sources))
    lines += [line(s, False) for s in found.successors]
    return tuple(lines)
