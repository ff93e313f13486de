"""axe-core, the engine behind browsers' accessibility audits, on every page and scheme.

Each page is checked as built (the figures' script held back, so they stay static) and
with every figure live, in Material's light and dark palettes, on a desktop and a phone.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from essay_site.assets import cache_dir, npm_package
from essay_site.dev.site_server import serve
from essay_site.pins import AXE_CORE
from tests.conftest import all_live

pytestmark = pytest.mark.browser

#: Every rule axe runs by default, plus touch-target size (WCAG 2.2 AA: 24 by 24 px).
OPTIONS = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


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
    return [json.dumps(violation) for violation in found]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(
    ("path", "live", "viewport"),
    [
        ("", False, DESKTOP),
        ("", True, DESKTOP),
        ("", True, PHONE),
        ("notebooks/models-up-close/", False, DESKTOP),
    ],
    ids=["essay-as-built", "essay-live", "essay-live-phone", "notebook"],
)
def test_axe_finds_nothing(
    essay_site: Path,
    browser: Browser,
    axe: str,
    scheme: str,
    path: str,
    live: bool,
    viewport: dict[str, int],
) -> None:
    context = browser.new_context(color_scheme=scheme, viewport=viewport)  # type: ignore[arg-type]
    page = context.new_page()
    if not live:
        page.route("**/figures.js", lambda route: route.abort())
    with serve(essay_site) as server:
        page.goto(server.url + path)
        if live:
            all_live(page, 6)
        assert page.evaluate("() => document.body.dataset.mdColorScheme") == (
            "slate" if scheme == "dark" else "default"
        )
        assert violations(page, axe) == []
    context.close()
