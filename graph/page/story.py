"""Story mode: a story (format 1.3) told a step at a time, exactly as its brief tells it.

The page reads a story through ``graph.export.brief.prepare``, so each step's picture is the
brief's (the same scene: the same organisations, relationships and added or ended marks), its
changes are the brief's lines and its sources carry the brief's numbers. This module turns a
prepared step into what the page draws: the graph component's data, the text as escaped
Markdown (a name is never read as markup), the changes and the sources in full. It also makes
the downloads offered beside it: the whole brief, and any view as one slide.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph.core.story import Run
from graph.core.temporal import dataset_of
from graph.drawing.picture import drawing
from graph.drawing.vis import OPTIONS, vis_data
from graph.export import brief
from graph.export.brief import Brief, BriefStep
from graph.page.citations import Citations, SourceEntry
from graph.page.text import md
from graph.page.view import PageView, legend

# the brief's formats as the page offers them: suffix -> label
BRIEF_FORMATS = {".pdf": "PDF", ".pptx": "PowerPoint", ".docx": "Word", ".html": "HTML"}
PPTX_MIME = brief.FORMATS[".pptx"][0]


@dataclass(frozen=True)
class StepView:
    """One step of a prepared brief as the page shows it. ``citations`` numbers every source
    as the brief does, so a number in the text, the tooltips, the changes and the list of
    sources is the number in the downloaded brief."""

    brief: Brief
    step: BriefStep
    graph_data: dict[str, Any] = field(repr=False)
    citations: Citations = field(repr=False, compare=False)

    @property
    def label(self) -> str:
        """'Step 2 of 3 · as at 1 April 2016'."""
        return f"{self.brief.step_label(self.step.index)} · as at {self.step.as_at}"

    @property
    def paragraphs(self) -> list[str]:
        """The step's text, a Markdown string per paragraph."""
        return [markdown(runs) for runs in self.step.paragraphs]

    @property
    def changes(self) -> list[str]:
        """What changed since the previous step in what is drawn, a Markdown line each, with
        the brief's source numbers."""
        return [md(line.cited) for line in self.step.changes]

    @property
    def sources(self) -> tuple[SourceEntry, ...]:
        """Every source the step cites (its text, its picture, its changes), by number."""
        return self.citations.cite(step_sources(self.brief, self.step))


def step_view(graph: nx.MultiDiGraph, prepared: Brief, index: int) -> StepView:
    """Step ``index`` (from 0) of ``prepared`` (``graph.export.brief.prepare``) for the page:
    the brief's own scene drawn as the page draws any view, at the places the boxes have at
    every date, with its legend and its added and ended marks."""
    step = prepared.steps[index]
    citations = Citations(dataset_of(graph), (s.id for s in prepared.sources))
    scene, request = step.view, step.request
    data = vis_data(scene, drawing(graph, scene, "screen"), citations.numbers)
    data.update(options=OPTIONS, legend=legend(scene), selected=None,
                # a new focus or filter is fitted to the screen again, as in the other modes
                frame="|".join([str(request.focus), str(request.depth),
                                str(sorted(request.kinds or [])), str(sorted(request.types or [])),
                                scene.content_hash]))
    return StepView(prepared, step, data, citations)


def markdown(runs: Iterable[Run]) -> str:
    """A paragraph's runs as Markdown: every piece of text escaped (``graph.page.text.md``),
    the bold and italic runs marked around it (spaces kept outside the marks, where Markdown
    needs them)."""
    parts = []
    for run in runs:
        core = run.text.strip()
        mark = ("**" if run.bold else "") + ("*" if run.italic else "")
        if not core or not mark:
            parts.append(md(run.text))
            continue
        before, after = run.text[:len(run.text) - len(run.text.lstrip())], \
            run.text[len(run.text.rstrip()):]
        parts.append(f"{md(before)}{mark}{md(core)}{mark[::-1]}{md(after)}")
    return "".join(parts)


def step_sources(prepared: Brief, step: BriefStep) -> tuple[str, ...]:
    """The ids of the sources a step cites, in the brief's order: its text's, its picture's
    and its changes'."""
    return tuple(s.id for s in prepared.step_sources(step))


def go(session: MutableMapping[str, Any], by: int) -> None:
    """Previous (``by`` -1) or Next (1): the step the next run shows (``state.keep_story``
    keeps it within the story)."""
    session["story_step"] = int(session.get("story_step", 1)) + by


def choose(session: MutableMapping[str, Any]) -> None:
    """The story picker's callback: that story, from its first step."""
    session.update(story=session["story_choice"], story_step=1)


def brief_file(graph: nx.MultiDiGraph, story_id: str, suffix: str) -> bytes:
    """The whole brief of ``story_id`` in the format of ``suffix`` (what
    ``python -m graph brief`` writes)."""
    return brief.render(graph, story_id, suffix)


def view_slide(graph: nx.MultiDiGraph, shown: PageView) -> bytes:
    """The view ``shown`` (its date, focus, depth, filters and comparison) as a PowerPoint of
    one slide."""
    from graph.export.brief_pptx import view_slide as slide  # the writer loads on the click

    state = shown.state
    return slide(graph, shown.day, focus=state.focus, depth=state.depth, kinds=state.kinds,
                 types=state.types, diff_from=shown.scene.diff_from)
