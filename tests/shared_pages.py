"""The essay's page shared by the browser tests of one pytest process: Python boots once.

A test that asks for ``essay`` gets the one live page, as built: every figure live and
unedited, every control at its built value, the address without a query, nothing in storage,
screen media at the default size, and fresh lists of what goes wrong during the test alone.
Between tests the page is put back through its controls, as a reader would; a test that
edited a figure, ran code in it or left it anything but live, or left Material's search or
navigation drawer open, is followed by a reload.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ViewportSize
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from essay_site.dev.site_server import serve
from tests.conftest import BUILT_VALUE, FIGURES, Visit, all_live, open_page


@pytest.fixture(scope="session")
def essay_html(essay_site: Path) -> str:
    """The essay's page as built (its ``index.html``), read once, for tests without a browser."""
    return (essay_site / "index.html").read_text(encoding="utf-8")


#: Playwright's default page size, which the other tests' pages have.
DEFAULT_SIZE: ViewportSize = {"width": 1280, "height": 720}

#: Whether only the controls changed: every figure live and running its shipped code.
ONLY_CONTROLS_CHANGED = """() => [...document.querySelectorAll("[data-widget]")].every(
  (root) => root.dataset.state === "live" && root.dataset.edited === undefined
    && root.dataset.run === undefined && !root.querySelector(".live-code__ask"))"""

#: Every control back to its built value, one input event each, as a reader's change;
#: every code panel closed.
CONTROLS_AS_BUILT = f"""() => {{
  const built = {BUILT_VALUE};
  for (const control of document.querySelectorAll("[data-widget] input, [data-widget] select")) {{
    const key = control.type === "checkbox" ? "checked" : "value";
    const before = control[key];
    control[key] = built(control);
    if (control[key] !== before) control.dispatchEvent(new Event("input", {{ bubbles: true }}));
  }}
  document.querySelectorAll("[data-widget] details[open]").forEach((d) => {{ d.open = false; }});
}}"""


#: What each figure's picture says, and its buttons' press counts (which no reset reaches).
SHOWN = """() => [...document.querySelectorAll("[data-widget]")].map((root) => [
  root.querySelector(".live-figure__alt")?.textContent ?? "",
  ...[...root.querySelectorAll("button[name]")].map((button) => button.value),
])"""


@dataclass
class Shared:
    """The shared page, and what its figures showed when it first went live."""

    opened: Visit
    built: list[list[str]]


@pytest.fixture(scope="session")
def shared_essay(essay_site: Path, browser: Browser) -> Iterator[Shared]:
    """The essay open in one profile for the whole run (clipboard allowed, as on 127.0.0.1)."""
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    with serve(essay_site) as server:
        opened = open_page(context, server)
        all_live(opened.page, FIGURES)
        yield Shared(opened, opened.page.evaluate(SHOWN))
    context.close()


def as_built(shared: Shared) -> bool:
    """Put the controls back; whether every figure then shows what it did as built (if a
    button was pressed, it cannot)."""
    page = shared.opened.page
    if page.url.split("?")[0].split("#")[0] != shared.opened.server.url:
        return False
    if not page.evaluate(ONLY_CONTROLS_CHANGED):
        return False
    if page.locator("input.md-toggle:checked").count():
        return False  # Material's search or navigation drawer is open
    if [counts for _, *counts in page.evaluate(SHOWN)] != [c for _, *c in shared.built]:
        return False  # a button was pressed
    page.evaluate(CONTROLS_AS_BUILT)
    page.evaluate("history.replaceState(history.state, '', location.pathname)")
    try:
        said = f"built => JSON.stringify(({SHOWN})()) === JSON.stringify(built)"
        page.wait_for_function(said, arg=shared.built, timeout=10_000)
    except PlaywrightTimeoutError:
        return False
    return True


@pytest.fixture
def essay(shared_essay: Shared) -> Visit:
    """The shared essay page as built (see the module's docstring)."""
    opened = shared_essay.opened
    page = opened.page
    page.set_viewport_size(DEFAULT_SIZE)
    page.emulate_media(media="screen", color_scheme="light")
    page.evaluate("localStorage.clear()")
    opened.errors.clear()
    if not as_built(shared_essay):
        page.goto(opened.server.url)
        all_live(page, FIGURES)
    # Putting the page back is part of no test: it may not go wrong either.
    assert opened.errors == [], opened.errors
    opened.external.clear()
    return opened
