"""Drawing the dates a reader is likely to step to next while they look at this one.

Routing a view takes Graphviz about 0.1-0.15 s and placing its labels as long again (BLMK), so
a slider step into a new stretch of time would wait a quarter of a second. While the page
shows a date, one background thread per graph draws the views a step would show next (the
next and previous stops, then two away, then a year on and back: arrow keys, then PageUp and
PageDown), with the same filters, focus and comparison, into the drawing cache the step reads.
A newer request replaces what is still queued; a prefetch that fails is logged, and the step
then draws the view itself, as without a prefetch.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import weakref
from collections import deque
from dataclasses import replace

import networkx as nx

from graph.core.stops import Stop, year_step
from graph.page.state import ViewState, step
from graph.page.view import view

LOG = logging.getLogger(__name__)


def likely_next(stops: tuple[Stop, ...], day: dt.date) -> list[dt.date]:
    """The days a reader reaches from ``day`` in one or two key presses, nearest first:
    the next and previous stops, the stops two away, a year on and a year back."""
    days = [step(stops, day, 1), step(stops, day, -1), step(stops, day, 2), step(stops, day, -2),
            year_step(stops, day, 1), year_step(stops, day, -1)]
    seen: list[dt.date] = []
    for found in days:
        if found is not None and found != day and found not in seen:
            seen.append(found)
    return seen


class Prefetcher:
    """One graph's background drawer: a queue of views, worked through by a daemon thread."""

    def __init__(self, graph: nx.MultiDiGraph) -> None:
        self._graph = weakref.ref(graph)  # the thread never keeps a dropped graph alive
        self._queue: deque[tuple[ViewState, tuple[Stop, ...]]] = deque()
        self._busy = False
        self._changed = threading.Condition()
        self.failures = 0
        threading.Thread(target=self._work, name="prefetch", daemon=True).start()

    def request(self, states: list[ViewState], stops: tuple[Stop, ...]) -> None:
        """Draw these views next, in this order, instead of whatever is still queued."""
        with self._changed:
            self._queue.clear()
            self._queue.extend((s, stops) for s in states)
            self._changed.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Until the queue is empty and nothing is being drawn (False if ``timeout`` passed)."""
        with self._changed:
            return self._changed.wait_for(lambda: not self._queue and not self._busy, timeout)

    def _work(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: bool(self._queue))
                state, stops = self._queue.popleft()
                self._busy = True
            graph = self._graph()
            if graph is None:
                return
            try:
                view(graph, state, stops)  # fills the drawing cache the step will read
            except Exception:  # the step draws it itself; say why this one could not
                self.failures += 1
                LOG.exception("prefetching the view of %s failed", state.date)
            finally:
                del graph
                with self._changed:
                    self._busy = False
                    self._changed.notify_all()


_PREFETCHERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_MADE = threading.Lock()


def prefetcher(graph: nx.MultiDiGraph) -> Prefetcher:
    """The graph's prefetcher, started on first use."""
    with _MADE:
        found = _PREFETCHERS.get(graph)
        if found is None:
            found = _PREFETCHERS[graph] = Prefetcher(graph)
        return found


def around(graph: nx.MultiDiGraph, state: ViewState, stops: tuple[Stop, ...]) -> Prefetcher:
    """Start drawing, in the background, the views one or two key presses from ``state``
    (its date moved; everything else kept)."""
    day = state.date
    found = prefetcher(graph)
    if day is not None:
        found.request([replace(state, date=d) for d in likely_next(stops, day)], stops)
    return found
