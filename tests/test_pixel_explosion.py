"""The pixel explosion: its arithmetic under CPython, and the live figure in Chromium."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from playwright.sync_api import Browser, ViewportSize, expect

from essay_site.dev.site_server import serve
from essay_site.figures import api
from tests.conftest import (
    RECALL,
    RUN_TIMEOUT,
    STORE,
    Visit,
    edit_and_run,
    live,
    open_editor,
    record_errors,
    shipped_source,
)
from tests.shared_pages import DEFAULT_SIZE
from widgets import pixel_explosion
from widgets.pixel_explosion import (
    bar_fraction,
    format_count,
    free_parameters,
    images,
    overflow_bits,
    passed_landmarks,
)

pixels = st.integers(min_value=0, max_value=pixel_explosion.MAX_PIXELS)


def test_counts_of_the_essay() -> None:
    # Two pixels: four states, three free parameters (the essay's own example).
    assert images(2) == 4
    assert free_parameters(2) == 3
    assert free_parameters(3) == 7
    assert images(784) == 2**784


@given(pixels)
def test_each_pixel_doubles_the_count(n: int) -> None:
    assert images(n + 1) == 2 * images(n)
    assert free_parameters(n) == images(n) - 1


@given(pixels)
def test_bar_fills_exactly_at_28(n: int) -> None:
    fraction = bar_fraction(n)
    assert 0 < fraction <= 1
    assert (fraction == 1) == (n >= 28)
    if n < 28:
        assert fraction == pytest.approx(2.0 ** (n - 28))
    assert overflow_bits(n) == max(n - 28, 0)


def test_negative_pixels_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        images(-1)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (1023, "1,023"),
        (2**28, "268,435,456"),
        (10**21 - 1, "999,999,999,999,999,999,999"),
        (10**21, "1.00 × 10²¹"),
        (2**784 - 1, "1.02 × 10²³⁶"),
        (2**265, "5.93 × 10⁷⁹"),
    ],
)
def test_format_count(value: int, text: str) -> None:
    assert format_count(value) == text


@given(st.integers(min_value=70, max_value=800))
def test_scientific_notation_keeps_the_exponent_exact(n: int) -> None:
    mantissa, power = format_count(2**n).split(" × 10")
    exponent = int(power.translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")))
    assert exponent == math.floor(n * math.log10(2))
    assert 1 <= float(mantissa) < 10


def test_atoms_landmark_is_the_essays_number() -> None:
    # 2^265 is about 10^80 atoms, as the essay says.
    assert math.isclose(265 * math.log10(2), 80, abs_tol=0.5)
    assert [mark.bits for mark in passed_landmarks(300)] == [28, 265]


def test_render_default_and_red_label() -> None:
    default = api.render(pixel_explosion)
    assert 'data-role="images">1,024<' in default.html
    assert "gm-px__label--over" not in default.html
    over = api.render(pixel_explosion, {"n": 28})
    assert "gm-px__label--over" in over.html
    assert "268,435,455" in over.alt


def test_render_clamps_out_of_range_input() -> None:
    frame = api.render(pixel_explosion, {"n": "5000"})
    assert f'data-role="n">{pixel_explosion.MAX_PIXELS}<' in frame.html


@pytest.mark.browser
def test_static_then_live_then_red(essay_site: Path, visit: Callable[..., Visit]) -> None:
    opened = visit(essay_site)
    page = opened.page
    figure = page.locator('[data-widget="pixel_explosion"]')
    # Complete before Python: the pre-rendered readouts are in the HTML the server sent.
    assert figure.locator('[data-role="images"]').text_content() == "1,024"
    # Nothing to share before the figure is live.
    expect(figure.get_by_role("button", name="Copy a link to this view")).to_be_hidden()
    figure.scroll_into_view_if_needed()
    box_before = figure.bounding_box()
    figure.and_(page.locator('[data-state="live"]')).wait_for(timeout=60_000)
    assert figure.bounding_box() == box_before, "going live must not move the layout"
    label = figure.locator('[data-role="bar-label"]')
    colour_before = label.evaluate("e => getComputedStyle(e).color")
    page.fill("#pixel_explosion-n", "28")
    figure.locator(".gm-px__label--over").wait_for()
    colour_after = label.evaluate("e => getComputedStyle(e).color")
    red, green, blue = (int(c) for c in colour_after[4:-1].split(","))
    assert colour_after != colour_before
    assert red > 150 and green < 100 and blue < 100, colour_after
    assert figure.locator('[data-role="parameters"]').text_content() == "268,435,455"
    # The keyboard drives the native slider too.
    page.focus("#pixel_explosion-n")
    page.keyboard.press("ArrowRight")
    expect(figure.locator('[data-role="n"]')).to_have_text("29")
    assert opened.external == []
    assert opened.errors == []


#: A 390 px phone (#32: the last ruler label ran into the figure's right edge there).
PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DEFAULT_SIZE], ids=["phone", "desktop"])
def test_the_ruler_and_its_labels_fit_the_figure(essay: Visit, viewport: ViewportSize) -> None:
    page = essay.page
    page.set_viewport_size(viewport)
    try:
        figure = live(page, "pixel_explosion")
        # Off screen the page skips rendering (content-visibility): measured on screen.
        figure.locator(".gm-px__ruler").scroll_into_view_if_needed()
        boxes = figure.evaluate(
            """root => {
              const box = (e) => { const b = e.getBoundingClientRect();
                return { left: b.left, right: b.right, top: b.top, bottom: b.bottom }; };
              return {
                figure: box(root),
                drawing: box(root.querySelector(".gm-px")),
                ruler: box(root.querySelector(".gm-px__ruler")),
                ticks: [...root.querySelectorAll(".gm-px__mark")].map(box),
                labels: [...root.querySelectorAll(".gm-px__mark span")].map((span) => ({
                  text: span.textContent, ...box(span) })),
              };
            }"""
        )
    finally:
        page.set_viewport_size(DEFAULT_SIZE)  # the shared page is left as built
    drawing, ruler = boxes["drawing"], boxes["ruler"]
    assert len(boxes["labels"]) == len(pixel_explosion.LANDMARKS)
    # Each label inside the figure's drawing (so inside its frame too), none over the next.
    for label in boxes["labels"]:
        for outer in (drawing, boxes["figure"]):
            assert outer["left"] <= label["left"] and label["right"] <= outer["right"], label
            assert outer["top"] <= label["top"] and label["bottom"] <= outer["bottom"], label
    for left, right in pairwise(boxes["labels"]):
        assert left["right"] <= right["left"], (left["text"], right["text"])
    # Each tick stands on the ruler, where its count is (not pushed by a list's indent).
    for tick, mark in zip(boxes["ticks"], pixel_explosion.LANDMARKS, strict=True):
        at = (
            ruler["left"]
            + (ruler["right"] - ruler["left"]) * mark.bits / pixel_explosion.MAX_PIXELS
        )
        assert ruler["left"] <= tick["left"] and tick["right"] <= ruler["right"], mark.label
        assert tick["left"] == pytest.approx(at, abs=1), mark.label


@pytest.mark.browser
def test_its_python_can_be_read_and_copied(essay_site: Path, browser: Browser) -> None:
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    errors: list[str] = []
    record_errors(page, errors)
    with serve(essay_site) as server:
        page.goto(server.url)
        figure = page.locator('[data-widget="pixel_explosion"]')
        code = figure.locator("details.live-figure__code")
        expect(code.locator("summary")).to_contain_text("Python")
        # Closed, nothing of the source has been fetched.
        assert not any(s.file.parent.name == "source" for s in server.log)
        code.locator("summary").click()
        expect(code.locator(".highlight .filename")).to_have_text("widgets/pixel_explosion.py")
        expect(code.locator("code")).to_contain_text("def render(state: State) -> Frame:")
        code.get_by_role("button", name="Copy widgets/pixel_explosion.py").click()
        expect(code.get_by_role("button", name="Copied")).to_be_visible()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == shipped_source(essay_site, "pixel_explosion")
    context.close()
    assert errors == []


@pytest.mark.browser
def test_keyboard_focus_shows_and_the_settled_value_is_announced(essay: Visit) -> None:
    page = essay.page
    figure = live(page, "pixel_explosion")
    slider = page.locator("#pixel_explosion-n")
    slider.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    outline = slider.evaluate(
        "e => getComputedStyle(e).outlineStyle + ' ' + e.matches(':focus-visible')"
    )
    assert outline == "solid true"
    expect(figure.locator('[data-role="n"]')).to_have_text("15")
    # One polite announcement, of the value the reader stopped on.
    announce = figure.locator(".live-figure__announce")
    expect(announce).to_have_attribute("aria-live", "polite")
    expect(announce).to_contain_text("15 binary pixels")
    assert "11 binary pixels" not in (announce.text_content() or "")


@pytest.mark.browser
def test_it_prints_with_its_values_and_without_its_machinery(essay: Visit) -> None:
    page = essay.page
    figure = live(page, "pixel_explosion")
    page.fill("#pixel_explosion-n", "28")
    expect(figure.locator('[data-role="n"]')).to_have_text("28")
    page.emulate_media(media="print")
    expect(figure.locator(".live-figure__status")).to_be_hidden()
    expect(figure.locator("details.live-figure__code")).to_be_hidden()
    expect(page.locator("#pixel_explosion-n")).to_be_hidden()
    control = figure.locator(".live-control--slider")
    expect(control).to_be_visible()
    expect(control).to_contain_text("28")


@pytest.mark.browser
def test_a_link_to_this_view_can_be_copied(essay: Visit) -> None:
    page = essay.page
    figure = live(page, "pixel_explosion")
    page.fill("#pixel_explosion-n", "28")
    figure.get_by_role("button", name="Copy a link to this view").click()
    expect(figure.get_by_role("button", name="Link copied")).to_be_visible()
    link = page.evaluate("navigator.clipboard.readText()")
    assert link == f"{essay.server.url}?pixel_explosion.n=28#figure-pixel_explosion"


@pytest.mark.browser
def test_a_reader_edits_the_python_and_runs_it(essay_site: Path, essay: Visit) -> None:
    page = essay.page
    figure = page.locator('[data-widget="pixel_explosion"]')
    expect(figure).to_have_attribute("data-state", "live", timeout=90_000)
    page.fill("#pixel_explosion-n", "22")
    expect(figure.locator(".gm-px__fill--over")).to_have_count(0)
    code = open_editor(figure)
    shipped = shipped_source(essay_site, "pixel_explosion")
    # The threshold at which the bar turns red, from 28 to 20: red at 22 now.
    edit_and_run(page, code, shipped.replace("BAR_BITS = 28", "BAR_BITS = 20"))
    expect(figure).to_have_attribute("data-run", "ok", timeout=RUN_TIMEOUT)
    expect(figure.locator(".gm-px__fill--over")).to_have_count(1)
    # A syntax error says where, marks the line, and the figure goes on as it was.
    broken = shipped.replace("def render(", "def render((")
    line = broken.splitlines().index(next(x for x in broken.splitlines() if "def render((" in x))
    edit_and_run(page, code, broken)
    expect(figure).to_have_attribute("data-run", "error", timeout=RUN_TIMEOUT)
    expect(code.locator(".live-code__error")).to_contain_text(f"Line {line + 1}: SyntaxError")
    expect(code.locator(".cm-lintRange-error")).to_have_count(1)
    page.fill("#pixel_explosion-n", "23")
    expect(figure.locator('[data-role="n"]')).to_have_text("23")
    # (Code that never finishes: test_faulty_figures.py, on a site whose run_timeout is short.)
    # Reset: the shipped source, so the bar is red only from 28 again.
    code.get_by_role("button", name="Reset").click()
    expect(figure).to_have_attribute("data-run", "ok", timeout=RUN_TIMEOUT)
    page.fill("#pixel_explosion-n", "22")
    expect(figure.locator(".gm-px__fill--over")).to_have_count(0)
    page.fill("#pixel_explosion-n", "28")
    expect(figure.locator(".gm-px__fill--over")).to_have_count(1)
    assert essay.external == []


@pytest.mark.browser
def test_an_edit_is_kept_for_its_version_only(essay_site: Path, essay: Visit) -> None:
    page = essay.page
    figure = live(page, "pixel_explosion")
    code = open_editor(figure)
    shipped = shipped_source(essay_site, "pixel_explosion")
    edit_and_run(page, code, shipped.replace("BAR_BITS = 28", "BAR_BITS = 20"))
    expect(figure).to_have_attribute("data-run", "ok", timeout=RUN_TIMEOUT)
    # After a reload the edit runs again, and the figure says it is edited.
    page.reload()
    expect(figure).to_have_attribute("data-state", "live", timeout=90_000)
    expect(figure).to_have_attribute("data-edited", "")
    page.fill("#pixel_explosion-n", "22")
    expect(figure.locator(".gm-px__fill--over")).to_have_count(1)
    code.locator("summary").click()
    code.get_by_role("button", name="Edit").click()
    expect(code.locator(".cm-content")).to_contain_text("BAR_BITS = 20")
    # An edit made on another version of the module is not run without asking; run, it fails
    # here (it draws nothing), and with no editor open the figure says so beside it.
    for choice in ("Run my edit", "Discard it"):
        page.evaluate(STORE, {"version": "older", "source": "BAR_BITS = 1"})
        page.reload()
        expect(figure).to_have_attribute("data-state", "live", timeout=90_000)
        assert figure.get_attribute("data-edited") is None
        figure.get_by_role("button", name=choice).click()
        # The answered question goes; the focus, on its button, goes to what says what next.
        expect(figure.locator(".live-figure__status")).to_be_focused()
        if choice == "Run my edit":
            expect(figure).to_have_attribute("data-run", "error", timeout=RUN_TIMEOUT)
            said = figure.get_by_role("alert").filter(has_text="The changed code failed")
            expect(said).to_contain_text("render")
            expect(figure).to_have_attribute("data-state", "live")
            # It is not the figure's edit: not marked, not run again after a restart.
            assert figure.get_attribute("data-edited") is None
    assert page.evaluate(RECALL) is None


@pytest.mark.browser
def test_editing_works_with_the_keyboard_alone(essay: Visit) -> None:
    page = essay.page
    figure = live(page, "pixel_explosion")
    code = figure.locator("details.live-figure__code")
    code.locator("summary").focus()
    page.keyboard.press("Enter")  # open the disclosure
    edit = code.get_by_role("button", name="Edit")
    expect(edit).to_be_visible()
    page.keyboard.press("Tab")
    assert edit.evaluate("e => e === document.activeElement")
    page.keyboard.press("Enter")  # the editor opens with the focus in it
    editor = code.locator(".cm-content")
    expect(editor).to_be_focused()
    expect(editor).to_have_attribute("aria-label", re.compile("Python source of pixel_explosion"))
    page.keyboard.press("ControlOrMeta+End")
    page.keyboard.insert_text("\nBAR_BITS = 20\n")
    page.keyboard.press("ControlOrMeta+Enter")
    expect(figure).to_have_attribute("data-run", "ok", timeout=RUN_TIMEOUT)
    # Tab is not kept by the editor: it moves on, to the file's copy button.
    page.keyboard.press("Tab")
    expect(editor).not_to_be_focused()
    assert page.evaluate("document.activeElement.textContent").startswith("Copy")
