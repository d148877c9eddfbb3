// The explorer's graph: vis-network (inlined above this module) in Streamlit's v2 component.
// Every name reaches the DOM as text: labels are drawn on the canvas, tooltips are plain
// strings (vis-network sets them with innerText) and the legend is built with textContent.

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
    swatch.style.borderTop = `3px ${type.dashes ? "dashed" : "solid"} ${type.colour}`;
    box.append(legendRow(swatch, type.label));
  }
  for (const state of legend.states) {
    const swatch = document.createElement("span");
    swatch.className = `swatch state-${state.state}`;
    box.append(legendRow(swatch, state.label));
  }
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const root = parentElement.querySelector(".org-graph");
  const canvasBox = root.querySelector(".canvas-box");
  // As tall as the all-time layout's shape needs at this width, within the page's limits.
  const [wide, tall] = data.extent || [1, 1];
  const width = canvasBox.clientWidth || root.clientWidth || 900;
  const height = Math.round(Math.min(data.height, Math.max(360, (width * tall) / wide + 80)));
  canvasBox.style.height = `${height}px`;
  let graph = parentElement.__orgGraph;
  // A selected node's edges keep their colours (vis-network greys them by default).
  const edges = data.edges.map((edge) => ({
    ...edge, color: { ...edge.color, highlight: edge.color.color, hover: edge.color.color },
  }));
  const content = { nodes: new vis.DataSet(data.nodes), edges: new vis.DataSet(edges) };
  if (!graph) {
    graph = parentElement.__orgGraph = {
      network: new vis.Network(canvasBox, content, data.options),
      frame: data.frame,
    };
    graph.network.on("click", (event) => {
      if (event.nodes.length) graph.send("clicked", String(event.nodes[0]));
    });
    graph.network.once("afterDrawing", () => graph.network.fit());
  } else {
    // A slider move keeps the reader's zoom; a new focus or filter is fitted again.
    const position = graph.network.getViewPosition();
    const scale = graph.network.getScale();
    graph.network.setData(content);
    if (graph.frame === data.frame) {
      graph.network.moveTo({ position, scale });
    } else {
      graph.network.fit();
    }
    graph.frame = data.frame;
  }
  graph.send = setTriggerValue;
  if (data.selected && content.nodes.get(data.selected)) {
    graph.network.selectNodes([data.selected]);
  }
  drawLegend(root.querySelector(".legend"), data.legend);
  root.dataset.nodes = String(data.nodes.length);

  // For the browser tests and for anyone scripting the page: where a node is on screen.
  globalThis.orgGraph = {
    nodeIds: () => content.nodes.getIds(),
    nodePosition: (id) => {
      const point = graph.network.canvasToDOM(graph.network.getPosition(id));
      const box = canvasBox.getBoundingClientRect();
      return { x: box.left + point.x, y: box.top + point.y };
    },
  };
}
