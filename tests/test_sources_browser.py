"""The Sources tab and the film in a real Chromium: a source chosen from a link is drawn
highlighted (the component says which boxes and lines it drew so), picking another one moves
the highlight and the link, and the film of a focus is made, offered and downloaded.

Saves ``docs/screenshots/source-highlight.png``.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import imageio.v3 as iio
from conftest import needs_chromium
from test_browser import SCREENSHOTS, in_view, page_of, serve, until  # noqa: F401 (a fixture)

from graph import build_graph
from graph.drawing.scene import scene
from graph.page.evidence import supported
from loaders.dataset import load

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "orgs.yaml"
DAY = dt.date(2021, 4, 1)

pytestmark = needs_chromium


def highlighted(graph, source: str) -> list[str]:
    nodes, edges = supported(scene(graph, DAY), source)
    return sorted(nodes | edges)


def wait_for_highlight(page, expected: list[str]) -> None:
    """Until the component says it drew these boxes and lines highlighted (it sits in a
    shadow root, which locators reach)."""
    until(page, lambda: sorted((page.locator(".org-graph").get_attribute("data-highlighted")
                                or "").split()) == expected)


def test_a_chosen_source_is_drawn_highlighted_and_follows_the_picker(page_of):  # noqa: F811
    graph = build_graph(load(BUNDLED))
    merger = highlighted(graph, "mkfm-2021-04-01-ccg-merger")
    assert len(merger) == 10 and "blmk-ccg" in merger
    with serve(BUNDLED) as url:
        page = page_of(f"{url}/?date=2021-04-01&source=mkfm-2021-04-01-ccg-merger")
        wait_for_highlight(page, merger)
        assert sorted(page.evaluate("orgGraph.highlighted()")) == merger
        panel = page.locator(".st-key-evidence")
        panel.get_by_text("Highlighted on 1 April 2021 (10)").wait_for()
        # three roles ended the day before, the event, the snapshot and the story's step 8
        assert "Not drawn on 1 April 2021 (6)" in panel.inner_text()
        assert "Left with no source if it were withdrawn (7)" in panel.inner_text()
        in_view(page, "nodePosition", "blmk-ccg")
        page.screenshot(path=SCREENSHOTS / "source-highlight.png")

        # pick another source by typing part of its title
        role = highlighted(graph, "blmkccg-role-2022")
        page.get_by_label("Source (type to search)").click()
        page.keyboard.type("Role of BLMK CCG")
        page.get_by_role("option", name=re.compile(r"^Role of BLMK CCG")).click()
        wait_for_highlight(page, role)
        page.wait_for_url(re.compile(r"source=blmkccg-role-2022"))
        assert sorted(page.evaluate("orgGraph.highlighted()")) == role != merger


def test_the_film_of_a_focus_is_made_then_downloaded(page_of, tmp_path):  # noqa: F811
    with serve(BUNDLED) as url:
        page = page_of(f"{url}/?date=2021-04-01&focus=mk-hospital")
        sidebar = page.locator("[data-testid=stSidebar]")
        assert sidebar.get_by_role("button", name=re.compile("Download the film")).count() == 0
        sidebar.get_by_role("button", name="Make the film").click()
        download = sidebar.get_by_role("button", name=re.compile(r"Download the film \(GIF, "))
        download.wait_for(timeout=180_000)
        with page.expect_download() as info:
            download.click()
        assert info.value.suggested_filename == (
            "bedfordshire-luton-and-milton-keynes-2011-01-01-to-2021-04-01-mk-hospital.gif")
        path = tmp_path / info.value.suggested_filename
        info.value.save_as(path)
        frames = iio.imread(path, index=None)
        assert frames.shape[1:] == (540, 960, 3) and frames.shape[0] > 10
        sidebar.screenshot(path=tmp_path / "sidebar.png")
