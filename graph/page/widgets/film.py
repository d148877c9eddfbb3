"""The sidebar's film of the current selection (focus, depth, kinds, types) from a chosen stop
to the date shown: drawn only when asked (it takes a while), then offered as a download. It is
the file ``python -m graph animate`` writes with the same options."""

from __future__ import annotations

import networkx as nx
import streamlit as st

from graph.core.stops import Stop
from graph.export.film import FilmError, file_name, make_film_request
from graph.export.film_write import render
from graph.export.options import FILM_FORMATS
from graph.page.state import ViewState
from graph.page.text import md

PAGE_FILM = {"size": "slide", "width": 960, "fps": 10}  # a web page's or a slide's film


def show(graph: nx.MultiDiGraph, state: ViewState, stops: tuple[Stop, ...]) -> None:
    """Lay out the film's choices and its button (in the sidebar)."""
    st.subheader("Film of this selection")
    earlier = {s.key: s.label for s in stops if s.day < state.date}
    if not earlier:
        st.caption("Move the date after the story's first day to film the story up to it.")
        return
    if st.session_state.get("film_from") not in earlier:  # the story's start, by default
        st.session_state.film_from = next(iter(earlier))
    st.selectbox("Film from", list(earlier), format_func=earlier.get, key="film_from")
    fmt = st.radio("Film format", ["gif", "mp4", "webm"], format_func=str.upper,
                   horizontal=True, key="film_format")
    options = {"focus": state.focus, "depth": state.depth, "kinds": state.kinds,
               "types": state.types, **PAGE_FILM}
    wanted = (fmt, st.session_state.film_from, state.date.isoformat(), repr(sorted(
        (k, sorted(v) if isinstance(v, frozenset) else v) for k, v in options.items())))
    made = st.session_state.get("film")
    if made is None or made[0] != wanted:
        if st.button("Make the film", key="make_film",
                     help="Draws every day the story names from the chosen stop to the date "
                          "shown (this takes a little while)"):
            with st.spinner("Drawing the film…"):
                try:
                    request = make_film_request(graph, fmt, wanted[1], state.date, **options)
                    made = (wanted, render(graph, request), file_name(graph, request))
                except FilmError as error:
                    made = (wanted, None, str(error))
            st.session_state.film = made
            st.rerun()  # the button gives way to the download
    if made is not None and made[0] == wanted:
        if made[1] is None:
            st.caption(md(f"Film: {made[2]}"))
        else:
            size = len(made[1])
            st.download_button(f"Download the film ({fmt.upper()}, "
                               f"{size / 1e6:.1f} MB)" if size >= 1e5 else
                               f"Download the film ({fmt.upper()}, {size / 1e3:.0f} kB)",
                               made[1], made[2], FILM_FORMATS[fmt][0], on_click="ignore",
                               key="film_download")
