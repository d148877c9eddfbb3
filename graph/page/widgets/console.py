"""The Cypher console's layout (its own mode of the page): the store it asks, this area's saved
queries with a box per parameter, the query, and its result as a table and, where it holds
nodes, a graph. The words and pictures come from ``graph.page.console``."""

from __future__ import annotations

import os
from pathlib import Path

import networkx as nx
import pandas as pd
import streamlit as st

from graph.core.model import Dataset
from graph.page import console
from graph.page.component import graph_view
from graph.page.text import md
from loaders.problems import InvalidInput
from loaders.query.catalogue import catalogue
from loaders.query.result import QueryError
from loaders.query.run import run_query


def show(graph: nx.MultiDiGraph, dataset: Dataset, data_path: Path) -> None:
    """Lay out the console below the page's header."""
    st.header("Cypher console")
    secrets = st.secrets.to_dict() if st.secrets.load_if_toml_exists() else {}
    settings, store_line = console.store_label(os.environ, secrets)
    for key, _label, _bounds, _step, default, _why in console.LIMIT_SETTINGS:
        st.session_state.setdefault(key, default)
    try:  # read before the boxes are drawn: a change reruns the page with the new value
        limits = console.chosen_limits(st.session_state)
    except QueryError as error:  # the boxes keep values in bounds: a last line of defence
        st.error(md(error.message))
        return
    st.caption(md(console.console_caption(store_line, limits)))
    with st.expander("Limits"):
        for key, label, (low, high), step, default, why in console.LIMIT_SETTINGS:
            st.number_input(label, min_value=type(default)(low), max_value=type(default)(high),
                            step=step, key=key, help=why)
    _schema_panel(dataset, "neo4j" if settings is not None else "embedded")
    saved = {q.id: q for q in dataset.queries}  # this area's own (its YAML's queries: section)
    defaults = console.parameter_defaults(dataset.queries)

    def use_saved() -> None:
        chosen = saved.get(st.session_state.saved_query)
        if chosen:
            st.session_state.cypher = chosen.cypher
            for name, value in chosen.params.items():
                st.session_state[f"param_{name}"] = str(value)
            if chosen.as_at and not st.session_state.get("as_at"):
                st.session_state.as_at = st.session_state.get("date", "")  # the page's date

    def forget_edited_saved() -> None:  # the title describes the saved text only
        if not console.unchanged(saved.get(st.session_state.get("saved_query")),
                                 st.session_state.cypher):
            st.session_state.saved_query = ""

    if saved:
        st.selectbox("Saved queries for this area", ["", *saved], key="saved_query",
                     on_change=use_saved,
                     format_func=lambda q: saved[q].title if q else "Pick a saved query…")
    else:
        st.caption("This area's file has no saved queries (a queries: section; see docs/yaml.md).")
    chosen = saved.get(st.session_state.get("saved_query", ""))
    if console.unchanged(chosen, st.session_state.get("cypher", "")) and chosen.description:
        st.caption(md(chosen.description))
    st.text_area("Cypher (read-only)", key="cypher", height=140, on_change=forget_edited_saved,
                 placeholder=console.placeholder(dataset.kinds))
    names = console.parameter_names(st.session_state.cypher)
    for name in names:
        st.session_state.setdefault(f"param_{name}", str(defaults.get(name, "")))
        st.text_input(f"${name}", key=f"param_{name}")
    st.text_input("As at (optional): the graph as it stood on this day", key="as_at",
                  placeholder="YYYY-MM-DD", help=console.AS_AT_HELP)
    if st.button("Run query", type="primary"):
        try:
            entered = {n: st.session_state[f"param_{n}"] for n in names}
            st.session_state.query_result = run_query(
                st.session_state.cypher, dataset_path=str(data_path),
                neo4j=settings is not None, settings=settings, timeout_s=limits.timeout_s,
                memory_mb=limits.memory_mb, row_cap=limits.row_cap,
                params=console.parameter_values(names, entered, defaults),
                at=console.as_at_day(st.session_state.as_at, chosen))
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


def _schema_panel(dataset: Dataset, store: str) -> None:
    """What the store holds for a query to name: labels and relationship types with their
    counts and properties, and example queries a click puts in the box."""
    found = catalogue(dataset, store)

    def use(cypher: str) -> None:
        st.session_state.cypher = cypher
        st.session_state.saved_query = ""

    with st.expander("Schema: the labels, relationship types and properties to ask about"):
        st.dataframe(pd.DataFrame([{"label": lab.name, "nodes": lab.count,
                                    "properties": ", ".join(
                                        f"{k} {v}" for k, v in lab.properties.items())}
                                   for lab in found.labels]),
                     hide_index=True, width="stretch", key="schema_labels")
        st.dataframe(pd.DataFrame([{"relationship type": rel.name, "relationships": rel.count,
                                    "joins": ", ".join(f"{a}→{b}" for a, b in rel.ends)}
                                   for rel in found.types]),
                     hide_index=True, width="stretch", key="schema_types")
        st.caption("Relationships have the properties id, type, valid_from, valid_to, "
                   "sources and those of their YAML (role, basis, amount_gbp, notes). Dates "
                   "are dates: compare them with date('2014-06-01').")
        for index, example in enumerate(found.examples):
            st.markdown(f"**{md(example.title)}**")
            st.code(example.cypher, language="cypher")
            st.button("Use this query", key=f"schema_example_{index}", on_click=use,
                      args=(example.cypher,))
