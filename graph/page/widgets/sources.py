"""The Sources tab beside the graph: pick a source, and the graph highlights what it supports
on the date while the tab lists the rest and what would be left with no source without it.
The words come from ``graph.page.evidence``; the chosen source carries its number in the view's
one numbering (``graph.page.citations``), the number the graph's tooltips and panel give it."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from graph.core.dates import words
from graph.core.model import Dataset
from graph.drawing.scene import Scene
from graph.page.citations import Citations
from graph.page.evidence import evidence, source_choices
from graph.page.text import link, md


def show(dataset: Dataset, view: Scene, day: dt.date, citations: Citations) -> None:
    """Lay out the tab (its choice, ``source``, is read before the graph is drawn)."""
    labels = source_choices(dataset)
    st.selectbox("Source (type to search)", ["", *labels], key="source",
                 format_func=lambda s: labels.get(s, "Pick a source to see what rests on it"))
    chosen = st.session_state.source
    if not chosen:
        st.caption("Choose a source: what it supports on this date is highlighted on the "
                   "graph, and the claims it supports at other dates are listed here.")
        return
    source, found = dataset.sources[chosen], evidence(dataset, view, chosen)
    about = ", ".join(filter(None, [source.publisher, words(source.published)]))
    about = f"{about} ({source.standing})" if source.standing and about else \
        about or source.standing
    with st.container(height=520, key="evidence"):
        number = citations.numbers.get(chosen)
        st.markdown((f"\\[{number}\\] " if number else "") + link(source.title, source.url)
                    + (f" — {md(about)}" if about else ""))
        for title, lines, empty in (
                (f"Highlighted on {words(day)}", found.drawn,
                 "Nothing drawn on this date cites it."),
                (f"Not drawn on {words(day)}", found.elsewhere, "Nothing else cites it."),
                ("Left with no source if it were withdrawn", found.unsourced,
                 "Nothing: every claim citing it cites another source too.")):
            st.markdown(f"**{md(title)} ({len(lines)})**")
            st.markdown("\n".join(f"- {md(line)}" for line in lines) or md(empty))
