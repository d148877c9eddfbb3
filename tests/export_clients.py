"""The tools users open the exports with, run for real by the tests: Gephi (its Toolkit, through
scripts/gephi-probe) and Cytoscape.js (under Node). scripts/test installs both; a test that finds
one missing fails with a line saying how to install it, never skips."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GEPHI_CLASSPATH = ROOT / ".cache" / "gephi-probe" / "classpath"
CYTOSCAPE_JS = ROOT / "tests" / "js"


def gephi(path: Path, days: list[str] = (), *, export_gexf: Path | None = None,
          export_graphml: Path | None = None, export_svg: Path | None = None) -> dict:
    """What Gephi 0.10.1 reads from ``path`` (see scripts/gephi-probe/src/orgs/gephi/Probe.java):
    nodes, edges, columns, the importer's issues, and on each of ``days`` the nodes and edges its
    timeline filter keeps with the dynamic values it gives them. ``export_*`` write Gephi's own
    GEXF, GraphML and SVG (its Preview) of what it read."""
    if not GEPHI_CLASSPATH.exists() or shutil.which("java") is None:
        pytest.fail("the Gephi Toolkit probe is not built: run scripts/gephi-probe/build "
                    "(scripts/test does; it needs a JDK 17+ and Maven)")
    out = path.with_suffix(".gephi.json")
    command = ["java", "-Xmx1g", "-cp", GEPHI_CLASSPATH.read_text().strip(),
               "orgs.gephi.Probe", str(path), str(out)]
    for day in days:
        command += ["--at", day]
    if export_gexf:
        command += ["--export-gexf", str(export_gexf)]
    if export_graphml:
        command += ["--export-graphml", str(export_graphml)]
    if export_svg:
        command += ["--export-svg", str(export_svg)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"Gephi could not open {path.name}: {done.stderr[-2000:]}"
    return json.loads(out.read_text(encoding="utf-8"))


def cytoscape(path: Path) -> dict:
    """What cytoscape (npm, headless under Node) holds after loading ``path``: see
    tests/js/cytoscape_load.js."""
    if shutil.which("node") is None or not (CYTOSCAPE_JS / "node_modules" / "cytoscape").exists():
        pytest.fail("cytoscape is not installed for the tests: run npm ci --prefix tests/js "
                    "(scripts/test does; it needs Node and npm)")
    done = subprocess.run(["node", str(CYTOSCAPE_JS / "cytoscape_load.js"), str(path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"cytoscape could not load {path.name}: {done.stderr[-2000:]}"
    return json.loads(done.stdout)
