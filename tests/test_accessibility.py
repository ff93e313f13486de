"""axe-core, the engine behind browsers' accessibility audits, on every page and scheme.

Each page is checked as built (the figures' script held back, so they stay static) and
with every figure live, in Material's light and dark palettes, on a desktop and a phone.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from essay_site.assets import cache_dir, npm_package
from essay_site.dev.site_server import serve
from essay_site.pins import AXE_CORE
from tests.conftest import Visit

pytestmark = pytest.mark.browser

#: Every rule axe runs by default, plus touch-target size (WCAG 2.2 AA: 24 by 24 px).
OPTIONS = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}


@pytest.fixture(scope="session")
def axe() -> str:
    """axe-core's script, from its pinned npm package."""
    return (npm_package(AXE_CORE, cache_dir()) / "axe.min.js").read_text(encoding="utf-8")


def violations(page: Page, axe: str) -> list[str]:
    """What axe finds on the page as it stands: rule, impact and the first few elements."""
    # axe measures layout (contrast, target spacing); a reader sees each part laid out once it
    # is on screen, so lay out the parts that content-visibility skips while off screen.
    page.evaluate(
        "() => document.querySelectorAll('.md-content__inner > *')"
        ".forEach(part => { part.style.contentVisibility = 'visible'; })"
    )
    page.evaluate(axe)  # through the driver: the page's CSP allows no injected script
    found: list[dict[str, object]] = page.evaluate(
        "options => axe.run(document, options).then(result => result.violations.map("
        "v => ({rule: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map("
        "n => n.target.join(' ') + ': ' + n.failureSummary)})))",
        OPTIONS,
    )
    page.evaluate(  # as it was: the page may be shared with other tests
        "() => document.querySelectorAll('.md-content__inner > *')"
        ".forEach(part => { part.style.contentVisibility = ''; })"
    )
    return [json.dumps(violation) for violation in found]


#: Each scheme a reader may prefer, and the palette Material shows for it.
PALETTES = {"light": "default", "dark": "slate"}


def palette_of(page: Page) -> str:
    """The Material palette the page shows."""
    palette: str = page.evaluate("() => document.body.dataset.mdColorScheme")
    return palette


@pytest.mark.parametrize("scheme", PALETTES)
@pytest.mark.parametrize(
    "path", ["", "notebooks/models-up-close/"], ids=["essay-as-built", "notebook"]
)
def test_axe_finds_nothing_as_built(
    essay_site: Path, browser: Browser, axe: str, scheme: str, path: str
) -> None:
    # The figures' script held back: what a reader has before Python, or without scripts.
    context = browser.new_context(color_scheme=scheme, viewport=DESKTOP)  # type: ignore[arg-type]
    page = context.new_page()
    page.route("**/figures.js", lambda route: route.abort())
    with serve(essay_site) as server:
        page.goto(server.url + path)
        assert palette_of(page) == PALETTES[scheme]
        assert violations(page, axe) == []
    context.close()


#: Material's toggle, named for where it goes.
TOGGLE = {"dark": "Switch to dark mode", "light": "Switch to light mode"}


def switch_to(page: Page, scheme: str) -> None:
    """Material's palette switched to ``scheme``'s by its toggle, as a reader would."""
    if palette_of(page) != PALETTES[scheme]:
        page.locator(f'label[title="{TOGGLE[scheme]}"]').click()
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", PALETTES[scheme])


@pytest.mark.parametrize("scheme", PALETTES)
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_axe_finds_nothing_live(
    essay: Visit, axe: str, scheme: str, viewport: ViewportSize
) -> None:
    # Every figure live, on the shared page: its size set, and its palette switched there.
    essay.page.set_viewport_size(viewport)
    # Material eases colours from one palette to the other, and an off-screen part of the
    # page (content-visibility) only starts easing once axe reads it: measured mid-way, its
    # text is neither palette's. The check is of the palettes, so without the easing.
    still = essay.page.add_style_tag(
        content="*, ::before, ::after { transition: none !important; }"
    )
    switch_to(essay.page, scheme)
    try:
        assert violations(essay.page, axe) == []
    finally:
        switch_to(essay.page, "light")  # the shared page is left as built
        still.evaluate("(style) => style.remove()")
