"""The saved copy is served only as built (issue #31): a file of it that a script of the site's
origin overwrote in Cache Storage (a reader's Python can, through run_js) is never served.
Online the service worker fetches it again; offline it answers with an error and the header
says the copy is damaged; the next visit online saves the file again.

End to end in Chromium; the rules in detail are tests/browser_layer/sw.test.mjs.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from essay_site.dev.site_server import serve
from tests.conftest import built
from tests.test_offline_reading import SAVED, reader, versioned

ALTERED = "Altered by a script of this origin"

#: Overwrite one file of the saved copy, as any script of the origin can.
ALTER = """async ([path, text]) => {
  const names = await caches.keys();
  const cache = await caches.open(names.find((name) => name.startsWith("offline-reading ")));
  const headers = { "Content-Type": "text/html; charset=utf-8" };
  await cache.put(new URL(path, location.href).href, new Response(text, { headers }));
}"""

#: What the saved copy holds for a file, as text (null if nothing).
HELD = """async (path) => {
  const saved = await caches.match(new URL(path, location.href).href);
  return saved ? saved.text() : null;
}"""


@pytest.mark.browser
def test_an_altered_saved_file_is_never_served(tmp_path: Path, browser: Browser) -> None:
    site = built(versioned(tmp_path, "one"), tmp_path / "site")
    as_built = (site / "index.html").read_text(encoding="utf-8")
    altered = f"<h1>{ALTERED}</h1>"
    with reader(browser) as opened, serve(site) as server:
        page = opened.page
        page.goto(server.url)
        expect(page.locator(SAVED)).to_be_visible(timeout=120_000)
        # Online, the built page comes back, and is saved again.
        page.evaluate(ALTER, ["index.html", altered])
        page.reload()
        expect(page.locator("article")).to_contain_text("Text one.")
        assert ALTERED not in page.content()
        assert page.evaluate(HELD, "index.html") == as_built
        expect(page.locator(SAVED)).to_be_visible()

        # Offline, long after the visit (the browser's HTTP cache no longer has the page): a
        # second tab opens the altered page, and gets an error; the first one's header says so.
        page.evaluate(ALTER, ["index.html", altered])
        opened.context.new_cdp_session(page).send("Network.clearBrowserCache")
        opened.context.set_offline(True)
        other = opened.context.new_page()
        response = other.goto(server.url)
        assert response is not None
        assert response.status == 503
        assert ALTERED not in other.content()
        expect(other.locator("body")).to_contain_text("will be saved again when you are online")
        status = page.locator(".offline-reading")
        expect(status).to_have_text(
            "The saved copy is damaged; it will be saved again when you are online."
        )
        assert page.evaluate(HELD, "index.html") is None

        # The next visit online saves it again.
        opened.context.set_offline(False)
        other.goto(server.url)
        expect(other.locator("article")).to_contain_text("Text one.")
        assert ALTERED not in other.content()
        assert page.evaluate(HELD, "index.html") == as_built
        assert opened.errors == []
