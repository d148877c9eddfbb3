"""A story as a PowerPoint deck (python-pptx), and any view as one slide.

A title slide; per step a 16:9 slide whose title and text are real, editable text boxes above
the picture (a PNG of the step's sheet, placed at its own size, so its text stays 7 pt or
more); the step's changes and sources in full in the speaker notes; then the sources, numbered
as cited, on as many slides as they take. The files open in PowerPoint, LibreOffice Impress
and Google Slides (checked here by LibreOffice converting them to PDF).
"""

from __future__ import annotations

import datetime as dt
import io

import matplotlib
import networkx as nx
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Pt

from graph.core.temporal import DateLike
from graph.drawing.text import LINE_HEIGHT, wrap
from graph.export.brief import Brief, BriefStep, prepare
from graph.export.image import MARGIN_PT, PT_PER_MM, STYLE, paint, plan
from graph.export.options import SIZES
from graph.export.request import (
    SnapshotRequest,
    caption,
    make_request,
    sheet_drawing,
    type_sources,
)

SIZE = "slide"  # 338.7 x 190.5 mm: PowerPoint's 16:9 slide, so the picture is at its own size
EMU_PER_PT = 12700
DPI = 200
TITLE_PT = 20.0
LABEL_PT = 10.0
TEXT_PT = 12.0
SOURCES_PER_SLIDE = 12
BOLD = 0.88  # of a line used by bold text: the widths measured are those of the regular face
SOURCE_PT = 11.0


def _deck() -> Presentation:
    deck = Presentation()
    width_mm, height_mm, _ = SIZES[SIZE]
    deck.slide_width = Emu(round(width_mm * PT_PER_MM * EMU_PER_PT))
    deck.slide_height = Emu(round(height_mm * PT_PER_MM * EMU_PER_PT))
    deck.core_properties.title = ""
    deck.core_properties.author = ""
    return deck


def _blank(deck: Presentation):
    return deck.slides.add_slide(deck.slide_layouts[6])  # the blank layout


def _box(slide, left: float, top: float, width: float, height: float, paragraphs: list,
         name: str):
    """A text box (points) holding ``paragraphs``: lists of (text, size, bold, italic, colour)."""
    shape = slide.shapes.add_textbox(Pt(left), Pt(top), Pt(width), Pt(height))
    shape.name = name
    frame = shape.text_frame
    frame.word_wrap = True
    for margin in ("margin_left", "margin_right", "margin_top", "margin_bottom"):
        setattr(frame, margin, 0)
    for i, runs in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        for text, size, bold, italic, colour in runs:
            run = paragraph.add_run()
            run.text = text
            run.font.size = Pt(size)
            run.font.bold = bold
            run.font.italic = italic
            run.font.color.rgb = RGBColor.from_string(colour)
    return shape


def _picture(slide, figure, name: str, description: str):
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    buffer.seek(0)
    width_pt = figure.get_figwidth() * 72
    height_pt = figure.get_figheight() * 72
    picture = slide.shapes.add_picture(buffer, 0, 0, Pt(width_pt), Pt(height_pt))
    picture.name = name
    picture._element.nvPicPr.cNvPr.set("descr", description)  # alt text for screen readers
    return picture


def _notes(slide, lines: list[str]) -> None:
    slide.notes_slide.notes_text_frame.text = "\n".join(lines)


def _text_lines(step: BriefStep, room: float) -> int:
    # a paragraph with bold words may take a little more room than measured
    return sum(len(wrap(p, room * 0.95, TEXT_PT)) for p in step.text())


def render(graph: nx.MultiDiGraph, story_id: str, *, made: dt.date | None = None) -> bytes:
    brief = prepare(graph, story_id, "pptx", made=made, size=SIZE)
    deck = _deck()
    width = deck.slide_width / EMU_PER_PT
    room = width - 2 * MARGIN_PT * 2
    with matplotlib.rc_context(STYLE):
        _title_slide(deck, brief, room)
        for step in brief.steps:
            _step_slide(graph, deck, brief, step, room)
    _source_slides(deck, brief, room)
    deck.core_properties.title = brief.story.title
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def _title_slide(deck: Presentation, brief: Brief, room: float) -> None:
    slide = _blank(deck)
    left = MARGIN_PT * 2
    paragraphs = [[(brief.story.title, 30.0, True, False, "111111")],
                  [(f"A briefing on {brief.area}, in {len(brief.steps)} steps", 16.0, False,
                    False, "333333")]]
    if brief.story.description:
        paragraphs.append([(brief.story.description, 14.0, False, False, "222222")])
    paragraphs += [[(f"{s.index + 1}. {s.step.title} (as at {s.as_at})", 13.0, False, False,
                     "111111")] for s in brief.steps]
    paragraphs.append([(f"{brief.provenance}. Numbers in brackets are sources, listed in full "
                        f"on the last slides and in each slide's notes.", 10.0, False, False,
                        "333333")])
    _box(slide, left, 40, room, deck.slide_height / EMU_PER_PT - 60, paragraphs, "Title")
    _notes(slide, [brief.provenance])


def _step_slide(graph: nx.MultiDiGraph, deck: Presentation, brief: Brief, step: BriefStep,
                room: float) -> None:
    slide = _blank(deck)
    left = MARGIN_PT * 2
    label = f"{brief.step_label(step.index)} · as at {step.as_at}"
    top = 14.0
    title_h = TITLE_PT * LINE_HEIGHT * len(wrap(step.step.title, room * BOLD, TITLE_PT))
    text_h = TEXT_PT * LINE_HEIGHT * _text_lines(step, room * 0.97) + 4
    reserve = top + LABEL_PT * LINE_HEIGHT + title_h + text_h + 4 - MARGIN_PT
    sheet = paint(brief.sheet(graph, step, SIZE, SIZE, reserve))
    _picture(slide, sheet.figure, "Picture",
             f"{brief.area} as at {step.as_at}: {len(step.view.nodes)} organisations and "
             f"{len(step.view.edges)} relationships drawn")
    _box(slide, left, top, room, LABEL_PT * LINE_HEIGHT,
         [[(label, LABEL_PT, False, False, "555555")]], "Step")
    _box(slide, left, top + LABEL_PT * LINE_HEIGHT, room, title_h,
         [[(step.step.title, TITLE_PT, True, False, "111111")]], "Title")
    _box(slide, left, top + LABEL_PT * LINE_HEIGHT + title_h, room, text_h,
         [[(r.text, TEXT_PT, r.bold, r.italic, "111111") for r in runs]
          for runs in step.paragraphs], "Text")
    _notes(slide, [f"{step.step.title} (as at {step.as_at}). {brief.step_label(step.index)}.",
                   *step.text(), "", step.changes_heading,
                   *(c.cited for c in step.changes), "", "Sources:",
                   *(brief.source_text(s) for s in brief.step_sources(step)), "", brief.provenance])


def _source_slides(deck: Presentation, brief: Brief, room: float) -> None:
    chunks = [brief.sources[i:i + SOURCES_PER_SLIDE]
              for i in range(0, len(brief.sources), SOURCES_PER_SLIDE)] or [()]
    for i, chunk in enumerate(chunks):
        slide = _blank(deck)
        heading = "Sources" + (f" ({i + 1} of {len(chunks)})" if len(chunks) > 1 else "")
        paragraphs = [[(heading, TITLE_PT, True, False, "111111")]]
        paragraphs += [[(brief.source_text(s), SOURCE_PT, False, False, "222222")]
                       for s in chunk]
        _box(slide, MARGIN_PT * 2, 14, room, deck.slide_height / EMU_PER_PT - 28, paragraphs,
             "Sources")
        _notes(slide, [brief.source_text(s) for s in chunk])


def view_slide(graph: nx.MultiDiGraph, date: DateLike, *, focus: str | None = None,
               depth: int = 1, kinds: set[str] | list[str] | None = None,
               types: set[str] | list[str] | None = None,
               diff_from: DateLike | None = None) -> bytes:
    """Any view as a one-slide PowerPoint: the picture (its own title, legend and source
    numbers) with every source in full in the speaker notes."""
    from graph.export.image import SOURCE_BUDGETS

    request: SnapshotRequest = make_request(graph, "pptx", date, focus=focus, depth=depth,
                                            kinds=kinds, types=types, diff_from=diff_from,
                                            size=SIZE)
    view = request.scene(graph)
    text = caption(graph, view, request)
    deck = _deck()
    slide = _blank(deck)
    with matplotlib.rc_context(STYLE):
        sheet_plan = plan(view, text, sheet_drawing(graph, view, request, text), SIZE,
                          type_sources(view, text),
                          SOURCE_BUDGETS[-1:], elsewhere="in this slide's speaker notes")
        _picture(slide, paint(sheet_plan).figure, "Picture",
                 f"{text.title}: {len(view.nodes)} organisations and {len(view.edges)} "
                 f"relationships drawn")
    _notes(slide, [text.title, text.subtitle, f"{text.provenance}.", "Sources:",
                   *(s.text() + (f" {s.url}" if s.url else "") for s in text.sources)])
    deck.core_properties.title = text.title
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
