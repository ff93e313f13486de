"""Two sites on one origin, as GitHub Pages serves an account's project sites (/a/ and /b/).

Each site keeps its offline copy, its Python snapshot and its readers' edits under names that
carry its scope (its root's path), and never touches another's: not when it updates, not
when it retires its offline copy.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from essay_site.dev.site_server import serve
from tests.conftest import all_live, built, edit_and_run, live, open_editor
from tests.test_offline_reading import SAVED, reader, versioned

pytestmark = pytest.mark.browser

OFF = "  - offline_reading:\n      enabled: false"

#: This origin's service workers, by the path of their scope.
REGISTRATIONS = """async () => (await navigator.serviceWorker.getRegistrations())
  .map((r) => new URL(r.scope).pathname).sort()"""


#: A reader's edit of the test site's figure.
EDIT = """from essay_site.figures.api import Frame
CONTROLS = ()
def render(state):
    return Frame('<p class="built">edited on a</p>', 'edited')
"""


def offline_caches(page: Page) -> list[str]:
    """The origin's saved site versions, by name ("offline-reading <scope> <version>")."""
    names: list[str] = page.evaluate("caches.keys()")
    return sorted(name.rpartition(" ")[0] for name in names if name.startswith("offline-"))


def place(site: Path, root: Path, scope: str) -> None:
    """Publish a built site under ``/<scope>/`` of the origin's folder, replacing what was."""
    shutil.rmtree(root / scope, ignore_errors=True)
    shutil.copytree(site, root / scope)


def test_two_sites_on_one_origin_keep_to_their_own(tmp_path: Path, browser: Browser) -> None:
    builds = {name: tmp_path / "builds" / name for name in ("one", "two", "off")}
    built(versioned(tmp_path, "one"), builds["one"])
    built(versioned(tmp_path, "two"), builds["two"])
    built(versioned(tmp_path, "off", OFF), builds["off"])
    root = tmp_path / "origin"
    place(builds["one"], root, "a")
    place(builds["one"], root, "b")
    with reader(browser) as opened:
        page = opened.page
        with serve(root) as server:
            # Each site saves its copy; a reader's edit on /a/ is /a/'s alone.
            page.goto(f"{server.url}a/")
            expect(page.locator(SAVED)).to_be_visible(timeout=120_000)
            figure = live(page, "versioned")
            edit_and_run(page, open_editor(figure), EDIT)
            expect(figure.locator(".built")).to_have_text("edited on a", timeout=20_000)
            stored = page.evaluate("Object.keys(localStorage)")
            assert stored == ["figures /a/ edit versioned"], stored
            page.goto(f"{server.url}b/")
            expect(page.locator(SAVED)).to_be_visible(timeout=120_000)
            all_live(page, 1)
            expect(page.locator(".built")).to_have_text("figure one")
            assert page.locator('[data-widget="versioned"]').get_attribute("data-edited") is None
            assert offline_caches(page) == ["offline-reading /a/", "offline-reading /b/"]
            # /a/ updates: its old copy goes, /b/'s stays.
            place(builds["two"], root, "a")
            page.goto(f"{server.url}a/")
            prompt = page.get_by_role("button", name="Reload")
            expect(prompt).to_be_visible(timeout=120_000)
            prompt.click()
            expect(page.locator("article")).to_contain_text("Text two.", timeout=30_000)
            expect(page.locator(SAVED)).to_be_visible(timeout=60_000)
            assert offline_caches(page) == ["offline-reading /a/", "offline-reading /b/"]
            # /a/ turns offline reading off: its worker and copy go, /b/'s stay.
            place(builds["off"], root, "a")
            page.reload()
            # The browser checks the worker on navigation; the retiring one cleans up and leaves.
            # In Chromium that waits while requests keep the old worker busy (this page, from
            # the saved copy, boots its Python through it): 30 s was too short in two unloaded
            # full runs of about 20, once with offline.js asking for the update. A ceiling.
            for _ in range(1200):
                if page.evaluate(REGISTRATIONS) == ["/b/"] and len(offline_caches(page)) == 1:
                    break
                page.wait_for_timeout(100)
            assert page.evaluate(REGISTRATIONS) == ["/b/"]
            assert offline_caches(page) == ["offline-reading /b/"]
            # The reader leaves /a/ before the server goes: its page, still loading (its Python,
            # its new snapshot), would otherwise see its server vanish mid-request.
            page.goto("about:blank")
        # The server is gone: /b/ reads from its own copy, its figure live.
        page.goto(f"{server.url}b/")
        expect(page.locator(SAVED)).to_have_text("Available offline")
        all_live(page, 1)
        expect(page.locator(".built")).to_have_text("figure one")
        assert opened.errors == []
