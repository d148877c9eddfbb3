"""The page's graph as a Streamlit v2 custom component: vis-network, inlined (no CDN), that
sends a clicked organisation's id back to Python.

The component runs in the page itself (a shadow root, not a sandbox), so its data travels as
JSON and the JavaScript puts every name into the DOM as text, never as HTML.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import streamlit as st

from graph.drawing.vis import routes_script, vis_network_assets

HERE = Path(__file__).parent
HTML = '<div class="org-graph"><div class="canvas-box"></div><div class="legend"></div></div>'


@cache
def _component() -> Any:
    vis_js, vis_css = vis_network_assets()
    js = "\n".join([vis_js, routes_script(), (HERE / "graph.js").read_text(encoding="utf-8")])
    css = vis_css + "\n" + (HERE / "graph.css").read_text(encoding="utf-8")
    return st.components.v2.component("org_graph", html=HTML, css=css, js=js)


def graph_view(data: dict[str, Any], *, key: str, height: int = 0) -> str | None:
    """Draw ``data`` (from ``graph.page.view``) across the column's width, as tall as that
    makes it (at least ``height`` pixels), and return the id of the organisation clicked in
    this run, or None."""
    result = _component()(data={**data, "minHeight": height}, key=key, height="content",
                          on_clicked_change=lambda: None)
    clicked = result.get("clicked")
    return str(clicked) if clicked else None
