// The explorer's graph: vis-network and routes.js (inlined above this module) in Streamlit's
// v2 component. Every name reaches the DOM as text: labels are drawn on the canvas, tooltips
// are plain strings (vis-network and routes.js set them as text) and the legend is built with
// textContent.

function legendRow(swatch, text) {
  const row = document.createElement("span");
  row.className = "legend-row";
  const label = document.createElement("span");
  label.textContent = text;
  row.append(swatch, label);
  return row;
}

function drawLegend(box, legend) {
  box.replaceChildren();
  for (const kind of legend.kinds) {
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = kind.colour;
    box.append(legendRow(swatch, kind.label));
  }
  for (const type of legend.types) {
    const swatch = document.createElement("span");
    swatch.className = "line";
    swatch.style.borderTop = `${type.lineage ? 4 : 2}px ${type.dashes ? "dashed" : "solid"} ${type.colour}`;
    box.append(legendRow(swatch, type.label));
  }
  for (const state of legend.states) {
    const swatch = document.createElement("span");
    swatch.className = `swatch state-${state.state}`;
    box.append(legendRow(swatch, state.label));
  }
}

// vis-network comes once per page, in the first graph's data (graph/page/component): kept
// global, its CSS copied into each graph's shadow root. Without it (a page reloaded while the
// server kept its session) the graph asks Python for it.
function haveVis(lib, parentElement) {
  if (lib) {
    if (!globalThis.vis) (0, eval)(lib.js);  // vis-network's UMD build sets globalThis.vis
    globalThis.orgVisCss = lib.css;
  }
  if (!globalThis.vis || globalThis.orgVisCss === undefined) return false;
  if (!parentElement.querySelector("style[data-vis]")) {
    const style = document.createElement("style");
    style.dataset.vis = "";
    style.textContent = globalThis.orgVisCss;
    parentElement.prepend(style);
  }
  return true;
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  if (!haveVis(data.lib, parentElement)) {
    setTriggerValue("needs_lib", true);
    return;
  }
  const root = parentElement.querySelector(".org-graph");
  const canvasBox = root.querySelector(".canvas-box");
  let graph = parentElement.__orgGraph;
  const content = { nodes: new vis.DataSet(data.nodes), edges: new vis.DataSet([]) };
  if (!graph) {
    const network = new vis.Network(canvasBox, content, data.options);
    graph = parentElement.__orgGraph = {
      network, frame: data.frame, routes: orgRoutes(network, canvasBox, data),
    };
    graph.network.on("click", (event) => {
      if (event.nodes.length) graph.send("clicked", String(event.nodes[0]));
    });
    graph.routes.fitWidth(canvasBox, data.minHeight);
    new ResizeObserver(() => graph.routes.fitWidth(canvasBox, data.minHeight)).observe(canvasBox);
    graph.network.on("afterDrawing", () => {
      graph.report();
      // when a new graph was first painted (ms on the page's clock): what a reader waits for
      // after a key press or on opening the page (bench/page_speed.py measures it)
      if (graph.fresh) {
        graph.fresh = false;
        root.dataset.drawnAt = String(performance.now());
        root.dataset.draws = String(Number(root.dataset.draws || 0) + 1);
      }
    });
  } else {
    // A slider move keeps the reader's zoom; a new focus or filter is fitted again.
    const position = graph.network.getViewPosition();
    const scale = graph.network.getScale();
    graph.routes.update(data);
    graph.network.setData(content);
    if (graph.frame === data.frame) {
      graph.network.moveTo({ position, scale, animation: false });
    } else {
      graph.routes.fitWidth(canvasBox, data.minHeight);
    }
    graph.frame = data.frame;
  }
  graph.send = setTriggerValue;
  if (data.selected && content.nodes.get(data.selected)) {
    graph.network.selectNodes([data.selected]);
  }
  drawLegend(root.querySelector(".legend"), data.legend);
  root.dataset.nodes = String(data.nodes.length);
  // what a chosen source supports, as drawn: boxes with its border, routes in its colour
  const marked = new Set(data.highlight || []);
  const highlighted = [
    ...content.nodes.getIds().filter((id) => marked.has(id)),
    ...graph.routes.state.routes.filter((r) => marked.has(r.id) && !r.faded).map((r) => r.id),
  ];
  root.dataset.highlighted = highlighted.join(" ");
  const smallest = Math.min(...data.nodes.map((n) => n.font.size));
  graph.report = () => {
    root.dataset.scale = String(graph.network.getScale());
    root.dataset.labelPx = String(smallest * graph.network.getScale());
  };
  graph.report();
  graph.fresh = true;
  graph.network.redraw();  // a graph set again with the same data is painted (and counted) too

  // For the browser tests and for anyone scripting the page: where a node is on screen, the
  // zoom, and how big the smallest label is drawn in CSS pixels.
  globalThis.orgGraph = {
    nodeIds: () => content.nodes.getIds(),
    nodePosition: (id) => {
      const point = graph.network.canvasToDOM(graph.network.getPosition(id));
      const box = canvasBox.getBoundingClientRect();
      return { x: box.left + point.x, y: box.top + point.y };
    },
    box: (id) => {  // the box vis-network drew, in network coordinates
      const shape = graph.network.body.nodes[id].shape;
      return { x: shape.left + shape.width / 2, y: shape.top + shape.height / 2,
               width: shape.width, height: shape.height };
    },
    scale: () => graph.network.getScale(),
    highlighted: () => highlighted,
    smallestLabelPx: () => smallest * graph.network.getScale(),
    emptyPoint: () => {  // a visible point of the canvas with neither a box nor an edge
      const box = canvasBox.getBoundingClientRect();
      for (let y = Math.max(20, -box.top + 20); y < Math.min(box.height, innerHeight - box.top); y += 7) {
        for (let x = 10; x < box.width - 10; x += 7) {
          const dom = { x, y };
          if (graph.network.getNodeAt(dom) === undefined && !graph.routes.routeAt(dom)) {
            return { x: box.left + x, y: box.top + y };
          }
        }
      }
      return null;
    },
    routePoint: (id) => {  // a point of the route where the pointer finds it, not another
      const route = graph.routes.state.routes.find((r) => r.id === id);
      const box = canvasBox.getBoundingClientRect();
      const inside = (dom) => dom.x >= 0 && dom.y >= 0 && dom.x <= box.width && dom.y <= box.height;
      let fallback = null;
      for (const t of [0.5, 0.35, 0.65, 0.2, 0.8]) {
        for (let i = 1; i < route.points.length; i++) {
          const [a, b] = [route.points[i - 1], route.points[i]];
          const dom = graph.network.canvasToDOM({ x: a[0] + (b[0] - a[0]) * t,
                                                  y: a[1] + (b[1] - a[1]) * t });
          const at = { x: Math.round(dom.x), y: Math.round(dom.y) };  // where a mouse can be
          fallback = fallback || { x: box.left + at.x, y: box.top + at.y };
          if (inside(at) && graph.routes.routeAt(at)?.id === id) {
            return { x: box.left + at.x, y: box.top + at.y };
          }
        }
      }
      return fallback;
    },
  };
}
