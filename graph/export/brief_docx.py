"""A story as a Word document (python-docx) for a committee paper.

A title section; then per step a section (A4 portrait, a new page) with its heading, the "as
at" date, the text with numbered citations, the figure (a PNG of the step's sheet at its own
size, so its text stays 7 pt or more) with a numbered caption, and what changed since the
step before; then the sources as a numbered reference list.
"""

from __future__ import annotations

import datetime as dt
import io

import matplotlib
import networkx as nx
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.shared import Mm, Pt

from graph.core.dates import words
from graph.drawing.text import LINE_HEIGHT
from graph.export.brief import Brief, BriefStep, prepare
from graph.export.image import MARGIN_PT, PT_PER_MM, STYLE, paint

PAGE_MM = (210.0, 297.0)  # A4 portrait, as committee papers are
MARGIN_MM = 10.0
# the figure is drawn in the A4 portrait frame (its boxes 7 pt labels at full size: the
# frame is 516 pt wide, and the sheet adds 10 pt each side), as wide as the text
FIGURE_SIZE = (PAGE_MM[0] - 2 * MARGIN_MM, 200.0, "Word A4 portrait figure")
FRAME = "a4-portrait"
DPI = 200


def _page(section) -> None:
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(MARGIN_MM))


def _runs(paragraph, runs) -> None:
    for r in runs:
        run = paragraph.add_run(r.text)
        run.bold, run.italic = r.bold or None, r.italic or None


def render(graph: nx.MultiDiGraph, story_id: str, *, made: dt.date | None = None) -> bytes:
    brief = prepare(graph, story_id, "docx", made=made, size="a4")
    document = Document()
    document.core_properties.title = brief.story.title
    document.core_properties.author = ""
    _page(document.sections[0])
    document.styles["Normal"].font.size = Pt(11)
    document.add_heading(brief.story.title, level=0)
    document.add_paragraph(f"A briefing on {brief.area}, in {len(brief.steps)} steps.")
    if brief.story.description:
        document.add_paragraph(brief.story.description)
    for step in brief.steps:
        document.add_paragraph(f"{step.step.title} (as at {step.as_at})", style="List Number")
    document.add_paragraph(f"{brief.provenance}. Numbers in brackets are the sources listed "
                           f"at the end, one numbering for the whole brief.")
    with matplotlib.rc_context(STYLE):
        for step in brief.steps:
            _step(graph, document, brief, step)
    section = document.add_section(WD_SECTION.NEW_PAGE)
    _page(section)
    document.add_heading("Sources", level=1)
    for source in brief.sources:
        document.add_paragraph(brief.source_text(source))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _step(graph: nx.MultiDiGraph, document, brief: Brief, step: BriefStep) -> None:
    section = document.add_section(WD_SECTION.NEW_PAGE)
    _page(section)
    document.add_heading(f"{brief.step_label(step.index)}: {step.step.title}", level=1)
    as_at = document.add_paragraph()
    as_at.add_run(f"As at {step.as_at}").italic = True
    for runs in step.paragraphs:
        _runs(document.add_paragraph(), runs)
    planned = brief.sheet(graph, step, FIGURE_SIZE, FRAME)
    # as tall as the picture needs: a small view leaves no blank half page
    used = (2 * MARGIN_PT + sum(size * LINE_HEIGHT for _, size, _ in planned.heading) + 4
            + planned.drawn.height * planned.scale + 6 + planned.footer_h)
    height = min(FIGURE_SIZE[1], used / PT_PER_MM + 1)
    figure = paint(brief.sheet(graph, step, (FIGURE_SIZE[0], height, FIGURE_SIZE[2]),
                               FRAME)).figure
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    buffer.seek(0)
    document.add_picture(buffer, width=Mm(FIGURE_SIZE[0]))
    picture = document.inline_shapes[-1]
    picture._inline.docPr.set("descr", f"{brief.area} as at {step.as_at}: "
                              f"{len(step.view.nodes)} organisations and "
                              f"{len(step.view.edges)} relationships drawn")
    document.add_paragraph(f"Figure {step.index + 1}. {brief.area} as at {step.as_at}"
                           + (f", changes since {words(step.since)} marked" if step.since
                              else "") + ".", style="Caption")
    document.add_paragraph(step.changes_heading).runs[0].bold = True
    for change in step.changes:
        document.add_paragraph(change.cited, style="List Bullet")
