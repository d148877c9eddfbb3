"""Story mode's layout: the story's step (its title, date and text), Previous and Next, the
step's picture with what changed since the step before and its sources beside it, the tables
of what is drawn, and the whole brief as a download in the sidebar. The words and the picture
come from ``graph.page.story``."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import streamlit as st

from graph.core.model import Dataset
from graph.export.brief import FORMATS, Brief, prepare
from graph.export.options import SnapshotError
from graph.page import story, twin, view
from graph.page.component import graph_view
from graph.page.state import ViewState
from graph.page.text import md


@st.cache_resource(show_spinner="Preparing the story…", max_entries=8)
def cached_brief(_graph: nx.MultiDiGraph, content_hash: str, story_id: str) -> Brief:
    return prepare(_graph, story_id)  # one per data file's content and story


def show(graph: nx.MultiDiGraph, dataset: Dataset, state: ViewState) -> None:
    """Lay out the story ``state`` names at its step, below the page's header."""
    stories = {s.id: s for s in dataset.stories}
    if len(stories) > 1:
        st.session_state.story_choice = state.story  # the picker says what the link chose
        st.selectbox("Story", list(stories), key="story_choice",
                     format_func=lambda s: stories[s].title, on_change=story.choose,
                     args=(st.session_state,))
    try:
        prepared = cached_brief(graph, dataset.content_hash, state.story)
    except SnapshotError as error:
        st.error(md(f"The story cannot be shown: {error}."))
        return
    shown = story.step_view(graph, prepared, state.step - 1)
    step, last = shown.step, len(prepared.steps) - 1

    st.header(md(prepared.story.title))
    if prepared.story.description:
        st.caption(md(prepared.story.description))
    with st.container(key="story-head"):
        back, words, forward = st.columns([1, 8, 1], vertical_alignment="center")
        back.button("◀ Previous", key="story_previous", disabled=step.index == 0,
                    on_click=story.go, args=(st.session_state, -1), width="stretch")
        forward.button("Next ▶", key="story_next", disabled=step.index == last,
                       on_click=story.go, args=(st.session_state, 1), width="stretch")
        words.caption(md(shown.label))
        words.subheader(md(step.step.title))

    graph_column, side_column = st.columns([3, 1])
    st.html(f"<style>{view.PAGE_CSS}</style>")
    with graph_column:
        graph_view(shown.graph_data, key="story_graph")
        if step.view.note:
            st.info(md(step.view.note))
        hidden = ", ".join(f"{n} by {why}" for why, n in step.view.hidden.items() if n)
        if hidden:
            st.caption(md(f"Not drawn: {hidden}."))
    with side_column, st.container(key="side-panel"), \
            st.container(height=600, key="story_text", border=False):
        for paragraph in shown.paragraphs:
            st.markdown(paragraph)
        st.markdown(f"**{md(step.changes_heading)}**")
        if shown.changes:
            st.markdown("\n".join(f"- {line}" for line in shown.changes))
        st.markdown(f"**Sources of this step ({len(shown.sources)})**")
        st.markdown("\n\n".join(entry.markdown for entry in shown.sources))

    organisations = pd.DataFrame(twin.organisation_rows(step.view, dataset, shown.citations))
    relationships = pd.DataFrame(twin.relationship_rows(step.view, dataset, shown.citations))
    st.markdown(f"**Organisations shown ({len(organisations)})**")
    st.dataframe(organisations, hide_index=True, width="stretch", key="story_organisations")
    st.markdown(f"**Relationships shown ({len(relationships)})**")
    st.dataframe(relationships, hide_index=True, width="stretch", key="story_relationships")

    with st.sidebar:
        _brief_download(graph, prepared.story.id)


def _brief_download(graph: nx.MultiDiGraph, story_id: str) -> None:
    """The whole story as one file, made only when its button is clicked."""
    st.subheader("Brief of this story")
    suffix = st.radio("Brief format", list(story.BRIEF_FORMATS),
                      format_func=story.BRIEF_FORMATS.get, key="brief_format", horizontal=True)
    st.download_button(
        f"Brief ({story.BRIEF_FORMATS[suffix]})", on_click="ignore", key="brief_download",
        file_name=f"{story_id}{suffix}", mime=FORMATS[suffix][0],
        data=lambda: story.brief_file(graph, story_id, suffix),
        help="Every step's picture, text and changes, then its sources in full")
