"""A story as one offline HTML file: the steps with Previous/Next, each step's text, what
changed and its interactive graph (vis-network inlined, no network request: the page's
Content-Security-Policy forbids every one), and every source numbered as cited.

As in ``graph.export.html``, data travels as JSON made safe for ``<script>`` and reaches the
page only through ``textContent``; the few strings in the HTML itself are escaped.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import networkx as nx

from graph.core.colours import safe_colour
from graph.core.dates import words
from graph.drawing.picture import drawing
from graph.drawing.scene import STATE_COLOURS
from graph.drawing.vis import OPTIONS, routes_script, script_json, vis_data, vis_network_assets
from graph.export.brief import Brief, prepare
from graph.export.html import LEGEND_CSS, OFFLINE_JS

_TOKEN = re.compile(r"@@([A-Z_]+)@@")


def data(graph: nx.MultiDiGraph, brief: Brief) -> dict:
    numbers = brief.numbers
    steps, kinds, types = [], {}, {}
    for step in brief.steps:
        view = step.view
        for k in view.kinds:
            kinds[k.id] = {"label": k.label, "colour": safe_colour(k.colour)}
        for t in view.types:
            types[t.id] = {"label": t.label, "colour": safe_colour(t.colour), "dashes": t.dashes}
        steps.append({
            "label": brief.step_label(step.index), "title": step.step.title,
            "asAt": step.as_at,
            "paragraphs": [[{"text": r.text, "bold": r.bold, "italic": r.italic} for r in runs]
                           for runs in step.paragraphs],
            "changesHeading": step.changes_heading,
            "changes": [c.cited for c in step.changes],
            "sources": [source.number for source in brief.step_sources(step)],
            "kinds": [k.id for k in view.kinds], "types": [t.id for t in view.types],
            "states": sorted({n.state for n in view.nodes} & set(STATE_COLOURS)),
            "stateLabels": {state: f"{state} since {words(step.since)}" for state in STATE_COLOURS}
            if step.since else {},
            "frame": vis_data(view, drawing(graph, view, "screen"), numbers),
        })
    return {"steps": steps, "kinds": kinds, "types": types, "options": OPTIONS,
            "stateColours": STATE_COLOURS,
            "sources": [{"number": s.number, "text": brief.source_text(s)}
                        for s in brief.sources]}


def render(graph: nx.MultiDiGraph, story_id: str, *, made: dt.date | None = None) -> bytes:
    brief = prepare(graph, story_id, "html", made=made)
    js, css = vis_network_assets()
    values = {
        "TITLE": html.escape(brief.story.title),
        "AREA": html.escape(f"A briefing on {brief.area}, in {len(brief.steps)} steps"),
        "DESCRIPTION": html.escape(brief.story.description or ""),
        "PROVENANCE": html.escape(brief.provenance),
        "VIS_CSS": css.replace("</style", "<\\/style"),
        "VIS_JS": js.replace("</script", "<\\/script"),
        "ROUTES_JS": routes_script().replace("</script", "<\\/script"),
        "OFFLINE_JS": OFFLINE_JS, "LEGEND_CSS": LEGEND_CSS,
        "DATA": script_json(data(graph, brief)),
    }
    return _TOKEN.sub(lambda m: values[m.group(1)], TEMPLATE).encode("utf-8")


TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; \
script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>@@TITLE@@</title>
<style>@@VIS_CSS@@</style>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       margin: 1rem 1.5rem; color: #111; max-width: 90rem; }
h1 { font-size: 1.5rem; margin: 0 0 .2rem; }
h2 { font-size: 1.25rem; margin: .4rem 0 .2rem; }
.sub { color: #444; margin: .2rem 0; }
nav { display: flex; gap: .6rem; align-items: center; margin: .8rem 0; flex-wrap: wrap; }
#steps { display: flex; gap: .3rem; flex-wrap: wrap; padding: 0; margin: 0; list-style: none; }
#steps a { display: inline-block; padding: .15rem .5rem; border: 1px solid #bbb;
           border-radius: .3rem; color: #113; text-decoration: none; }
#steps a[aria-current="step"] { background: #113; color: #fff; }
#graph { border: 1px solid #ccc; background: #fff; height: 34rem; }
@@LEGEND_CSS@@
#changes { font-size: .9rem; }
#sources, #step-sources { list-style: none; padding-left: .5rem; }
footer { font-size: .85rem; color: #222; }
</style>
</head>
<body>
<header>
<h1>@@TITLE@@</h1>
<p class="sub">@@AREA@@</p>
<p class="sub">@@DESCRIPTION@@</p>
</header>
<nav aria-label="Steps">
<button type="button" id="previous">Previous</button>
<button type="button" id="next">Next</button>
<ol id="steps"></ol>
</nav>
<main>
<p class="sub" id="label"></p>
<h2 id="title"></h2>
<p id="asat"></p>
<div id="text"></div>
<div id="graph"></div>
<div id="legend" aria-label="Legend"></div>
<p id="changes-heading"></p>
<ul id="changes"></ul>
<h3>Sources of this step</h3>
<ul id="step-sources"></ul>
</main>
<footer>
<p>@@PROVENANCE@@. Numbers in brackets are the sources below, one numbering for the whole
brief.</p>
<h2>Sources</h2>
<ol id="sources"></ol>
</footer>
<script>@@VIS_JS@@</script>
<script type="application/json" id="brief-data">@@DATA@@</script>
<script>
"use strict";
@@ROUTES_JS@@
@@OFFLINE_JS@@
(function () {
  const data = JSON.parse(document.getElementById("brief-data").textContent);
  const container = document.getElementById("graph");
  const {nodes, edges, network, routes} = offlineGraph(container, data.options, data.steps[0].frame);
  const byNumber = new Map(data.sources.map(s => [s.number, s]));
  const list = document.getElementById("sources");
  for (const s of data.sources) {
    const li = el("li", s.text); li.value = s.number; li.id = "source-" + s.number;
    list.append(li);
  }
  const stepList = document.getElementById("steps");
  data.steps.forEach((step, i) => {
    const a = el("a", String(i + 1)); a.href = "#step-" + (i + 1);
    a.title = step.title + " (as at " + step.asAt + ")";
    const li = el("li"); li.append(a); stepList.append(li);
  });
  function legend(step) {
    paintLegend(document.getElementById("legend"), data, step, step.stateLabels);
  }
  let current = 0;
  function show(index) {
    current = Math.max(0, Math.min(data.steps.length - 1, index));
    const step = data.steps[current];
    document.getElementById("label").textContent = step.label;
    document.getElementById("title").textContent = step.title;
    document.getElementById("asat").textContent = "As at " + step.asAt;
    const text = document.getElementById("text");
    text.replaceChildren();
    for (const runs of step.paragraphs) {
      const p = el("p");
      for (const r of runs) p.append(r.bold ? el("strong", r.text) : r.italic ? el("em", r.text)
                                     : document.createTextNode(r.text));
      text.append(p);
    }
    nodes.clear(); nodes.add(step.frame.nodes); routes.update(step.frame); network.redraw();
    routes.fitWidth(container);
    legend(step);
    document.getElementById("changes-heading").textContent = step.changesHeading;
    const changes = document.getElementById("changes");
    changes.replaceChildren(...step.changes.map(c => el("li", c)));
    const own = document.getElementById("step-sources");
    own.replaceChildren(...step.sources.map(n => el("li", byNumber.get(n).text)));
    stepList.querySelectorAll("a").forEach((a, i) => {
      if (i === current) a.setAttribute("aria-current", "step"); else a.removeAttribute("aria-current");
    });
    document.getElementById("previous").disabled = current === 0;
    document.getElementById("next").disabled = current === data.steps.length - 1;
    document.title = step.title + " · " + document.querySelector("h1").textContent;
    if (location.hash !== "#step-" + (current + 1)) history.replaceState(null, "", "#step-" + (current + 1));
  }
  function fromHash() {
    const m = /^#step-([0-9]+)$/.exec(location.hash);
    return m ? Number(m[1]) - 1 : 0;
  }
  document.getElementById("previous").addEventListener("click", () => show(current - 1));
  document.getElementById("next").addEventListener("click", () => show(current + 1));
  window.addEventListener("hashchange", () => show(fromHash()));
  window.addEventListener("resize", () => routes.fitWidth(container));
  show(fromHash());
  window.briefView = {nodes, routes, steps: data.steps, show, current: () => current};  // tests
  document.body.dataset.ready = "true";
})();
</script>
</body>
</html>
"""
