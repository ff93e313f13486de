"""A reader's code that fails or holds its sandbox, in Chromium: the figure goes on with its
own code, live, and says why (the rules themselves: tests/browser_layer/bridge.test.mjs and
sandbox.test.mjs)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from tests.conftest import (
    KEPT,
    RECALL,
    RUN_TIMEOUT,
    STORE,
    Visit,
    edit_and_run,
    frames,
    live,
    module_version,
    open_editor,
    packed,
    shipped_source,
    wait_for_frame,
)

pytestmark = pytest.mark.browser

#: Appended to an edit: once it has drawn, a timer of its own never returns.
HOLD = """

import js
from pyodide.ffi import create_proxy


def _hold():
    while True:
        pass


js.setTimeout(create_proxy(_hold), 0)
"""

#: pixel_explosion's controls as built, and an edit's: its slider renamed, and one it lacks.
BUILT_CONTROLS = 'CONTROLS = (Slider("n", "Binary pixels n", '
EXTRA = 'Slider("k", "Extra k", min=0, max=1, step=1, value=0)'
EDITED_CONTROLS = f'CONTROLS = ({EXTRA}, Slider("n", "Edited n", '


def test_an_edit_that_holds_its_sandbox_is_stopped(essay_site: Path, essay: Visit) -> None:
    page = essay.page
    figure = live(page, "pixel_explosion")
    code = open_editor(figure)
    shipped = shipped_source(essay_site, "pixel_explosion")
    # It declares controls of its own too: its slider renamed, and one the figure lacks.
    assert BUILT_CONTROLS in shipped
    edit = shipped.replace(BUILT_CONTROLS, EDITED_CONTROLS)
    edit = edit.replace("BAR_BITS = 28", "BAR_BITS = 20")
    edit_and_run(page, code, edit + HOLD)
    expect(figure).to_have_attribute("data-run", "ok", timeout=RUN_TIMEOUT)
    expect(figure).to_have_attribute("data-edited", "")
    labels = figure.locator(".live-control__label")
    expect(labels).to_have_text(["Extra k", "Edited n"])
    # The reader closes the code: what happens next is said beside the figure.
    code.locator("summary").click()
    # Its sandbox's worker now takes no request: the next one, untaken for render_timeout
    # (5 s), stops the sandbox, and the figure's own code draws (red only from 28), with its
    # own controls at the reader's value, and says why.
    page.fill("#pixel_explosion-n", "22")
    expect(figure).to_have_attribute("data-run", "error", timeout=RUN_TIMEOUT)
    said = figure.get_by_role("alert").filter(has_text="The changed code failed")
    expect(said).to_have_text(
        "The changed code failed (This code drew, then did not answer within 5 s and was"
        " stopped). The figure shows its own code."
    )
    expect(labels).to_have_text(["Binary pixels n"])
    expect(figure.locator("#pixel_explosion-n")).to_have_value("22")
    # The reader was on the edit's slider n: they are on the figure's own n now, not the page's top.
    expect(figure.locator("#pixel_explosion-n")).to_be_focused()
    expect(figure.locator('[data-role="n"]')).to_have_text("22")
    expect(figure.locator(".gm-px__fill--over")).to_have_count(0)
    assert figure.get_attribute("data-edited") is None
    expect(figure).to_have_attribute("data-state", "live")
    # Kept, it will not run by itself on the next visit (it would hold Python again).
    kept = page.evaluate(RECALL)
    assert kept["stopped"] is True and "BAR_BITS = 20" in kept["source"]
    page.evaluate(f"localStorage.removeItem('{KEPT}')")


def test_a_kept_edit_that_fails_as_the_figure_goes_live_leaves_it_live(
    essay_site: Path, essay: Visit
) -> None:
    page = essay.page
    # Made on this version, so it runs as the figure goes live; it draws nothing.
    kept = {"version": module_version(essay_site, "pixel_explosion"), "source": "BAR_BITS = 1"}
    page.evaluate(STORE, kept)
    page.reload()
    figure = page.locator('[data-widget="pixel_explosion"]')
    expect(figure).to_have_attribute("data-run", "error", timeout=RUN_TIMEOUT)
    # Its own code draws instead: live (not left loading), unmarked, and it says why.
    expect(figure).to_have_attribute("data-state", "live", timeout=RUN_TIMEOUT)
    said = figure.get_by_role("alert").filter(has_text="The changed code failed")
    expect(said).to_contain_text("its own code")
    assert figure.get_attribute("data-edited") is None


#: Appended to an edit: its import computes for seconds, so that the reader runs again while
#: it is still under way.
SLOW = """

_spent = sum(i * i for i in range(12_000_000))
"""


def test_run_again_while_a_run_is_under_way_runs_the_latest(essay_site: Path, essay: Visit) -> None:
    page = essay.page
    figure = live(page, "pixel_explosion")
    code = open_editor(figure)
    shipped = shipped_source(essay_site, "pixel_explosion")
    # A first run, to its end: the figure's sandbox is up, so the next run starts at once.
    edit_and_run(page, code, shipped.replace("BAR_BITS = 28", "BAR_BITS = 24"))
    expect(figure).to_have_attribute("data-run", "ok", timeout=RUN_TIMEOUT)
    edit_and_run(page, code, shipped.replace("BAR_BITS = 28", "BAR_BITS = 20") + SLOW)
    expect(figure).to_have_attribute("data-run", "running")
    # The reader fixes it and runs again while it computes: the fix runs once it is done.
    edit_and_run(page, code, shipped.replace("BAR_BITS = 28", "BAR_BITS = 22"))
    expect(figure).to_have_attribute("data-run", "ok", timeout=RUN_TIMEOUT)
    kept = page.evaluate(RECALL)
    assert "BAR_BITS = 22" in kept["source"], "the reader's latest code did not run"
    # What the figure draws is the fix's: red from 22 (not 20, nor 24).
    before = frames(figure)
    page.fill("#pixel_explosion-n", "21")
    wait_for_frame(figure, before)
    expect(figure.locator(".gm-px__fill--over")).to_have_count(0)
    page.fill("#pixel_explosion-n", "22")
    expect(figure.locator(".gm-px__fill--over")).to_have_count(1)
    # The slow edit's outcome, of code since changed, is told nowhere.
    expect(figure.get_by_role("alert").filter(has_text=re.compile(r"\S"))).to_have_count(0)


#: Appended to an edit that adds the slider k: the picture's description says k's value.
SAYS_K = """

_drawn = render


def render(state):
    frame = _drawn(state)
    return Frame(frame.html, f"k is {state['k']}. " + frame.alt, frame.layers)
"""


#: An edit in which the slider n is a checkbox (a control of another kind under the same name),
#: whose picture's description says n's value.
N_TOGGLED = """from essay_site.figures.api import Frame, Toggle

CONTROLS = (Toggle("n", "Edited n"),)


def render(state):
    return Frame("<p>n</p>", f"n is {state['n']}.", ())
"""


def test_an_edits_controls_show_what_its_picture_was_drawn_with(
    essay_site: Path, essay: Visit
) -> None:
    # As a link's view (or a reload with a kept edit) carries it: k=1, for a slider only the
    # edit declares. The edit draws first with k's default; then k moves to 1, and it redraws.
    page = essay.page
    page.evaluate("history.replaceState(null, '', '?pixel_explosion.k=1')")
    figure = live(page, "pixel_explosion")
    code = open_editor(figure)
    shipped = shipped_source(essay_site, "pixel_explosion")
    assert BUILT_CONTROLS in shipped and "\nfrom essay_site.figures.api import" in shipped
    edit_and_run(page, code, shipped.replace(BUILT_CONTROLS, EDITED_CONTROLS) + SAYS_K)
    expect(figure).to_have_attribute("data-run", "ok", timeout=RUN_TIMEOUT)
    expect(figure.locator("#pixel_explosion-k")).to_have_value("1")
    expect(figure.locator(".live-figure__alt")).to_contain_text("k is 1.")
    # The address keeps it, the control being the figure's now, as it follows the next move.
    page.fill("#pixel_explosion-n", "22")
    page.wait_for_url(re.compile(r"pixel_explosion\.n=22"))
    assert "pixel_explosion.k=1" in page.url
    # n becomes a checkbox. Python reads the slider's 22 as on; the page, as from a link, as
    # off ("1" only). The picture is drawn again as the checkbox shows it.
    edit_and_run(page, code, N_TOGGLED)
    toggled = figure.locator("#pixel_explosion-n")
    expect(toggled).to_have_attribute("type", "checkbox", timeout=RUN_TIMEOUT)
    expect(toggled).not_to_be_checked()
    expect(figure.locator(".live-figure__alt")).to_have_text("n is False.")


def test_a_links_code_run_while_a_kept_edit_replays_runs_after_it(
    essay_site: Path, essay: Visit
) -> None:
    # The reader kept an edit (slow to import); a link now carries other code for the figure.
    page = essay.page
    version = module_version(essay_site, "pixel_explosion")
    shipped = shipped_source(essay_site, "pixel_explosion")
    kept = {"version": version, "source": shipped.replace("BAR_BITS = 28", "BAR_BITS = 20") + SLOW}
    page.evaluate(STORE, kept)
    linked = shipped.replace("BAR_BITS = 28", "BAR_BITS = 22")
    fields = {"edit": "pixel_explosion", "version": version, "code": packed(linked)}
    page.goto(f"{essay.server.url}?reader#{urlencode(fields)}")
    figure = page.locator('[data-widget="pixel_explosion"]')
    # The kept edit replays as the figure goes live; "Run it" is pressed while it runs.
    expect(figure).to_have_attribute("data-run", "running", timeout=90_000)
    figure.get_by_role("button", name="Run it").click()
    # The kept edit's outcome comes first, and is not the end: the link's code then runs.
    expect(figure).to_have_attribute("data-run", "ok", timeout=RUN_TIMEOUT)
    expect(figure).to_have_attribute("data-edited", "link")
    # What it draws is the link's: red from 22, not from the kept edit's 20.
    live(page, "pixel_explosion")
    before = frames(figure)
    page.fill("#pixel_explosion-n", "21")
    wait_for_frame(figure, before)
    expect(figure.locator(".gm-px__fill--over")).to_have_count(0)
