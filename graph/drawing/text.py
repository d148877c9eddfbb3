"""Text measured as it will be drawn, so labels fit their boxes in every renderer.

Widths come from DejaVu Sans (shipped with matplotlib), a wide face: text that fits when
measured with it also fits in the narrower faces a browser may fall back to. Widths are in the
same unit as the font size (1 em = ``size``).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.ft2font import FT2Font

FACE = "DejaVu Sans"
CSS_FACE = "DejaVu Sans, Verdana, Arial, sans-serif"  # the browser's stack, widest first
LINE_HEIGHT = 1.25  # line spacing as a multiple of the font size, in every renderer
ELLIPSIS = "…"
_REFERENCE_SIZE = 100.0


@cache
def _font() -> FT2Font:
    # imported on the first measure: matplotlib takes 0.2 s and writes its font cache
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    font = FT2Font(font_manager.findfont(FACE))
    font.set_size(_REFERENCE_SIZE, 72)
    return font


@cache
def _advance(char: str) -> float:
    """One character's width at font size 1 (a missing glyph counts as a wide one)."""
    font = _font()
    if not font.get_char_index(ord(char)):
        return 1.0
    font.set_text(char)
    return font.get_width_height()[0] / 64 / _REFERENCE_SIZE


def width(text: str, size: float) -> float:
    """The width of ``text`` at font ``size`` (kerning ignored: a little wider, never less)."""
    return sum(map(_advance, text)) * size


def wrap(text: str, max_width: float, size: float) -> list[str]:
    """``text`` broken into lines no wider than ``max_width`` (a word too long for a line is
    broken inside)."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and width(candidate, size) <= max_width:
            lines[-1] = candidate
            continue
        while width(word, size) > max_width and len(word) > 1:  # break a long word
            cut = max(1, _fitting(word, max_width, size))
            lines.append(word[:cut])
            word = word[cut:]
        lines.append(word)
    return lines


def shorten(text: str, max_width: float, size: float) -> str:
    """``text`` cut to fit ``max_width``, ending in "…" when cut."""
    text = " ".join(text.split())
    if _fitting(text, max_width, size) == len(text):  # stops measuring where it would be cut
        return text
    cut = _fitting(text, max_width - width(ELLIPSIS, size), size)
    return text[:cut].rstrip(" ,;:(") + ELLIPSIS


def fit_lines(text: str, max_width: float, size: float, max_lines: int) -> list[str]:
    """At most ``max_lines`` lines of ``text``; the last one shortened with "…" if cut."""
    lines = wrap(text, max_width, size)
    if len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    kept[-1] = shorten(" ".join([kept[-1], *lines[max_lines:]]), max_width, size)
    return kept


def _fitting(text: str, max_width: float, size: float) -> int:
    """How many leading characters of ``text`` fit in ``max_width``."""
    total = 0.0
    for i, char in enumerate(text):
        total += _advance(char) * size
        if total > max_width:
            return i
    return len(text)

