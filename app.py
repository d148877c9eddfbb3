"""The explorer page: widgets and layout only; the logic lives in ``graph.page``.

Run it with ``python -m graph serve`` (bound to 127.0.0.1). The data file comes from the
environment variable ``ORGS_DATA`` (default ``data/orgs.yaml``).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import replace

import networkx as nx
import pandas as pd
import streamlit as st

from graph import page, temporal
from graph.cli import default_data
from graph.component import graph_view
from graph.dates import words
from graph.snapshot import FORMATS as SNAPSHOT_FORMATS
from graph.snapshot import render_snapshot
from loaders.problems import InvalidInput
from loaders.query import QueryError, load_saved_queries, run_query

PLAY_SECONDS = 1.5

st.set_page_config(page_title="NHS governance explorer", page_icon="🏥", layout="wide")


@st.cache_resource(show_spinner="Reading the data file…", max_entries=4)
def cached_graph(path: str, mtime_ns: int, size: int) -> nx.MultiDiGraph:  # new file, new key
    return page.load_graph(path)


# -- the data file ------------------------------------------------------------------------
data_path = default_data()
try:
    graph = cached_graph(*page.file_identity(data_path))
except InvalidInput as problems:
    st.error(page.md(f"The data file {data_path} has problems; fix them and reload the page:"))
    st.code("\n".join(str(p) for p in problems.problems), language=None)
    st.stop()
except OSError as error:
    st.error(page.md(f"Cannot read the data file {data_path}: {error.strerror or error} "
                     f"(set ORGS_DATA to a YAML file, or run python -m graph serve --data FILE)"))
    st.stop()
dataset = temporal.dataset_of(graph)
choices = page.organisation_choices(dataset)

# -- the view's state: read from the link once, then kept in the widgets and the URL ---------
if "link_read" not in st.session_state:
    linked, link_warnings = page.from_query_params(st.query_params.to_dict(), dataset)
    st.session_state.update(
        link_read=True, link_warnings=link_warnings, mode=linked.mode,
        extra_days=tuple(d for d in (linked.date, linked.diff_from) if d),
        focus=linked.focus or "", depth=linked.depth, selected=linked.selected or "",
        kinds=sorted(linked.kinds if linked.kinds is not None else dataset.kinds),
        types=sorted(linked.types if linked.types is not None else dataset.relationship_types))
    if linked.date:
        st.session_state.date = linked.date.isoformat()
    if linked.diff_from:
        st.session_state.diff_from = linked.diff_from.isoformat()
# the data file may have changed under the session: drop what it no longer has
for key in ("focus", "selected"):
    if st.session_state[key] not in choices:
        st.session_state[key] = ""
st.session_state.kinds = [k for k in st.session_state.kinds if k in dataset.kinds]
st.session_state.types = [t for t in st.session_state.types if t in dataset.relationship_types]
stops = page.slider_stops(dataset, st.session_state.extra_days)
stop_labels = {s.key: s.label for s in stops}
if "goto" in st.session_state:  # an event click or a play tick moves the slider
    st.session_state.date = st.session_state.pop("goto")
st.session_state.setdefault("date", page.default_day(dataset, stops).isoformat())
for key in ("date", "diff_from"):  # a day that is no stop (yet) becomes one
    day = st.session_state.get(key)
    if day and day not in stop_labels:
        st.session_state.extra_days += (dt.date.fromisoformat(day),)
        stops = page.slider_stops(dataset, st.session_state.extra_days)
        stop_labels = {s.key: s.label for s in stops}

# -- header -------------------------------------------------------------------------------
st.title(page.md(dataset.area.name))
st.caption(page.md(f"{data_path} · {len(dataset.organisations)} organisations · "
                   f"{len(dataset.relationships)} relationships · {len(dataset.sources)} sources"))
for warning in st.session_state.link_warnings:
    st.warning(page.md(f"Ignored part of the link: {warning}."))

# -- sidebar: mode, filters, focus --------------------------------------------------------
with st.sidebar:
    st.radio("Mode", page.MODES, format_func=page.MODE_LABELS.get, key="mode")
    st.subheader("Filters")
    st.multiselect("Kinds of organisation", list(dataset.kinds), key="kinds",
                   format_func=lambda k: dataset.kinds[k].label)
    st.multiselect("Relationship types", list(dataset.relationship_types), key="types",
                   format_func=lambda t: dataset.relationship_types[t].label)
    st.subheader("Focus")
    st.selectbox("Focus on (type a name or ODS code)", ["", *choices], key="focus",
                 format_func=lambda o: choices.get(o, "Everything"))
    st.slider("Depth (relationships from the focus)", 1, page.MAX_DEPTH, key="depth",
              disabled=not st.session_state.focus)

state = page.state_from_widgets(st.session_state, dataset)

def toggle_play() -> None:
    st.session_state.playing = not st.session_state.get("playing", False)
    st.session_state.played_at = time.monotonic()


# -- the Cypher console (its own mode) ----------------------------------------------------
if state.mode == "console":
    st.header("Cypher console")
    secrets = st.secrets.to_dict() if st.secrets.load_if_toml_exists() else {}
    use_neo4j, store_line = page.store_label(os.environ, secrets)
    st.caption(page.md(f"Store: {store_line}. Queries are read-only, stopped after 10 seconds "
                       f"and capped at 5,000 rows."))
    try:
        saved = {q.id: q for q in load_saved_queries()}
    except Exception as error:  # a broken queries file must not take the console down
        saved = {}
        st.warning(page.md(f"The saved queries could not be read: {error}"))

    def use_saved() -> None:
        chosen = saved.get(st.session_state.saved_query)
        if chosen:
            st.session_state.cypher = chosen.cypher

    st.selectbox("Saved queries", ["", *saved], key="saved_query", on_change=use_saved,
                 format_func=lambda q: saved[q].title if q else "Pick a saved query…")
    if saved.get(st.session_state.saved_query):
        st.caption(page.md(saved[st.session_state.saved_query].description or ""))
    st.text_area("Cypher (read-only)", key="cypher", height=140,
                 placeholder="MATCH (o:Trust) RETURN o.name LIMIT 10")
    if st.button("Run query", type="primary"):
        try:
            st.session_state.query_result = run_query(
                st.session_state.cypher, dataset_path=str(data_path), neo4j=use_neo4j)
            st.session_state.query_error = None
        except QueryError as error:
            st.session_state.query_result, st.session_state.query_error = None, str(error)
    if st.session_state.get("query_error"):
        st.error(page.md(st.session_state.query_error))
    result = st.session_state.get("query_result")
    if result is not None:
        st.caption(page.md(f"{len(result.rows)} rows from the {result.store} store"
                           + (" (truncated at the row cap)" if result.truncated else "")))
        st.dataframe(pd.DataFrame(page.result_table(result.columns, result.rows)),
                     hide_index=True, width="stretch", key="query_table")
        drawing = page.query_graph_data(result.elements, graph)
        if drawing is not None:
            graph_view(drawing, key="query_graph", height=420)
    st.query_params.from_dict(page.to_query_params(state))
    st.stop()

# -- time -----------------------------------------------------------------------------------
playing = st.session_state.get("playing", False)
play_column, slider_column = st.columns([1, 11], vertical_alignment="bottom")
play_column.button("⏸ Pause" if playing else "▶ Play", on_click=toggle_play,
                   help="Step through the dates, one stop every 1.5 seconds")
slider_column.select_slider("Date", options=list(stop_labels), format_func=stop_labels.get,
                            key="date")
if state.mode == "diff":
    st.session_state.setdefault("diff_from",
                                page.default_diff_from(stops, state.date).isoformat())
    st.select_slider("Compare from", options=list(stop_labels), format_func=stop_labels.get,
                     key="diff_from")
    state = page.state_from_widgets(st.session_state, dataset)

shown = page.view(graph, state, stops)
stop = next(s for s in stops if s.day == shown.day)
with st.container(key="when"):
    st.subheader(page.md(stop.words))
    if stop.snapshot is not None:
        cited = ", ".join(page.link(info.title, info.url) for info in
                          (page.source_info(dataset, s) for s in stop.snapshot.sources))
        st.caption(f"Snapshot: **{page.md(stop.snapshot.title)}**"
                   + (f" · sources: {cited}" if cited else ""))

if playing:
    @st.fragment(run_every=PLAY_SECONDS)
    def play_ticker() -> None:
        if time.monotonic() - st.session_state.get("played_at", 0.0) < PLAY_SECONDS * 0.8:
            return
        st.session_state.played_at = time.monotonic()
        following = page.step(stops, shown.day)
        if following is None:
            st.session_state.playing = False
        else:
            st.session_state.goto = following.isoformat()
        st.rerun()

    play_ticker()

# -- the graph and, beside it, the changes, the details and the events -------------------
graph_column, side_column = st.columns([3, 1])
with graph_column:
    if shown.scene.note:
        st.info(page.md(shown.scene.note))
    hidden = ", ".join(f"{n} by {why}" for why, n in shown.scene.hidden.items() if n)
    if hidden:
        st.caption(page.md(f"Not drawn: {hidden}."))
    clicked = graph_view(shown.graph_data, key="graph")
    if clicked and clicked in dataset.organisations:
        st.session_state.selected = clicked

with side_column:
    if state.mode == "diff":
        span = (f"Changes from {words(shown.state.diff_from)} "
                f"to {words(shown.day)}")
        st.markdown(f"**{page.md(span)}**")
        changes = page.change_lines(graph, shown.state.diff_from, shown.day)
        st.text("\n".join(changes) if changes else "Nothing changed.")
    st.selectbox("Details of", ["", *choices], key="selected",
                 format_func=lambda o: choices.get(o, "Click a node, or pick here"))
    if st.session_state.selected:
        info = page.details(graph, st.session_state.selected, shown.day)
        with st.container(border=True, key="details"):
            st.markdown(f"**{page.md(info.name)}**")
            st.caption(page.md(f"{info.kind} · {info.lifetime}"
                               + (f" · ODS code {info.ods_code}" if info.ods_code else "")
                               + ("" if info.exists else " · not in existence on this date")))
            if info.url:
                st.markdown(page.link("Website", info.url))
            if info.notes:
                st.text(info.notes)
            st.markdown("**Names**")
            st.text("\n".join(info.names))
            st.markdown(f"**Relationships on {page.md(words(shown.day))}**")
            st.text("\n".join(r.text for r in info.relationships) or "None on this date.")
            st.markdown("**Lineage**")
            st.text("\n".join(info.lineage))
            st.markdown("**Sources**")
            for source in info.sources:
                about = " · ".join(filter(None, [source.publisher, source.published]))
                st.markdown(f"- {page.link(source.title, source.url)}"
                            + (f" ({page.md(about)})" if about else ""))
                if source.file is not None:
                    st.caption(page.md(f"Seed file: {source.file}"))
            if info.unverified:
                st.caption(page.md("Not yet confirmed by a source: " + ", ".join(info.unverified)))
    st.markdown("**Events**")
    with st.container(height=320, key="events"):
        for number, event in enumerate(page.event_rows(dataset)):
            if st.button(page.md(f"{event.when} · {event.title}"), key=f"event-{number}",
                         help=page.md(event.organisations) or None, type="tertiary"):
                st.session_state.goto = event.day.isoformat()
                st.session_state.playing = False
                st.rerun()

# -- the accessible twin: what changed, and tables of what is drawn ----------------------
st.subheader("What changed since the previous snapshot")
st.markdown(page.md(page.change_paragraph(graph, stops, shown.day)))
organisations = pd.DataFrame(page.organisation_rows(shown.scene, dataset))
relationships = pd.DataFrame(page.relationship_rows(shown.scene, dataset))
st.markdown(f"**Organisations shown ({len(organisations)})**")
st.dataframe(organisations, hide_index=True, width="stretch", key="organisations_table")
st.markdown(f"**Relationships shown ({len(relationships)})**")
st.dataframe(relationships, hide_index=True, width="stretch", key="relationships_table")

# -- downloads of the current view ---------------------------------------------------------
with st.sidebar:
    st.subheader("Download this view")
    stem = f"snapshot-{shown.day.isoformat()}"
    st.download_button("Table (CSV)", organisations.to_csv(index=False), f"{stem}.csv",
                       "text/csv", on_click="ignore")
    for fmt, (mime, extension, _) in SNAPSHOT_FORMATS.items():
        st.download_button(
            fmt.upper(), on_click="ignore", file_name=f"{stem}{extension}", mime=mime,
            data=lambda fmt=fmt: render_snapshot(
                graph, fmt, shown.day, focus=state.focus, depth=state.depth,
                kinds=state.kinds, types=state.types, diff_from=shown.scene.diff_from))

# a click during this run changed the selection after the view was computed
st.query_params.from_dict(page.to_query_params(
    replace(shown.state, selected=st.session_state.selected or None)))
