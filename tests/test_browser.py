"""End to end in offline headless Chromium: the essay reads well, and failures stay contained
(figures that fail or hang: test_faulty_figures.py)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image
from playwright.sync_api import Browser, Locator, Page, Route, expect

from essay_site.dev.site_server import serve
from tests.conftest import (
    BUILT_VALUE,
    FIGURES,
    Visit,
    all_live,
    built,
    make_project,
)

pytestmark = pytest.mark.browser


def test_math_and_footnotes_render(essay: Visit) -> None:
    page = essay.page
    displays = page.locator('div.arithmatex > math[display="block"]')
    expect(displays.first).to_be_visible()
    fonts = page.evaluate(
        "document.fonts.ready.then(() => [...document.fonts].filter(f => f.status === 'loaded')"
        ".map(f => f.family))"
    )
    assert "STIX Two Math" in fonts
    # Laid out as MathML: a fraction's numerator stands above its denominator.
    fraction = page.locator("mfrac").first
    fraction.scroll_into_view_if_needed()
    over, under = (fraction.locator(f":scope > :nth-child({n})").bounding_box() for n in (1, 2))
    assert over and under and over["y"] + over["height"] <= under["y"]
    page.click('a[href="#fn:2"]')
    expect(page.locator("#fn\\:2")).to_contain_text("Planck volume")
    page.click("#fn\\:2 a.footnote-backref")
    assert page.evaluate("location.hash") == "#fnref:2"
    # Every figure on the page goes live, with nothing fetched from elsewhere and no errors.
    figures = page.locator("[data-widget]")
    assert figures.count() == FIGURES
    for index in range(figures.count()):
        expect(figures.nth(index)).to_have_attribute("data-state", "live", timeout=90_000)
    assert essay.external == []
    assert essay.errors == []


def test_a_request_for_another_host_is_seen_and_goes_nowhere(essay: Visit) -> None:
    # What every "nothing from elsewhere" check rests on: the profile's watch sees a request
    # for another host, and the browser's resolver lets it reach no one.
    other = essay.page.context.new_page()
    failures: list[str | None] = []
    other.on("requestfailed", lambda request: failures.append(request.failure))
    other.set_content('<img src="http://elsewhere.test/x.png">')
    other.close()
    assert essay.external == ["http://elsewhere.test/x.png"]
    assert failures == ["net::ERR_NAME_NOT_RESOLVED"]


def test_page_is_complete_without_javascript(essay_site: Path, browser: Browser) -> None:
    # What a reader gets before any script runs (or with scripts off): every figure drawn.
    context = browser.new_context(java_script_enabled=False)
    with serve(essay_site) as server:
        page = context.new_page()
        page.goto(server.url)
        figures = page.locator("[data-widget]")
        assert figures.count() == FIGURES
        for index in range(figures.count()):
            figure = figures.nth(index)
            assert figure.get_attribute("data-state") == "static"
            assert figure.locator(".live-figure__alt").text_content()
            assert figure.locator(".live-figure__output > *").count() > 0
        assert page.locator('div.arithmatex > math[display="block"]').count() == 14
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


def search_finds_both_pages(opened: Visit) -> None:
    """Search from ``opened``'s page finds the essay and the notebook, then is closed."""
    page = opened.page
    page.get_by_role("textbox", name="Search").click()
    page.keyboard.type("naive bayes")  # as typed: Material searches on each key
    # Material updates the list for each key in turn: wait for what only the whole query's
    # results show (both pages' own entries), never read the list once it merely exists.
    results = page.locator(".md-search-result__item > a")
    expect(page.get_by_role("textbox", name="Search")).to_have_value("naive bayes")
    expect(page.locator(".md-search-result__meta")).to_have_text("2 matching documents")
    expect(results.and_(page.locator('[href$="notebooks/models-up-close/"]'))).to_have_count(1)
    expect(results.and_(page.locator(':not([href*="models-up-close"])'))).not_to_have_count(0)
    page.keyboard.press("Escape")
    expect(page.locator("#__search")).not_to_be_checked()
    assert opened.external == []
    assert opened.errors == []


def test_search_from_the_essay_finds_both_pages(essay: Visit) -> None:
    search_finds_both_pages(essay)


def test_search_from_the_notebook_finds_both_pages(
    essay_site: Path, visit: Callable[..., Visit]
) -> None:
    # A page one folder down: the search index is found from there too.
    search_finds_both_pages(visit(essay_site, path="notebooks/models-up-close/"))


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
        all_live(page, FIGURES)
        # A worker may still be starting (the memory snapshot's): its handler must finish
        # while the server is up, or its failure surfaces in whatever test runs next.
        context.unroute_all(behavior="wait")
    context.close()


#: Material's header and its "Back to top" button (shown by JavaScript) float over the page:
#: hidden while a picture is taken, they cover neither version of a figure.
UNCOVERED = ".md-header, .md-top { visibility: hidden !important; }"


def steady_screenshot(element: Locator) -> bytes:
    """The element's picture once two shots in a row agree.

    Scrolling to it lays out what it passes (content-visibility), and what was only estimated
    until then can move the element between a shot's clip and its capture. Each shot is clipped
    from the page where the element is then: Playwright's element shot first waits for two
    animation frames alike, and once, on a loaded machine, headless Chromium drew none in 30 s.
    """
    element.evaluate("(node) => node.scrollIntoView({ block: 'center' })")

    def shot() -> bytes:
        box = element.bounding_box()
        assert box is not None, f"{element} is not laid out"
        return element.page.screenshot(clip=box, animations="disabled", style=UNCOVERED)

    shots = [shot()]
    for _ in range(5):
        shots.append(shot())
        if shots[-1] == shots[-2]:
            return shots[-1]
    raise AssertionError(f"{element} never held still for two screenshots")


def figure_pictures(page: Page, live: bool) -> dict[str, NDArray[np.int16]]:
    """Each figure's picture as on screen (RGB), once the figure is in view."""
    # Every font the page declares, loaded first: a figure's text laid out in a fallback font
    # moves everything below it.
    page.evaluate("() => Promise.all([...document.fonts].map((font) => font.load())).then(() => 0)")
    pictures = {}
    figures = page.locator("[data-widget]")
    for index in range(figures.count()):
        figure = figures.nth(index)
        name = str(figure.get_attribute("data-widget"))
        if live:
            expect(figure).to_have_attribute("data-state", "live", timeout=90_000)
        try:
            shot = steady_screenshot(figure.locator(".live-figure__output"))
        except Exception as error:
            error.add_note(f"shooting {name} {'live' if live else 'as built'}")
            raise
        image = Image.open(io.BytesIO(shot)).convert("RGB")
        pictures[name] = np.asarray(image, dtype=np.int16)
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
    assert built.keys() == live.keys() and len(built) == FIGURES
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
    opened = visit(built(project, tmp_path / "site"))
    page = opened.page
    expect(page.locator('[data-widget="injected"]')).to_have_attribute(
        "data-state", "live", timeout=90_000
    )
    # Material's own inline scripts ran (they are allowed by their hashes) ...
    assert page.evaluate("typeof __md_scope") == "object"
    # ... and the handler in the figure's markup did not, built or live.
    assert page.evaluate("document.body.dataset.pwned") is None
    assert any("Content Security Policy" in error for error in opened.errors)


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


# The same, as the page was built (each control's default).
BUILT_VALUES = f"""root => Object.fromEntries([...root.querySelectorAll('[role=form] [name]')]
  .filter((e) => e.name && e.type !== 'button')
  .map((e) => [e, ({BUILT_VALUE})(e)])
  .map(([e, built]) => [e.name, e.type === 'checkbox' ? (built ? '1' : '0') : built]))"""


def numbers(values: dict[str, str]) -> dict[str, float | str]:
    """Control values with numbers as numbers ("2" and "2.0" are one slider position)."""

    def number(text: str) -> float | str:
        try:
            return float(text)
        except ValueError:
            return text

    return {name: number(value) for name, value in values.items()}


def all_figures_live(page: Page) -> list[dict[str, str]]:
    """Every figure's control values, once all six are live."""
    return [figure.evaluate(CONTROL_VALUES) for figure in all_live(page, FIGURES)]


def test_a_link_carries_every_figures_state(
    essay_site: Path, essay: Visit, visit: Callable[..., Visit]
) -> None:
    page = essay.page
    built = all_figures_live(page)
    length = page.evaluate("history.length")
    page.evaluate(CHANGE_EVERY_FIGURE)
    figures = page.locator("[data-widget]")
    changed = [figures.nth(i).evaluate(CONTROL_VALUES) for i in range(FIGURES)]
    assert changed != built
    page.wait_for_function(f"() => location.search.split('&').length >= {FIGURES}")
    assert page.evaluate("history.length") == length  # replaced, never pushed
    link = page.evaluate("location.href")
    # A new reader opens the link: the built picture first, then, once live, that state.
    again = visit(essay_site, path="?" + link.split("?", 1)[1]).page
    assert all_figures_live(again) == changed
    assert essay.errors == []


#: A link that is anyone's: values out of range, not numbers, markup, names of nothing.
HOSTILE_LINK = (
    "?pixel_explosion.n=5000"
    "&probability_budget.p1=1e999"
    "&normalizing_flow.strength=<img src=x onerror=document.title='pwned'>"
    "&density_surface.no_such_control=5&no_such_figure.n=5&family_samples.family="
)


def test_a_hostile_link_sets_nothing_it_should_not(essay: Visit) -> None:
    # The rules are tested one by one without a browser (tests/browser_layer/permalink); here,
    # once, the real page: out of range is clamped, everything else leaves the figure as built.
    page = essay.page
    page.goto(essay.server.url + HOSTILE_LINK)
    values = all_figures_live(page)
    defaults = [figure.evaluate(BUILT_VALUES) for figure in all_live(page, FIGURES)]
    top = page.locator("#pixel_explosion-n").get_attribute("max")
    assert values[0]["n"] == str(int(float(str(top)))) != defaults[0]["n"]
    assert [numbers(v) for v in values[1:]] == [numbers(d) for d in defaults[1:]]
    expect(page.locator('[data-widget="pixel_explosion"] [data-role="n"]')).to_have_text(
        values[0]["n"]
    )
    assert page.title() != "pwned"
    assert essay.errors == []
