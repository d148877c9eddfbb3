"""What a reader sees of the page's words, in a real Chromium: the slider reaches the story in a
few key presses with year ticks, a link with an unknown kind still draws the graph, the details
panel opens in sections beside the graph without pushing it away, the compare list gives the
dates and names of each change, and no text shows a path on the server.

Saves ``docs/screenshots/slider.png``, ``details-sections.png`` and ``compare-list.png``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path

import pytest
from conftest import needs_chromium
from test_browser import (  # noqa: F401 (page_of: a fixture)
    SCREENSHOTS,
    at_rest,
    click_node,
    heading,
    page_of,
    serve,
    settle,
)

from graph.core.dates import words
from graph.core.stops import story_stops, year_step
from loaders import dataset as dataset_loader

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "orgs.yaml"
PATH = re.compile(r"""(?:^|[\s(:"'])((?:/[\w.-]+){2,})""")  # /a/b, not https://x/a/b

pytestmark = needs_chromium


@pytest.fixture
def reader(page_of):  # noqa: F811 (test_browser's fixture, imported above)
    """Opens a URL as test_browser does: requests leaving 127.0.0.1 blocked and counted."""
    return page_of


def wait_for_heading(page, text: str) -> None:
    page.wait_for_function(
        "(text) => document.querySelector('.st-key-when h3')?.innerText === text", arg=text)


def wait_until_idle(page) -> None:
    """Until Streamlit has finished the run: a key pressed while a run is still drawing the
    page can be lost on a busy machine, which a person waiting for the graph would not do."""
    page.wait_for_function(
        "() => document.querySelector('[data-testid=stApp]')"
        "?.getAttribute('data-test-script-state') === 'notRunning'")


def test_the_slider_reaches_the_2021_merger_in_six_key_presses(reader):
    with serve(BUNDLED) as url:
        page = reader(url)
        assert heading(page) == "1 October 2025"  # the latest named snapshot
        page.locator(".st-key-timebar .timebar[data-ticks]").wait_for()  # its keys: PageUp/Down
        wait_until_idle(page)
        page.locator(".st-key-date input[type=range]").focus()
        # a year back each PageDown (to the nearest stop at least a year earlier), then a stop
        # (a day something changes) each arrow
        presses = [("PageDown", "July 2024"), ("PageDown", "1 April 2023"),
                   ("PageDown", "1 October 2021"), ("ArrowLeft", "30 September 2021"),
                   ("ArrowLeft", "August 2021"), ("ArrowLeft", "1 April 2021")]
        for key, landed in presses:
            page.keyboard.press(key)  # the slider keeps the focus across the rerun
            wait_for_heading(page, landed)
            wait_until_idle(page)
            assert page.evaluate("document.activeElement.type") == "range"
        assert len(presses) <= 6
        when = page.locator(".st-key-when").inner_text()
        assert "Snapshot: One CCG for Bedfordshire, Luton and Milton Keynes" in when
        assert "Event: The three CCGs merge into NHS Bedfordshire, Luton and Milton Keynes CCG" \
            in when

        # a year tick for every new year from 2012 to 2026, in order along the track
        page.locator(".st-key-timebar .timebar[data-ticks]").wait_for()
        ticks = page.locator(".st-key-timebar .timebar .tick").evaluate_all(
            "ticks => ticks.map(t => t.getBoundingClientRect().left)")
        assert len(ticks) == 15 and ticks == sorted(ticks)
        track = page.locator(".st-key-date [role=group] > div").bounding_box()
        assert track["x"] <= ticks[0] and ticks[-1] <= track["x"] + track["width"]
        labels = page.locator(".st-key-timebar .timebar .year").evaluate_all(
            "labels => labels.map(l => [l.textContent, l.getBoundingClientRect()])")
        # every year is labelled (on a second row where two years lie close: 2019 and 2020
        # are about 20 px apart), and no label covers another
        assert [text for text, _ in labels] == [str(y) for y in range(2012, 2027)]
        for (_, a), (_, b) in itertools.combinations(labels, 2):
            assert a["right"] <= b["left"] or b["right"] <= a["left"] or \
                a["bottom"] <= b["top"] or b["bottom"] <= a["top"], (a, b)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "slider.png", clip={"x": 300, "y": 180, "width": 1200,
                                                               "height": 280})

        page.get_by_label("Go to a date").fill("2016-03")
        page.get_by_label("Go to a date").press("Enter")
        wait_for_heading(page, "March 2016")
        page.locator(".st-key-all_time label").click()  # the switch for all time
        page.locator(".st-key-date", has_text="1 April 1992").wait_for()
        assert heading(page) == "March 2016"


def test_a_link_with_an_unknown_kind_warns_and_still_draws_the_graph(reader):
    with serve(BUNDLED) as url:
        page = reader(f"{url}/?kinds=Foo,Trust&types=NOPE&date=2021-04-01")
        warnings = page.locator("[data-testid=stAlert]").all_inner_texts()
        assert any("unknown kind 'Foo'" in w for w in warnings)
        assert any("unknown relationship type 'NOPE'" in w for w in warnings)
        assert int(page.locator(".org-graph").get_attribute("data-nodes")) >= 8  # the trusts

        every_kind = reader(f"{url}/?kinds=Foo&date=2021-04-01")
        assert int(every_kind.locator(".org-graph").get_attribute("data-nodes")) > 40


def test_the_details_open_in_sections_beside_the_graph_and_keep_it_in_view(reader):
    with serve(BUNDLED) as url:
        page = reader(f"{url}/?date=2021-04-01")

        def in_document(box: dict) -> dict:  # where it is on the page, wherever it is scrolled
            scrolled = page.evaluate("""() => {  // Streamlit scrolls a container, not the window
                let e = document.querySelector('.st-key-graph');
                while (e && e.scrollTop === 0) e = e.parentElement;
                return e ? e.scrollTop : 0; }""")
            return {**box, "y": box["y"] + scrolled}

        def graph_at_rest() -> dict:  # once the run is over and two looks agree
            return at_rest(page, lambda: in_document(
                page.locator(".st-key-graph").bounding_box()))

        graph_before = graph_at_rest()
        click_node(page, "mk-hospital")  # low on a tall graph: the page scrolls to it
        panel = page.locator(".st-key-details")
        panel.get_by_text("Milton Keynes University Hospital NHS Foundation Trust",
                          exact=True).first.wait_for()
        assert graph_at_rest() == graph_before  # the graph stays where it was
        box, graph = panel.bounding_box(), page.locator(".st-key-graph").bounding_box()
        assert box["height"] <= 520 and box["width"] >= 270, box  # a readable column, never taller
        assert graph["x"] + graph["width"] <= box["x"]  # beside the graph
        # in view where the reader clicked: the column beside the graph sticks to the screen
        assert 0 <= box["y"] and box["y"] + box["height"] <= page.viewport_size["height"]
        assert graph["y"] <= box["y"] and box["y"] + box["height"] <= graph["y"] + graph["height"]

        page.get_by_text("Names (3)").click()
        names = panel.inner_text()
        assert "No name recorded: from 1 April 1992 until September 2007" in names
        assert "Milton Keynes Hospital NHS Foundation Trust: from October 2007 until March 2015" \
            in names
        page.get_by_text("Lineage (").click()
        lineage = panel.locator("li", has_text="●")
        assert re.search(r"\[\d+\]", lineage.inner_text())  # its own numbered sources
        links = panel.locator("a", has_text=re.compile(r"^\[\d+\]$"))
        assert links.count() > 5 and links.first.get_attribute("href").startswith("http")
        page.get_by_role("tab", name="Events").click()
        page.get_by_role("button", name=re.compile("The three CCGs merge")).wait_for()
        page.get_by_role("tab", name="Details").click()
        page.mouse.move(5, 5)  # no tooltip over the picture
        panel.evaluate("box => box.scrollTop = 0")
        settle(page)
        page.screenshot(path=SCREENSHOTS / "details-sections.png")
        assert PATH.findall(page.locator("body").inner_text()) == []


def test_the_compare_list_names_each_body_as_it_was_and_dates_each_end(reader):
    with serve(BUNDLED) as url:
        page = reader(f"{url}/?mode=diff&date=2022-08-01&from=2013-06-01")
        changes = page.locator(".st-key-changes")
        changes.get_by_text("Relationships that ended").wait_for()
        text = changes.inner_text()
        assert ("− Monitor oversees Milton Keynes University Hospital NHS Foundation Trust (from "
                "October 2007 until 31 March 2016)") in text
        assert ("− Monitor oversees Luton and Dunstable University Hospital NHS Foundation Trust "
                "(from 1 April 2013 until 31 March 2016)") in text
        assert ("− NHS Milton Keynes Clinical Commissioning Group commissions Milton Keynes "
                "University Hospital NHS Foundation Trust (from 1 April 2013 until 31 March "
                "2021, the last day of NHS Milton Keynes Clinical Commissioning Group)") in text
        assert page.get_by_text("What changed from 1 June 2013 to 1 August 2022").count() == 1
        # PageUp on Compare from: the nearest stop at least a year later
        stops = story_stops(dataset_loader.load(BUNDLED),
                            (dt.date(2013, 6, 1), dt.date(2022, 8, 1)), today=dt.date.today())
        later = year_step(stops, dt.date(2013, 6, 1), 1)
        page.locator(".st-key-diff_from input[type=range]").focus()
        page.keyboard.press("PageUp")
        page.wait_for_url(re.compile(rf"from={later.isoformat()}"))
        page.get_by_text(f"What changed from {words(later)} to 1 August 2022").wait_for()
        page.goto(f"{url}/?mode=diff&date=2022-08-01&from=2013-06-01")
        changes.get_by_text("Relationships that ended").wait_for()
        page.locator(".org-graph[data-nodes] canvas").wait_for()
        settle(page)
        changes.get_by_text("Relationships that ended").scroll_into_view_if_needed()
        page.screenshot(path=SCREENSHOTS / "compare-list.png")
        click_node(page, "mk-hospital")  # a click brings the details tab to the front
        page.locator(".st-key-details").get_by_text(
            "Milton Keynes University Hospital NHS Foundation Trust", exact=True).first.wait_for()
        assert PATH.findall(page.locator("body").inner_text()) == []
        assert page.outside == []


def test_compare_from_has_its_year_ticks_and_moves_a_year_on_page_down(reader):
    with serve(BUNDLED) as url:
        page = reader(f"{url}/?mode=diff&date=2022-07-01&from=2021-04-01")
        from_bar = page.locator(".st-key-timebar_from .timebar[data-ticks]")
        from_bar.wait_for()
        assert from_bar.get_attribute("data-ticks") == "15"
        track = page.locator(".st-key-diff_from [role=group] > div").bounding_box()
        ticks = from_bar.locator(".tick").evaluate_all(
            "ticks => ticks.map(t => t.getBoundingClientRect().left)")
        assert track["x"] <= ticks[0] and ticks[-1] <= track["x"] + track["width"]
        wait_until_idle(page)
        slider = page.locator(".st-key-diff_from input[type=range]")
        slider.focus()
        page.keyboard.press("PageDown")  # a year back: the nearest stop at least a year earlier
        page.wait_for_function(
            "() => new URLSearchParams(location.search).get('from') !== '2021-04-01'")
        wait_until_idle(page)
        moved = page.evaluate("new URLSearchParams(location.search).get('from')")
        assert moved < "2020-04-02" and page.evaluate(
            "new URLSearchParams(location.search).get('date')") == "2022-07-01"


def test_the_first_tab_offers_a_skip_to_the_slider_and_its_thumb_shows_a_strong_ring(reader):
    """Tab from the top of the page: the first stop is a link past the sidebar (25 presses
    without it); Enter puts the focus on the date slider, whose thumb gets a 3 px ring."""
    with serve(BUNDLED) as url:
        page = reader(url)
        wait_until_idle(page)
        page.locator("body").focus()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Skip to the date slider"
        link = page.evaluate("(() => { const r = document.activeElement.getBoundingClientRect();"
                             " return [r.left, r.width]; })()")
        assert link[0] >= 0 and link[1] > 50  # on screen while it has the focus
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.activeElement.type === 'range'")
        assert page.evaluate("!!document.activeElement.closest('.st-key-date')")
        ring = page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement.closest('[data-rac]'));"
            " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()")
        assert ring == ["solid", 3.0]
