"""The time slider's year ticks and its PageUp/PageDown keys, as a small Streamlit v2 component
placed under the slider.

Streamlit's slider spaces its stops evenly and moves a tenth of them on PageUp/PageDown; this
component draws a tick where each year begins (measured against the slider's own track) and
turns PageUp/PageDown on the slider into "a year on/back", answered in Python
(``graph.page.state.go_a_year``). It runs in the page (not a sandbox): years are numbers and
reach the DOM as text.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import streamlit as st

HERE = Path(__file__).parent
HTML = '<div class="timebar" aria-hidden="true"></div>'


@cache
def _component() -> Any:
    return st.components.v2.component(
        "org_timebar", html=HTML, css=(HERE / "timebar.css").read_text(encoding="utf-8"),
        js=(HERE / "timebar.js").read_text(encoding="utf-8"))


def timebar(ticks: list[tuple[int, float]], *, slider: str, keys: tuple[str, ...],
            key: str) -> tuple[str, int] | None:
    """Year ticks under the slider whose widget key is ``slider``; returns (the slider's key,
    +1 or -1) when PageUp or PageDown was pressed in this run on one of the sliders ``keys``."""
    result = _component()(data={"slider": slider, "keys": list(keys),
                                "ticks": [[y, at] for y, at in ticks]},
                          key=key, height=36, on_page_change=lambda: None)
    pressed = result.get("page")
    return (str(pressed[0]), int(pressed[1])) if pressed else None
