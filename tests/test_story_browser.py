"""Story mode in a real Chromium: a step's link opens that step, and Next draws the next
step's picture (the brief's) and puts its link in the address bar."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import needs_chromium
from test_browser import SCREENSHOTS, page_of, serve  # noqa: F401 (page_of: a fixture)

from graph.export.brief import prepare
from graph.page.view import load_graph

STORY = Path(__file__).resolve().parent / "data" / "story.yaml"

pytestmark = needs_chromium


def test_a_step_link_opens_that_step_and_next_draws_the_next_one(page_of):  # noqa: F811
    steps = prepare(load_graph(STORY), "testshire").steps
    drawn = [sorted(n.id for n in step.view.nodes) for step in steps]
    with serve(STORY) as url:
        page = page_of(f"{url}/?mode=story&story=testshire&step=2")
        head = page.locator(".st-key-story-head")
        assert "Step 2 of 3" in head.inner_text() and "A new regulator" in head.inner_text()
        assert sorted(page.evaluate("orgGraph.nodeIds()")) == drawn[1]

        page.get_by_role("button", name="Next ▶").click()
        head.get_by_text("One CCG").wait_for()
        page.wait_for_url(re.compile(r"[?&]step=3"))
        page.wait_for_function("(ids) => JSON.stringify(orgGraph.nodeIds().sort()) === ids",
                               arg=json.dumps(drawn[2], separators=(",", ":")))
        assert drawn[2] != drawn[1]
        assert page.get_by_role("button", name="Next ▶").is_disabled()
        assert page.outside == [] and page.dialogs == []


def test_a_bundled_step_shows_its_text_picture_changes_and_sources_on_one_screen(
        page_of):  # noqa: F811
    """Step 9 of the BLMK story (the integrated care board) at 1600x1000: the step's title,
    text and picture are on the first screen, and every organisation of the brief's view is
    drawn. The screenshot (story.png) is for a person to look at."""
    bundled = Path(__file__).resolve().parent.parent / "data" / "orgs.yaml"
    step = prepare(load_graph(bundled), "blmk-2013-2025").steps[8]
    with serve(bundled) as url:
        page = page_of(f"{url}/?mode=story&story=blmk-2013-2025&step=9")
        head = page.locator(".st-key-story-head")
        assert "Step 9 of 11" in head.inner_text() and step.step.title in head.inner_text()
        assert sorted(page.evaluate("orgGraph.nodeIds()")) == sorted(n.id for n in step.view.nodes)
        text = page.locator(".st-key-story_text")
        assert step.text()[0][:60] in " ".join(text.inner_text().split())
        for box in (head, page.locator(".org-graph"), text):
            assert box.bounding_box()["y"] < 1000  # on the first screen
        page.screenshot(path=SCREENSHOTS / "story.png")
