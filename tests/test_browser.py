"""End to end in offline headless Chromium: the essay reads well, and failures stay contained."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image
from playwright.sync_api import Browser, Locator, Page, Route, expect

from essay_site.dev.build import mkdocs_build
from essay_site.dev.site_server import Fault, serve
from tests.conftest import (
    Visit,
    all_live,
    edit_and_run,
    frames,
    live,
    make_project,
    open_editor,
    shipped_source,
    type_source,
    wait_for_frame,
)

pytestmark = pytest.mark.browser


def test_math_and_footnotes_render(essay_site: Path, visit: Callable[..., Visit]) -> None:
    opened = visit(essay_site)
    page = opened.page
    expect(page.locator(".katex-display").first).to_be_visible()
    assert page.locator(".katex-display").count() == 14
    assert page.locator(".arithmatex .katex").count() > 60
    assert page.locator(".katex-error").count() == 0
    fonts = page.evaluate(
        "document.fonts.ready.then(() => [...document.fonts].filter(f => f.status === 'loaded')"
        ".map(f => f.family))"
    )
    assert "KaTeX_Main" in fonts
    page.click('a[href="#fn:2"]')
    expect(page.locator("#fn\\:2")).to_contain_text("Planck volume")
    page.click("#fn\\:2 a.footnote-backref")
    assert page.evaluate("location.hash") == "#fnref:2"
    # Every figure on the page goes live, with nothing fetched from elsewhere and no errors.
    figures = page.locator("[data-widget]")
    assert figures.count() == 6
    for index in range(figures.count()):
        expect(figures.nth(index)).to_have_attribute("data-state", "live", timeout=90_000)
    assert opened.external == []
    assert opened.errors == []


def test_page_is_complete_without_javascript(essay_site: Path, browser: Browser) -> None:
    # What a reader gets before any script runs (or with scripts off): every figure drawn.
    context = browser.new_context(java_script_enabled=False)
    with serve(essay_site) as server:
        page = context.new_page()
        page.goto(server.url)
        figures = page.locator("[data-widget]")
        assert figures.count() == 6
        for index in range(figures.count()):
            figure = figures.nth(index)
            assert figure.get_attribute("data-state") == "static"
            assert figure.locator(".gm-figure__alt").text_content()
            assert figure.locator(".gm-figure__output > *").count() > 0
        assert page.locator(".katex-display").count() == 14
        pictures = page.locator("img[data-canvas]")
        assert pictures.count() == 4
        loaded = "img => img.complete && img.naturalWidth > 0"
        assert all(pictures.nth(index).evaluate(loaded) for index in range(4))
    context.close()


def test_notebook_page_reads_offline(essay_site: Path, visit: Callable[..., Visit]) -> None:
    opened = visit(essay_site, path="notebooks/models-up-close/")
    expect(opened.page.locator("h1")).to_contain_text("The models up close")
    expect(opened.page.locator(".jp-RenderedImage img").first).to_be_visible()
    assert opened.external == []
    assert opened.errors == []


@pytest.mark.parametrize("path", ["", "notebooks/models-up-close/"])
def test_search_finds_both_pages(essay_site: Path, visit: Callable[..., Visit], path: str) -> None:
    opened = visit(essay_site, path=path)
    page = opened.page
    page.get_by_role("textbox", name="Search").click()
    page.keyboard.type("naive bayes")  # as typed: Material searches on each key
    results = page.locator(".md-search-result__item > a")
    expect(page.locator(".md-search-result__meta")).to_have_text("2 matching documents")
    hrefs = [results.nth(index).get_attribute("href") or "" for index in range(results.count())]
    assert any(href.endswith("notebooks/models-up-close/") for href in hrefs), hrefs
    assert any("models-up-close" not in href for href in hrefs), hrefs
    assert opened.external == []
    assert opened.errors == []


def test_one_broken_figure_leaves_the_others_live(
    fault_site: Path, visit: Callable[..., Visit]
) -> None:
    opened = visit(fault_site)
    page = opened.page
    broken = page.locator('[data-widget="fails_in_browser"]')
    expect(broken).to_have_attribute("data-state", "error", timeout=60_000)
    expect(broken.locator(".gm-figure__status")).to_contain_text("breaks in the browser")
    expect(broken.locator(".prerendered")).to_be_visible()
    good = page.locator('[data-widget="pixel_explosion"]')
    expect(good).to_have_attribute("data-state", "live")
    page.fill("#pixel_explosion-n", "30")
    expect(good.locator('[data-role="n"]')).to_have_text("30")

    raising = page.locator('[data-widget="raises_on_input"]')
    expect(raising).to_have_attribute("data-state", "live")
    page.fill("#raises_on_input-k", "2")
    expect(raising).to_have_attribute("data-state", "error")
    expect(raising.locator(".gm-figure__status")).to_contain_text("k=2 is too much")
    expect(raising.locator(".calm")).to_be_visible()
    # The figure recovers when the reader goes back to a state it can draw.
    page.fill("#raises_on_input-k", "0")
    expect(raising).to_have_attribute("data-state", "live")
    assert opened.external == []
    # The two faults were reported (console), and nothing else went wrong.
    assert opened.errors, "the faults were not reported"
    assert all("Figure" in error for error in opened.errors), opened.errors


def test_every_figure_imports_though_the_clock_stands_still(
    essay_site: Path, browser: Browser
) -> None:
    # Python keeps a folder's listing until the folder's mtime changes, and Pyodide's file
    # system stamps in milliseconds: a figure written in the same millisecond as another's
    # import was not found (once in CI). Stopping the worker's clock makes that certain.
    def stop_the_clock(route: Route) -> None:
        response = route.fetch()
        script = "const stopped = Date.now(); Date.now = () => stopped;\n" + response.text()
        route.fulfill(response=response, body=script)

    context = browser.new_context()
    context.route("**/worker.js", stop_the_clock)
    page = context.new_page()
    with serve(essay_site) as server:
        page.goto(server.url)
        assert page.evaluate("Date.now()") > 0  # only the worker's clock stands still
        all_live(page, 6)
    context.close()


@pytest.mark.parametrize(
    ("path", "fault"),
    [
        ("pyodide.asm.wasm", "wrong-type"),
        ("pyodide.asm.wasm", "corrupt"),
        ("python_stdlib.zip", "corrupt"),
        ("pyodide.asm.js", "missing"),
        ("pyodide.mjs", "missing"),
        ("worker.js", "missing"),
    ],
)
def test_broken_runtime_ends_in_error_not_a_hang(
    fault_site: Path, visit: Callable[..., Visit], path: str, fault: Fault
) -> None:
    opened = visit(fault_site, {path: fault})
    figures = opened.page.locator("[data-widget]")
    for index in range(figures.count()):
        figure = figures.nth(index)
        # The short timeout (8 s without progress) bounds even a runtime that hangs.
        expect(figure).to_have_attribute("data-state", "error", timeout=60_000)
        expect(figure.locator(".gm-figure__status")).to_have_attribute("role", "alert")
        expect(figure.locator(".gm-figure__output")).not_to_be_empty()
    assert opened.external == []


def figure_pictures(page: Page, live: bool) -> dict[str, NDArray[np.int16]]:
    """Each figure's picture as on screen (RGB), once the figure is in view."""
    pictures = {}
    figures = page.locator("[data-widget]")
    for index in range(figures.count()):
        figure = figures.nth(index)
        if live:
            expect(figure).to_have_attribute("data-state", "live", timeout=90_000)
        figure.scroll_into_view_if_needed()
        shot = figure.locator(".gm-figure__output").screenshot(animations="disabled")
        image = Image.open(io.BytesIO(shot)).convert("RGB")
        pictures[str(figure.get_attribute("data-widget"))] = np.asarray(image, dtype=np.int16)
    return pictures


def test_the_first_live_frame_is_the_prerendered_picture(
    essay_site: Path, browser: Browser
) -> None:
    # No jump when a figure goes live: the canvas paints what the page's SVG showed.
    with serve(essay_site) as server:
        pictures = []
        for scripts in (False, True):
            context = browser.new_context(java_script_enabled=scripts)
            page = context.new_page()
            page.goto(server.url)
            pictures.append(figure_pictures(page, live=scripts))
            context.close()
    built, live = pictures
    assert built.keys() == live.keys() and len(built) == 6
    for name in built:
        assert built[name].shape == live[name].shape, name
        difference = np.abs(built[name] - live[name]).max(axis=2)
        # Anti-aliasing differs a little between SVG and canvas; a blurred line would not.
        assert difference.mean() < 1.5, name
        assert (difference > 64).mean() < 0.001, name


#: Markup from data that a figure forgot to escape: it must never run.
INJECTED = """
from essay_site.figures.api import Frame
CONTROLS = ()
def render(state):
    return Frame('<img src="x" alt="" onerror="document.body.dataset.pwned = 1">', "an image")
"""


def test_markup_that_slips_through_cannot_run_script(
    tmp_path: Path, visit: Callable[..., Visit]
) -> None:
    project = make_project(
        tmp_path, "/// figure | injected\n///\n", {"injected": INJECTED}, plugins=("self_hosted",)
    )
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    opened = visit(tmp_path / "site")
    page = opened.page
    expect(page.locator('[data-widget="injected"]')).to_have_attribute(
        "data-state", "live", timeout=90_000
    )
    # Material's own inline scripts ran (they are allowed by their hashes) ...
    assert page.evaluate("typeof __md_scope") == "object"
    # ... and the handler in the figure's markup did not, built or live.
    assert page.evaluate("document.body.dataset.pwned") is None
    assert any("Content Security Policy" in error for error in opened.errors)


def test_a_figure_that_hangs_is_stopped_and_the_others_come_back(
    fault_site: Path, visit: Callable[..., Visit]
) -> None:
    opened = visit(fault_site)
    page = opened.page
    good = page.locator('[data-widget="pixel_explosion"]')
    stuck = page.locator('[data-widget="hangs_on_input"]')
    expect(good).to_have_attribute("data-state", "live", timeout=60_000)
    expect(stuck).to_have_attribute("data-state", "live")
    page.fill("#pixel_explosion-n", "30")
    expect(good.locator('[data-role="n"]')).to_have_text("30")
    page.fill("#hangs_on_input-k", "1")
    # The site's render_timeout (5 s) stops it; the page itself never froze.
    expect(stuck).to_have_attribute("data-state", "error", timeout=15_000)
    expect(stuck.locator(".gm-figure__status")).to_contain_text("did not answer within 5 s")
    expect(stuck.locator(".calm")).to_be_visible()
    # The other figures restart in a new worker, in the state their controls show.
    expect(good).to_have_attribute("data-state", "live", timeout=60_000)
    expect(good.locator('[data-role="n"]')).to_have_text("30")
    page.fill("#pixel_explosion-n", "31")
    expect(good.locator('[data-role="n"]')).to_have_text("31")
    assert opened.external == []


def first_in_render(source: str, lines: str) -> str:
    """A figure's source that runs ``lines`` first in every render."""
    head = "def render(state: State) -> Frame:\n"
    assert head in source
    return source.replace(head, head + lines)


def slowed(source: str, seconds: float) -> str:
    """A figure's source whose every frame takes ``seconds`` longer (by the wall clock)."""
    wait = (
        f"    import time\n    began = time.time()\n    while time.time() - began < {seconds!r}:\n"
    )
    return first_in_render(source, wait + "        pass\n")


def runs_edit(page: Page, name: str, source: str) -> Locator:
    """Open the live figure ``name``'s editor, run ``source`` and wait for its frame."""
    figure = live(page, name)
    code = open_editor(figure)
    painted = frames(figure)
    edit_and_run(page, code, source)
    expect(figure).to_have_attribute("data-run", "ok", timeout=20_000)
    wait_for_frame(figure, painted)
    return code


def run_behind_a_frame(page: Page, site: Path, edit: Callable[[str], str]) -> Locator:
    """Send a run of ``edit(source)`` while pixel_explosion still draws a 2 s frame."""
    shipped = shipped_source(site, "pixel_explosion")
    code = runs_edit(page, "pixel_explosion", slowed(shipped, 2))
    type_source(page, code, edit(shipped))
    page.fill("#pixel_explosion-n", "20")  # a two-second frame is on its way ...
    code.get_by_role("button", name="Run (Ctrl+Enter)").click()  # ... and the run is behind it
    return code


def test_a_run_that_never_finishes_is_stopped_though_a_frame_was_on_its_way(
    essay_site: Path, visit: Callable[..., Visit]
) -> None:
    # The frame arrives first, and must not end the watch over the run behind it.
    page = visit(essay_site).page
    code = run_behind_a_frame(page, essay_site, lambda source: slowed(source, 1e9))
    expect(code.locator(".gm-code__error")).to_contain_text(
        "did not finish within 5 s", timeout=20_000
    )
    figure = page.locator('[data-widget="pixel_explosion"]')
    expect(figure).to_have_attribute("data-state", "live", timeout=60_000)


def test_input_during_a_failed_run_is_drawn_after_it(
    essay_site: Path, visit: Callable[..., Visit]
) -> None:
    # The reader moves the slider while a broken run waits: once it fails, the figure draws
    # what the slider says.
    page = visit(essay_site).page
    run_behind_a_frame(
        page, essay_site, lambda source: source.replace("def render(", "def render((")
    )
    page.fill("#pixel_explosion-n", "21")
    figure = page.locator('[data-widget="pixel_explosion"]')
    expect(figure).to_have_attribute("data-run", "error", timeout=20_000)
    expect(figure.locator('[data-role="n"]')).to_have_text("21", timeout=20_000)


def test_a_figure_waiting_its_turn_is_not_taken_for_stuck(
    essay_site: Path, visit: Callable[..., Visit]
) -> None:
    # The worker draws one frame at a time: three 2 s frames asked for together take 6 s,
    # more than the 5 s render_timeout, yet the worker is never silent for more than 2 s.
    page = visit(essay_site).page
    controls = {
        "pixel_explosion": ("n", "20"),
        "probability_budget": ("p1", "0.6"),
        "normalizing_flow": ("strength", "0.9"),
    }
    for name in controls:
        runs_edit(page, name, slowed(shipped_source(essay_site, name), 2))
    before = {name: frames(page.locator(f'[data-widget="{name}"]')) for name in controls}
    for name, (control, value) in controls.items():
        page.fill(f"#{name}-{control}", value)
    for name in controls:
        figure = page.locator(f'[data-widget="{name}"]')
        wait_for_frame(figure, before[name])
        expect(figure).to_have_attribute("data-state", "live")


def test_the_figure_the_worker_is_stuck_on_is_the_one_stopped(
    essay_site: Path, visit: Callable[..., Visit]
) -> None:
    # The page's last figure takes 1 s a frame; the fifth loops for ever past 0.8; the first
    # asks last. The first figure's frame waits behind the loop, but the loop is what stops.
    page = visit(essay_site).page
    edits = {
        "probability_budget": slowed(shipped_source(essay_site, "probability_budget"), 1),
        "normalizing_flow": first_in_render(
            shipped_source(essay_site, "normalizing_flow"),
            '    while state["strength"] > 0.8:\n        pass\n',
        ),
    }
    for name, source in edits.items():
        runs_edit(page, name, source)
    first = live(page, "pixel_explosion")
    page.fill("#probability_budget-p1", "0.6")
    page.fill("#normalizing_flow-strength", "0.9")
    page.fill("#pixel_explosion-n", "20")
    looping = page.locator('[data-widget="normalizing_flow"]')
    expect(looping).to_have_attribute("data-state", "error", timeout=20_000)
    expect(looping.locator(".gm-figure__status")).to_contain_text("did not answer within 5 s")
    expect(first).to_have_attribute("data-state", "live", timeout=60_000)
    expect(first.locator('[data-role="n"]')).to_have_text("20")


# Each figure's controls as the reader set them: name -> value (checkboxes as "1"/"0").
CONTROL_VALUES = """root => Object.fromEntries([...root.querySelectorAll('[role=form] [name]')]
  .filter((e) => e.name && e.type !== 'button')
  .map((e) => [e.name, e.type === 'checkbox' ? (e.checked ? '1' : '0') : e.value]))"""

# Moves every figure's first slider, menu or checkbox away from the state it was built with.
CHANGE_EVERY_FIGURE = """() => {
  for (const root of document.querySelectorAll('[data-widget]')) {
    const control = [...root.querySelectorAll('[role=form] [name]')].find(
      (e) => e.name && e.type !== 'button');
    if (control.type === 'checkbox') control.checked = !control.checked;
    else if (control.tagName === 'SELECT') control.selectedIndex = control.options.length - 1;
    else {
      const [low, high] = [Number(control.min), Number(control.max)];
      control.value = String((low + high) / 2 + Number(control.step));
    }
    control.dispatchEvent(new Event('input', { bubbles: true }));
  }
}"""


def all_figures_live(page: Page) -> list[dict[str, str]]:
    """Every figure's control values, once all six are live."""
    return [figure.evaluate(CONTROL_VALUES) for figure in all_live(page, 6)]


def test_a_link_carries_every_figures_state(essay_site: Path, visit: Callable[..., Visit]) -> None:
    opened = visit(essay_site)
    page = opened.page
    built = all_figures_live(page)
    length = page.evaluate("history.length")
    page.evaluate(CHANGE_EVERY_FIGURE)
    changed = [page.locator("[data-widget]").nth(i).evaluate(CONTROL_VALUES) for i in range(6)]
    assert changed != built
    page.wait_for_function("() => location.search.split('&').length >= 6")
    assert page.evaluate("history.length") == length  # replaced, never pushed
    link = page.evaluate("location.href")
    # A new reader opens the link: the built picture first, then, once live, that state.
    again = visit(essay_site, path="?" + link.split("?", 1)[1]).page
    assert all_figures_live(again) == changed
    assert opened.errors == []


@pytest.mark.parametrize(
    "query",
    [
        "pixel_explosion.n=1e999",
        "pixel_explosion.n=<img src=x onerror=document.title='pwned'>",
        "pixel_explosion.n=",
        "no_such_figure.n=5&pixel_explosion.no_such_control=5",
    ],
)
def test_hostile_links_are_ignored(
    essay_site: Path, visit: Callable[..., Visit], query: str
) -> None:
    opened = visit(essay_site, path="?" + query)
    figure = opened.page.locator('[data-widget="pixel_explosion"]')
    expect(figure).to_have_attribute("data-state", "live", timeout=90_000)
    expect(figure.locator('[data-role="n"]')).to_have_text("10")
    assert opened.page.title() != "pwned"
    assert opened.errors == []


def test_out_of_range_values_are_clamped(essay_site: Path, visit: Callable[..., Visit]) -> None:
    opened = visit(essay_site, path="?pixel_explosion.n=5000")
    figure = opened.page.locator('[data-widget="pixel_explosion"]')
    expect(figure).to_have_attribute("data-state", "live", timeout=90_000)
    top = opened.page.locator("#pixel_explosion-n").get_attribute("max")
    expect(figure.locator('[data-role="n"]')).to_have_text(str(int(float(str(top)))))
