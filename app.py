"""The explorer page: widgets and layout only; the logic lives in ``graph.page``.

Run it with ``python -m graph serve`` (bound to 127.0.0.1). The data file comes from the
environment variable ``ORGS_DATA`` (default ``data/orgs.yaml``).
"""

from __future__ import annotations

import os
import time
from dataclasses import replace

import networkx as nx
import pandas as pd
import streamlit as st

from graph.core import describe, temporal
from graph.core.dates import words
from graph.export.snapshot import FORMATS as SNAPSHOT_FORMATS
from graph.export.snapshot import file_name, render_snapshot
from graph.page import console, details, events, state, view
from graph.page.component import graph_view
from graph.page.text import link, md
from loaders.dataset import default_path
from loaders.problems import InvalidInput
from loaders.query.result import QueryError
from loaders.query.run import run_query

st.set_page_config(page_title="Organisation graph explorer", page_icon="🏥", layout="wide")


@st.cache_resource(show_spinner="Reading the data file…", max_entries=4)
def cached_graph(path: str, mtime_ns: int, size: int) -> nx.MultiDiGraph:  # new file, new key
    return view.load_graph(path)


# -- the data file ------------------------------------------------------------------------
data_path = default_path()
try:
    graph = cached_graph(*view.file_identity(data_path))
except InvalidInput as problems:
    st.error(md(f"The data file {data_path} has problems; fix them and reload the page:"))
    st.code("\n".join(str(p) for p in problems.problems), language=None)
    st.stop()
except OSError as error:
    st.error(md(f"Cannot read the data file {data_path}: {error.strerror or error} "
                f"(set ORGS_DATA to a YAML file, or run python -m graph serve --data FILE)"))
    st.stop()
dataset = temporal.dataset_of(graph)
choices = view.organisation_choices(dataset)

# -- the view's state: read from the link once, then kept in the widgets and the URL ---------
state.open_session(st.session_state, st.query_params.to_dict(), dataset)
stops = state.reconcile(st.session_state, dataset, choices)
stop_labels = {s.key: s.label for s in stops}

# -- header -------------------------------------------------------------------------------
st.title(md(dataset.area.name))
st.caption(md(f"{data_path} · {len(dataset.organisations)} organisations · "
                   f"{len(dataset.relationships)} relationships · {len(dataset.sources)} sources"))
for warning in st.session_state.link_warnings:
    st.warning(md(f"Ignored part of the link: {warning}."))

# -- sidebar: mode, filters, focus --------------------------------------------------------
with st.sidebar:
    st.radio("Mode", state.MODES, format_func=state.MODE_LABELS.get, key="mode")
    st.subheader("Filters")
    st.multiselect("Kinds of organisation", list(dataset.kinds), key="kinds",
                   format_func=lambda k: dataset.kinds[k].label)
    st.multiselect("Relationship types", list(dataset.relationship_types), key="types",
                   format_func=lambda t: dataset.relationship_types[t].label)
    st.subheader("Focus")
    st.selectbox("Focus on (type a name or ODS code)", ["", *choices], key="focus",
                 format_func=lambda o: choices.get(o, "Everything"))
    st.slider("Depth (relationships from the focus)", 1, state.MAX_DEPTH, key="depth",
              disabled=not st.session_state.focus)

current = state.state_from_widgets(st.session_state, dataset)

# -- the Cypher console (its own mode) ----------------------------------------------------
if current.mode == "console":
    st.header("Cypher console")
    secrets = st.secrets.to_dict() if st.secrets.load_if_toml_exists() else {}
    use_neo4j, store_line = console.store_label(os.environ, secrets)
    st.caption(md(console.console_caption(store_line)))
    saved = {q.id: q for q in dataset.queries}  # this area's own (its YAML's queries: section)
    defaults = console.parameter_defaults(dataset.queries)

    def use_saved() -> None:
        chosen = saved.get(st.session_state.saved_query)
        if chosen:
            st.session_state.cypher = chosen.cypher
            for name, value in chosen.params.items():
                st.session_state[f"param_{name}"] = str(value)

    def forget_edited_saved() -> None:  # the title describes the saved text only
        if not console.unchanged(saved.get(st.session_state.get("saved_query")),
                                 st.session_state.cypher):
            st.session_state.saved_query = ""

    if saved:
        st.selectbox("Saved queries for this area", ["", *saved], key="saved_query",
                     on_change=use_saved,
                     format_func=lambda q: saved[q].title if q else "Pick a saved query…")
    else:
        st.caption("This area's file has no saved queries (a queries: section; see the README).")
    chosen = saved.get(st.session_state.get("saved_query", ""))
    if console.unchanged(chosen, st.session_state.get("cypher", "")) and chosen.description:
        st.caption(md(chosen.description))
    st.text_area("Cypher (read-only)", key="cypher", height=140, on_change=forget_edited_saved,
                 placeholder=console.placeholder(dataset.kinds))
    names = console.parameter_names(st.session_state.cypher)
    for name in names:
        st.session_state.setdefault(f"param_{name}", str(defaults.get(name, "")))
        st.text_input(f"${name}", key=f"param_{name}")
    if st.button("Run query", type="primary"):
        try:
            entered = {n: st.session_state[f"param_{n}"] for n in names}
            st.session_state.query_result = run_query(
                st.session_state.cypher, dataset_path=str(data_path), neo4j=use_neo4j,
                params=console.parameter_values(names, entered, defaults))
            st.session_state.query_error = None
        except QueryError as error:
            st.session_state.query_result = None
            st.session_state.query_error = (error.message, error.detail)
        except InvalidInput as problems:  # the file changed since the page read it
            st.session_state.query_result = None
            st.session_state.query_error = (str(problems.problems[0]), "")
    if st.session_state.get("query_error"):
        message, detail = st.session_state.query_error
        st.error(md(message))
        if detail:
            st.caption(md(f"The database said: {detail}"))
    result = st.session_state.get("query_result")
    if result is not None:
        st.caption(md(console.result_caption(result)))
        st.dataframe(pd.DataFrame(console.result_table(result.columns, result.rows)),
                     hide_index=True, width="stretch", key="query_table")
        drawing = console.query_graph_data(result.elements, graph)
        if drawing is not None:
            graph_view(drawing, key="query_graph", height=420)
    st.query_params.from_dict(state.to_query_params(current))
    st.stop()

# -- time -----------------------------------------------------------------------------------
playing = st.session_state.get("playing", False)
play_column, slider_column = st.columns([1, 11], vertical_alignment="bottom")
play_column.button("⏸ Pause" if playing else "▶ Play",
                   on_click=lambda: state.toggle_play(st.session_state, time.monotonic()),
                   help=f"Step through the dates, one stop every {state.PLAY_SECONDS:g} seconds")
slider_column.select_slider("Date", options=list(stop_labels), format_func=stop_labels.get,
                            key="date")
if current.mode == "diff":
    st.session_state.setdefault("diff_from",
                                state.default_diff_from(stops, current.date).isoformat())
    st.select_slider("Compare from", options=list(stop_labels), format_func=stop_labels.get,
                     key="diff_from")
    current = state.state_from_widgets(st.session_state, dataset)

shown = view.view(graph, current, stops)
stop = next(s for s in stops if s.day == shown.day)
with st.container(key="when"):
    st.subheader(md(stop.words))
    if stop.snapshot is not None:
        cited = ", ".join(link(info.title, info.url) for info in
                          (details.source_info(dataset, s) for s in stop.snapshot.sources))
        st.caption(f"Snapshot: **{md(stop.snapshot.title)}**"
                   + (f" · sources: {cited}" if cited else ""))

if playing:
    @st.fragment(run_every=state.PLAY_SECONDS)
    def play_ticker() -> None:
        if state.play_tick(st.session_state, stops, shown.day, time.monotonic()):
            st.rerun()

    play_ticker()

# -- the graph and, beside it, the changes, the details and the events -------------------
graph_column, side_column = st.columns([3, 1])
with graph_column:
    if shown.scene.note:
        st.info(md(shown.scene.note))
    hidden = ", ".join(f"{n} by {why}" for why, n in shown.scene.hidden.items() if n)
    if hidden:
        st.caption(md(f"Not drawn: {hidden}."))
    clicked = graph_view(shown.graph_data, key="graph")
    if clicked and clicked in dataset.organisations:
        st.session_state.selected = clicked

with side_column:
    if current.mode == "diff":
        span = (f"Changes from {words(shown.state.diff_from)} "
                f"to {words(shown.day)}")
        st.markdown(f"**{md(span)}**")
        changes = describe.change_lines(graph, shown.state.diff_from, shown.day)
        st.text("\n".join(changes) if changes else "Nothing changed.")
    st.selectbox("Details of", ["", *choices], key="selected",
                 format_func=lambda o: choices.get(o, "Click a node, or pick here"))
    if st.session_state.selected:
        info = details.details(graph, st.session_state.selected, shown.day)
        with st.container(border=True, key="details"):
            st.markdown(f"**{md(info.name)}**")
            st.caption(md(f"{info.kind} · {info.lifetime}"
                               + (f" · ODS code {info.ods_code}" if info.ods_code else "")
                               + ("" if info.exists else " · not in existence on this date")))
            if info.url:
                st.markdown(link("Website", info.url))
            if info.notes:
                st.text(info.notes)
            st.markdown("**Names**")
            st.text("\n".join(info.names))
            st.markdown(f"**Relationships on {md(words(shown.day))}**")
            st.text("\n".join(r.text for r in info.relationships) or "None on this date.")
            st.markdown("**Lineage**")
            st.text("\n".join(info.lineage))
            st.markdown("**Sources**")
            for source in info.sources:
                about = " · ".join(filter(None, [source.publisher, source.published]))
                st.markdown(f"- {link(source.title, source.url)}"
                            + (f" ({md(about)})" if about else ""))
                if source.file is not None:
                    st.caption(md(f"Seed file: {source.file}"))
            if info.unverified:
                st.caption(md("Not yet confirmed by a source: " + ", ".join(info.unverified)))
    st.markdown("**Events**")
    with st.container(height=320, key="events"):
        for number, event in enumerate(events.event_rows(dataset)):
            if st.button(md(f"{event.when} · {event.title}"), key=f"event-{number}",
                         help=md(event.organisations) or None, type="tertiary"):
                st.session_state.goto = event.day.isoformat()
                st.session_state.playing = False
                st.rerun()

# -- the accessible twin: what changed, and tables of what is drawn ----------------------
st.subheader("What changed since the previous snapshot")
st.markdown(md(describe.change_paragraph(graph, stops, shown.day)))
organisations = pd.DataFrame(view.organisation_rows(shown.scene, dataset))
relationships = pd.DataFrame(view.relationship_rows(shown.scene, dataset))
st.markdown(f"**Organisations shown ({len(organisations)})**")
st.dataframe(organisations, hide_index=True, width="stretch", key="organisations_table")
st.markdown(f"**Relationships shown ({len(relationships)})**")
st.dataframe(relationships, hide_index=True, width="stretch", key="relationships_table")

# -- downloads of the current view ---------------------------------------------------------
with st.sidebar:
    st.subheader("Download this view")
    name = file_name(graph, "json", shown.day, focus=current.focus,
                     diff_from=shown.scene.diff_from).removesuffix(".json")
    st.download_button("Table (CSV)", organisations.to_csv(index=False), f"{name}.csv",
                       "text/csv", on_click="ignore")
    for fmt, (mime, extension, _) in SNAPSHOT_FORMATS.items():
        st.download_button(
            fmt.upper(), on_click="ignore", file_name=f"{name}{extension}", mime=mime,
            data=lambda fmt=fmt: render_snapshot(
                graph, fmt, shown.day, focus=current.focus, depth=current.depth,
                kinds=current.kinds, types=current.types, diff_from=shown.scene.diff_from))

# a click during this run changed the selection after the view was computed
st.query_params.from_dict(state.to_query_params(
    replace(shown.state, selected=st.session_state.selected or None)))
