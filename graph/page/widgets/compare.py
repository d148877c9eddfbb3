"""The Changes tab in Compare mode: the heading, the counts by kind and by relationship type,
then each section a page of lines (``graph.page.compare``) with a pager, and the sources of the
lines shown. A page is turned in a fragment: the list alone is sent again, not the graph."""

from __future__ import annotations

import streamlit as st

from graph.core.describe import Changes
from graph.core.model import Dataset
from graph.page import compare
from graph.page.citations import Citations
from graph.page.text import md

_PAGER = "changes_page_"  # + a section's key: its page, 1-based


def show(found: Changes, dataset: Dataset, citations: Citations) -> None:
    """Lay out the list (inside the Changes tab's container)."""
    st.markdown(f"**{md(found.heading)}**")
    if not found.items:
        st.text("Nothing changed.")
        return
    by_kind, by_type = compare.counts(found, dataset)
    total = len(found.items)
    if total > compare.PAGE_LINES:  # the counts say how much there is before the lines do
        st.caption(md(f"{total:,} changes: the counts first, then each section "
                      f"{compare.PAGE_LINES} lines a page."))
        with st.container(key="changes-counts"):
            for table in (by_kind, by_type):
                if table.rows:
                    st.markdown(table.markdown)
    _lines(found, citations)


@st.fragment
def _lines(found: Changes, citations: Citations) -> None:
    state = st.session_state
    wanted = {key[len(_PAGER):]: value for key, value in state.items()
              if isinstance(key, str) and key.startswith(_PAGER) and isinstance(value, int)}
    shown = compare.sections(found, citations, wanted)
    for page in shown:
        st.markdown(f"**{md(page.title)}**")
        st.markdown("\n".join(f"- {line.markdown}" for line in page.lines))
        if page.pages > 1:
            key = _PAGER + page.key
            state[key] = page.page  # a page past a shorter section's end is its last
            left, right = st.columns([1, 2], vertical_alignment="center")
            left.number_input(f"Page of {md(page.title)}", 1, page.pages, key=key,
                              label_visibility="collapsed")
            right.caption(md(f"{page.where} · page {page.page:,} of {page.pages:,}"))
    listed = compare.sources_of(shown)
    with st.expander(f"Sources ({len(listed)})"):
        st.markdown("\n\n".join(e.markdown for e in listed))
