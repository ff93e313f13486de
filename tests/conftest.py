"""Shared fixtures: real ``mkdocs build`` runs, a local server and an offline Chromium."""

from __future__ import annotations

import os

# Before numpy loads OpenBLAS: the suite already runs a test per core, and BLAS threads on top
# only wait for each other (spinning), which made a refit three times slower under load.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import base64
import json
import re
import shutil
import zlib
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from mkdocs.utils.yaml import yaml_load
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Locator,
    Page,
    Playwright,
    Request,
    expect,
    sync_playwright,
)

from essay_site.dev.browser import (
    Build,
    Engine,
    build_of,
    how_to_install,
    launch_chromium,
)
from essay_site.dev.build import mkdocs_build
from essay_site.dev.site_server import Fault, SiteServer, serve
from tests import faults
from tests.scheduling import LONGEST, FilesAndEngines

ROOT = Path(__file__).resolve().parent.parent
#: The essay's live figures, as the manuscript places them.
FIGURES = 6

#: The essay's page shared by a process's browser tests (its ``essay`` fixture).
pytest_plugins = ["tests.shared_pages"]

# Property tests check values, not speed: on a loaded 2-core CI machine one example may
# take longer than Hypothesis's default 200 ms deadline.
settings.register_profile("project", deadline=None)
settings.load_profile("project")


def make_project(
    tmp: Path,
    markdown: str,
    figures: dict[str, str] | None = None,
    options: str = "",
    plugins: tuple[str, ...] = (),
    frame_classes: tuple[str, ...] = ("calm", "prerendered", "chain", "built"),
) -> Path:
    """A minimal MkDocs project using the real figures folder plus extra test figures.

    Their frames may use the essay's class names (its mkdocs.yml's ``frame_classes`` and
    ``placed_classes``) and ``frame_classes``: by default, those the suite's own figures use
    (faults.py's, test_imports.py's, test_offline_reading.py's, test_shared_origin.py's).
    """
    project = tmp / "project"
    shutil.copytree(ROOT / "widgets", project / "widgets", ignore=shutil.ignore_patterns("__py*"))
    for name, source in (figures or {}).items():
        (project / "widgets" / f"{name}.py").write_text(source)
    (project / "docs").mkdir()
    (project / "docs" / "index.md").write_text(markdown)
    with (ROOT / "mkdocs.yml").open(encoding="utf-8") as file:
        entries = yaml_load(file)["plugins"]
    essay = next(
        entry["figures"] for entry in entries if isinstance(entry, dict) and "figures" in entry
    )
    classes = json.dumps([*essay["frame_classes"], *frame_classes])
    own = f"      frame_classes: {classes}\n"
    own += f"      placed_classes: {json.dumps(essay['placed_classes'])}"
    plugin = f"  - figures:\n{own}" + (f"\n{options}" if options else "")
    plugin += "".join(f"\n  - {name}" for name in plugins)
    (project / "mkdocs.yml").write_text(
        "site_name: Test\ntheme:\n  name: material\n  font: false\n"
        f"plugins:\n{plugin}\nmarkdown_extensions:\n  - md_in_html\n"
    )
    return project


def built(project: Path, site: Path) -> Path:
    """``project`` built into ``site`` with ``mkdocs build --strict``; a failed build fails."""
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture(scope="session")
def essay_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real essay, built once with ``mkdocs build --strict``."""
    return built(ROOT, tmp_path_factory.mktemp("essay") / "site")


@pytest.fixture(scope="session")
def fault_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site with faulty figures beside a good one, and short runtime timeouts: 6 s of network
    silence, 25 s of a worker saying nothing (well above the "busy" fault's 10 s of computing),
    7 s for a reader's run (an edit that never ends; not render_timeout's 5 s: the message tells
    which watch stopped it)."""
    tmp = tmp_path_factory.mktemp("faults")
    options = "      runtime_timeout: 6\n      busy_timeout: 25\n      run_timeout: 7"
    project = make_project(tmp, faults.PAGE, faults.FIGURES, options=options)
    return built(project, tmp / "site")


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


def engine_build(playwright: Playwright, engine: Engine) -> Build:
    """The build of ``engine`` to drive; if none, the test is skipped (failed under CI)."""
    build = build_of(playwright, engine)
    if build is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{how_to_install(engine)} (under CI=true no engine may be skipped)")
        pytest.skip(how_to_install(engine))
    return build


#: A reader's run: a figure's first run starts its sandbox's own Python (about 2 s here, on
#: its own; with the suite's other process busy, more), so the ceiling stands well above.
RUN_TIMEOUT = 60_000

#: Where a site served at "/" keeps a reader's edit of pixel_explosion (its scope is "/").
KEPT = "figures / edit pixel_explosion"
#: Keeps an edit for that figure, as a reader's earlier visit did.
STORE = f"e => localStorage.setItem('{KEPT}', JSON.stringify(e))"
#: The edit kept for it, or None.
RECALL = f"JSON.parse(localStorage.getItem('{KEPT}'))"

#: From now on, each figure that goes (back) to loading, in ``window.restarted``.
WATCH_RESTARTS = """() => {
  window.restarted = [];
  new MutationObserver((changes) => changes.forEach(({ target }) => {
    if (target.dataset.state === "loading") window.restarted.push(target.dataset.widget);
  })).observe(document.body, { subtree: true, attributes: true, attributeFilter: ["data-state"] });
}"""

#: Pyodide's numpy, the one package the essay's figures import.
NUMPY_WHEEL = "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl"

#: A control's value as the page was built (what permalink.js calls built): a checkbox's
#: ``defaultChecked``, a menu's ``defaultSelected`` option (else its first), else
#: ``defaultValue``.
BUILT_VALUE = """(control) => control.type === "checkbox" ? control.defaultChecked
  : control instanceof HTMLSelectElement
    ? ([...control.options].find((o) => o.defaultSelected) ?? control.options[0]).value
    : control.defaultValue"""

#: What a page served over plain http from another machine lacks: no secure context, so no
#: clipboard API (127.0.0.1 is a secure context, so a test takes it away with this script).
NO_CLIPBOARD = "Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined })"

#: Python boots in the shared Chromium: each is one fetch of Pyodide's ``.wasm`` by a page's
#: worker (from the server or the offline copy), counted to keep the suite's boots in view.
BOOTS = {"here": 0, "workers": 0}


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    engine_build(playwright, "chromium")
    browser = launch_chromium(playwright)
    new_context = browser.new_context

    def counted(**options: Any) -> BrowserContext:
        context = new_context(**options)
        context.on("request", lambda request: count_boot(request.url))
        return context

    # Every test's context comes from here: the one place to see every boot.
    browser.new_context = counted  # type: ignore[method-assign]
    yield browser
    browser.close()


def count_boot(url: str) -> None:
    """Count a request for Pyodide's ``.wasm``: one Python boot."""
    if url.endswith("/pyodide.asm.wasm"):
        BOOTS["here"] += 1


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> FilesAndEngines:
    """Units of work by file and engine (xdist's own groups do not reach pytest 9's node
    ids), in the order collected: see ``pytest_collection_modifyitems``."""
    return FilesAndEngines(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest files first, in LONGEST's order (a stable sort: each file's own order
    stays)."""
    rank = {name: index for index, name in enumerate(LONGEST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(LONGEST)))


def pytest_sessionfinish(session: pytest.Session) -> None:
    """In a pytest-xdist worker, hand the boots counted here to the main process."""
    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        output["boots"] = BOOTS["here"]


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """Add up the boots of each pytest-xdist worker as it finishes."""
    BOOTS["workers"] += node.workeroutput.get("boots", 0)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say how many times the suite started Python in Chromium."""
    boots = BOOTS["here"] + BOOTS["workers"]
    terminalreporter.write_line(f"Pyodide boots in Chromium this run: {boots}")


def record_errors(page: Page, errors: list[str]) -> None:
    """Append to ``errors`` every console error and uncaught exception of ``page``.

    Each says where it came from (the script, or the page's address), so a failure that shows
    up only under load can be traced from the log.
    """

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"{message.text} (console, {message.location.get('url') or page.url})")

    page.on("console", console)

    def uncaught(error: Error) -> None:
        errors.append(f"{error} (uncaught, {page.url}) {error.stack or ''}".rstrip())

    page.on("pageerror", uncaught)


@dataclass
class Visit:
    """A page opened on a local site, with everything that went wrong recorded."""

    page: Page
    server: SiteServer
    external: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def open_page(context: BrowserContext, server: SiteServer, path: str = "") -> Visit:
    """A new page of ``context`` on ``server``, recording off-machine requests (the browser's
    resolver refuses every host but 127.0.0.1: ``CHROMIUM_ARGS``)."""
    page = context.new_page()
    result = Visit(page, server)

    def seen(request: Request) -> None:
        # A sandbox's worker and modules start from blobs the page made: no host is asked.
        if not request.url.startswith((server.url, "blob:")):
            result.external.append(request.url)

    # Watched, not routed: a route turns the profile's HTTP cache off, and with it the
    # compiled WebAssembly that a reload would start from.
    context.on("request", seen)
    record_errors(page, result.errors)
    page.goto(server.url + path)
    return result


@pytest.fixture
def visit(browser: Browser) -> Iterator[Callable[..., Visit]]:
    """Open a built site in a fresh profile, recording off-machine requests.

    The profile is a browser's without service workers (as Firefox's private windows): the
    requests a service worker makes are not among the profile's request events, and the
    watch must see every request. Offline reading, the site's service worker, has tests of
    its own.
    """
    stack = ExitStack()

    def open_site(site: Path, faults: dict[str, Fault] | None = None, path: str = "") -> Visit:
        server = stack.enter_context(serve(site))
        server.faults.update(faults or {})
        browser_context = browser.new_context()
        browser_context.add_init_script("delete Navigator.prototype.serviceWorker")
        stack.callback(browser_context.close)
        return open_page(browser_context, server, path)

    with stack:
        yield open_site


def live(page: Page, widget: str) -> Locator:
    """The figure named ``widget``, once it is live (Python has drawn it)."""
    figure = page.locator(f'[data-widget="{widget}"]')
    figure.and_(page.locator('[data-state="live"]')).wait_for(timeout=90_000)
    # Readers use figures on screen; off screen, the page skips rendering them.
    figure.scroll_into_view_if_needed()
    # Counted from now on (one listener, though a shared page's figure is found again).
    figure.evaluate(
        "root => { if (root.frames === undefined) "
        "root.addEventListener('figure:frame', () => root.frames++); root.frames = 0; }"
    )
    return figure


def all_live(page: Page, count: int) -> list[Locator]:
    """The page's ``count`` figures, once every one of them is live."""
    figures = page.locator("[data-widget]")
    expect(figures).to_have_count(count)
    for index in range(count):
        expect(figures.nth(index)).to_have_attribute("data-state", "live", timeout=90_000)
    return [figures.nth(index) for index in range(count)]


def frames(figure: Locator) -> int:
    """How many frames a figure returned by ``live`` has painted since."""
    count: int = figure.evaluate("root => root.frames")
    return count


def wait_for_frame(figure: Locator, after: int) -> None:
    """Wait until the figure has painted more than ``after`` frames (30 s at most)."""
    figure.evaluate(
        """(root, after) => new Promise((resolve, reject) => {
             const late = new Error(`no frame after ${after} in 30 s`);
             const stop = setTimeout(() => reject(late), 30000);
             const check = () =>
               root.frames > after ? (clearTimeout(stop), resolve()) : setTimeout(check, 10);
             check();
           })""",
        after,
    )


def canvas_image(figure: Locator) -> str:
    """What a figure's canvases show, as data URLs (to tell whether the picture changed)."""
    images: str = figure.evaluate(
        "root => [...root.querySelectorAll('canvas')].map(c => c.toDataURL()).join()"
    )
    return images


def open_editor(figure: Locator) -> Locator:
    """The figure's "Python" disclosure, opened and turned into an editor."""
    code = figure.locator("details.live-figure__code")
    code.locator("summary").click()
    code.get_by_role("button", name="Edit").click()
    expect(code.locator(".cm-content")).to_be_visible()
    return code


def type_source(page: Page, code: Locator, source: str) -> None:
    """Replace the whole source in the editor, as a reader would."""
    code.locator(".cm-content").click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.insert_text(source)


def edit_and_run(page: Page, code: Locator, source: str) -> None:
    """Replace the whole source in the editor and run it (Ctrl+Enter)."""
    type_source(page, code, source)
    page.keyboard.press("ControlOrMeta+Enter")


def shipped_source(site: Path, widget: str) -> str:
    """A figure's module as the built site ships it to the browser."""
    return (site / f"assets/figures/py/widgets/{widget}.py").read_text()


def packed(source: str) -> str:
    """Source as a shared edit's link carries it: raw deflate, then base64url (share.js)."""
    squeezer = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = squeezer.compress(source.encode()) + squeezer.flush()
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def module_version(site: Path, widget: str) -> str:
    """The version of a figure's module on the built essay page, which a link must name."""
    page = (site / "index.html").read_text()
    pattern = rf'data-widget="{widget}".*?data-version="(\w+)"[^>]*>\s*<summary'
    found = re.search(pattern, page, re.S)
    assert found, f"no version of {widget} in the page"
    return found[1]
