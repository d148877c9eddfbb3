"""Numbered sources: every line of the page points at its own sources ([1], [2] ...), and one
list under the lines gives each number's title, publisher, date and link.

A view has one numbering (``Citations``), made once per rerun for the view shown and shared by
the graph's tooltips, the details panel, the tables and the Sources tab: the view's own sources
first, numbered as the scene cites them (the order every export's list uses, so a number on the
page is the number in the SVG, PDF or JSON of the same view), then any other source a line
cites, the next free number. Within a line the numbers are ascending.

Only what a reader can open is shown: a source's local ``file`` (a path on the server) never is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from graph.core.dates import words
from graph.core.model import Dataset
from graph.page.text import link, md, safe_url


@dataclass(frozen=True)
class SourceEntry:
    number: int
    id: str
    title: str
    publisher: str
    published: str  # in words at its precision, or ""
    url: str | None  # an http(s) link, or None
    standing: str = ""  # "official", "press", ... as ``Source.standing`` words it

    @property
    def about(self) -> str:
        """'Testshire News, March 2014 (press)' (what is known of it)."""
        about = ", ".join(filter(None, [self.publisher, self.published]))
        return f"{about} ({self.standing})" if self.standing and about else \
            about or self.standing

    @property
    def markdown(self) -> str:
        """'[1] Article A (link) — Testshire News, March 2014' as escaped Markdown."""
        about = f" — {md(self.about)}" if self.about else ""
        return f"\\[{self.number}\\] {link(self.title, self.url)}{about}"

    @property
    def ref(self) -> str:
        """The number as a Markdown link to the source, its title shown on hover."""
        hover = " · ".join(filter(None, [self.title, self.about]))
        hover = hover.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
        return f'[\\[{self.number}\\]]({self.url} "{hover}")' if self.url else \
            f"\\[{self.number}\\]"


@dataclass(frozen=True)
class CitedLine:
    """A line of text and the sources behind it."""

    text: str
    sources: tuple[SourceEntry, ...] = ()

    @property
    def markdown(self) -> str:
        return md(self.text) + "".join(" " + s.ref for s in self.sources)

    @property
    def numbers(self) -> tuple[int, ...]:
        return tuple(s.number for s in self.sources)


class Citations:
    """One numbering of a dataset's sources, in the order they are first cited: ``first`` (a
    view's sources, in the scene's order) takes 1, 2, ... and every other source cited later
    takes the next free number; a source keeps its number."""

    def __init__(self, dataset: Dataset, first: Iterable[str] = ()):
        self.dataset = dataset
        self._entries: dict[str, SourceEntry] = {}
        self.cite(first)
        self.in_view = len(self._entries)  # numbers 1..in_view are the view's own sources

    def cite(self, source_ids: Iterable[str]) -> tuple[SourceEntry, ...]:
        """The entries of ``source_ids`` (numbering the new ones), in ascending number."""
        found = []
        for source_id in dict.fromkeys(source_ids):
            source = self.dataset.sources.get(source_id)
            if source is None:
                continue
            if source_id not in self._entries:
                self._entries[source_id] = SourceEntry(
                    len(self._entries) + 1, source_id, source.title, source.publisher or "",
                    words(source.published), safe_url(source.url), source.standing)
            found.append(self._entries[source_id])
        return tuple(sorted(found, key=lambda entry: entry.number))

    def line(self, text: str, source_ids: Iterable[str]) -> CitedLine:
        return CitedLine(text, self.cite(source_ids))

    @property
    def entries(self) -> tuple[SourceEntry, ...]:
        """Every source numbered so far, by number."""
        return tuple(self._entries.values())

    @property
    def view_entries(self) -> tuple[SourceEntry, ...]:
        """The view's own sources: the list every export of the view gives."""
        return self.entries[:self.in_view]

    @property
    def elsewhere(self) -> tuple[SourceEntry, ...]:
        """Sources cited beside the view (details, events) that nothing drawn cites."""
        return self.entries[self.in_view:]

    @property
    def numbers(self) -> dict[str, int]:
        """Source id -> its number, for the graph's tooltips."""
        return {source_id: entry.number for source_id, entry in self._entries.items()}
