"""A film is legible at its size (issue 26): every piece of text on a frame is 12 px or more
at 960 px wide (and at the default 1280), and no text covers a line. Measured on the drawn
matplotlib figure at the film's pixel size: each text's font size in pixels, and each text's
box in pixels (its white background included) against every segment of every line drawn."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest
from matplotlib.lines import Line2D
from matplotlib.text import Text

from graph import build_graph
from graph.export import film_sheet
from graph.export.film import TEXT_PX, TEXT_WIDTH, make_film_request, plan
from graph.export.film_paint import FilmCanvas
from graph.export.film_sheet import _crosses, layout
from graph.export.image import STYLE, Sheet
from loaders.dataset import load

ROOT = Path(__file__).resolve().parent.parent
README = {"kinds": "PCT,CCG,ICB,Partnership,RegionalTeam,Trust".split(","),
          "types": "COMMISSIONS,PART_OF,MERGED_INTO,SUCCEEDED_BY".split(","),
          "size": "slide", "width": 960, "fps": 5}


@pytest.fixture(scope="module")
def blmk():
    return build_graph(load(ROOT / "data" / "orgs.yaml"))


def drawn_figure(film, lay, what: str, index: int):
    """The frame's figure, drawn at the film's pixel size, and its renderer."""
    captured = {}
    original = Sheet.__init__

    def keep(sheet, *args):
        original(sheet, *args)
        captured["sheet"] = sheet

    Sheet.__init__ = keep
    try:
        film_sheet.draw(film, lay, what, index)
    finally:
        Sheet.__init__ = original
    figure = captured["sheet"].figure
    with matplotlib.rc_context(STYLE):
        canvas = FilmCanvas(figure)
        canvas.draw()
    return figure, canvas.get_renderer()


def measured(film, what: str, index: int):
    """(font sizes in px, text boxes in px, line segments in px) of one frame."""
    lay = layout(film)
    figure, renderer = drawn_figure(film, lay, what, index)
    texts = [t for t in figure.findobj(Text) if t.get_text() and t.get_visible()]
    sizes = [t.get_fontsize() * renderer.dpi / 72 for t in texts]
    boxes = []
    for text in texts:
        patch = text.get_bbox_patch()
        extent = (patch or text).get_window_extent(renderer)
        boxes.append((text.get_text(), extent.x0, extent.y0, extent.x1, extent.y1))
    segments = []
    for line in figure.findobj(Line2D):
        if not line.get_visible() or line.get_linewidth() == 0:
            continue
        points = line.get_transform().transform(line.get_xydata())
        segments += [(tuple(a), tuple(b)) for a, b in zip(points, points[1:], strict=False)]
    return sizes, boxes, segments


FILMS = [("the README film (slide, 960 px)", "2013-04-01", "2022-08-01", README),
         ("the default film (A4, 1280 px)", "2013-04-01", "2022-08-01", {}),
         ("the README film's selection over 2020-2022", "2020-01-01", "2022-08-01", README)]


@pytest.mark.parametrize(("name", "first", "last", "options"), FILMS,
                         ids=[f[0] for f in FILMS])
def test_every_text_is_12_px_or_more_at_960_px_and_covers_no_line(blmk, name, first, last,
                                                                  options):
    film = plan(blmk, make_film_request(blmk, "gif", first, last, **options))
    floor = TEXT_PX * min(film.request.width, TEXT_WIDTH) / TEXT_WIDTH
    assert floor == 12.0
    merger = next(i for i, s in enumerate(film.shots) if str(s.day) == "2021-04-01")
    frames = [("shot", 0), ("shot", merger), ("shot", len(film.shots) - 1), ("card", 0)]
    labelled = 0
    for what, index in frames:
        sizes, boxes, segments = measured(film, what, index)
        assert sizes and min(sizes) >= floor - 1e-6, (name, what, index, min(sizes))
        for text, *box in boxes:  # display pixels, y up: (left, bottom, right, top)
            for a, b in segments:
                assert not _crosses(box, a, b), (name, what, index, text, a, b)
        labelled += sum(1 for s in film.shots[index].drawing.edges if s.label) \
            if what == "shot" else 0
    if "Trust" not in options.get("kinds", ["Trust"]) or not options:
        assert labelled  # the default film's roles are measured too


def test_a_film_at_960_px_wide_has_12_px_text_on_a_560_pt_sheet(blmk):
    """The rule behind the sizes: the film's sheet is as wide as makes 7 pt 12 px."""
    request = make_film_request(blmk, "gif", "2020-01-01", "2022-08-01", **README)
    assert request.sheet[0] == pytest.approx(560.0)
    wide = make_film_request(blmk, "gif", "2020-01-01", "2022-08-01", width=1280)
    assert wide.sheet[0] * TEXT_PX / 7.0 == pytest.approx(1280)
