"""A snapshot as a PDF for briefings: page 1 the sheet (as the SVG and PNG draw it), then, when
the sources do not fit beside the picture, pages listing every source in full (publisher,
title, date, link), numbered as the picture cites them. Every piece of text is 7 pt or more;
the file is the same bytes on every run (no creation date)."""

from __future__ import annotations

import io

import matplotlib
import networkx as nx
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from graph.drawing.text import LINE_HEIGHT, wrap
from graph.export.image import (
    MARGIN_PT,
    PT_PER_MM,
    STYLE,
    TITLE_PT,
    Sheet,
    draw,
    plan,
)
from graph.export.request import (
    SIZES,
    Caption,
    SnapshotRequest,
    caption,
    sheet_drawing,
    type_sources,
)

SOURCE_PT = 8.0
ON_THE_NEXT_PAGES = "on the next page of this PDF"


def render(graph: nx.MultiDiGraph, request: SnapshotRequest) -> bytes:
    view = request.scene(graph)
    text = caption(graph, view, request)
    with matplotlib.rc_context(STYLE):
        sheet_plan = plan(view, text, sheet_drawing(graph, view, request, text), request.size,
                          type_sources(view, text), elsewhere=ON_THE_NEXT_PAGES)
        figures = [draw(sheet_plan)]
        if not sheet_plan.source_lines:
            figures += source_pages(text, request.size)
        buffer = io.BytesIO()
        with PdfPages(buffer, metadata={"Title": text.title, "CreationDate": None,
                                        "Creator": None, "Producer": None}) as pdf:
            for figure in figures:
                pdf.savefig(figure)
    return buffer.getvalue()


def source_pages(text: Caption, size: str) -> list[Figure]:
    """The sources in full, numbered, one paragraph each, on as many pages as they take."""
    return text_pages(f"Sources: {text.title}",
                      [source.text() + (f" {source.url}" if source.url else "")
                       for source in text.sources], size)


def text_pages(heading: str, items: list[str], size: str, point: float = SOURCE_PT) -> list[Figure]:
    """``items`` as wrapped paragraphs under ``heading``, on as many pages as they take."""
    width_mm, height_mm, _ = SIZES[size]
    width, height = width_mm * PT_PER_MM, height_mm * PT_PER_MM
    room = width - 2 * MARGIN_PT
    line = point * LINE_HEIGHT
    paragraphs = [wrap(item, room * 0.96, point) for item in items]
    pages: list[Figure] = []
    sheet, y = None, 0.0
    for lines in paragraphs:
        needed = len(lines) * line + 3
        if sheet is None or y + needed > height - MARGIN_PT:
            sheet = Sheet(width, height)
            pages.append(sheet.figure)
            y = MARGIN_PT
            sheet.text(MARGIN_PT, y, heading, TITLE_PT, weight="bold", color="#111")
            y += TITLE_PT * LINE_HEIGHT + 4
        for part in lines:
            sheet.text(MARGIN_PT, y, part, point, color="#222")
            y += line
        y += 3
    return pages
