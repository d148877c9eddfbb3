"""A snapshot as one offline HTML file: the graph with its whole timeline in a single page.

Written by hand rather than with pyvis's template (which links Bootstrap from a CDN and has an
``innerHTML`` tooltip branch): vis-network's JS and CSS are inlined, a Content-Security-Policy
forbids every network request, and a plain ``<input type=range>`` swaps the DataSet contents
between precomputed stops (each named snapshot and the first of every month; identical frames
are stored once). Data travels as JSON made safe for ``<script>`` (``script_json``) and is only
ever put on the page with ``textContent``; the few strings in the HTML itself go through
``html.escape``.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import networkx as nx

from graph.core.colours import safe_colour
from graph.core.dates import words
from graph.core.stops import slider_stops
from graph.core.temporal import dataset_of
from graph.drawing.picture import drawing
from graph.drawing.scene import GHOST_LABEL, STATE_COLOURS
from graph.drawing.vis import OPTIONS, routes_script, script_json, vis_data, vis_network_assets
from graph.export import html_scale
from graph.export.options import SnapshotError
from graph.export.request import SnapshotRequest, caption

_TOKEN = re.compile(r"@@([A-Z_]+)@@")


def render(graph: nx.MultiDiGraph, request: SnapshotRequest) -> bytes:
    return page(graph, request).encode("utf-8")


def stops(graph: nx.MultiDiGraph, request: SnapshotRequest) -> list[tuple[dt.date, str]]:
    """The page's slider stops plus the requested day, each with its snapshot's title."""
    return [(stop.day, stop.snapshot.title if stop.snapshot else "")
            for stop in slider_stops(dataset_of(graph), (request.day,))]


def timeline_data(graph: nx.MultiDiGraph, request: SnapshotRequest) -> dict:
    """Everything the page's script needs: frames (deduplicated), stops, legend, sources."""
    dataset = dataset_of(graph)
    frames: list[dict] = []
    frame_index: dict[str, int] = {}
    kinds: dict[str, dict] = {}
    types: dict[str, dict] = {}
    cited: set[str] = set()
    stop_list = []
    start = 0
    listed = stops(graph, request)
    drawn = html_scale.stops_to_draw([day for day, _ in listed],
                                     html_scale.changing_days(graph, request))
    for (day, title), draw in zip(listed, drawn, strict=True):
        if not draw:  # nothing in the selection changes: the frame before, as it was
            stop_list.append({**stop_list[-1], "date": day.isoformat(), "words": words(day),
                              "title": title})
            if day == request.day:
                start = len(stop_list) - 1
            continue
        view = request.scene(graph, day)
        frame = {**vis_data(view, drawing(graph, view, "screen")), "sources": list(view.sources),
                 "kinds": [k.id for k in view.kinds], "types": [t.id for t in view.types],
                 "states": sorted({n.state for n in view.nodes} & {*STATE_COLOURS, "ghost"}),
                 "note": view.note}
        key = script_json(frame)
        if key not in frame_index:
            frame_index[key] = len(frames)
            frames.append(frame)
        for k in view.kinds:
            kinds[k.id] = {"label": k.label, "colour": safe_colour(k.colour)}
        for t in view.types:
            types[t.id] = {"label": t.label, "colour": safe_colour(t.colour), "dashes": t.dashes}
        cited.update(view.sources)
        if day == request.day:
            start = len(stop_list)
        stop_list.append({"date": day.isoformat(), "words": words(day), "title": title,
                          "frame": frame_index[key]})
    sources = {}
    for source_id in sorted(cited):
        s = dataset.sources[source_id]
        sources[source_id] = {"title": s.title, "publisher": s.publisher or "",
                              "published": words(s.published), "url": s.url or "",
                              "standing": s.standing}
    since = words(request.diff_from)
    states = {state: f"{state} since {since}" for state in STATE_COLOURS} if since else {}
    states["ghost"] = GHOST_LABEL
    return {"frames": frames, "stops": stop_list, "start": start, "kinds": kinds,
            "types": types, "sources": sources, "options": OPTIONS,
            "stateColours": {**STATE_COLOURS, "ghost": "#999999"}, "stateLabels": states}


def problem(graph: nx.MultiDiGraph, request: SnapshotRequest) -> str | None:
    """Why the offline page of ``request`` is refused (too much to draw), or None; quick
    (``graph.export.html_scale``), so the page can say it before anything is drawn."""
    return html_scale.problem(graph, request, [day for day, _ in stops(graph, request)])


def page(graph: nx.MultiDiGraph, request: SnapshotRequest) -> str:
    refused = problem(graph, request)
    if refused:
        raise SnapshotError(refused)
    view = request.scene(graph)
    text = caption(graph, view, request)
    js, css = vis_network_assets()
    values = {
        "TITLE": html.escape(text.title),
        "AREA": html.escape(text.area),
        "AS_AT": html.escape(f"as at {text.as_at}"),
        "SUBTITLE": html.escape(text.subtitle),
        "HASH": html.escape(text.content_hash),
        "VIS_CSS": css.replace("</style", "<\\/style"),
        "VIS_JS": js.replace("</script", "<\\/script"),
        "ROUTES_JS": routes_script().replace("</script", "<\\/script"),
        "OFFLINE_JS": OFFLINE_JS, "LEGEND_CSS": LEGEND_CSS,
        "DATA": script_json(timeline_data(graph, request)),
    }
    # one pass, so nothing inserted is scanned again for tokens
    return _TOKEN.sub(lambda m: values[m.group(1)], TEMPLATE)


# What the offline pages (a snapshot, a brief) share: the legend's style, and for their
# scripts ``offlineGraph`` (vis-network with the routes painted), ``el`` and ``paintLegend``;
# text only ever goes in with ``textContent``.
LEGEND_CSS = """#legend { display: flex; flex-wrap: wrap; gap: .3rem 1.2rem; margin: .6rem 0;
          font-size: .85rem; }
.swatch { display: inline-block; width: 1.6rem; height: .8rem; margin-right: .35rem;
          vertical-align: middle; border: 2px solid; box-sizing: border-box; }
.line { display: inline-block; width: 1.8rem; margin-right: .35rem; vertical-align: middle;
        border-top: 2px solid; }"""
OFFLINE_JS = """function offlineGraph(container, options, frame) {
  const nodes = new vis.DataSet();
  const edges = new vis.DataSet();  // vis-network draws no edges: routes.js paints the routes
  const network = new vis.Network(container, {nodes, edges}, options);
  return {nodes, edges, network, routes: orgRoutes(network, container, frame)};
}
function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}
function paintLegend(box, data, view, stateLabels) {
  box.replaceChildren();
  for (const id of view.kinds) {
    const k = data.kinds[id], item = el("span"), sw = el("span", "", "swatch");
    sw.style.borderColor = k.colour; sw.style.background = k.colour + "55";
    item.append(sw, document.createTextNode(k.label)); box.append(item);
  }
  for (const id of view.types) {
    const t = data.types[id], item = el("span"), ln = el("span", "", "line");
    ln.style.borderTopColor = t.colour; ln.style.borderTopStyle = t.dashes ? "dashed" : "solid";
    item.append(ln, document.createTextNode(t.label)); box.append(item);
  }
  for (const s of view.states) {
    if (!stateLabels[s]) continue;
    const item = el("span"), sw = el("span", "", "swatch");
    sw.style.borderColor = data.stateColours[s];
    if (s === "ghost") sw.style.borderStyle = "dashed";
    item.append(sw, document.createTextNode(stateLabels[s])); box.append(item);
  }
}"""

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
       margin: 1rem 1.5rem; color: #111; }
h1 { font-size: 1.4rem; margin: 0 0 .2rem; }
#asat { font-weight: 600; margin: 0; }
.sub { color: #444; margin: .2rem 0; }
.controls { display: flex; gap: .8rem; align-items: center; margin: .6rem 0; flex-wrap: wrap; }
#slider { flex: 1 1 20rem; }
#graph { border: 1px solid #ccc; background: #fff; }
@@LEGEND_CSS@@
footer { font-size: .85rem; color: #222; }
#empty { color: #555; }
</style>
</head>
<body>
<header>
<h1 id="area">@@AREA@@</h1>
<p id="asat">@@AS_AT@@</p>
<p class="sub" id="subtitle">@@SUBTITLE@@</p>
<p class="sub" id="stoptitle"></p>
</header>
<div class="controls">
<label for="slider">Date</label>
<input type="range" id="slider" min="0" max="0" value="0" step="1">
<output id="stopdate" for="slider"></output>
<button type="button" id="fit">Fit to width</button>
</div>
<p id="empty" hidden>Nothing in force on this date for this selection.</p>
<p class="sub" id="note" hidden></p>
<div id="graph"></div>
<div id="legend" aria-label="Legend"></div>
<footer>
<p id="caption"></p>
<p>Data version (content hash) <code>@@HASH@@</code>. Made offline by
<code>python -m graph snapshot</code>.</p>
<h2>Sources</h2>
<ol id="sources"></ol>
</footer>
<script>@@VIS_JS@@</script>
<script type="application/json" id="snapshot-data">@@DATA@@</script>
<script>
"use strict";
@@ROUTES_JS@@
@@OFFLINE_JS@@
(function () {
  const data = JSON.parse(document.getElementById("snapshot-data").textContent);
  const container = document.getElementById("graph");
  const {nodes, edges, network, routes} = offlineGraph(container, data.options, data.frames[0]);
  const slider = document.getElementById("slider");
  slider.max = String(data.stops.length - 1);

  function legend(frame) {
    paintLegend(document.getElementById("legend"), data, frame, data.stateLabels);
  }
  function sources(frame) {
    const list = document.getElementById("sources");
    list.replaceChildren();
    for (const id of frame.sources) {
      const s = data.sources[id];
      const detail = [s.publisher, s.published].filter(Boolean).join(", ");
      const kind = s.standing ? " [" + s.standing + "]" : "";
      const li = el("li", s.title + (detail ? ". " + detail + kind + "." : kind));
      if (s.url) li.append(document.createTextNode(" "), el("code", s.url));
      list.append(li);
    }
    if (!frame.sources.length) list.append(el("li", "No sources cited by what is drawn."));
  }
  let fitted = false;
  function show(index) {
    const stop = data.stops[index], frame = data.frames[stop.frame];
    nodes.clear();
    nodes.add(frame.nodes);
    routes.update(frame);
    network.redraw();
    const area = document.getElementById("area").textContent;
    document.getElementById("asat").textContent = "as at " + stop.words;
    document.getElementById("stopdate").textContent = stop.words;
    slider.setAttribute("aria-valuetext", stop.words + (stop.title ? ": " + stop.title : ""));
    document.getElementById("stoptitle").textContent = stop.title;
    document.getElementById("caption").textContent = area + ": as at " + stop.words + ".";
    document.getElementById("empty").hidden = frame.nodes.length > 0;
    const note = document.getElementById("note");
    note.textContent = frame.note; note.hidden = !frame.note;
    legend(frame); sources(frame);
    document.title = area + ": as at " + stop.words;
    if (!fitted && frame.nodes.length) { routes.fitWidth(container); fitted = true; }
  }
  slider.addEventListener("input", () => show(Number(slider.value)));
  document.getElementById("fit").addEventListener("click", () => routes.fitWidth(container));
  window.addEventListener("resize", () => routes.fitWidth(container));
  slider.value = String(data.start);
  show(data.start);
  window.snapshotView = {nodes, edges, network, routes, stops: data.stops};  // for tests
  document.body.dataset.ready = "true";
})();
</script>
</body>
</html>
"""
