"""Painting a film's pictures fast: matplotlib's Agg renderer, with each line of text rendered
once per film, and the pictures shared between two processes.

Matplotlib 3.11 lays out and rasterises a text glyph by glyph on every draw, and a film draws
the same labels on every shot (no box moves): that was two thirds of the time of the default
film (profiled: 49 shots and 3 cards, 8,153 texts, 165,703 glyphs). ``CachedRenderer`` keeps
each text's coverage bitmap, keyed by everything that decides it (the string, the font file
and size, the angle, antialiasing and the position's fraction of a pixel in FreeType's 1/64
units), so a label drawn again at the same place is one blit; one renderer (and so
matplotlib's own cache of text metrics) serves every picture of the film's size.

``paint_all`` draws a list of pictures in two processes (forked, so nothing is pickled but the
pixels) when the caller is single-threaded, as the command line is; a threaded caller (the
page's server) draws them in turn, as forking a threaded process is unsafe.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
from matplotlib.figure import Figure
from matplotlib.ft2font import RenderMode

WORKERS = 2  # the machines this runs on have two cores to share
_TEXT_LIMIT = 20_000  # bitmaps kept per renderer (a film draws a few thousand distinct texts)


class CachedRenderer(RendererAgg):
    """``RendererAgg`` whose plain (non-maths) text is rasterised once per string, font, size,
    angle and sub-pixel place, then composited as one bitmap."""

    def __init__(self, width: float, height: float, dpi: float) -> None:
        super().__init__(width, height, dpi)
        self._texts: dict[tuple, tuple[np.ndarray, int, int] | None] = {}

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if ismath or (mtext is not None and (mtext.get_fontfeatures() or mtext.get_language())):
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        antialiased = bool(gc.get_antialiased())
        sub_x = round(64 * x)
        sub_y = round(64 * (self.height - y))
        key = (s, tuple(prop.get_family()), prop.get_style(), prop.get_variant(),
               prop.get_weight(), prop.get_stretch(), prop.get_file(), prop.get_size_in_points(),
               self.dpi, angle, antialiased, sub_x % 64, sub_y % 64)
        if key not in self._texts:
            if len(self._texts) > _TEXT_LIMIT:
                self._texts.clear()
            self._texts[key] = self._raster(s, prop, angle, antialiased, sub_x % 64,
                                            sub_y % 64)
        found = self._texts[key]
        if found is None:
            return None
        bitmap, left, top = found  # left and top at the whole-pixel origin (0, 0)
        shift_x, shift_y = sub_x // 64, sub_y // 64
        self._renderer.draw_text_image(
            bitmap, left + shift_x, int(self.height) - (top + shift_y) + bitmap.shape[0], 0, gc)
        return None

    def _raster(self, s: str, prop, angle: float, antialiased: bool, frac_x: int,
                frac_y: int) -> tuple[np.ndarray, int, int] | None:
        """The coverage of ``s`` drawn with its origin ``frac_x``/64, ``frac_y``/64 pixels
        right of and above pixel (0, 0): (bitmap, its left column, its top row counted up)."""
        font = self._prepare_font(prop)
        items = font._layout(s, flags=get_hinting_flag())
        size = prop.get_size_in_points()
        cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
        flags = get_hinting_flag()
        mode = RenderMode.NORMAL if antialiased else RenderMode.MONO
        pieces = []
        for item in items:
            glyph_font = item.ft_object
            glyph_font.set_size(size, self.dpi)
            glyph_font._set_transform(
                (0x10000 * np.array([[cos, -sin], [sin, cos]])).round().astype(int),
                [frac_x + round(0x40 * (item.x * cos - item.y * sin)),
                 frac_y + round(0x40 * (item.x * sin + item.y * cos))])
            bitmap = glyph_font._render_glyph(item.glyph_index, flags, mode)
            buffer = np.array(bitmap.buffer, dtype=np.uint8)
            if not antialiased:
                buffer *= 0xff
            if buffer.size:
                pieces.append((buffer, bitmap.left, bitmap.top))
        if not pieces:
            return None
        left = min(p[1] for p in pieces)
        top = max(p[2] for p in pieces)
        right = max(p[1] + p[0].shape[1] for p in pieces)
        bottom = min(p[2] - p[0].shape[0] for p in pieces)
        canvas = np.zeros((top - bottom, right - left), np.uint8)
        for buffer, glyph_left, glyph_top in pieces:
            rows = slice(top - glyph_top, top - glyph_top + buffer.shape[0])
            columns = slice(glyph_left - left, glyph_left - left + buffer.shape[1])
            np.maximum(canvas[rows, columns], buffer, out=canvas[rows, columns])
        return canvas, left, top


class FilmCanvas(FigureCanvasAgg):
    """An Agg canvas drawing with the one ``CachedRenderer`` of its size and resolution."""

    _renderers: dict[tuple, CachedRenderer] = {}

    def get_renderer(self):
        w, h = self.get_width_height(physical=True)
        key = (w, h, self.figure.dpi)
        if key not in self._renderers:
            self._renderers.clear()
            self._renderers[key] = CachedRenderer(w, h, self.figure.dpi)
        self.renderer = self._renderers[key]
        return self.renderer


def pixels(figure: Figure, dpi: float, width_px: int, height_px: int) -> np.ndarray:
    """``figure`` drawn at ``dpi`` as an RGB array ``height_px`` by ``width_px`` (a pixel
    short by rounding is white)."""
    figure.set_dpi(dpi)
    canvas = FilmCanvas(figure)
    canvas.draw()
    rgb = np.asarray(canvas.buffer_rgba())[:height_px, :width_px, :3]
    if rgb.shape[:2] != (height_px, width_px):
        padded = np.full((height_px, width_px, 3), 255, np.uint8)
        padded[:rgb.shape[0], :rgb.shape[1]] = rgb
        rgb = padded
    return np.ascontiguousarray(rgb)


_JOB: list[Callable[[Any], np.ndarray]] = []  # the forked workers' painter
AHEAD = 4  # pictures drawn ahead of the one wanted (each is a few MB)


def _paint(key: Any) -> np.ndarray:
    return _JOB[0](key)


def paint_each(paint: Callable[[Any], np.ndarray], keys: Sequence[Any]
               ) -> Iterator[tuple[Any, np.ndarray]]:
    """``(key, paint(key))`` for each key in order: in two forked processes, a few pictures
    ahead, when the caller is single-threaded (forking a threaded process is unsafe), else in
    turn; the same pixels either way."""
    workers = min(WORKERS, os.cpu_count() or 1, len(keys))
    if workers < 2 or threading.active_count() > 1 \
            or "fork" not in multiprocessing.get_all_start_methods():
        yield from ((key, paint(key)) for key in keys)
        return
    _JOB[:] = [paint]
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            _JOB.clear()  # the workers have their copy
            waiting = deque()
            for key in keys:
                waiting.append((key, pool.apply_async(_paint, (key,))))
                if len(waiting) > AHEAD:
                    done, result = waiting.popleft()
                    yield done, result.get()
            while waiting:
                done, result = waiting.popleft()
                yield done, result.get()
    finally:
        _JOB.clear()


def paint_all(paint: Callable[[Any], np.ndarray], keys: Sequence[Any]) -> dict[Any, np.ndarray]:
    """``paint(key)`` for every key, as ``paint_each`` draws them."""
    return dict(paint_each(paint, keys))
