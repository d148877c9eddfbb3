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
  // a tick for every year, and its label on the first of two rows where it crowds no other
  // label (stops bunch up where much changed, so two years can be a few pixels apart)
  const rowsEnd = [-Infinity, -Infinity];
  root.replaceChildren();
  for (const [year, at] of ticks) {
    const x = left + at * line.width;
    const tick = document.createElement("span");
    tick.className = "tick";
    tick.style.left = `${x}px`;
    root.append(tick);
    const label = document.createElement("span");
    label.className = "year";
    label.style.left = `${x}px`;
    label.textContent = String(year);
    root.append(label);
    const half = label.getBoundingClientRect().width / 2;
    const row = rowsEnd.findIndex((end) => x - half >= end + 4);
    if (row < 0) {
      label.remove();  // the tick stays; the years around it are labelled
      continue;
    }
    if (row === 1) label.classList.add("low");
    rowsEnd[row] = x + half;
  }
  root.dataset.ticks = String(ticks.length);
}

function skipLink(slider) {
  // The first thing Tab reaches: straight to the date slider, past the sidebar's controls
  // (25 Tab presses otherwise). Outside Streamlit's tree, so its reruns never remove it.
  if (document.querySelector(".org-skip")) return;
  const link = document.createElement("a");
  link.className = "org-skip";
  link.href = "#";
  link.textContent = "Skip to the date slider";
  link.addEventListener("click", (event) => {
    event.preventDefault();
    document.querySelector(`.st-key-${slider} input[type=range]`)?.focus();
  });
  document.body.prepend(link);
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  if (data.slider === "date") skipLink(data.slider);
  const root = parentElement.querySelector(".timebar");
  // One listener for the page's life. A key pressed on a slider is sent through the trigger
  // of the time bar under that slider (the date's, or Compare from's), else the date's.
  const bars = (window.__orgTimebar ||= { sends: {}, sliders: [] });
  bars.sends[data.slider] = setTriggerValue;
  bars.sliders = [...new Set([...bars.sliders, ...data.keys])];
  if (!window.__orgTimebarKeys) {
    window.__orgTimebarKeys = true;
    window.addEventListener("keydown", (event) => {
      if (event.key !== "PageUp" && event.key !== "PageDown") return;
      const { sends, sliders } = window.__orgTimebar;
      if (!(event.target instanceof Element)) return;
      const slider = sliders.find((key) => event.target.closest(`.st-key-${key}`));
      if (!slider) return;
      const send = sends[slider] || sends.date || Object.values(sends)[0];
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
