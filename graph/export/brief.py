"""Briefing packs: a story's steps (format 1.3) as PDF, PowerPoint, Word or one offline HTML.

``prepare`` turns a story into ``Brief``: for each step the checked request, the scene, what
changed since the step it follows (only what the picture draws), and one numbering of sources
for the whole brief in order of first use (a step's text, then its picture, then its changes).
Each writer (``brief_pdf``, ``brief_pptx``, ``brief_docx``, ``brief_html``) draws from it, so
the four files say the same things with the same numbers; the page's Story mode uses
``prepare`` too, so its pictures are the brief's.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

import networkx as nx

from graph.core import describe
from graph.core.dates import words
from graph.core.model import Story, StoryStep
from graph.core.story import Numbering, Run, compare_day, find, paragraphs
from graph.core.temporal import dataset_of
from graph.drawing.scene import Scene
from graph.export.options import SnapshotError
from graph.export.request import Caption, CitedSource, SnapshotRequest, make_request

if TYPE_CHECKING:
    from graph.export.image import Size

# suffix -> (MIME type, writer module)
FORMATS = {
    ".pdf": ("application/pdf", "brief_pdf"),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation",
              "brief_pptx"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              "brief_docx"),
    ".html": ("text/html", "brief_html"),
}
WHERE_IN_FULL = "at the end of this brief"


@dataclass(frozen=True)
class ChangeLine:
    text: str  # "+ began: Bedfordshire Hospitals NHS Foundation Trust (from 1 April 2020)"
    numbers: tuple[int, ...]

    @property
    def cited(self) -> str:
        return f"{self.text} [{', '.join(map(str, self.numbers))}]" if self.numbers else self.text


@dataclass(frozen=True)
class BriefStep:
    index: int
    step: StoryStep
    request: SnapshotRequest
    view: Scene
    since: dt.date | None
    changes: tuple[ChangeLine, ...]
    paragraphs: tuple[tuple[Run, ...], ...]  # the text, citations numbered

    @property
    def as_at(self) -> str:
        return words(self.request.day)

    @property
    def changes_heading(self) -> str:
        if self.since is None:
            return "The first step: nothing is marked as changed."
        if not self.changes:
            return f"Nothing drawn here changed since {words(self.since)}."
        return f"What changed since {words(self.since)} in what is drawn:"

    def text(self) -> list[str]:
        return ["".join(r.text for r in runs) for runs in self.paragraphs]


@dataclass(frozen=True)
class Brief:
    story: Story
    area: str
    content_hash: str
    made: dt.date  # when the brief was made (SOURCE_DATE_EPOCH, else today)
    steps: tuple[BriefStep, ...]
    sources: tuple[CitedSource, ...]  # every source, numbered as cited

    @property
    def numbers(self) -> dict[str, int]:
        return {s.id: s.number for s in self.sources}

    def step_label(self, index: int) -> str:
        return f"Step {index + 1} of {len(self.steps)}"

    def source_text(self, source: CitedSource) -> str:
        """A source in full: number, title, publisher, date, standing and link."""
        detail = ", ".join(filter(None, [source.publisher, source.published]))
        parts = [f"{source.number}. {source.title}", detail,
                 source.standing[:1].upper() + source.standing[1:] if source.standing else ""]
        return ". ".join(p for p in parts if p) + "." + (f" {source.url}" if source.url else "")

    @property
    def provenance(self) -> str:
        return (f"Data version (content hash) {self.content_hash}; made on {words(self.made)} "
                f"by python -m graph brief {self.story.id}")

    def step_sources(self, step: BriefStep) -> tuple[CitedSource, ...]:
        """Every source a step cites (its text, its picture, its changes), by number."""
        numbers = {n for line in step.changes for n in line.numbers}
        cited = {*step.step.sources, *step.view.sources}
        return tuple(s for s in self.sources if s.id in cited or s.number in numbers)

    def caption(self, step: BriefStep) -> Caption:
        """The picture's caption, its sources numbered as in the whole brief."""
        by_id = {s.id: s for s in self.sources}
        cited = tuple(sorted((by_id[i] for i in step.view.sources), key=lambda s: s.number))
        focus = next((n.name for n in step.view.nodes if n.id == step.request.focus), None)
        return Caption(self.area, step.as_at, self.content_hash, cited,
                       words(step.since) or None, focus, step.request.depth, step.view.note)

    def sheet(self, graph: nx.MultiDiGraph, step: BriefStep, size: Size, frame: str,
              reserve: float = 0.0):
        """The step's picture planned on a sheet (``graph.export.image.Plan``): the drawing in
        ``frame``, its sources numbered as in the brief and listed in full at its end, and
        ``reserve`` points free at the top. Raises ``SnapshotError`` naming the step when
        its labels would be under 7 pt."""
        from graph.drawing.picture import drawing
        from graph.export.image import SOURCE_BUDGETS, plan
        from graph.export.request import box_notes, type_sources

        text = self.caption(step)
        drawn = drawing(graph, step.view, frame, notes=box_notes(step.view, text))
        try:
            return plan(step.view, text, drawn, size, type_sources(step.view, text),
                        SOURCE_BUDGETS[-1:], elsewhere=WHERE_IN_FULL, reserve=reserve)
        except SnapshotError as exc:
            raise SnapshotError(f"step {step.index + 1} ('{step.step.title}') of story "
                                f"'{self.story.id}': {exc}") from None


def made_day() -> dt.date:
    """The day a brief is made: ``$SOURCE_DATE_EPOCH`` (reproducible builds) or today (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.datetime.now(dt.UTC).date()


def prepare(graph: nx.MultiDiGraph, story_id: str, fmt: str = "pdf", *,
            made: dt.date | None = None, size: str = "a4") -> Brief:
    """The story ``story_id`` of the graph's dataset, every step checked and numbered.
    Raises ``SnapshotError`` naming the step for a view that cannot be made."""
    dataset = dataset_of(graph)
    try:
        story = find(dataset, story_id)
    except KeyError as exc:
        raise SnapshotError(str(exc.args[0])) from None
    numbering = Numbering()
    made_steps = []
    for index, step in enumerate(story.steps):
        since = compare_day(story, index)
        try:
            request = make_request(graph, fmt, step.date.start, focus=step.focus,
                                   depth=step.depth, kinds=step.kinds, types=step.types,
                                   diff_from=since, size=size)
        except SnapshotError as exc:
            raise SnapshotError(f"step {index + 1} ('{step.title}'): {exc}") from None
        view = request.scene(graph)
        numbering.add(step.sources)
        numbering.add(view.sources)
        found = _drawn_changes(graph, view, since) if since else ()
        for change in found:
            numbering.add(change.sources)
        lines = tuple(ChangeLine(c.text, tuple(sorted({numbering.numbers[s]
                                                       for s in c.sources})))
                      for c in found)
        runs = tuple(tuple(p) for p in paragraphs(step.text, numbering.numbers))
        made_steps.append(BriefStep(index, step, request, view, since, lines, runs))
    sources = []
    for source_id in numbering.ordered():
        s = dataset.sources[source_id]
        sources.append(CitedSource(numbering.numbers[source_id], s.id, s.title, s.publisher,
                                   words(s.published) or None, s.url, s.kind))
    return Brief(story, dataset.area.name, dataset.content_hash, made or made_day(),
                 tuple(made_steps), tuple(sources))


def _drawn_changes(graph: nx.MultiDiGraph, view: Scene,
                   since: dt.date) -> tuple[describe.Change, ...]:
    """The changes from ``since`` to the view's day that its picture draws (an organisation
    or relationship in the view), in ``describe``'s order."""
    drawn = {n.id for n in view.nodes} | {e.id for e in view.edges}
    found = describe.changes(graph, since, view.day)
    return tuple(c for c in found.items if c.id in drawn)


def render(graph: nx.MultiDiGraph, story_id: str, suffix: str, *,
           made: dt.date | None = None) -> bytes:
    """The brief of ``story_id`` as the bytes of a file with this suffix (see ``FORMATS``)."""
    if suffix not in FORMATS:
        raise SnapshotError(f"unknown brief format '{suffix}' (write a file ending in "
                            f"{', '.join(FORMATS)})")
    import importlib

    writer = importlib.import_module(f"graph.export.{FORMATS[suffix][1]}")
    return writer.render(graph, story_id, made=made)
