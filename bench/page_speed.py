"""Speed a reader feels on the page, in a real Chromium: how long after the page answers the
first graph is painted, and how long after a key press on the time slider the new graph is.

    python -m bench.page_speed [AREA.yaml] [--presses N]

The page's graph component notes, on the page's own clock (``performance.now()``), when a new
graph was first painted (``data-drawn-at`` on ``.org-graph``, and a count in ``data-draws``);
a key press and the date heading's change are timed on the same clock, so a step is key press
to the new graph painted (or, where the day is drawn alike and the graph gets no new data, to
the new date shown): Streamlit's run, the drawing and the transfer included. The server is
warmed first (one page opened and closed), as a reader's second visit finds it. Each press
moves the slider one stop back (ArrowLeft) from the latest named snapshot; the median and the
slowest are printed, with the bytes the page received over its websocket per press and the
machine's load average (the figures move with it). Chromium is Debian's
(``/usr/bin/chromium``), driven by the PyPI ``playwright`` package.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SLIDER = ".st-key-date input[type=range]"
# on the page's clock: when a key was pressed, and when the date heading last changed
WATCH = """() => {
  addEventListener('keydown', () => { window.__pressedAt = performance.now(); }, true);
  let shown = null;
  new MutationObserver(() => {
    const now = document.querySelector('.st-key-when h3')?.innerText;
    if (now !== shown) { shown = now; window.__headingAt = performance.now(); }
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""
IDLE = ("() => document.querySelector('[data-testid=stApp]')"
        "?.getAttribute('data-test-script-state') === 'notRunning'")


@dataclass(frozen=True)
class Felt:
    """What was measured, in milliseconds."""

    first_graph: float  # navigation start to the first graph painted
    answered: float  # navigation start to the page's first byte (its HTML)
    steps: tuple[float, ...]  # key press to the new graph painted, one per press
    headings: tuple[str, ...]  # the date the page showed after each press
    received: tuple[int, ...] = ()  # bytes the page received over its websocket, per press

    @property
    def median_step(self) -> float:
        return statistics.median(self.steps)


@contextlib.contextmanager
def served(data: Path) -> Iterator[str]:
    """``streamlit run app.py`` on a free port of 127.0.0.1, on ``data``; yields its URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "ORGS_DATA": str(data)}
    env.pop("NEO4J_URI", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the page did not answer within 60 s") from None
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def measure(browser, url: str, presses: int, width: int = 1600, height: int = 1000) -> Felt:
    """Open ``url`` in ``browser`` (a playwright Chromium), then press ArrowLeft ``presses``
    times on the time slider, each after the graph of the one before was painted."""
    page = browser.new_page(viewport={"width": width, "height": height})
    frames: list[int] = []  # the size of each websocket frame received, in order
    page.on("websocket", lambda socket: socket.on(
        "framereceived", lambda payload: frames.append(len(payload))))
    try:
        page.goto(url)
        graph = page.locator(".org-graph[data-drawn-at]")
        graph.wait_for(timeout=90_000)
        first = float(graph.get_attribute("data-drawn-at"))
        answered = page.evaluate(
            "() => performance.getEntriesByType('navigation')[0].responseStart")
        page.wait_for_function(IDLE)
        page.locator(".st-key-timebar .timebar[data-ticks]").wait_for()  # the slider's keys
        page.evaluate(WATCH)
        page.locator(SLIDER).focus()
        steps, headings, received = [], [], []
        for _ in range(presses):
            frames.clear()
            draws = page.locator(".org-graph").get_attribute("data-draws")
            before = page.locator(".st-key-when h3").inner_text()
            page.keyboard.press("ArrowLeft")
            page.wait_for_function("(h) => document.querySelector('.st-key-when h3')"
                                   "?.innerText !== h", arg=before, timeout=60_000)
            page.wait_for_function(IDLE)
            page.evaluate("() => new Promise(done => requestAnimationFrame("
                          "() => requestAnimationFrame(done)))")  # painted since
            # a step to a day drawn alike sends the graph no new data: the date is what changed
            done = page.evaluate("() => window.__headingAt")
            if page.locator(".org-graph").get_attribute("data-draws") != draws:
                done = max(done, float(page.locator(".org-graph").get_attribute("data-drawn-at")))
            steps.append(done - page.evaluate("() => window.__pressedAt"))
            headings.append(page.locator(".st-key-when h3").inner_text())
            received.append(sum(frames))
        return Felt(first, answered, tuple(steps), tuple(headings), tuple(received))
    finally:
        page.close()


def run(data: Path, presses: int) -> Felt:
    from playwright.sync_api import sync_playwright

    with served(data) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            measure(browser, url, 1)  # the server warm, as a reader's second visit finds it
            return measure(browser, url, presses)
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=ROOT / "data" / "orgs.yaml")
    parser.add_argument("--presses", type=int, default=20)
    args = parser.parse_args(argv)
    felt = run(args.data.resolve(), args.presses)
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(f"# felt speed: {args.data.name} at 1600x1000, warm server; load average {load} "
          f"on {os.cpu_count()} cores")
    print(f"first graph painted {felt.first_graph:.0f} ms after navigation, "
          f"{felt.first_graph - felt.answered:.0f} ms after the page answered (target 1500 ms)")
    print(f"slider step, key press to new graph: median {felt.median_step:.0f} ms, slowest "
          f"{max(felt.steps):.0f} ms over {len(felt.steps)} presses (target: median 200 ms)")
    print("  " + ", ".join(f"{h}: {s:.0f}" for h, s in zip(felt.headings, felt.steps,
                                                             strict=True)))
    print(f"received per press: median {statistics.median(felt.received) / 1000:.0f} kB, "
          f"most {max(felt.received) / 1000:.0f} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
