"""Offline reading: the service worker keeps the site, updates whole, and stays out of the way.

End to end in Chromium: a first visit saves everything, and makes a memory snapshot once the
reader pauses; the second, with the network off and the server gone, reads every page with
every figure live, its Python started from that snapshot; a bad snapshot means a normal boot;
a new build replaces the old one whole, and a build without offline reading removes it; from
disk the page reads with one notice. (A slow or stalled download: test_runtime_download.py.)
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Request, expect

from essay_site.dev.site_server import serve
from tests.conftest import (
    FIGURES,
    RUN_TIMEOUT,
    all_live,
    built,
    edit_and_run,
    live,
    make_project,
    module_version,
    open_editor,
    packed,
    record_errors,
    shipped_source,
)

SAVED = '.offline-reading[data-offline="saved"]'
#: Every page of the essay, and how many figures it has ("" is the essay itself).
PAGES = {"notebooks/models-up-close/": 0, "": FIGURES}


@dataclass
class Reader:
    """One browser profile, with every failed network request and console error it met."""

    context: BrowserContext
    page: Page
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@contextmanager
def reader(browser: Browser) -> Iterator[Reader]:
    """A fresh profile (no request routing: it would hide the service worker's traffic)."""
    context = browser.new_context()
    page = context.new_page()
    opened = Reader(context, page)
    record_errors(page, opened.errors)

    def failed(request: Request) -> None:
        # Only what the saved copy failed to answer: not a load the browser itself cancelled
        # (ERR_ABORTED: a page left, under load, before its search index arrived), nor a blob:
        # (in memory; CI's Chromium once saw a sandbox's aborted, its run done all the same).
        if request.url.startswith(("http:", "https:")) and request.failure != "net::ERR_ABORTED":
            opened.failed.append(f"{request.url}: {request.failure}")

    page.on("requestfailed", failed)
    try:
        yield opened
    finally:
        context.close()


#: The names of the site's caches, served at the root of a test server (its scope is "/").
OFFLINE = "offline-reading / "


def cache_names(page: Page) -> list[str]:
    """The caches of saved site versions (the memory snapshot has its own)."""
    names: list[str] = page.evaluate("caches.keys()")
    return [name for name in names if name.startswith(OFFLINE)]


#: What the page's console says when Python starts from the memory snapshot.
STARTED = "Python started from this browser's memory snapshot."
#: The snapshot's cache, for a site at the root of a test server, with Pyodide 0.27.7.
SNAPSHOTS = "figures / snapshot 0.27.7"

#: The stored snapshot's size (0 if none), given the snapshots' cache.
SNAPSHOT_SIZE = """async (name) => {
  const cache = await caches.open(name);
  const [key] = await cache.keys();
  return key ? (await (await cache.match(key)).arrayBuffer()).byteLength : 0;
}"""


def snapshot_size(page: Page, more_than: int = 0) -> int:
    """The stored snapshot's size, once there is one larger than ``more_than`` bytes."""
    for _ in range(600):
        size: int = page.evaluate(SNAPSHOT_SIZE, SNAPSHOTS)
        if size > more_than:
            return size
        page.wait_for_timeout(100)
    raise AssertionError("no memory snapshot was made")


@pytest.mark.browser
def test_second_visit_with_the_network_off_reads_everything(
    essay_site: Path, browser: Browser
) -> None:
    # The returning reader's Python starts from the memory snapshot the first visit made.
    with reader(browser) as opened:
        page = opened.page
        infos: list[str] = []
        page.on("console", lambda message: infos.append(message.text))
        with serve(essay_site) as server:
            page.goto(server.url)
            all_live(page, FIGURES)
            # While the reader is at work (a render at least every few seconds), no snapshot is
            # made: the throwaway interpreter waits for 5 s without one.
            label = page.locator('[data-widget="pixel_explosion"] [data-role="n"]')
            at_work = time.monotonic() + 8
            while time.monotonic() < at_work:
                for n in ("20", "30"):
                    page.fill("#pixel_explosion-n", n)
                    expect(label).to_have_text(n)
            assert page.evaluate(SNAPSHOT_SIZE, SNAPSHOTS) == 0
            # "Saving" may come and go between two looks, when the files are already at hand.
            expect(page.locator(".offline-reading")).to_contain_text(
                re.compile("Saving|Available offline"), timeout=60_000
            )
            expect(page.locator(SAVED)).to_have_text("Available offline", timeout=120_000)
            # What was saved is what the build listed, and it stays within the site's size.
            listed = manifest(essay_site)
            sizes = page.evaluate(
                """async () => {
                     const names = await caches.keys();
                     const cache = await caches.open(names.find((n) => n.startsWith("offline-")));
                     const sizes = [];
                     for (const request of await cache.keys())
                       sizes.push((await (await cache.match(request)).arrayBuffer()).byteLength);
                     return sizes;
                   }"""
            )
            assert len(sizes) == len(listed["files"])
            assert sum(sizes) == sum(int(f["size"]) for f in listed["files"])
            url = server.url
            # The first visit's last job: the memory snapshot its Python will start from.
            assert snapshot_size(page) > 1_000_000
            assert not any("memory snapshot" in text for text in infos)
        # The server is gone and the browser is offline: only the saved copy can answer. The
        # essay is opened from a shared edit's link, which works offline too: its code is in
        # the address, the shipped module it is compared with is in the saved copy.
        opened.context.set_offline(True)
        name = "pixel_explosion"
        edited = shipped_source(essay_site, name).replace("BAR_BITS = 28", "BAR_BITS = 20")
        fields = {"edit": name, "version": module_version(essay_site, name)}
        fields["code"] = packed(edited)
        link = f"?{name}.n=24#{urlencode(fields)}"
        for path, figures in PAGES.items():
            page.goto(url + (path or link))
            expect(page.locator("h1")).to_be_visible()
            expect(page.locator(SAVED)).to_have_text("Available offline")
            all_live(page, figures)
        expect(page.locator('math[display="block"]').first).to_be_visible()
        assert STARTED in infos
        figure = live(page, name)
        expect(label).to_have_text("24")
        notice = figure.get_by_role("note")
        notice.get_by_role("button", name="Show it").click()
        expect(notice.locator("pre")).to_contain_text("+ BAR_BITS = 20")
        started = infos.count(STARTED)  # the site's worker's
        notice.get_by_role("button", name="Run it").click()
        expect(figure).to_have_attribute("data-run", "ok", timeout=RUN_TIMEOUT)
        expect(figure.locator('[data-role="bar-label"]')).to_have_class(re.compile("--over"))
        # The link's code ran in a sandbox, which started from the same snapshot, handed to it.
        assert infos.count(STARTED) == started + 1, [text for text in infos if "snapshot" in text]
        assert opened.failed == []
        assert opened.errors == []
        assert len(cache_names(page)) == 1


@pytest.mark.browser
def test_a_file_that_cannot_be_saved_stops_the_saving(essay_site: Path, browser: Browser) -> None:
    # 404.html is the first file saved, and the page itself never asks for it or for the
    # editor (loaded on a reader's first Edit), which stalls half-way.
    with reader(browser) as opened, serve(essay_site) as server:
        server.faults.update({"404.html": "missing", "editor.js": "stall"})
        page = opened.page
        page.goto(server.url)
        status = page.locator(".offline-reading")
        expect(status).to_contain_text("Could not save for offline reading", timeout=60_000)
        # Nothing more is downloaded for a version that cannot be whole (the stalled file is
        # let go), and no late progress message hides the failure.
        page.wait_for_timeout(2_000)
        expect(status).to_contain_text("Could not save for offline reading")
        assert not any(served.file.parent.name == "models-up-close" for served in server.log)
        assert cache_names(page) == []
        all_live(page, FIGURES)
        assert opened.errors == []


@pytest.mark.browser
def test_with_data_saver_on_it_saves_only_on_request(one_figure: Path, browser: Browser) -> None:
    with reader(browser) as opened, serve(one_figure) as server:
        page = opened.page
        page.add_init_script(
            "Object.defineProperty(navigator, 'connection', {value: {saveData: true}})"
        )
        page.goto(server.url)
        all_live(page, 1)
        button = page.get_by_role("button", name="Save for offline reading")
        expect(button).to_be_visible()
        registrations = "async () => (await navigator.serviceWorker.getRegistrations()).length"
        assert page.evaluate(registrations) == 0
        assert not any(served.file.name == "sw.js" for served in server.log)
        button.click()
        expect(page.locator(SAVED)).to_have_text("Available offline", timeout=120_000)
        assert page.evaluate(registrations) == 1
        assert opened.errors == []


#: Bad snapshots, each whole and with Pyodide's mark, by the sha256 recorded for it ("own":
#: its own), and what the worker says of it: one from another build (only Pyodide can tell);
#: one whose recorded sha256 is not its own (not this browser's). Each other way a stored one
#: can be wrong is tested under Node (tests/browser_layer/restore.test.mjs).
SNAPSHOT = "(() => { const b = new Uint8Array(20971664); b.set([0, 115, 110, 112]); return b; })()"
REFUSED = "The memory snapshot was refused; starting Python afresh."
NOT_OURS = "The memory snapshot is not the one this browser made; starting Python afresh."
BAD_SNAPSHOTS = {"foreign": ("own", REFUSED), "tampered": ("0" * 64, NOT_OURS)}


#: Puts a snapshot of zeros after Pyodide's mark in the cache named, signed with its own
#: sha256 ("own", as this browser's would be) or the one given.
PLANT = f"""async ([name, signed]) => {{
  const cache = await caches.open(name);
  const key = new URL("assets/pyodide/memory-snapshot", location.origin).href;
  const bytes = {SNAPSHOT};
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const own = [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
  const headers = {{ "X-Snapshot-Length": String(bytes.length) }};
  headers["X-Snapshot-SHA256"] = signed === "own" ? own : signed;
  await cache.put(key, new Response(bytes, {{ headers }}));
}}"""

#: What is left of a bad snapshot the test put in place (short, or zeros after Pyodide's 4-byte
#: mark, which no real snapshot is), or of a mark that a boot from it never ended.
BAD_LEFT = """async (name) => {
  const cache = await caches.open(name);
  const left = [];
  for (const request of await cache.keys()) {
    const bytes = new Uint8Array(await (await cache.match(request)).arrayBuffer());
    const zeros = !bytes.subarray(4, 4096).some((b) => b !== 0);
    if (request.url.endsWith(".trying") || bytes.length < 4096 || zeros) left.push(request.url);
  }
  return left;
}"""


@pytest.mark.browser
def test_a_bad_snapshot_means_a_normal_boot(one_figure: Path, browser: Browser) -> None:
    # A site of one figure: the snapshot is the runtime's, whatever the figures. One reader
    # meets each kind in turn. It is put in place from a page without figures (the site's
    # 404 page), so that no worker is left to make a snapshot over it.
    with reader(browser) as opened, serve(one_figure) as server:
        page = opened.page
        infos: list[str] = []
        page.on("console", lambda message: infos.append(message.text))
        for kind, (signed, said) in BAD_SNAPSHOTS.items():
            page.goto(server.url + "404.html")
            page.evaluate(PLANT, [SNAPSHOTS, signed])
            assert page.evaluate(BAD_LEFT, SNAPSHOTS), kind
            infos.clear()
            page.goto(server.url)
            all_live(page, 1)
            assert STARTED not in infos, kind
            warned = [text for text in infos if "memory snapshot" in text]
            assert warned and warned[0].startswith(said), (kind, warned)
            assert page.evaluate(BAD_LEFT, SNAPSHOTS) == [], kind
        # A good one takes the place of the last: the next visit starts from it.
        snapshot_size(page, more_than=1_000)
        page.reload()
        all_live(page, 1)
        assert STARTED in infos
        # A sandbox is handed the snapshot there is as it starts: one Pyodide refuses there is
        # left for the site's worker (a sandbox can delete nothing), and the edit runs anyway.
        page.evaluate(PLANT, [SNAPSHOTS, "own"])
        infos.clear()
        figure = live(page, "versioned")
        edit_and_run(page, open_editor(figure), shipped_source(one_figure, "versioned") + "\n")
        expect(figure).to_have_attribute("data-run", "ok", timeout=RUN_TIMEOUT)
        warned = [text for text in infos if "memory snapshot" in text]
        assert len(warned) == 1 and warned[0].startswith(REFUSED), warned
        assert page.evaluate(BAD_LEFT, SNAPSHOTS)
        assert opened.errors == []


def manifest(site: Path) -> dict[str, list[dict[str, int | str]]]:
    """The file list the build wrote into the service worker."""
    text = (site / "sw.js").read_text(encoding="utf-8")
    found = re.search(r"/\*MANIFEST\*/(\{.*?\})\)", text)
    assert found
    listed: dict[str, list[dict[str, int | str]]] = json.loads(found[1])
    return listed


def versioned(tmp: Path, version: str, options: str = "") -> Path:
    """A one-figure site whose text and figure both say which build they come from."""
    figure = (
        "from essay_site.figures.api import Frame\nCONTROLS = ()\n\n\ndef render(state):\n"
        f"    return Frame('<p class=\"built\">figure {version}</p>', 'figure {version}')\n"
    )
    markdown = f"# Essay\n\nText {version}.\n\n/// figure | versioned\n///\n"
    project = make_project(
        tmp / version, markdown, {"versioned": figure}, plugins=("offline_reading",)
    )
    if options:
        text = (project / "mkdocs.yml").read_text()
        (project / "mkdocs.yml").write_text(text.replace("  - offline_reading", options))
    return project


@pytest.fixture(scope="module")
def one_figure(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``versioned``'s first build, for the tests that only read it."""
    tmp = tmp_path_factory.mktemp("one_figure")
    return built(versioned(tmp, "one"), tmp / "site")


@pytest.mark.browser
def test_a_new_build_replaces_the_old_one_whole_and_a_build_without_it_removes_it(
    tmp_path: Path, browser: Browser
) -> None:
    # One reader through three builds: saved, replaced whole, then turned off.
    site = tmp_path / "site"
    built(versioned(tmp_path, "one"), site)
    with reader(browser) as opened, serve(site) as server:
        page = opened.page
        page.goto(server.url)
        expect(page.locator(SAVED)).to_be_visible(timeout=120_000)
        built(versioned(tmp_path, "two"), site)
        # The saved version answers whole: old text with the old figure, never a mix.
        page.reload()
        all_live(page, 1)
        expect(page.locator("article")).to_contain_text("Text one.")
        expect(page.locator(".built")).to_have_text("figure one")
        # Meanwhile the new version is saved and offered.
        prompt = page.get_by_role("button", name="Reload")
        expect(prompt).to_be_visible(timeout=120_000)
        expect(page.locator(".offline-reading")).to_contain_text("A new version of this essay")
        prompt.click()
        expect(page.locator("article")).to_contain_text("Text two.", timeout=30_000)
        all_live(page, 1)
        expect(page.locator(".built")).to_have_text("figure two")
        expect(page.locator(SAVED)).to_be_visible()
        assert len(cache_names(page)) == 1
        assert opened.errors == []

        # Turned off: the next build's worker deletes all and leaves.
        off = "  - offline_reading:\n      enabled: false"
        built(versioned(tmp_path, "three", off), site)
        assert "offline.js" not in (site / "index.html").read_text()
        # The browser checks the worker on navigation (the saved "two" answers this one).
        page.reload()
        # (The memory snapshot is Python's, not the saved site: a later boot may make one.)
        gone = """async () => !(await navigator.serviceWorker.getRegistrations()).length
                             && !(await caches.keys()).some((n) => n.startsWith("offline-"))"""
        for _ in range(300):
            if page.evaluate(gone):
                break
            page.wait_for_timeout(100)
        assert page.evaluate(gone)
        # No worker answers now (a new query string steps past the HTTP cache's old copy).
        page.goto(server.url + "?after")
        expect(page.locator("article")).to_contain_text("Text three.")
        expect(page.locator(".offline-reading")).to_have_count(0)
        assert page.evaluate("navigator.serviceWorker.controller") is None


@pytest.mark.browser
def test_from_disk_the_page_reads_whole_with_one_notice(essay_site: Path, browser: Browser) -> None:
    with reader(browser) as opened:
        page = opened.page
        page.goto((essay_site / "index.html").as_uri())
        figures = page.locator("[data-widget]")
        expect(figures).to_have_count(FIGURES)
        notice = page.locator(".live-file-notice")
        expect(notice).to_have_count(1)
        expect(notice).to_contain_text("python3 -m http.server")
        page.wait_for_timeout(1_000)
        for index in range(FIGURES):
            assert figures.nth(index).get_attribute("data-state") == "static"
            assert figures.nth(index).locator(".live-figure__output > *").count() > 0
        expect(page.locator(".offline-reading")).to_have_count(0)
        assert opened.errors == []
