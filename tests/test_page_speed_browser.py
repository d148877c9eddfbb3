"""The felt-speed benchmark (``bench/page_speed.py``) measures what a reader waits for: its
figures come from the page's own clock, a key press to the next graph painted. Times are not
asserted here (the machine is noisy: ``python -m bench.page_speed`` prints them, and so does
this test); what is asserted is that each measured step is one key press, one date further
back, ending after it began, and that a step sends the graph, not vis-network again (the
library reaches the page once, with its first graph: ``graph/page/component``)."""

from __future__ import annotations

from pathlib import Path

from conftest import needs_chromium

from bench.page_speed import measure, served
from graph.page.component import library

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "orgs.yaml"

pytestmark = needs_chromium


def test_the_felt_speed_benchmark_times_each_key_press_to_the_next_date_drawn(browser):
    with served(BUNDLED) as url:
        felt = measure(browser, url, 3)
    print(f"first graph {felt.first_graph:.0f} ms; steps {[round(s) for s in felt.steps]} ms; "
          f"received {[round(r / 1000) for r in felt.received]} kB")
    assert 0 < felt.answered < felt.first_graph
    assert len(felt.steps) == 3 and all(0 < step < 60_000 for step in felt.steps)
    # one stop back each press, from the latest named snapshot (1 October 2025), as the
    # page's own slider test walks them
    assert felt.headings == ("9 September 2025", "September 2025", "May 2025")
    # each step's graph came without the library (its JavaScript and CSS alone are larger)
    lib = sum(len(text.encode()) for text in library().values())
    assert all(0 < got < lib for got in felt.received), (felt.received, lib)
