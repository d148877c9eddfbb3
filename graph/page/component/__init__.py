"""The page's graph as a Streamlit v2 custom component: vis-network, inlined (no CDN), that
sends a clicked organisation's id back to Python.

The component runs in the page itself (a shadow root, not a sandbox), so its data travels as
JSON and the JavaScript puts every name into the DOM as text, never as HTML.

vis-network (470 kB of JavaScript, 220 kB of CSS) reaches the browser once per session: in the
first graph's data, which the page keeps (``globalThis.vis``); every later graph's data is the
graph alone, so a slider step sends kilobytes, not the library again. A page that lost it (a
reload that kept the session) asks for it (``needs_lib``) and the next run sends it again.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import streamlit as st

from graph.drawing.vis import routes_script, vis_network_assets

HERE = Path(__file__).parent
HTML = '<div class="org-graph"><div class="canvas-box"></div><div class="legend"></div></div>'
LIBRARY_SENT = "graph_library_sent"  # session state: this session's page has vis-network


@cache
def library() -> dict[str, str]:
    """vis-network's JavaScript and CSS, as the first graph's data carries them."""
    js, css = vis_network_assets()
    return {"js": js, "css": css}


@cache
def _component() -> Any:
    js = "\n".join([routes_script(), (HERE / "graph.js").read_text(encoding="utf-8")])
    css = (HERE / "graph.css").read_text(encoding="utf-8")
    return st.components.v2.component("org_graph", html=HTML, css=css, js=js)


def graph_view(data: dict[str, Any], *, key: str, height: int = 0) -> str | None:
    """Draw ``data`` (from ``graph.page.view``) across the column's width, as tall as that
    makes it (at least ``height`` pixels), and return the id of the organisation clicked in
    this run, or None."""
    lib = None if st.session_state.get(LIBRARY_SENT) else library()
    result = _component()(data={**data, "minHeight": height, "lib": lib}, key=key,
                          height="content", on_clicked_change=lambda: None,
                          on_needs_lib_change=lambda: None)
    st.session_state[LIBRARY_SENT] = True
    if result.get("needs_lib"):  # this page has not got it: send it again
        st.session_state[LIBRARY_SENT] = False
        st.rerun()
    clicked = result.get("clicked")
    return str(clicked) if clicked else None
