"""A story as a PDF: a title page; per step one A4 landscape page with its heading, its text,
what changed since the step before (in what is drawn) and the picture; then every source in
full, numbered as cited. Every piece of text is 7 pt or more; the same story and day give the
same bytes (no creation date in the metadata)."""

from __future__ import annotations

import datetime as dt
import io

import matplotlib
import networkx as nx
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from graph.drawing.text import LINE_HEIGHT, wrap
from graph.export.brief import Brief, BriefStep, prepare
from graph.export.image import MARGIN_PT, PT_PER_MM, STYLE, Sheet, paint
from graph.export.options import SIZES
from graph.export.pdf import text_pages

SIZE = "a4"
STEP_PT = 8.0  # "Step 3 of 10 · as at ..."
TITLE_PT = 15.0
TEXT_PT = 9.5
CHANGE_PT = 7.5
MAX_CHANGE_LINES = 8  # on the step's page; the rest under "Changes in full" at the end
CHANGES_IN_FULL = "Changes in full"
BOLD = 0.88  # of a line used by bold text: the widths measured are those of the regular face


def render(graph: nx.MultiDiGraph, story_id: str, *, made: dt.date | None = None) -> bytes:
    brief = prepare(graph, story_id, "pdf", made=made, size=SIZE)
    with matplotlib.rc_context(STYLE):
        figures = [title_page(brief)]
        overflow: list[str] = []
        for step in brief.steps:
            figure, rest = step_page(graph, brief, step)
            figures.append(figure)
            if rest:
                overflow.append(f"{brief.step_label(step.index)}, {step.step.title} "
                                f"(as at {step.as_at}). {step.changes_heading}")
                overflow.extend(line.cited for line in step.changes)
        if overflow:
            figures += text_pages(f"{CHANGES_IN_FULL}: {brief.story.title}", overflow, SIZE)
        figures += text_pages(f"Sources: {brief.story.title}",
                              [brief.source_text(s) for s in brief.sources], SIZE)
        buffer = io.BytesIO()
        with PdfPages(buffer, metadata={"Title": brief.story.title, "CreationDate": None,
                                        "Creator": None, "Producer": None}) as pdf:
            for figure in figures:
                pdf.savefig(figure)
    return buffer.getvalue()


def _page() -> Sheet:
    width_mm, height_mm, _ = SIZES[SIZE]
    return Sheet(width_mm * PT_PER_MM, height_mm * PT_PER_MM)


def title_page(brief: Brief) -> Figure:
    sheet = _page()
    room = (sheet.width - 2 * MARGIN_PT) * 0.96
    y = MARGIN_PT + 40
    for line in wrap(brief.story.title, room * BOLD, 20.0):
        sheet.text(MARGIN_PT, y, line, 20.0, weight="bold", color="#111")
        y += 20.0 * LINE_HEIGHT
    y += 6
    sheet.text(MARGIN_PT, y, f"A briefing on {brief.area}, in {len(brief.steps)} steps",
               11.0, color="#333")
    y += 11.0 * LINE_HEIGHT + 8
    if brief.story.description:
        for line in wrap(brief.story.description, room, 10.0):
            sheet.text(MARGIN_PT, y, line, 10.0, color="#222")
            y += 10.0 * LINE_HEIGHT
        y += 8
    for step in brief.steps:
        for line in wrap(f"{step.index + 1}. {step.step.title} (as at {step.as_at})", room,
                         10.0):
            sheet.text(MARGIN_PT + 10, y, line, 10.0, color="#111")
            y += 10.0 * LINE_HEIGHT
    y += 10
    for line in wrap(f"{brief.provenance}. Numbers in brackets are sources, one numbering for "
                     f"the whole brief, listed in full at its end.", room, 8.0):
        sheet.text(MARGIN_PT, y, line, 8.0, color="#333")
        y += 8.0 * LINE_HEIGHT
    return sheet.figure


def step_lines(brief: Brief, step: BriefStep, room: float) -> tuple[list[tuple[str, float, str]],
                                                                        bool]:
    """The lines above the picture (text, size, weight) and whether changes were left for the
    end of the brief."""
    lines: list[tuple[str, float, str]] = [
        (f"{brief.step_label(step.index)} · {brief.story.title}", STEP_PT, "normal")]
    lines += [(part, TITLE_PT, "bold") for part in
              wrap(f"{step.step.title} (as at {step.as_at})", room * BOLD, TITLE_PT)]
    for paragraph in step.text():
        lines += [(part, TEXT_PT, "normal") for part in wrap(paragraph, room, TEXT_PT)]
    lines.append((step.changes_heading, CHANGE_PT, "bold"))
    changes: list[str] = []
    for change in step.changes:
        changes += wrap(change.cited, room, CHANGE_PT)
    left = len(changes) > MAX_CHANGE_LINES
    if left:
        changes = changes[:MAX_CHANGE_LINES - 1] + [
            f"… {len(step.changes)} changes in all: each is listed under “{CHANGES_IN_FULL}” "
            f"at the end of this brief."]
    lines += [(part, CHANGE_PT, "normal") for part in changes]
    return lines, left


def step_page(graph: nx.MultiDiGraph, brief: Brief, step: BriefStep) -> tuple[Figure, bool]:
    page = _page()
    room = (page.width - 2 * MARGIN_PT) * 0.96
    lines, left = step_lines(brief, step, room)
    reserve = sum(size * LINE_HEIGHT for _, size, _ in lines) + 6
    sheet = paint(brief.sheet(graph, step, SIZE, SIZE, reserve))
    y = MARGIN_PT
    for text, size, weight in lines:
        sheet.text(MARGIN_PT, y, text, size, weight=weight,
                   color="#555" if size == STEP_PT else "#111")
        y += size * LINE_HEIGHT
    return sheet.figure, left
