"""Figures that fail, hang or never finish, beside good ones (conftest.py's ``fault_site``):
each says why in place and keeps its last picture, and the others stay live. The watches'
rules themselves: tests/browser_layer/bridge.test.mjs and sandbox.test.mjs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import (
    RECALL,
    RUN_TIMEOUT,
    STORE,
    WATCH_RESTARTS,
    Visit,
    edit_and_run,
    module_version,
    open_editor,
    shipped_source,
)

pytestmark = pytest.mark.browser


def test_one_broken_figure_leaves_the_others_live(
    fault_site: Path, visit: Callable[..., Visit]
) -> None:
    opened = visit(fault_site)
    page = opened.page
    broken = page.locator('[data-widget="fails_in_browser"]')
    expect(broken).to_have_attribute("data-state", "error", timeout=60_000)
    expect(broken.locator(".live-figure__status")).to_contain_text("breaks in the browser")
    expect(broken.locator(".prerendered")).to_be_visible()
    good = page.locator('[data-widget="pixel_explosion"]')
    expect(good).to_have_attribute("data-state", "live")
    page.fill("#pixel_explosion-n", "30")
    expect(good.locator('[data-role="n"]')).to_have_text("30")
    raising = page.locator('[data-widget="raises_on_input"]')
    expect(raising).to_have_attribute("data-state", "live")
    page.fill("#raises_on_input-k", "2")
    expect(raising).to_have_attribute("data-state", "error")
    expect(raising.locator(".live-figure__status")).to_contain_text("k=2 is too much")
    expect(raising.locator(".calm")).to_be_visible()
    # The figure recovers when the reader goes back to a state it can draw.
    page.fill("#raises_on_input-k", "0")
    expect(raising).to_have_attribute("data-state", "live")
    assert opened.external == []
    # The two faults were reported (console), and nothing else went wrong.
    assert opened.errors, "the faults were not reported"
    assert all("Figure" in error for error in opened.errors), opened.errors


def test_a_figure_or_an_edit_that_hangs_is_stopped_and_the_others_go_on(
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
    expect(stuck.locator(".live-figure__status > span")).to_have_text(
        "This figure could not run: it did not answer within 5 s, so Python was restarted"
        " without it. The picture shows its last state."
    )
    expect(stuck.locator(".calm")).to_be_visible()
    # The other figures restart in a new worker, in the state their controls show.
    expect(good).to_have_attribute("data-state", "live", timeout=60_000)
    expect(good.locator('[data-role="n"]')).to_have_text("30")
    page.fill("#pixel_explosion-n", "31")
    expect(good.locator('[data-role="n"]')).to_have_text("31")
    # An edit that never finishes is stopped at run_timeout (7 s) in its own sandbox (no figure
    # goes back to loading); the last edit that drew runs again, and stays the one kept.
    page.evaluate(WATCH_RESTARTS)
    code = open_editor(good)
    drew = shipped_source(fault_site, "pixel_explosion").replace("BAR_BITS = 28", "BAR_BITS = 20")
    edit_and_run(page, code, drew)
    expect(good).to_have_attribute("data-run", "ok", timeout=RUN_TIMEOUT)
    edit_and_run(page, code, drew.replace('    n = int(state["n"])', "    while True: pass"))
    for outcome in ("error", "ok"):  # the runaway, then the last good edit run again
        expect(good).to_have_attribute("data-run", outcome, timeout=RUN_TIMEOUT)
    expect(code.locator(".live-code__error")).to_contain_text("did not finish within 7 s")
    assert page.evaluate(RECALL)["source"] == drew
    page.fill("#pixel_explosion-n", "32")
    expect(good.locator('[data-role="n"]')).to_have_text("32")
    expect(good).to_have_attribute("data-state", "live")
    expect(stuck).to_have_attribute("data-state", "error")
    assert page.evaluate("window.restarted") == []
    # A kept edit that never finishes as the figure goes live is stopped at run_timeout, and
    # marked: the next visit asks before running it again, instead of waiting on it again.
    version = module_version(fault_site, "pixel_explosion")
    runaway = {"version": version, "source": "while True: pass"}
    page.evaluate(STORE, runaway)
    page.reload()
    expect(good).to_have_attribute("data-run", "running", timeout=60_000)
    expect(good).to_have_attribute("data-run", "error", timeout=RUN_TIMEOUT)
    said = good.get_by_role("alert").filter(has_text="The changed code failed")
    expect(said).to_contain_text("did not finish within 7 s")
    expect(good).to_have_attribute("data-state", "live", timeout=RUN_TIMEOUT)
    assert page.evaluate(RECALL) == {**runaway, "stopped": True}
    page.reload()
    expect(good).to_have_attribute("data-state", "live", timeout=60_000)
    asks = good.get_by_text("Your edit of this figure's Python was stopped the last time it ran.")
    expect(asks).to_be_visible()
    assert good.get_attribute("data-run") is None, "it did not run again unasked"
    assert opened.external == []
