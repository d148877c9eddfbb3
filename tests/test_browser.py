"""The page in a real Chromium: the graph draws, the slider moves, a click reaches Python,
nothing leaves 127.0.0.1 and hostile names stay text. Saves the docs' screenshots (see SCREENSHOTS).

Uses Debian's /usr/bin/chromium through PyPI playwright (never ``playwright install``).
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import national_area, needs_chromium, synthetic_area

from bench.page_speed import served as serve  # the page on a free port, as the bench starts it
from graph.drawing.vis import BOX_MARGIN
from loaders import dataset as dataset_loader

ROOT = Path(__file__).resolve().parent.parent
# the docs' screenshots are made again only when asked (ORGS_SAVE_SCREENSHOTS=1): a test run
# leaves the tracked files alone, and its pictures are in .cache/screenshots to look at
SCREENSHOTS = ROOT / ("docs" if os.environ.get("ORGS_SAVE_SCREENSHOTS") else ".cache") \
    / "screenshots"
HOSTILE = ROOT / "tests" / "data" / "page_hostile.yaml"

pytestmark = needs_chromium


def bundled_view() -> tuple[Path, dict[str, str]]:
    """The bundled BLMK data (the screenshots show it), with the organisation to click, the
    dates to show and the diff to draw. Bundled data that does not validate fails the test:
    never a quiet switch to other data."""
    bundled = ROOT / "data" / "orgs.yaml"
    dataset, problems = dataset_loader.check(bundled)
    assert dataset is not None, [str(p) for p in problems][:5]
    assert "blmk-ccg" in dataset.organisations
    return bundled, {"click": "blmk-ccg", "date": "2021-04-01", "diff": "mode=diff&date="
                     "2022-07-01&from=2020-04-01&focus=blmk-icb&depth=2",
                     "next": "August 2021", "next_iso": "2021-08-01"}


@pytest.fixture
def page_of(browser):
    """A function opening a URL in a fresh page that blocks and counts requests leaving
    127.0.0.1 and records any dialog (alert) that opens."""
    pages = []

    def open_page(url: str, width: int = 1600, height: int = 1000):
        page = browser.new_page(viewport={"width": width, "height": height})
        page.outside, page.dialogs = [], []

        def route(request_route):
            host = urlsplit(request_route.request.url).hostname
            if request_route.request.url.startswith(("blob:", "data:")) or host == "127.0.0.1":
                request_route.continue_()
            else:
                page.outside.append(request_route.request.url)
                request_route.abort()

        page.route("**/*", route)
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(url)
        page.locator(".org-graph[data-nodes]").wait_for(timeout=90_000)  # a busy machine
        page.locator(".org-graph canvas").wait_for()
        if page.locator(".st-key-date").count():  # the year ticks add a row under the slider
            # every time bar (the date's, and Compare from's when comparing) has its ticks
            bars = 2 if page.locator(".st-key-diff_from").count() else 1
            page.locator(".timebar[data-ticks]").nth(bars - 1).wait_for()
        settle(page)  # what a test measures first is the page as it will stay
        pages.append(page)
        return page

    yield open_page
    for page in pages:
        page.close()


def heading(page) -> str:
    return page.locator(".st-key-when h3").inner_text()


def in_view(page, where: str, item_id: str) -> dict:
    """Where ``orgGraph[where](item_id)`` is on screen, after scrolling the page to it (the
    wheel over the graph scrolls the page)."""
    point = page.evaluate(f"(id) => orgGraph.{where}(id)", item_id)
    height = page.viewport_size["height"]
    if not 120 < point["y"] < height - 120:
        box = page.locator(".org-graph canvas").bounding_box()
        page.mouse.move(box["x"] + 10, height / 2)
        page.mouse.wheel(0, point["y"] - height / 2)
        page.wait_for_function(f"([id, y]) => Math.abs(orgGraph.{where}(id).y - y) > 1",
                               arg=[item_id, point["y"]])  # the page has scrolled
        point = at_rest(page, lambda: page.evaluate(f"(id) => orgGraph.{where}(id)", item_id))
    return point


def click_node(page, org_id: str) -> None:
    """Click an organisation where vis-network drew it (the component tells where)."""
    point = in_view(page, "nodePosition", org_id)
    page.mouse.click(point["x"], point["y"])


def test_graph_slider_click_and_diff_with_nothing_leaving_the_machine(page_of):
    data, view = bundled_view()
    dataset = dataset_loader.load(data)
    with serve(data) as url:
        page = page_of(f"{url}/?date={view['date']}")
        nodes_drawn = int(page.locator(".org-graph").get_attribute("data-nodes"))
        assert nodes_drawn > 3
        assert heading(page) in ("1 April 2021", "April 2021")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        scroll_to_graph(page)
        page.screenshot(path=SCREENSHOTS / "graph.png")
        page.mouse.wheel(0, -5000)  # back to the top
        at_rest(page, lambda: graph_top(page))

        slider = page.locator(".st-key-date input[type=range]")
        slider.focus()
        slider.press("ArrowRight")
        # the next stop: the next day the data names a change (bundled: the ambulance trust's
        # chief executive changes)
        page.locator(".st-key-when h3", has_text=view["next"]).wait_for()
        page.wait_for_url(re.compile(rf"date={view['next_iso']}"))

        click_node(page, view["click"])
        details = page.locator(".st-key-details")
        expected = dataset.organisations[view["click"]].name
        details.get_by_text(expected, exact=True).first.wait_for()
        # the panel fills in as Streamlit sends it: wait for its Lineage section, not a glance
        details.get_by_text("Lineage").first.wait_for()
        assert "Lineage" in details.inner_text()
        page.wait_for_url(re.compile(r"[?&]org="))
        assert parse_qs(urlsplit(page.url).query)["org"] == [view["click"]]
        page.screenshot(path=SCREENSHOTS / "details.png")

        diff = page_of(f"{url}/?{view['diff']}")
        diff.get_by_text("Changes from").wait_for()
        at_rest(diff, lambda: diff.locator(".st-key-changes").inner_text())
        diff.screenshot(path=SCREENSHOTS / "diff.png")
        assert "+ began:" in diff.locator(".st-key-changes").inner_text()
        assert page.outside == [] and diff.outside == []


def graph_top(page) -> float:
    return page.locator(".org-graph").bounding_box()["y"]


def settle(page) -> None:
    """Until the page's web fonts have loaded, Streamlit has finished its run and the browser
    has painted since: on a busy machine the first paint may still use a fallback font of
    another line height."""
    page.evaluate("() => document.fonts.ready.then(() => true)")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=stApp]')"
        "?.getAttribute('data-test-script-state') === 'notRunning'")
    painted(page)


def until(page, condition, timeout_s: float = 30.0) -> None:
    """Until ``condition()`` holds, looked at every 50 ms (the graph sits in a shadow root, so
    a condition about it is read through locators, not in the page's own script)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "the page never got there"
        page.wait_for_timeout(50)


def painted(page) -> None:
    """Until the browser has painted two frames: what was just laid out is on the screen."""
    page.evaluate("() => new Promise(done => requestAnimationFrame("
                  "() => requestAnimationFrame(() => done(true))))")


def at_rest(page, look):
    """``look()`` once Streamlit's run is over and two looks 200 ms apart agree: elements
    arrive one after another during a run, and on a busy machine after it."""
    settle(page)
    looks = [look()]
    while len(looks) < 10 and looks[-2:] != looks[-1:] * 2:
        page.wait_for_timeout(200)
        looks.append(look())
    return looks[-1]


def scroll_to_graph(page) -> None:
    """Scroll the page (the wheel over the graph scrolls it) so the graph's top is at the top."""
    box = page.locator(".org-graph").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, 300)
    page.mouse.wheel(0, box["y"] - 10)
    at_rest(page, lambda: graph_top(page))


@pytest.mark.parametrize(("width", "height", "smallest"), [(1600, 1000, 11.0), (1366, 768, 10.0)])
def test_labels_are_readable_and_the_wheel_scrolls_the_page(page_of, width, height, smallest):
    data, view = bundled_view()
    with serve(data) as url:
        page = page_of(f"{url}/?date={view['date']}", width, height)
        label_px = page.evaluate("orgGraph.smallestLabelPx()")
        assert label_px >= smallest, f"smallest label {label_px:.1f} px at {width}x{height}"
        # vis-network draws every box exactly as big as the geometry says
        boxes = page.evaluate("() => orgGraph.nodeIds().map(id => [id, orgGraph.box(id)])")
        shown = page_view(data, view["date"])
        margin = 2 * BOX_MARGIN
        expected = {n["id"]: (n["x"], n["y"], n["widthConstraint"]["minimum"] + margin,
                              n["heightConstraint"]["minimum"] + margin)
                    for n in shown.graph_data["nodes"]}
        assert len(boxes) == len(expected)
        for node_id, drawn in boxes:
            got = (drawn["x"], drawn["y"], drawn["width"], drawn["height"])
            assert all(abs(a - b) < 1.0 for a, b in zip(got, expected[node_id], strict=True)), \
                (node_id, got, expected[node_id])

        scale, top = page.evaluate("orgGraph.scale()"), graph_top(page)
        box = page.locator(".org-graph canvas").bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, max(box["y"] + 40, height - 100))
        page.mouse.wheel(0, 400)
        until(page, lambda: graph_top(page) < top - 100)  # the page scrolled
        painted(page)
        assert page.evaluate("orgGraph.scale()") == scale  # the graph did not zoom

        # a click into the graph (on empty canvas) hands the wheel to the graph's zoom
        empty = page.evaluate("orgGraph.emptyPoint()")
        page.mouse.click(empty["x"], empty["y"])
        top = graph_top(page)
        page.mouse.wheel(0, -300)
        page.wait_for_function("(scale) => orgGraph.scale() !== scale", arg=scale)  # zoomed
        assert graph_top(page) == top  # and the page did not scroll


def test_the_whole_area_fits_the_first_screens_at_every_named_stop(page_of):
    """At 1600x1000 the whole-area graph at each of the 15 named stops takes the graph
    column's width, is at most 1.2 viewport heights tall, and no label is under 11 px; the
    commissioners and their overseers are on the first screen."""
    data = ROOT / "data" / "orgs.yaml"
    dataset, _ = dataset_loader.check(data)
    stops = [s.date.start.isoformat() for s in dataset.snapshots]
    assert len(stops) == 15
    with serve(data) as url:
        page = page_of(f"{url}/?date={stops[0]}")
        for day in stops:
            page.goto(f"{url}/?date={day}")
            page.locator(".org-graph[data-nodes]").wait_for(timeout=30_000)
            canvas = at_rest(page, lambda: page.locator(".org-graph canvas").bounding_box())
            column = page.locator(".org-graph").bounding_box()
            assert canvas["height"] <= 1.2 * 1000, (day, canvas["height"])
            assert canvas["width"] >= column["width"] - 4, day
            assert page.evaluate("orgGraph.smallestLabelPx()") >= 11.0, day
            kinds = {o.id: o.kind for o in dataset.organisations.values()}
            commissioners = [i for i in page.evaluate("orgGraph.nodeIds()")
                             if kinds.get(i) in ("PCT", "CCG", "ICB")]
            assert commissioners, day
            for org_id in commissioners:  # on the first screen, below the page's header
                centre = page.evaluate("(id) => orgGraph.nodePosition(id)", org_id)
                assert 0 < centre["y"] < 1000, (day, org_id, centre)


def _national_area() -> tuple[Path, str]:
    """England from the ODS extracts in data/ods (3,332 organisations), focused on
    Bedfordshire Hospitals by its ODS code."""
    return national_area(), "RC9"


def _synthetic_area() -> tuple[Path, str]:
    """A synthetic area of 10,000 organisations, focused on its most linked organisation."""
    from collections import Counter

    from graph.page.view import load_graph

    out = synthetic_area(10_000)
    dataset = load_graph(out).graph["dataset"]  # validated (a bad file raises), then kept warm
    links = Counter(end for r in dataset.relationships for end in (r.source, r.target))
    return out, links.most_common(1)[0][0]


@pytest.mark.parametrize("make", [_national_area, _synthetic_area], ids=["national", "10000"])
def test_a_focus_at_national_scale_draws_its_boxes_on_the_first_screens(page_of, make):
    """The whole view of such an area is grouped by kind; focused on one organisation the page
    draws that organisation's neighbourhood, not the all-time grid: at 1600x1000 the graph is
    at most 1.2 viewport heights tall with labels of 11 px or more, and it holds the boxes
    the library's scene holds (the canvas was 73,170 px tall and blank before)."""
    import datetime as dt

    from graph.drawing.scene import scene
    from graph.page.view import load_graph

    data, focus = make()
    graph = load_graph(data)  # the page's graph of the file, from the warm cache the server reads
    org_id = graph.graph["dataset"].resolve(focus)
    expected = {n.id for n in scene(graph, dt.date(2021, 6, 1), focus=org_id, depth=2).nodes}
    assert len(expected) >= 3
    with serve(data) as url:
        page = page_of(f"{url}/?date=2021-06-01&focus={focus}&depth=2")
        canvas = at_rest(page, lambda: page.locator(".org-graph canvas").bounding_box())
        assert canvas["height"] <= 1.2 * 1000, canvas
        assert set(page.evaluate("orgGraph.nodeIds()")) == expected
        assert page.evaluate("orgGraph.smallestLabelPx()") >= 11.0


def test_typing_an_ods_code_and_enter_focuses_that_organisation(page_of):
    """On the national area Streamlit's loose match lists RX2C9 first for "RC9"; Enter takes
    what was typed, and the exact code wins: Bedfordshire Hospitals."""
    data, _ = _national_area()
    with serve(data) as url:
        page = page_of(f"{url}/?date=2021-06-01")
        page.get_by_role("combobox", name="Focus on (type a name or ODS code)").click()
        page.keyboard.type("RC9")
        page.get_by_role("option").first.wait_for()
        page.keyboard.press("Enter")
        page.wait_for_function("() => location.search.includes('focus=ods-rc9')")
        settle(page)
        assert "ods-rc9" in page.evaluate("orgGraph.nodeIds()")


def test_nothing_above_the_graph_moves_between_dates(page_of):
    import datetime as dt

    from graph.core.stops import story_stops
    from graph.page.view import load_graph

    data, view = bundled_view()
    stops = story_stops(load_graph(data).graph["dataset"], today=dt.date.today())
    start = next(i for i, s in enumerate(stops) if s.snapshot is not None and i > 0) - 1
    following = stops[start + 1:start + 4]  # a named stop first, then whatever comes
    assert following[0].snapshot is not None
    with serve(data) as url:
        page = page_of(f"{url}/?date={stops[start].day.isoformat()}")
        tops = [at_rest(page, lambda: graph_top(page))]
        slider = page.locator(".st-key-date input[type=range]")
        for stop in following:
            slider.focus()
            slider.press("ArrowRight")
            page.locator(".st-key-when h3", has_text=stop.words).wait_for()
            tops.append(at_rest(page, lambda: graph_top(page)))
        assert max(tops) - min(tops) < 0.5, tops


def test_a_routed_edge_shows_its_tooltip_as_text(page_of):
    data, view = bundled_view()
    with serve(data) as url:
        page = page_of(f"{url}/?date={view['date']}")
        shown = page_view(data, view["date"])
        edge = next(e for e in shown.graph_data["edges"] if e["lineage"])
        point = in_view(page, "routePoint", edge["id"])
        page.mouse.move(point["x"], point["y"])
        tip = page.locator(".org-edge-tip")
        tip.wait_for(state="visible")
        assert tip.inner_text() == edge["title"]


def page_view(data: Path, date: str):
    """What the page computes for this data and date (the same function the page calls)."""
    import datetime as dt

    from graph.core.stops import slider_stops
    from graph.page import state as page_state
    from graph.page import view as page_view_module

    graph = page_view_module.load_graph(data)
    stops = tuple(slider_stops(graph.graph["dataset"]))
    return page_view_module.view(graph, page_state.ViewState(
        date=dt.date.fromisoformat(date)), stops)


def test_hostile_names_show_as_text_and_run_nothing(page_of):
    img, script = "<img src=x onerror=alert(1)>", "</script><script>alert(1)</script>"
    with serve(HOSTILE) as url:
        page = page_of(f"{url}/?date=2020-04-01")
        click_node(page, "board")
        details = page.locator(".st-key-details")
        details.get_by_text(img, exact=True).first.wait_for()
        line = "oversees <script>alert(1)</script> → <svg onload=alert(1)>"
        details.get_by_text(line).first.wait_for()  # the sections render one after another
        assert line in details.inner_text()

        point = page.evaluate("(id) => orgGraph.nodePosition(id)", "trust-old")
        page.mouse.move(point["x"], point["y"])
        tooltip = page.locator(".vis-tooltip")
        tooltip.wait_for(state="visible")
        assert tooltip.inner_text().splitlines()[0] == f"Old {script} Trust"
        assert "Board <i>kind</i>" in page.locator(".org-graph .legend").inner_text()
        assert f"{script} merger" in page.locator(".st-key-date").inner_text()

        # The accessible table: the dataframe's cells hold the names as text.
        page.get_by_text("Organisations shown").wait_for()
        cells = """() => [...document.querySelectorAll(
            '[data-testid=stDataFrame] [role=gridcell]')].map(c => c.textContent).join('|')"""
        page.wait_for_function(f"() => ({cells})().length > 0")  # the grid fills in after
        csv = page.evaluate(cells)
        assert img in csv and script in csv

        assert page.locator("img[src='x']").count() == 0
        assert page.locator("svg[onload]").count() == 0
        assert page.dialogs == []
        assert page.outside == []
