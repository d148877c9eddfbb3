"""The compare list at any size: its counts by kind of organisation and by relationship type
first, then each section a page of lines at a time.

At 10,000 organisations two dates years apart differ by some 20,000 lines; listed whole they
were 6 MB of Markdown the browser spent 13 s laying out. The counts say at once how much
changed and where; each section then shows ``PAGE_LINES`` lines and a pager. A section of up
to ``PAGE_LINES`` lines (every section of the bundled area) is listed whole, so a small area's
list is the one ``python -m graph diff`` prints, line for line.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.core.describe import SECTIONS, Changes
from graph.core.model import Dataset
from graph.page.citations import Citations, CitedLine, SourceEntry
from graph.page.text import md

PAGE_LINES = 50  # lines of a section on one page
_ORGANISATIONS = {"began": "began", "ended": "ended", "renamed": "renamed"}
_RELATIONSHIPS = {"relationship began": "began", "relationship ended": "ended",
                  "lineage": "mergers and successions"}


@dataclass(frozen=True)
class Counts:
    """A table of counts: one row per kind (or type), one column per section."""

    heading: str  # "By kind of organisation"
    columns: tuple[str, ...]  # ("began", "ended", "renamed")
    rows: tuple[tuple[str, tuple[int, ...]], ...]  # (label, a count per column)

    @property
    def markdown(self) -> str:
        """The heading and a line per row with its counts that are not nought, as escaped
        Markdown ("Integrated care board: 385 began"); empty when nothing is counted (a
        table would not fit the column beside the graph)."""
        if not self.rows:
            return ""
        lines = [f"**{md(self.heading)}**"]
        lines += [f"{md(label)}: " + md(", ".join(f"{n:,} {column}" for n, column in
                                                   zip(counts, self.columns, strict=True) if n))
                  for label, counts in self.rows]
        return "  \n".join(lines)  # a line each, not a list: the list is of changes


def counts(found: Changes, dataset: Dataset) -> tuple[Counts, Counts]:
    """How many organisations began, ended and were renamed, by kind; how many relationships
    began and ended and how many mergers and successions, by type (in the data's order of
    kinds and types; a kind or type with nothing counted is left out)."""
    by_kind: dict[str, list[int]] = {k: [0] * len(_ORGANISATIONS) for k in dataset.kinds}
    for column, section in enumerate(_ORGANISATIONS):
        for change in found.section(section):
            kind = dataset.organisations[change.id].kind
            by_kind.setdefault(kind, [0] * len(_ORGANISATIONS))[column] += 1
    types = {r.id: r.type for r in dataset.relationships}  # 50,000 in 3 ms
    by_type: dict[str, list[int]] = {t: [0] * len(_RELATIONSHIPS)
                                     for t in dataset.relationship_types}
    for column, section in enumerate(_RELATIONSHIPS):
        for change in found.section(section):
            kind = types[change.id]
            by_type.setdefault(kind, [0] * len(_RELATIONSHIPS))[column] += 1

    def rows(found: dict[str, list[int]], labels: dict) -> tuple:
        return tuple((labels[key].label if key in labels else key, tuple(n))
                     for key, n in found.items() if any(n))

    return (Counts("Organisations, by kind", tuple(_ORGANISATIONS.values()),
                   rows(by_kind, dataset.kinds)),
            Counts("Relationships, by type", tuple(_RELATIONSHIPS.values()),
                   rows(by_type, dataset.relationship_types)))



@dataclass(frozen=True)
class Page:
    """One page of a section of the compare list."""

    key: str  # the section's key in ``describe.SECTIONS``
    title: str  # "Relationships that ended (11,487)"
    lines: tuple[CitedLine, ...]  # this page's lines, numbered in the view's numbering
    page: int  # 1-based
    pages: int
    first: int  # the 1-based number of this page's first line
    total: int

    @property
    def where(self) -> str:
        """'Lines 51–100 of 11,487' (empty when the section is on one page)."""
        if self.pages == 1:
            return ""
        return f"Lines {self.first:,}–{self.first + len(self.lines) - 1:,} of {self.total:,}"


def pages_of(total: int, size: int | None = None) -> int:
    return max(1, -(-total // (size or PAGE_LINES)))


def sections(found: Changes, citations: Citations, pages: dict[str, int] | None = None,
             whole: bool = False) -> tuple[Page, ...]:
    """Each non-empty section of the change record at its page (``pages``: section key ->
    page, 1-based; a page past the end is the last), only that page's lines numbered; with
    ``whole``, each section on one page."""
    shown = []
    for key, title in SECTIONS.items():
        items = found.section(key)
        if not items:
            continue
        size = len(items) if whole else PAGE_LINES
        last = pages_of(len(items), size)
        page = min(max(1, (pages or {}).get(key, 1)), last)
        start = (page - 1) * size
        lines = tuple(citations.line(c.text, c.sources) for c in items[start:start + size])
        shown.append(Page(key, f"{title} ({len(items):,})", lines, page, last, start + 1,
                          len(items)))
    return tuple(shown)


def sources_of(shown: tuple[Page, ...]) -> list[SourceEntry]:
    """The sources the lines shown cite, by number (listed under them)."""
    return sorted({entry for page in shown for line in page.lines for entry in line.sources},
                  key=lambda entry: entry.number)
