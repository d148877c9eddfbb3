"""The explorer page: widgets and layout only; the logic lives in ``graph.page``.

Run it with ``python -m graph serve`` (bound to 127.0.0.1). The data file comes from the
environment variable ``ORGS_DATA`` (default ``data/orgs.yaml``).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import replace
from pathlib import Path

import networkx as nx
import pandas as pd
import streamlit as st

from graph.core import describe, temporal
from graph.core.dates import words
from graph.core.stops import year_ticks
from graph.export.snapshot import FORMATS as SNAPSHOT_FORMATS
from graph.export.snapshot import file_name, render_snapshot
from graph.page import details, events, prefetch, state, story, twin, view
from graph.page.component import graph_view
from graph.page.text import link, md
from graph.page.timebar import timebar
from graph.page.widgets import compare as compare_section
from graph.page.widgets import console as console_section
from graph.page.widgets import film as film_section
from graph.page.widgets import sources as sources_section
from graph.page.widgets import story as story_section
from loaders.dataset import default_path
from loaders.problems import InvalidInput

st.set_page_config(page_title="Organisation graph explorer", page_icon="🏥", layout="wide")


@st.cache_resource(show_spinner="Reading the data file…", max_entries=4)
def cached_graph(path: str, mtime_ns: int, size: int) -> nx.MultiDiGraph:  # new file, new key
    return view.load_graph(path)


# -- the data file (named, never shown as a path on the server) ------------------------------
data_path = default_path()
try:
    graph = cached_graph(*view.file_identity(data_path))
except InvalidInput as problems:
    st.error(md(f"The data file {data_path.name} has problems; fix them and reload the page:"))
    st.code("\n".join(str(replace(p, file=Path(p.file).name)) for p in problems.problems),
            language=None)
    st.stop()
except OSError as error:
    st.error(md(f"Cannot read the data file {data_path.name}: {error.strerror or error} "
                f"(set ORGS_DATA to a YAML file, or run python -m graph serve --data FILE)"))
    st.stop()
dataset = temporal.dataset_of(graph)

# -- the view's state: read from the link once, then kept in the widgets and the URL ---------
state.open_session(st.session_state, st.query_params.to_dict(), dataset)
stops = state.reconcile(st.session_state, dataset, dataset.organisations, dt.date.today())
stop_labels = {s.key: s.label for s in stops}
named = view.organisation_choices(dataset, state.chosen_day(st.session_state))  # as that day

# -- header -------------------------------------------------------------------------------
st.title(md(dataset.area.name))
st.caption(md(f"{data_path.name} · {len(dataset.organisations)} organisations · "
              f"{len(dataset.relationships)} relationships · {len(dataset.sources)} sources"))
for warning in st.session_state.link_warnings:
    st.warning(md(f"Ignored part of the link: {warning}."))

# -- sidebar: mode, filters, focus (a story's steps set their own) -------------------------
# drawn after the graph (the widgets' values are in the session already): the graph reaches
# the browser first, and is painted before the sidebar's lists are laid out
def sidebar_choices() -> None:
    with st.sidebar:
        st.radio("Mode", state.modes(dataset), format_func=state.MODE_LABELS.get, key="mode")
        telling = st.session_state.mode == state.STORY
        st.subheader("Filters")
        if telling:
            st.caption("Each step of a story has its own focus and filters.")
        st.multiselect("Kinds of organisation", list(dataset.kinds), key="kinds",
                       format_func=lambda k: dataset.kinds[k].label, disabled=telling)
        st.multiselect("Relationship types", list(dataset.relationship_types), key="types",
                       format_func=lambda t: dataset.relationship_types[t].label, disabled=telling)
        st.subheader("Focus")
        # Enter takes what was typed (an exact ODS code comes first, not the loose match's pick)
        st.selectbox("Focus on (type a name or ODS code)", ["", *named], key="focus",
                     format_func=lambda o: named.get(o, o or "Everything"), accept_new_options=True,
                     on_change=state.focus_typed, args=(st.session_state, dataset), disabled=telling)
        if st.session_state.get("focus_error"):
            st.caption(md(f"Focus: {st.session_state.focus_error}"))
        st.slider("Depth (relationships from the focus)", 1, state.MAX_DEPTH, key="depth",
                  disabled=telling or not st.session_state.focus)


current = state.state_from_widgets(st.session_state, dataset)

# -- the Cypher console (its own mode) ----------------------------------------------------
if current.mode == "console":
    sidebar_choices()
    console_section.show(graph, dataset, data_path)
    st.query_params.from_dict(state.to_query_params(current))
    st.stop()

# -- a story, a step at a time (its own mode; each step is a link) ---------------------------
if current.mode == state.STORY:
    sidebar_choices()
    story_section.show(graph, dataset, current)
    st.query_params.from_dict(state.to_query_params(current))
    st.stop()

# -- time: the slider (the story's days; all time on request), year ticks, a typed date --------
playing = st.session_state.get("playing", False)
play_column, slider_column, typed_column = st.columns([1, 9, 2], vertical_alignment="top")
play_column.button("⏸ Pause" if playing else "▶ Play",
                   on_click=lambda: state.toggle_play(st.session_state, time.monotonic()),
                   help=f"Step through the dates, one stop every {state.PLAY_SECONDS:g} seconds")
with slider_column:
    st.select_slider("Date", options=list(stop_labels), format_func=stop_labels.get, key="date",
                     help="← → one stop (each a day something changes), PageUp/PageDown a "
                          "year, Home/End the ends")
    page_key = timebar(year_ticks(stops), slider="date", keys=("date", "diff_from"),
                       key="timebar")
typed_column.text_input("Go to a date", key="typed_date", placeholder="YYYY-MM-DD",
                        on_change=state.go_to_typed, args=(st.session_state,))
typed_column.toggle("All time", key="all_time",
                    help="Let the slider reach back to the first date in the data")
if page_key:
    state.go_a_year(st.session_state, stops, *page_key)
    st.rerun()
if current.mode == "diff":
    st.session_state.setdefault("diff_from",
                                state.default_diff_from(stops, current.date).isoformat())
    st.select_slider("Compare from", options=list(stop_labels), format_func=stop_labels.get,
                     key="diff_from")
    from_key = timebar(year_ticks(stops), slider="diff_from", keys=("date", "diff_from"),
                       key="timebar_from")
    if from_key:
        state.go_a_year(st.session_state, stops, *from_key)
        st.rerun()
    current = state.state_from_widgets(st.session_state, dataset)

shown = view.view(graph, current, stops)
cited = shown.citations  # the view's one numbering of sources, shared by all below
stop = next(s for s in stops if s.day == shown.day)
# one height at every date (a named stop adds a line), so the graph below never jumps
with st.container(key="when", height=view.WHEN_HEIGHT, border=False):
    st.subheader(md(stop.words))
    if st.session_state.get("typed_error"):
        st.caption(md(f"Go to a date: {st.session_state.typed_error}"))
    elif st.session_state.dates_swapped:
        st.caption("*Compare from* was later than *Date*, so the two dates were swapped.")
    else:
        st.caption(" · ".join(line.markdown for line in twin.stop_lines(stop, dataset, cited)))

if playing:
    @st.fragment(run_every=state.PLAY_SECONDS)
    def play_ticker() -> None:
        if state.play_tick(st.session_state, stops, shown.day, time.monotonic()):
            st.rerun()

    play_ticker()

# -- the graph and, beside it, the changes, the details and the events -------------------
graph_column, side_column = st.columns([3, 1])  # the graph wide, the details readable
# the side column stays in view while the reader scrolls down a tall graph to click a box;
# the graph gets the side margins Streamlit keeps by default
st.html(f"<style>{view.PAGE_CSS}</style>")
with graph_column:
    clicked = graph_view(shown.graph_data, key="graph")
    if clicked and clicked in dataset.organisations:  # its details, in front
        st.session_state.selected, st.session_state.side_tab = clicked, "Details"
    if shown.scene.note:  # under the graph: what comes and goes must not move it
        st.info(md(shown.scene.note))
    hidden = ", ".join(f"{n} by {why}" for why, n in shown.scene.hidden.items() if n)
    if hidden:
        st.caption(md(f"Not drawn: {hidden}."))

sidebar_choices()
prefetch.around(graph, shown.state, stops)  # the next steps, drawn while this one is read

found = describe.changes(graph, shown.state.diff_from, shown.day) if current.mode == "diff" \
    else None
with side_column, st.container(key="side-panel"):
    names = ["Changes", "Details", "Events", "Sources"][found is None:]
    if st.session_state.get("side_tab") not in names:
        st.session_state.side_tab = names[0]
    tabs = dict(zip(names, st.tabs(names, key="side_tab", on_change="rerun"), strict=True))
    # only the open tab is drawn: the others' buttons and lists would be sent and laid out at
    # every step for nothing (a tab clicked reruns the page, which then draws it)
    if found is not None and tabs["Changes"].open:
        with tabs["Changes"], st.container(height=600, key="changes", border=False):
            compare_section.show(found, dataset, cited)  # counts first, then pages of lines
    if tabs["Details"].open:
        with tabs["Details"]:
            st.selectbox("Details of", ["", *named], key="selected",
                         format_func=lambda o: named.get(o, "Click a node, or pick here"))
            if st.session_state.selected:
                info = details.details(graph, st.session_state.selected, shown.day, cited)
                with st.container(height=520, key="details"):
                    st.markdown(f"**{md(info.name)}**")
                    with st.expander("Summary", expanded=True):
                        st.markdown("\n".join(f"- {line.markdown}" for line in info.summary))
                        if info.url:
                            st.markdown(link("Website", info.url))
                        if info.notes:
                            st.caption(md(info.notes))
                    with st.expander(f"Relationships on {md(words(shown.day))} "
                                     f"({len(info.relationships)})", expanded=True):
                        st.markdown("\n".join(f"- {r.line.markdown}" for r in info.relationships)
                                    or "None on this date.")
                    for title, lines in (("Lineage", info.lineage), ("Names", info.names)):
                        with st.expander(f"{title} ({len(lines)})"):
                            st.markdown("\n".join(f"- {line.markdown}" for line in lines))
                    with st.expander(f"Sources ({len(info.sources)})"):
                        st.markdown("\n\n".join(s.markdown for s in info.sources))
                    if info.unverified:
                        st.caption(md("Not yet confirmed by a source: "
                                      + ", ".join(info.unverified)))
    if tabs["Events"].open:
        with tabs["Events"], st.container(height=600, key="events", border=False):
            for number, event in enumerate(events.event_rows(dataset)):
                if st.button(md(f"{event.when} · {event.title}"), key=f"event-{number}",
                             help=md(event.organisations) or None, type="tertiary"):
                    state.go_to(st.session_state, event.day)
                    st.rerun()
    if tabs["Sources"].open:
        with tabs["Sources"]:
            sources_section.show(dataset, shown.scene, shown.day, cited)

# -- the accessible twin: what changed, and tables of what is drawn ----------------------
if found is not None:
    st.subheader(md(f"What changed from {words(found.a)} to {words(found.b)}"))
    st.markdown(md(describe.comparison_paragraph(found)))
else:
    st.subheader("What changed since the previous snapshot")
    st.markdown(md(describe.change_paragraph(graph, stops, shown.day)))
organisations = pd.DataFrame(twin.organisation_rows(shown.scene, dataset, cited))
relationships = pd.DataFrame(twin.relationship_rows(shown.scene, dataset, cited))
st.markdown(f"**Organisations shown ({len(organisations)})**")
st.dataframe(organisations, hide_index=True, width="stretch", key="organisations_table")
st.markdown(f"**Relationships shown ({len(relationships)})**")
st.dataframe(relationships, hide_index=True, width="stretch", key="relationships_table")
with st.expander(f"Sources behind this view ({len(cited.view_entries)}), numbered as in the "
                 f"tables, the graph's tooltips, the details and the downloads"):
    st.markdown("\n\n".join(e.markdown for e in cited.view_entries))
    if cited.elsewhere:
        st.markdown("**Cited beside the graph only**")
        st.markdown("\n\n".join(e.markdown for e in cited.elsewhere))

# -- downloads of the current view ---------------------------------------------------------
with st.sidebar:
    st.subheader("Download this view")
    name = file_name(graph, "json", shown.day, focus=current.focus,
                     diff_from=shown.scene.diff_from).removesuffix(".json")
    st.download_button("Table (CSV)", organisations.to_csv(index=False), f"{name}.csv",
                       "text/csv", on_click="ignore")
    too_large = view.sheet_problem(graph, shown, current)
    too_much = view.html_problem(graph, shown, current)  # the whole of a large area
    for fmt, (mime, extension) in SNAPSHOT_FORMATS.items():
        if too_large and fmt in ("svg", "png"):
            st.caption(md(f"{fmt.upper()}: {too_large}"))
            continue
        if too_much and fmt == "html":
            st.download_button("HTML", b"", key="html_refused", disabled=True,
                               help=md(too_much))
            st.caption(md(f"HTML: {too_much}"))
            continue
        st.download_button(
            fmt.upper(), on_click="ignore", file_name=f"{name}{extension}", mime=mime,
            data=lambda fmt=fmt: render_snapshot(
                graph, fmt, shown.day, focus=current.focus, depth=current.depth,
                kinds=current.kinds, types=current.types, diff_from=shown.scene.diff_from))
    st.download_button("This view as one slide (PowerPoint)", on_click="ignore",
                       file_name=f"{name}.pptx", mime=story.PPTX_MIME, key="view_slide",
                       data=lambda: story.view_slide(graph, shown))
    film_section.show(graph, shown.state, stops)

# a click during this run changed the selection after the view was computed
st.query_params.from_dict(state.to_query_params(
    replace(shown.state, selected=st.session_state.selected or None)))
