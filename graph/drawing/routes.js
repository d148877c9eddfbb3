// Routed edges on vis-network's canvas, shared by the page's graph and the offline HTML.
// vis-network keeps the boxes, the zoom, the hover and the clicks; the edges come from Python
// (graph.drawing.geometry) as polylines that go around every box they do not connect, and are
// painted here in network coordinates before vis-network draws the boxes. A route's tooltip
// is set with textContent: names stay text. The wheel scrolls the page until the reader clicks
// into the graph; a click anywhere else gives the wheel back to the page.

function orgRoutes(network, container, data) {
  const state = { routes: [], font: 14, face: "sans-serif", size: [1, 1], hovered: null };
  const tip = document.createElement("div");
  tip.className = "org-edge-tip";  // looks like vis-network's own tooltip
  tip.style.cssText = "position:absolute;visibility:hidden;pointer-events:none;" +
    "white-space:pre-line;max-width:320px;z-index:5;padding:5px;font:13px sans-serif;" +
    "color:#000;background:#f5f4ed;border:1px solid #808074;border-radius:3px;" +
    "box-shadow:3px 3px 10px rgba(0,0,0,.2)";
  if (getComputedStyle(container).position === "static") container.style.position = "relative";
  container.append(tip);

  function paint(ctx, route) {
    const points = route.points;
    if (points.length < 2) return;
    const wide = route.id === state.hovered ? 2 : 1;
    ctx.save();
    ctx.globalAlpha = route.faded ? 0.45 : 1;
    ctx.strokeStyle = route.colour;
    ctx.fillStyle = route.colour;
    ctx.lineWidth = route.width * wide;
    ctx.lineJoin = "round";
    ctx.setLineDash(route.dashes ? [8, 5] : []);
    ctx.beginPath();
    ctx.moveTo(points[0][0], points[0][1]);
    for (const [x, y] of points.slice(1)) ctx.lineTo(x, y);
    ctx.stroke();
    const [x1, y1] = points[points.length - 2];
    const [x2, y2] = points[points.length - 1];
    const norm = Math.hypot(x2 - x1, y2 - y1) || 1;
    const ux = (x2 - x1) / norm, uy = (y2 - y1) / norm;
    const length = 5 + 2.2 * route.width * wide, half = length * 0.45;
    ctx.setLineDash([]);
    ctx.beginPath();
    ctx.moveTo(x2, y2);
    ctx.lineTo(x2 - ux * length - uy * half, y2 - uy * length + ux * half);
    ctx.lineTo(x2 - ux * length + uy * half, y2 - uy * length - ux * half);
    ctx.closePath();
    ctx.fill();
    ctx.restore();
  }

  function label(ctx, route) {
    if (!route.label || !route.labelAt) return;
    const [x, y] = route.labelAt;
    ctx.save();
    ctx.font = `${state.font}px ${state.face}`;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    const width = ctx.measureText(route.label).width;
    ctx.fillStyle = "rgba(255,255,255,0.85)";
    ctx.fillRect(x - width / 2 - 2, y - state.font * 0.62, width + 4, state.font * 1.24);
    ctx.fillStyle = "#222";
    ctx.fillText(route.label, x, y);
    ctx.restore();
  }

  network.on("beforeDrawing", (ctx) => {
    for (const route of state.routes) if (!route.lineage) paint(ctx, route);
    for (const route of state.routes) if (route.lineage) paint(ctx, route);  // above the rest
    for (const route of state.routes) label(ctx, route);
  });

  function distance(p, a, b) {
    const dx = b[0] - a[0], dy = b[1] - a[1];
    const t = Math.max(0, Math.min(1, ((p.x - a[0]) * dx + (p.y - a[1]) * dy) /
      ((dx * dx + dy * dy) || 1)));
    return Math.hypot(p.x - a[0] - t * dx, p.y - a[1] - t * dy);
  }

  function routeAt(dom) {
    if (network.getNodeAt(dom) !== undefined) return null;
    const p = network.DOMtoCanvas(dom);
    let best = null, reach = 6 / network.getScale();
    for (const route of state.routes) {
      for (let i = 1; i < route.points.length; i++) {
        const d = distance(p, route.points[i - 1], route.points[i]);
        if (d < reach) { reach = d; best = route; }
      }
    }
    return best;
  }

  function hover(route, dom) {
    const id = route ? route.id : null;
    if (route) {
      tip.textContent = route.title;
      tip.style.left = `${dom.x + 14}px`;
      tip.style.top = `${dom.y + 14}px`;
      tip.style.visibility = "visible";
    } else {
      tip.style.visibility = "hidden";
    }
    if (id !== state.hovered) { state.hovered = id; network.redraw(); }
  }

  container.addEventListener("mousemove", (event) => {
    const box = container.getBoundingClientRect();
    const dom = { x: event.clientX - box.left, y: event.clientY - box.top };
    hover(routeAt(dom), dom);
  });
  container.addEventListener("mouseleave", () => hover(null, null));

  function zoom(on) {
    network.setOptions({ interaction: { zoomView: on } });
    container.dataset.zoom = on ? "on" : "off";
  }
  zoom(false);
  network.on("click", () => zoom(true));
  document.addEventListener("pointerdown", (event) => {
    if (!event.composedPath().includes(container)) zoom(false);
  }, true);

  const control = {
    update(next) {
      state.routes = next.edges || [];
      state.font = next.labelFont || state.font;
      state.face = next.labelFace || state.face;
      state.size = next.size || state.size;
      state.hovered = null;
    },
    // The whole width of the drawing across the container, and as tall as that makes it: the
    // page scrolls rather than the type shrinking.
    fitWidth(box, minHeight = 0) {
      const width = box.clientWidth || 900;
      const scale = width / state.size[0];
      box.style.height = `${Math.max(minHeight, Math.ceil(state.size[1] * scale) + 2)}px`;
      network.setSize("100%", box.style.height);
      network.moveTo({ position: { x: state.size[0] / 2, y: state.size[1] / 2 }, scale,
                       animation: false });
      return scale;
    },
    routeAt,
    state,
  };
  control.update(data);
  return control;
}
