"""The offline HTML snapshot in real headless Chromium with the network blocked."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import needs_chromium

from graph.core.temporal import build_graph
from graph.export.snapshot import render_snapshot
from loaders.dataset import load

DATA = Path(__file__).resolve().parent / "data"

pytestmark = needs_chromium


class Watch:
    """A page with every request outside the file itself blocked and counted."""

    def __init__(self, browser, path: Path):
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.blocked: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        url = path.as_uri()

        def route(r):
            if r.request.url == url:
                r.continue_()
            else:
                self.blocked.append(r.request.url)
                r.abort()

        self.page.route("**/*", route)
        self.page.on("requestfailed", lambda r: self.failed.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))

        def dialog(d):
            self.dialogs.append(d.message)
            d.dismiss()

        self.page.on("dialog", dialog)
        self.page.goto(url)
        self.page.wait_for_selector("body[data-ready=true]", timeout=20000)

    def node_ids(self) -> set[str]:
        return set(self.page.evaluate("window.snapshotView.nodes.getIds()"))

    def close(self):
        self.context.close()


def painted_pixels(page) -> int:
    """Non-transparent pixels on the graph's canvas: proof that vis-network drew."""
    return page.evaluate("""() => {
        const c = document.querySelector('#graph canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
        return n;
    }""")


def test_offline_page_draws_with_the_network_blocked(browser, tmp_path):
    graph = build_graph(load(DATA / "mini.yaml"))
    path = tmp_path / "snapshot.html"
    path.write_bytes(render_snapshot(graph, "html", "2021-04-01", diff_from="2020-01-01"))
    watch = Watch(browser, path)
    try:
        watch.page.locator("#graph canvas").wait_for()
        watch.page.wait_for_function(  # vis-network has drawn into the canvas
            "() => { const c = document.querySelector('#graph canvas');"
            " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
            " let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n > 1000; }")
        assert painted_pixels(watch.page) > 1000
        # the routes are painted too: the merger arrives as two arrows into the merged CCG
        routes = watch.page.evaluate("window.snapshotView.routes.state.routes")
        assert sorted(r["from"] for r in routes if r["to"] == "ccg-all" and r["lineage"]) == [
            "ccg-north", "ccg-south"]
        assert watch.blocked == [] and watch.failed == [] and watch.errors == []
        expected = json.loads(render_snapshot(graph, "json", "2021-04-01",
                                              diff_from="2020-01-01"))
        assert watch.node_ids() == {n["id"] for n in expected["nodes"]}
        assert watch.page.locator("#asat").text_content() == "as at 1 April 2021"
        legend = watch.page.locator("#legend").inner_text()
        assert "added since 1 January 2020" in legend and "merged into" in legend
        assert watch.page.locator("#sources li").all_text_contents() == [
            "Article A. Testshire News, March 2014. https://example.org/a", "Article B. 2020."]
    finally:
        watch.close()


def test_time_slider_swaps_the_view(browser, tmp_path):
    graph = build_graph(load(DATA / "mini.yaml"))
    path = tmp_path / "snapshot.html"
    path.write_bytes(render_snapshot(graph, "html", "2021-04-01"))
    watch = Watch(browser, path)
    try:
        stops = watch.page.evaluate("window.snapshotView.stops.map(s => s.date)")
        slider = watch.page.locator("#slider")
        slider.fill(str(stops.index("2014-06-01")))  # fires "input" like a drag
        assert watch.page.locator("#asat").text_content() == "as at 1 June 2014"
        assert slider.get_attribute("aria-valuetext") == "1 June 2014"  # screen readers
        expected = json.loads(render_snapshot(graph, "json", "2014-06-01"))
        assert watch.node_ids() == {n["id"] for n in expected["nodes"]}
        assert "Testshire General Hospital Trust" in json.dumps(
            watch.page.evaluate("window.snapshotView.nodes.get()"))
        slider.fill(str(stops.index("2022-07-01")))
        assert "icb" in watch.node_ids() and "ccg-north" not in watch.node_ids()
        routes = watch.page.evaluate("window.snapshotView.routes.state.routes")
        assert ("ccg-all", "icb") in {(r["from"], r["to"]) for r in routes}
        slider.fill(str(stops.index("2021-04-01")))
        assert slider.get_attribute("aria-valuetext") == "1 April 2021: One CCG"
        assert watch.errors == [] and watch.blocked == []
    finally:
        watch.close()


def test_hostile_names_show_as_text_and_fire_no_dialog(browser, tmp_path):
    graph = build_graph(load(DATA / "hostile.yaml"))
    path = tmp_path / "hostile.html"
    path.write_bytes(render_snapshot(graph, "html", "2019-06-01"))
    watch = Watch(browser, path)
    page = watch.page
    try:
        page.locator("#graph canvas").wait_for()
        assert page.locator("#area").text_content() == (
            "Hostile </script><script>alert('area')</script> & Co")
        assert page.locator("#stoptitle").text_content() == "<script>alert('snapshot')</script>"
        assert page.locator("#sources li").first.text_content().startswith(
            "<img src=x onerror=alert('source')>")
        # hover every node so vis-network shows each tooltip
        tooltips = []
        for node_id in ("evil-script", "evil-img", "evil-href"):
            point = page.evaluate(
                """id => { const n = window.snapshotView.network;
                           const p = n.getPosition(id); return n.canvasToDOM(p); }""", node_id)
            box = page.locator("#graph canvas").bounding_box()
            page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
            page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
            tooltips.append(page.locator("div.vis-tooltip").text_content())
            page.mouse.move(1, 1)
        assert tooltips[0].startswith("</script><script>alert(1)</script>")
        assert tooltips[1].startswith("<img src=x onerror=alert(1)>")
        assert page.evaluate("document.querySelectorAll('img, svg, b, a[href]').length") == 0
        assert page.evaluate("document.scripts.length") == 3
        page.evaluate("() => new Promise(done => requestAnimationFrame("  # two frames painted:
                      "() => requestAnimationFrame(() => done(true))))")  # a script would have run
        assert watch.dialogs == []
        assert watch.blocked == [] and watch.errors == []
    finally:
        watch.close()
