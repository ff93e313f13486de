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
  figures, no offline copy), both served with gzip as a static host serves them; besides
  blocking time (tasks after first paint), every long task.

These are figures to read, never pass/fail tests: the machines are noisy, so only the
ratio to the reference, measured in the same run, means much.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

from mkdocs.commands.build import build as build_config
from mkdocs.config import load_config
from playwright.sync_api import BrowserContext, Page, Playwright, sync_playwright

from essay_site.assets import PyodideRuntime
from essay_site.dev import lighthouse
from essay_site.dev.bench_pages import (
    CACHED_BYTES,
    CLICK,
    DRAG,
    EDIT,
    MOVE_CACHE,
    PRESS,
    PROBE,
    REFERENCE_HTML,
    SAVED,
    SLIDE,
    UNSANITISED,
)
from essay_site.dev.bench_report import report, report_audits, report_sanitiser
from essay_site.dev.browser import CHROMIUM_ARGS, chromium_executable
from essay_site.dev.build import mkdocs_build
from essay_site.dev.site_server import SiteServer, serve
from essay_site.figures import bundle
from essay_site.pins import PYODIDE, PYODIDE_PACKAGE_SOURCES

#: Figures whose Python the bench edits and re-runs.
EDITED = ("pixel_explosion", "normalizing_flow")

#: The same essay as a plain Material page: no figures, no offline copy, Material's own start
#: (search stays on, as in Material's default).
PLAIN = ("figures", "offline_reading", "light_start")
#: The essay without Material's search, to see what search adds.
NO_SEARCH = ("material/search",)

#: The memory snapshot's cache, for the site served at "/" (figures/browser/main.js).
SNAPSHOTS = f"figures / snapshot {PYODIDE.version}"

#: The model families of the samples figure, each timed drawing a panel.
FAMILIES = ("independent", "markov", "bayes_net", "naive_bayes", "autoregressive")


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
    # The first visit makes the snapshot once its figures are live and left alone for 5 s.
    for _ in range(600):
        if page.evaluate(CACHED_BYTES, SNAPSHOTS):
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
    snapshot: int = page.evaluate(CACHED_BYTES, SNAPSHOTS)
    page.close()
    return site, snapshot


def all_live(page: Page) -> Page:
    """``page`` once every figure on it is live."""
    figures = page.locator("[data-widget]")
    for index in range(figures.count()):
        figures.nth(index).and_(page.locator('[data-state="live"]')).wait_for(timeout=120_000)
    return page


def once_live(
    context: BrowserContext, server: SiteServer, path: str, script: str, args: list[Any]
) -> Any:
    """Run a timing script (``SLIDE``, ``DRAG``, ``EDIT``...) once every figure is live."""
    page = context.new_page()
    page.goto(server.url + path)
    measured = all_live(page).evaluate(script, args)
    page.close()
    return measured


def sandbox_starts(
    context: BrowserContext, server: SiteServer, runs: int
) -> dict[str, list[float]]:
    """Edit, then Run at once, to the frame (ms): the sandbox's start is most of it.

    Started from the memory snapshot, and from scratch: the snapshot is moved to a cache of
    another name for a start from scratch, and there and back for the other, before Edit, so
    both have just written it. Which goes first alternates from pair to pair.
    """
    found: dict[str, list[float]] = {"snapshot": [], "scratch": []}
    for run in range(runs):
        for kind in ("snapshot", "scratch") if run % 2 == 0 else ("scratch", "snapshot"):
            page = all_live(saved(context, server, ""))
            if not page.evaluate(CACHED_BYTES, SNAPSHOTS):
                sys.exit("the bench's sandbox starts: no memory snapshot was made")
            away = [SNAPSHOTS, "bench: set aside"]
            page.evaluate(MOVE_CACHE, away)
            if kind == "snapshot":
                page.evaluate(MOVE_CACHE, away[::-1])
            try:
                editable, (first, *_) = page.evaluate(EDIT, [EDITED[0], 1, 0])
            finally:
                if kind == "scratch":
                    page.evaluate(MOVE_CACHE, away[::-1])
            found[kind].append(editable + first[0])
            page.close()
    return found


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
        saved, edits, starts = (0, 0), {}, {}
        if saves:
            saved = saved_bytes(context, server)
            # Edit-to-editable (ms), then Run-to-frame timings, per edited figure.
            edits = {w: once_live(context, server, "", EDIT, [w, 30, 3000]) for w in EDITED}
            starts = sandbox_starts(context, server, runs)
    return {
        "fresh": fresh,
        "warm": warm,
        "offline": offline,
        "saved": saved,
        "edits": edits,
        "sandbox starts": starts,
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


def build_unsanitised(site: Path) -> None:
    """The essay with sanitize.js passing every frame through as parsed (``UNSANITISED``)."""
    with tempfile.TemporaryDirectory() as folder:
        # Both folders: the layer imports from the worker's (bundle.SCRIPT_FOLDERS).
        for name in bundle.SCRIPT_FOLDERS:
            shutil.copytree(bundle.LAYER_SOURCES.parent / name, Path(folder) / name)
        layer = Path(folder) / "browser"
        (layer / "sanitize.js").write_text(UNSANITISED)
        # The plugin bundles whatever folder this names; the bundle is cached by content.
        with mock.patch.object(bundle, "LAYER_SOURCES", layer):
            build_variant(site, ())


def sanitiser_cost(
    driver: Playwright, on: SiteServer, off: SiteServer, inputs: dict[str, Any], runs: int
) -> dict[str, dict[str, list[Any]]]:
    """Each input's timings with the sanitiser and without, in alternate fresh profiles."""
    timings: dict[str, dict[str, list[Any]]] = {name: {"on": [], "off": []} for name in inputs}
    for _ in range(runs):
        for which, server in (("on", on), ("off", off)):
            with profile(driver) as context:
                for name, (script, args) in inputs.items():
                    timings[name][which] += once_live(context, server, "", script, args)
    return timings


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
        build_unsanitised(Path(folder) / "unsanitised")
        with (
            serve(site) as on,
            serve(Path(folder) / "unsanitised") as off,
            sync_playwright() as driver,
        ):
            inputs = {key: essay_inputs[key] for key in ("slider", "chip click (spam_classifiers)")}
            sanitiser = sanitiser_cost(driver, on, off, inputs, max(options.runs // 2, 1))
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
    report_sanitiser(sanitiser)


if __name__ == "__main__":
    main()
