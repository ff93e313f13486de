"""Python's runtime on its way to the reader, from a site whose server can fail it: a file
that arrives broken ends in an error naming it at once, a slow link shows the bytes and never
fails, a download that stalls ends in the worker's error (6 s of silence on this site), a slow
computer (a start-up step that computes for 10 s) goes live, and a start-up that never ends is
stopped by the page's watchdog (25 s of the worker saying nothing on this site).

In offline headless Chromium (``CHROMIUM_ARGS``), each test in a fresh profile.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import expect

from essay_site.dev.site_server import BUSY_SECONDS, Fault
from tests.conftest import Visit

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("path", "fault", "says"),
    [
        # Pyodide itself only warns of these and waits: the worker sees them arrive.
        ("pyodide.asm.wasm", "wrong-type", "pyodide.asm.wasm came as text/plain"),
        ("pyodide.asm.wasm", "corrupt", "pyodide.asm.wasm arrived cut short"),
        ("pyodide.asm.wasm", "missing", "pyodide.asm.wasm could not be downloaded (HTTP 404)"),
        ("python_stdlib.zip", "corrupt", "python_stdlib.zip arrived cut short"),
        ("pyodide.asm.js", "missing", "pyodide.asm.js"),
        ("pyodide.mjs", "missing", "pyodide.mjs"),
        ("worker.js", "missing", "the Python worker failed"),
    ],
)
def test_broken_runtime_ends_in_error_not_a_hang(
    fault_site: Path, visit: Callable[..., Visit], path: str, fault: Fault, says: str
) -> None:
    opened = visit(fault_site, {path: fault})
    figures = opened.page.locator("[data-widget]")
    for index in range(figures.count()):
        figure = figures.nth(index)
        # The error names the file, at once: not the watchdog's "said nothing", which comes
        # after the site's busy_timeout (25 s) and bounds even a runtime that hangs.
        expect(figure).to_have_attribute("data-state", "error", timeout=60_000)
        status = figure.locator(".live-figure__status")
        expect(status).to_have_attribute("role", "alert")
        expect(status).to_contain_text(says)
        expect(figure.locator(".live-figure__output")).not_to_be_empty()
    assert opened.external == []


def test_a_slow_link_shows_bytes_and_never_fails(
    fault_site: Path, visit: Callable[..., Visit]
) -> None:
    # 10 Mbps for the 10 MB runtime: about 8 s, beyond the site's 6 s without progress.
    opened = visit(fault_site, {"pyodide.asm.wasm": "slow"})
    page = opened.page
    good = page.locator('[data-widget="pixel_explosion"]')
    status = good.locator(".live-figure__status span")
    expect(status).to_contain_text(re.compile(r"Loading Python: \d+\.\d of \d+\.\d MB"))
    seen = set()
    # The fault site's fails_in_browser ends in error by design; no other figure may.
    others = page.locator('[data-state="error"]:not([data-widget="fails_in_browser"])')
    while good.get_attribute("data-state") != "live":
        assert others.count() == 0, status.text_content()
        seen.add(status.text_content())
        page.wait_for_timeout(500)
    assert len(seen) > 5  # the count moved on
    assert opened.external == []


def test_a_stalled_download_still_ends_in_error(
    fault_site: Path, visit: Callable[..., Visit]
) -> None:
    opened = visit(fault_site, {"pyodide.asm.wasm": "stall"})
    good = opened.page.locator('[data-widget="pixel_explosion"]')
    expect(good).to_have_attribute("data-state", "error", timeout=60_000)
    expect(good.locator(".live-figure__status")).to_contain_text(
        "pyodide.asm.wasm stopped arriving (nothing for 6 s)"
    )


def test_a_slow_computer_is_not_a_stall(fault_site: Path, visit: Callable[..., Visit]) -> None:
    # Pyodide's loader computes for 10 s before Python starts (a slow computer's step): well
    # beyond the 6 s of network silence that mean a stall, well within the 25 s of a hang.
    opened = visit(fault_site, {"pyodide.asm.js": "busy"})
    good = opened.page.locator('[data-widget="pixel_explosion"]')
    expect(good).to_have_attribute("data-state", "live", timeout=120_000)
    took = opened.page.evaluate("performance.now()") / 1000
    assert took > BUSY_SECONDS, f"live after {took:.1f} s: the busy fault did not apply"
    # The fault site's fails_in_browser ends in error by design; no other figure may.
    others = opened.page.locator('[data-state="error"]:not([data-widget="fails_in_browser"])')
    assert others.count() == 0
    assert opened.external == []


def test_a_start_up_that_never_ends_is_stopped(
    fault_site: Path, visit: Callable[..., Visit]
) -> None:
    opened = visit(fault_site, {"pyodide.asm.js": "hang"})
    good = opened.page.locator('[data-widget="pixel_explosion"]')
    expect(good).to_have_attribute("data-state", "error", timeout=120_000)
    expect(good.locator(".live-figure__status")).to_contain_text(
        "Python's start-up said nothing for 25 s and was stopped"
    )
    expect(good.locator(".live-figure__output")).not_to_be_empty()
