"""The Cypher console in a real Chromium: a saved query of the area with its parameter, the
title gone once the text is edited, a refusal and a syntax error as one line each. Saves
``docs/screenshots/console.png``.

Uses Debian's /usr/bin/chromium through PyPI playwright (never ``playwright install``).
"""

from __future__ import annotations

from pathlib import Path

from conftest import needs_chromium
from test_browser import SCREENSHOTS, serve, settle

ROOT = Path(__file__).resolve().parent.parent
SCHOOLS = ROOT / "tests" / "data" / "schools.yaml"

pytestmark = needs_chromium


def _run(page) -> None:
    """Click *Run query* once Streamlit's run is over: a click during a run (the one the last
    edit started) can be lost on a busy machine, which a person waiting would not do."""
    page.wait_for_function("() => document.querySelector('[data-testid=stApp]')"
                           "?.getAttribute('data-test-script-state') === 'notRunning'")
    page.get_by_role("button", name="Run query").click()


def test_the_console_runs_a_saved_query_and_refuses_in_one_line(browser, monkeypatch, tmp_path):
    monkeypatch.setenv("ORGS_CACHE_DIR", str(tmp_path / "store"))
    with serve(SCHOOLS) as url:
        page = browser.new_page(viewport={"width": 1500, "height": 1050})
        page.goto(f"{url}/?mode=console")
        page.get_by_role("heading", name="Cypher console").wait_for(timeout=30_000)

        picker = page.get_by_role("combobox", name="Saved queries for this area")
        picker.click()
        page.get_by_role("option", name="Who ran each school on a date").click()
        day = page.get_by_label("$day")
        day.wait_for()
        assert day.input_value() == "2020-01-01"
        day.fill("2019-01-01")
        day.press("Enter")
        _run(page)
        page.get_by_text("1 row from the embedded store").wait_for(timeout=30_000)
        page.locator('[data-testid="stDataFrame"] canvas').first.wait_for(timeout=30_000)
        assert picker.input_value() == "Who ran each school on a date"
        assert page.get_by_text("The body with a RUNS relationship in force").count() == 1
        settle(page)  # the table paints its cells after its canvas appears
        page.screenshot(path=str(SCREENSHOTS / "console.png"), full_page=True)

        cypher = page.get_by_label("Cypher (read-only)")
        cypher.fill("LOAD FROM '.streamlit/secrets.toml' RETURN *")
        _run(page)
        error = page.locator('[data-testid="stAlertContentError"]')
        error.wait_for(timeout=30_000)
        assert error.inner_text() == ("refused: LOAD FROM reads files; the console only reads the "
                                      "graph (use MATCH ... RETURN ...)")
        assert picker.input_value() == "Pick a saved query…", "the title left with the text"
        assert page.get_by_text("The body with a RUNS relationship in force").count() == 0

        cypher.fill("MATCH n RETURN n")
        _run(page)
        page.get_by_text("The database said: Parser exception").wait_for(timeout=30_000)
        assert error.inner_text().startswith("syntax error at line 1, column 9, near 'RETURN'")
        assert "Traceback" not in page.content()
        page.close()
