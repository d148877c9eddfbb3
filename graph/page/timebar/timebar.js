// Year ticks under Streamlit's slider, and PageUp/PageDown on the slider as "a year away".
// Streamlit's own slider would move a tenth of its stops; the keys are caught before it sees
// them and sent to Python, which picks the stop.

function sliderTrack(slider) {
  // the slider's positioned track: its thumb's `left` runs from 0% to 100% of this element
  return document.querySelector(`.st-key-${slider} [role=group] > div`);
}

function drawTicks(root, ticks, slider) {
  const track = sliderTrack(slider);
  if (!track) return;
  const box = root.getBoundingClientRect();
  const line = track.getBoundingClientRect();
  const left = line.left - box.left;
  // a tick for every year; a label wherever it does not crowd the one before
  let labelled = -Infinity;
  root.replaceChildren();
  for (const [year, at] of ticks) {
    const x = left + at * line.width;
    const tick = document.createElement("span");
    tick.className = "tick";
    tick.style.left = `${x}px`;
    root.append(tick);
    if (x - labelled >= 38) {
      labelled = x;
      const label = document.createElement("span");
      label.className = "year";
      label.style.left = `${x}px`;
      label.textContent = String(year);
      root.append(label);
    }
  }
  root.dataset.ticks = String(ticks.length);
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const root = parentElement.querySelector(".timebar");
  // One listener for the page's life, sending through the latest mount's trigger.
  window.__orgTimebar = { send: setTriggerValue, sliders: data.keys };
  if (!window.__orgTimebarKeys) {
    window.__orgTimebarKeys = true;
    window.addEventListener("keydown", (event) => {
      if (event.key !== "PageUp" && event.key !== "PageDown") return;
      const { send, sliders } = window.__orgTimebar;
      if (!(event.target instanceof Element)) return;
      const slider = sliders.find((key) => event.target.closest(`.st-key-${key}`));
      if (!slider) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      send("page", [slider, event.key === "PageUp" ? 1 : -1]);
    }, true);
  }
  const draw = () => drawTicks(root, data.ticks, data.slider);
  if (root.__resize) root.__resize.disconnect();
  if (root.__wait) clearTimeout(root.__wait);
  root.__resize = new ResizeObserver(draw);
  root.__resize.observe(root);
  // The slider may lay out after this component (later still on a busy machine): wait for its
  // track, then redraw whenever either of them changes size.
  let tries = 0;
  const whenTrack = () => {
    const track = sliderTrack(data.slider);
    if (track) {
      root.__resize.observe(track);
      draw();
    } else if (tries++ < 300) {
      root.__wait = setTimeout(whenTrack, 100);
    }
  };
  whenTrack();
}
