"""Benchmark: the essay's first figure against a reference page that does what peers do.

Run with ``nox -s bench``. It builds the site, adds a reference page (Pyodide on the main
thread, loading numpy and matplotlib and drawing the same figure with matplotlib), and
prints, for headless Chromium, from one run:

- time to first live figure, on a fresh profile and on a warm one (returning reader);
- main-thread blocking time from navigation until live (long tasks over 50 ms);
- input-to-paint latency of the slider, p50 and p95 over many moves;
- bytes transferred before the figure is live (raw, and what gzip would make of them);
- what search costs: blocking until live with Material's search on (the site) and off;
- Lighthouse (mobile) on the essay and on the same essay as a plain Material page (no
  figures, no offline copy), both served with gzip as a static host serves them.

These are figures to read, never pass/fail tests: the machines are noisy, so only the
ratio to the reference, measured in the same run, means much.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.commands.build import build as build_config
from mkdocs.config import load_config
from playwright.sync_api import BrowserContext, Page, Playwright, sync_playwright

from essay_site.assets import PyodideRuntime
from essay_site.dev import lighthouse
from essay_site.dev.browser import CHROMIUM_ARGS, chromium_executable
from essay_site.dev.build import mkdocs_build
from essay_site.dev.site_server import SiteServer, serve
from essay_site.pins import PYODIDE_PACKAGE_SOURCES

#: Figures whose Python the bench edits and re-runs.
EDITED = ("pixel_explosion", "normalizing_flow")

#: The same essay as a plain Material page: no figures, no offline copy (search stays on,
#: as in Material's default).
PLAIN = ("figures", "offline_reading")
#: The essay without Material's search, to see what search adds.
NO_SEARCH = ("material/search",)

#: The model families of the samples figure, each timed drawing a panel.
FAMILIES = ("independent", "markov", "bayes_net", "naive_bayes", "autoregressive")


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

# Opens a figure's Python, times "Edit" until the editor can be typed in, then presses "Run"
# (the module's own source, re-run) again and again, timed to the new frame.
EDIT = f"""
async ([widget, count]) => {{
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


@dataclass
class Visit:
    """What one page load measured."""

    live_ms: float
    all_live_ms: float
    blocking_ms: float
    long_tasks_ms: float
    raw_bytes: int
    gzip_bytes: int


def build(site: Path) -> None:
    """The essay, built strictly, plus the reference page with its own runtime copy."""
    result = mkdocs_build(Path.cwd(), site)
    if result.returncode:
        sys.exit(f"the essay does not build:\n{result.stderr}")
    runtime = PyodideRuntime(list(PYODIDE_PACKAGE_SOURCES))
    packages = set(runtime.packages_for({"numpy", "matplotlib"}, local=set()))
    runtime.copy_to(site / "reference" / "pyodide", packages)
    (site / "reference" / "index.html").write_text(REFERENCE_HTML)


def build_variant(site: Path, off: tuple[str, ...]) -> None:
    """The essay with some of its plugins switched off (their ``enabled`` option), strictly."""
    config = load_config("mkdocs.yml", site_dir=str(site), strict=True)
    for name in off:
        config.plugins[name].config.enabled = False
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build_config(config)
    finally:
        config.plugins.on_shutdown()


@contextmanager
def profile(driver: Playwright) -> Iterator[BrowserContext]:
    """A browser with a new, empty profile on disk (so a second visit finds a warm cache)."""
    with tempfile.TemporaryDirectory() as folder:
        context = driver.chromium.launch_persistent_context(
            folder, executable_path=chromium_executable(driver), args=CHROMIUM_ARGS
        )
        try:
            yield context
        finally:
            context.close()


def visit(context: BrowserContext, server: SiteServer, path: str) -> Visit:
    """Load a page, wait until all its figures are live, and read the probes."""
    page = context.new_page()
    page.add_init_script(PROBE)
    start = time.monotonic()
    page.goto(server.url + path)
    page.wait_for_function("() => window.__bench.allLive !== null", timeout=120_000)
    bench: dict[str, Any] = page.evaluate("window.__bench")
    live = float(bench["live"])
    tasks = [(begin, length) for begin, length in bench["longTasks"] if begin < live]
    # The page's clock starts at navigation, just after `start`: the cut is a hair early.
    until = start + live / 1000
    raw, gz = server.sent_since(start, until)
    page.close()
    return Visit(
        live_ms=live,
        all_live_ms=float(bench["allLive"]),
        blocking_ms=sum(length - 50 for _, length in tasks),
        long_tasks_ms=sum(length for _, length in tasks),
        raw_bytes=raw,
        gzip_bytes=gz,
    )


def saved(context: BrowserContext, server: SiteServer, path: str) -> Page:
    """A page once the site is saved for offline and the memory snapshot is made."""
    page = context.new_page()
    page.goto(server.url + path)
    page.locator(SAVED).wait_for(timeout=300_000)
    # The first visit makes the snapshot once its figures are live, after saving begins.
    for _ in range(600):
        if page.evaluate(CACHED_BYTES, "figures / snapshot"):
            break
        page.wait_for_timeout(100)
    return page


def returning_offline(context: BrowserContext, server: SiteServer, path: str) -> Visit:
    """A reader coming back with the network off, once the site is saved for offline."""
    saved(context, server, path).close()
    context.set_offline(True)
    try:
        return visit(context, server, path)
    finally:
        context.set_offline(False)


def saved_bytes(context: BrowserContext, server: SiteServer) -> tuple[int, int]:
    """Bytes kept for offline reading, and of the memory snapshot (once both are made)."""
    page = saved(context, server, "")
    site: int = page.evaluate(CACHED_BYTES, "offline-reading / ")
    snapshot: int = page.evaluate(CACHED_BYTES, "figures / snapshot")
    page.close()
    return site, snapshot


def once_live(
    context: BrowserContext, server: SiteServer, path: str, script: str, args: list[Any]
) -> Any:
    """Run a timing script (``SLIDE``, ``DRAG``, ``EDIT``...) once every figure is live."""
    page = context.new_page()
    page.goto(server.url + path)
    figures = page.locator("[data-widget]")
    for index in range(figures.count()):
        figures.nth(index).and_(page.locator('[data-state="live"]')).wait_for(timeout=120_000)
    measured = page.evaluate(script, args)
    page.close()
    return measured


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of ``values`` fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(
    driver: Playwright,
    server: SiteServer,
    path: str,
    runs: int,
    inputs: dict[str, Any],
    *,
    saves: bool,
) -> dict[str, Any]:
    """Fresh and warm visits (and, for a page that saves, one offline), then each input."""
    fresh, warm, offline = [], [], []
    for _ in range(runs):
        with profile(driver) as context:
            fresh.append(visit(context, server, path))
            warm.append(visit(context, server, path))
            if saves:
                offline.append(returning_offline(context, server, path))
    timings = {}
    with profile(driver) as context:
        for name, (script, args) in inputs.items():
            timings[name] = once_live(context, server, path, script, args)
        saved = saved_bytes(context, server) if saves else (0, 0)
        # Edit-to-editable (ms), then Run-to-frame timings, per edited figure.
        edits = {w: once_live(context, server, "", EDIT, [w, 30]) for w in EDITED} if saves else {}
    return {
        "fresh": fresh,
        "warm": warm,
        "offline": offline,
        "saved": saved,
        "edits": edits,
        **timings,
    }


def fresh_visits(driver: Playwright, server: SiteServer, runs: int) -> list[Visit]:
    """First visits, each in a new profile."""
    visits = []
    for _ in range(runs):
        with profile(driver) as context:
            visits.append(visit(context, server, ""))
    return visits


def audits(essay: Path, plain: Path, runs: int) -> dict[str, list[lighthouse.Audit]]:
    """Lighthouse on the essay and on the plain page, alternately, served with gzip."""
    found: dict[str, list[lighthouse.Audit]] = {"essay": [], "plain": []}
    with serve(essay, compress=True) as ours, serve(plain, compress=True) as theirs:
        for _ in range(runs):
            found["essay"].append(lighthouse.audit(ours.url))
            found["plain"].append(lighthouse.audit(theirs.url))
    return found


def report_audits(found: dict[str, list[lighthouse.Audit]], searches: dict[str, float]) -> None:
    """Lighthouse's scores and times side by side, and what search adds to blocking."""
    print(f"\n{'Lighthouse, mobile, gzip static server (median)':52} {'essay':>10} {'plain':>10}")
    for category in lighthouse.CATEGORIES:
        ours, theirs = (statistics.median(a.scores[category] for a in found[k]) for k in found)
        print(f"{category + ' score':52} {ours:10.0f} {theirs:10.0f}")
    for label, field, scale in (
        ("first contentful paint (s)", "fcp_ms", 1e-3),
        ("largest contentful paint (s)", "lcp_ms", 1e-3),
        ("total blocking time (ms)", "tbt_ms", 1),
        ("cumulative layout shift", "cls", 1),
    ):
        ours, theirs = (statistics.median(getattr(a, field) for a in found[k]) for k in found)
        print(f"{label:52} {ours * scale:10.2f} {theirs * scale:10.2f}")
    failing = sorted({item for a in found["essay"] for item in a.failing})
    print("Essay audits not passed in some run: " + ("; ".join(failing) or "none"))
    label = "blocking until live, search on / off (ms)"
    print(f"\n{label:52} {searches['on']:10.2f} {searches['off']:10.2f}")


def report(results: dict[str, dict[str, Any]]) -> None:
    """Print the figures side by side, with the goals and the ratios."""
    essay, reference = results["essay"], results["reference"]

    def median(page: dict[str, Any], kind: str, field: str) -> float:
        return float(statistics.median(getattr(v, field) for v in page[kind]))

    rows = [
        ("first live, fresh profile (s)", "fresh", "live_ms", 1e-3),
        ("first live, warm profile (s)", "warm", "live_ms", 1e-3),
        ("blocking time until live, sum(task - 50 ms) (ms)", "fresh", "blocking_ms", 1),
        ("long tasks until live, sum of durations (ms)", "fresh", "long_tasks_ms", 1),
        ("bytes before live, raw (MB)", "fresh", "raw_bytes", 1e-6),
        ("bytes before live, gzip (MB)", "fresh", "gzip_bytes", 1e-6),
    ]
    print(f"\n{'median of runs':52} {'essay':>10} {'reference':>10} {'ratio':>7}")
    for label, kind, field, scale in rows:
        ours, theirs = median(essay, kind, field) * scale, median(reference, kind, field) * scale
        ratio = f"{ours / theirs:.2f}" if theirs else "-"
        print(f"{label:52} {ours:10.2f} {theirs:10.2f} {ratio:>7}")
    for column, what in ((0, "in place"), (1, "next frame")):
        for share in (0.5, 0.95):
            ours = percentile([m[column] for m in essay["slider"]], share)
            theirs = percentile([m[column] for m in reference["slider"]], share)
            label = f"slider input to {what} p{round(share * 100)} (ms)"
            print(f"{label:52} {ours:10.2f} {theirs:10.2f} {ours / theirs:7.2f}")
    warm_reference = median(reference, "warm", "live_ms") * 1e-3
    print("\nReturning reader, network off (the essay's saved copy) against the reference warm:")
    for label, field in (("first live", "live_ms"), ("all figures live", "all_live_ms")):
        ours = median(essay, "offline", field) * 1e-3
        label = f"{label}, returning offline (s)"
        print(f"{label:52} {ours:10.2f} {warm_reference:10.2f} {ours / warm_reference:7.2f}")
    site, snapshot = essay["saved"]
    label = "bytes saved for offline / the essay's site (MB)"
    print(f"{label:52} {site / 1e6:10.2f} {essay['site'] / 1e6:10.2f}")
    print(f"{'memory snapshot kept by the browser (MB)':52} {snapshot / 1e6:10.2f}")
    print("\nEditing a figure's Python (the editor loads on the first Edit):")
    for widget, (editable, runs) in essay["edits"].items():
        print(f"{'Edit to an editable editor, ' + widget + ' (ms)':52} {editable:10.2f}")
        p50, p95 = (percentile([m[0] for m in runs], share) for share in (0.5, 0.95))
        label = f"Run to new frame in place, {widget} p50 / p95 (ms)"
        print(f"{label:52} {p50:10.2f} {p95:10.2f}")
    print("\nEssay figures only (the reference has no such input):")
    skip = {"fresh", "warm", "slider", "offline", "saved", "site", "edits"}
    for name in [key for key in essay if key not in skip]:
        for column, what in ((0, "in place"), (1, "next frame")):
            p50, p95 = (percentile([m[column] for m in essay[name]], s) for s in (0.5, 0.95))
            print(f"{name + ' to ' + what + ' p50 / p95 (ms)':52} {p50:10.2f} {p95:10.2f}")
    print(
        "\nGoals: first live <= 0.5x reference; blocking <= 100 ms; slider p95 <= 16 ms; "
        "before live only the Pyodide core and numpy (about 17 MB raw, 9 MB gzip); "
        "orbit drag p95 <= 16 ms; samples p95 <= 16 ms (families 1-4), 150 ms (autoregressive); "
        "chip click p95 <= 16 ms; returning offline first live <= 0.25x reference warm."
    )


def main() -> None:
    """Build, serve, measure both pages, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh+warm visits per page")
    parser.add_argument("--moves", type=int, default=120, help="slider moves per page")
    parser.add_argument("--audits", type=int, default=3, help="Lighthouse runs per page")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        build(site)
        with serve(site) as server, sync_playwright() as driver:
            moves = options.moves
            essay_inputs: dict[str, Any] = {
                "slider": (SLIDE, ["#pixel_explosion-n", moves]),
                "orbit drag (density_surface)": (DRAG, ["density_surface", moves]),
            }
            essay_inputs["chip click (spam_classifiers)"] = (CLICK, ["spam_classifiers", moves])
            for family in FAMILIES:
                essay_inputs[f"draw 16 samples: {family}"] = (
                    PRESS,
                    ["family_samples", "family", family, max(moves // 4, 20)],
                )
            reference_inputs = {"slider": (SLIDE, ["#n", moves])}
            results = {
                "essay": measure(driver, server, "", options.runs, essay_inputs, saves=True),
                "reference": measure(
                    driver, server, "reference/", options.runs, reference_inputs, saves=False
                ),
            }
            # The essay's own files: the reference page and its runtime copy are not the site's.
            results["essay"]["site"] = sum(
                f.stat().st_size
                for f in site.rglob("*")
                if f.is_file() and "reference" not in f.relative_to(site).parts
            )
        build_variant(Path(folder) / "plain", PLAIN)
        build_variant(Path(folder) / "no-search", NO_SEARCH)
        with serve(Path(folder) / "no-search") as quiet, sync_playwright() as driver:
            without = fresh_visits(driver, quiet, options.runs)
        found = audits(site, Path(folder) / "plain", options.audits)
    report(results)
    searches = {
        "on": statistics.median(v.blocking_ms for v in results["essay"]["fresh"]),
        "off": statistics.median(v.blocking_ms for v in without),
    }
    report_audits(found, searches)


if __name__ == "__main__":
    main()
