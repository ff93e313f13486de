"""The page side of the bench (``bench.py``): its scripts, and the reference page.

The reference page does what peers do. Each script is a function Playwright evaluates with
its arguments; the timed ones share ``TIMED``.
"""

# Records when the first and the last figure go live and every long task, from the very
# start of the page.
PROBE = """
window.__bench = { live: null, allLive: null, longTasks: [] };
new PerformanceObserver((list) => {
  for (const t of list.getEntries()) window.__bench.longTasks.push([t.startTime, t.duration]);
}).observe({ type: "longtask", buffered: true });
new MutationObserver(() => {
  const figures = [...document.querySelectorAll("[data-widget]")];
  if (window.__bench.live === null && figures.some((f) => f.dataset.state === "live")) {
    window.__bench.live = performance.now();
  }
  if (window.__bench.allLive === null && figures.every((f) => f.dataset.state === "live")) {
    window.__bench.allLive = performance.now();
  }
}).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-state"] });
"""

# The header's offline indicator once the whole site is saved (offline_reading plugin).
SAVED = '.offline-reading[data-offline="saved"]'

# Bytes kept in Cache Storage by cache-name prefix: the saved site ("offline-reading /"), and
# Python's memory snapshot ("figures / snapshot"); the bench serves the site at "/".
CACHED_BYTES = """async (prefix) => {
  let total = 0;
  for (const name of (await caches.keys()).filter((n) => n.startsWith(prefix))) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      // An entry may go between keys() and match() (the snapshot maker replaces its own).
      const response = await cache.match(request);
      if (response) total += (await response.arrayBuffer()).byteLength;
    }
  }
  return total;
}"""

# Moves every entry of one cache to another: the memory snapshot set aside, then put back.
MOVE_CACHE = """async ([from, to]) => {
  const source = await caches.open(from);
  const target = await caches.open(to);
  for (const request of await source.keys()) await target.put(request, await source.match(request));
  await caches.delete(from);
}"""

# Times one kind of input many times, each at a random moment within the display's frame
# (as a reader's input arrives): until the new frame is in the page and laid out (what the
# figure controls), and until the next animation frame (adding the wait for the display's
# refresh). ``act(i)`` performs input number i. Returns pairs of milliseconds.
TIMED = """
async (root, count, act) => {
  const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const timings = [];
  for (let i = 0; i < count; i++) {
    await pause(Math.random() * 17);
    const inPlace = new Promise((resolve) =>
      root.addEventListener("figure:frame", () => {
        void root.offsetHeight;
        resolve(performance.now());
      }, { once: true }));
    const start = performance.now();
    act(i);
    const laidOut = await inPlace;
    const nextFrame = await new Promise((resolve) =>
      requestAnimationFrame(() => resolve(performance.now())));
    timings.push([laidOut - start, nextFrame - start]);
  }
  return timings;
}
"""

# Moves a slider across its range.
SLIDE = f"""
async ([selector, count]) => {{
  const slider = document.querySelector(selector);
  const timed = {TIMED};
  return timed(slider.closest("[data-widget]"), count, (i) => {{
    slider.value = String(1 + (i * 37) % 60);
    slider.dispatchEvent(new Event("input", {{ bubbles: true }}));
  }});
}}
"""

# Chooses an option of a figure's menu, then presses one of its buttons again and again.
PRESS = f"""
async ([widget, menu, option, count]) => {{
  const root = document.querySelector(`[data-widget="${{widget}}"]`);
  const select = root.querySelector(`select[name="${{menu}}"]`);
  const settled = new Promise((resolve) =>
    root.addEventListener("figure:frame", resolve, {{ once: true }}));
  select.value = option;
  select.dispatchEvent(new Event("input", {{ bubbles: true }}));
  await settled;
  const button = root.querySelector("button[name]");
  const timed = {TIMED};
  return timed(root, count, () => button.click());
}}
"""

# Clicks a figure's chips (checkboxes) one after another, on and off.
CLICK = f"""
async ([widget, count]) => {{
  const root = document.querySelector(`[data-widget="${{widget}}"]`);
  const chips = [...root.querySelectorAll('input[type="checkbox"]')];
  const timed = {TIMED};
  return timed(root, count, (i) => chips[(i * 7) % chips.length].click());
}}
"""

# Drags across a figure's picture, a few pixels per move, as a mouse or finger would.
DRAG = f"""
async ([widget, count]) => {{
  const root = document.querySelector(`[data-widget="${{widget}}"]`);
  const output = root.querySelector(".live-figure__output");
  const box = output.getBoundingClientRect();
  const at = (i) => ({{ bubbles: true, clientX: box.left + 40 + (i % 200) * 2,
                        clientY: box.top + 100 + Math.sin(i / 9) * 30, pointerId: 1 }});
  output.dispatchEvent(new PointerEvent("pointerdown", at(0)));
  const timed = {TIMED};
  const timings = await timed(root, count, (i) =>
    output.dispatchEvent(new PointerEvent("pointermove", at(i + 1))));
  output.dispatchEvent(new PointerEvent("pointerup", at(count)));
  return timings;
}}
"""

# Opens a figure's Python, times "Edit" until the editor can be typed in, then, after `pause`
# ms, presses "Run" (the module's own source, re-run) again and again, timed to the new frame.
EDIT = f"""
async ([widget, count, pause]) => {{
  const root = document.querySelector(`[data-widget="${{widget}}"]`);
  const code = root.querySelector("details.live-figure__code");
  const found = (pick) => new Promise((resolve) => {{
    const look = () => (pick() ? resolve(pick()) : setTimeout(look, 2));
    look();
  }});
  code.scrollIntoView();
  code.open = true;
  const edit = await found(() => code.querySelector("[data-edit]"));
  const start = performance.now();
  edit.click();
  await found(() => code.querySelector(".cm-content"));
  const editable = performance.now() - start;
  // A reader's time in the editor before the first run (its sandbox starts on Edit).
  await new Promise((resolve) => setTimeout(resolve, pause));
  const run = await found(() =>
    [...code.querySelectorAll("button")].find((b) => b.textContent.startsWith("Run")));
  const timed = {TIMED};
  return [editable, await timed(root, count, () => run.click())];
}}
"""

# The reference: what peers do. Pyodide on the main thread, numpy and matplotlib loaded up
# front, the same figure (count readouts, the bar of 2^n against 2^28, the red label) drawn
# by matplotlib into a PNG on every input.
REFERENCE_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Reference</title>
</head>
<body>
<div data-widget="reference" data-state="static">
  <label>Binary pixels n <input id="n" type="range" min="1" max="800" step="1" value="10"></label>
  <img id="out" alt="" width="640" height="200">
</div>
<script type="module">
import { loadPyodide } from "./pyodide/pyodide.mjs";
const PY = `
import base64, io
import matplotlib
matplotlib.use("agg")
import matplotlib.pyplot as plt
import numpy as np
fig, ax = plt.subplots(figsize=(6.4, 2.0), dpi=100)
def draw(n):
    ax.clear()
    fraction = min(2 ** n / 2 ** 28, 1.0)
    over = n >= 28
    ax.barh([0], [fraction], color="#c62828" if over else "#526cfe")
    ax.set_xlim(0, 1)
    ax.set_yticks([])
    ax.set_title(f"n = {n}: {2 ** n:.3g} images, {2 ** n - 1:.3g} free parameters",
                 color="#c62828" if over else "black")
    ax.text(0.5, -0.6, f"2^{n} / 2^28 = {min(np.ldexp(1.0, n - 28), 1e300):.3g}",
            ha="center", color="#c62828" if over else "black")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
`;
const root = document.querySelector("[data-widget]");
const img = document.getElementById("out");
const slider = document.getElementById("n");
function paint(draw) {
  img.src = draw(Number(slider.value));
  img.decode().then(() => {
    root.dataset.state = "live";
    root.dispatchEvent(new CustomEvent("figure:frame"));
  });
}
root.dataset.state = "loading";
const pyodide = await loadPyodide({ indexURL: new URL("pyodide/", location.href).href });
await pyodide.loadPackage(["numpy", "matplotlib"]);
pyodide.runPython(PY);
const draw = pyodide.globals.get("draw");
slider.addEventListener("input", () => paint(draw));
paint(draw);
</script></body></html>
"""

# A stand-in for the browser layer's sanitize.js: frames parsed as they come, nothing taken
# out, as the page painted before the sanitiser; to time what the sanitiser adds per frame.
UNSANITISED = """// @ts-check
/** @param {string} html */
export function cleanFrame(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  return template.content;
}
export const cleanControls = cleanFrame;
"""
