"""The essay in the three engines readers use: Chromium, Firefox and WebKit.

One list of scenarios (``SCENARIOS``), run in each engine by its own driver: Playwright's own
builds of the three by Playwright where they are installed; otherwise Debian's, Chromium by
Playwright, Firefox ESR by npm ``puppeteer-core`` over WebDriver BiDi
(``tests/engines/firefox.mjs``), WebKitGTK's MiniBrowser by Selenium and WebKitWebDriver
under Xvfb. An engine with neither build is skipped with the command that installs it
(a failure under ``CI=true``). What the page does is written once, in
``tests/engines/scenarios.js``, and every driver evaluates that same code; the Python side
only opens pages and checks the answers. A scenario an engine cannot run is listed in
``SKIPS``, with the reason, and reported as skipped. The last tests are the documented
fallbacks for what an engine lacks (service workers, ``navigator.connection``), in Chromium
with the feature removed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol, cast

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Request, expect
from selenium import webdriver
from selenium.webdriver.common.proxy import Proxy, ProxyType
from selenium.webdriver.webkitgtk.options import Options
from selenium.webdriver.webkitgtk.service import Service

from essay_site.assets import cache_dir, npm_project
from essay_site.dev.browser import (
    CHROMIUM_ARGS,
    ENGINES,
    FIREFOX,
    MINIBROWSER,
    WEBKIT_DRIVER,
    XVFB,
    Engine,
    launch_chromium,
)
from essay_site.dev.site_server import SiteServer, serve
from tests.conftest import engine_build, record_errors

pytestmark = pytest.mark.browser

ENGINES_DIR = Path(__file__).parent / "engines"
SCENARIO_SOURCE = (ENGINES_DIR / "scenarios.js").read_text()
FIGURES = 6
#: What the Firefox runner needs: npm's lock pins every package file by its integrity hash.
RUNNER_FILES = ("package.json", "package-lock.json", "firefox.mjs")


def expression(name: str, argument: object = None) -> str:
    """The async expression every driver evaluates: the shared code, then one of its calls."""
    call = f"scenarios.{name}({json.dumps(argument)})"
    return f"(async () => {{\n{SCENARIO_SOURCE}\nreturn await {call};\n}})()"


class Driver(Protocol):
    """What a scenario needs of an engine: open a page, run shared code in it, say what failed."""

    def open(self, url: str) -> None:
        """A new tab on ``url`` in the same profile (what the last tab recorded is forgotten)."""

    def call(self, name: str, argument: object = None) -> Any:
        """Run ``scenarios.<name>(argument)`` of scenarios.js in the page; its JSON answer."""

    def errors(self) -> list[str]:
        """Console errors and uncaught exceptions of the page opened last."""

    def external(self) -> list[str]:
        """Requests of the page opened last to any host but 127.0.0.1 (all refused)."""

    def close(self) -> None:
        """Close the browser."""


class ScenarioError(AssertionError):
    """The page side of a scenario failed (a wait timed out, a control was missing)."""


#: Playwright's Firefox and WebKit reach no host but 127.0.0.1: the rest go to a dead proxy.
DEAD_PROXY = {"server": "http://127.0.0.1:9", "bypass": "127.0.0.1"}


@dataclass
class PlaywrightDriver:
    """A browser driven by Playwright: Chromium (either build), or Playwright's own Firefox
    or WebKit; no host but 127.0.0.1 is reachable (Chromium's resolver, or a dead proxy)."""

    browser: Browser
    #: Launched for this driver alone (not the suite's shared Chromium): closed with it.
    own: bool = False
    context: BrowserContext | None = None
    page: Page | None = None
    seen_errors: list[str] = field(default_factory=list)
    seen_external: list[str] = field(default_factory=list)

    def open(self, url: str) -> None:
        # One profile for the session, as in the other engines (no routing: it would hide
        # the service worker's traffic); the browser itself reaches no other host.
        if self.context is None:
            self.context = self.browser.new_context()
        if self.page is not None:
            self.page.close()
        self.seen_errors, self.seen_external = [], []
        self.page = self.context.new_page()
        record_errors(self.page, self.seen_errors)

        def request(sent: Request) -> None:
            if re.match(r"(https?|wss?)://(?!127\.0\.0\.1[:/])", sent.url):
                self.seen_external.append(sent.url)

        self.page.on("request", request)
        self.page.goto(url)

    def call(self, name: str, argument: object = None) -> Any:
        assert self.page is not None
        try:
            return self.page.evaluate(expression(name, argument))
        except Exception as error:  # Playwright's Error: the page side failed
            raise ScenarioError(str(error)) from error

    def errors(self) -> list[str]:
        return list(self.seen_errors)

    def external(self) -> list[str]:
        return list(self.seen_external)

    def close(self) -> None:
        if self.context is not None:
            self.context.close()
        if self.own:
            self.browser.close()


def firefox_runner() -> Path:
    """The Firefox runner with its pinned packages, installed into the cache on first use."""
    project = npm_project(ENGINES_DIR, RUNNER_FILES, cache_dir(), "the Firefox runner's packages")
    return project / "firefox.mjs"


class Firefox:
    """Debian's Firefox ESR, driven by puppeteer-core over WebDriver BiDi (firefox.mjs)."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            ["node", str(firefox_runner())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "FIREFOX": FIREFOX},
        )

    def ask(self, command: dict[str, str]) -> Any:
        """Send one command to the runner; its answer."""
        stdin, stdout = cast(IO[str], self.process.stdin), cast(IO[str], self.process.stdout)
        stdin.write(json.dumps(command) + "\n")
        stdin.flush()
        line = stdout.readline()
        if not line:
            raise RuntimeError(f"the Firefox runner exited ({self.process.wait()})")
        answer: dict[str, Any] = json.loads(line)
        if "error" in answer:
            raise ScenarioError(answer["error"])
        return answer["value"]

    def open(self, url: str) -> None:
        self.ask({"op": "goto", "url": url})

    def call(self, name: str, argument: object = None) -> Any:
        return self.ask({"op": "evaluate", "expression": expression(name, argument)})

    def errors(self) -> list[str]:
        return list(self.ask({"op": "errors"})["errors"])

    def external(self) -> list[str]:
        return list(self.ask({"op": "errors"})["external"])

    def close(self) -> None:
        cast(IO[str], self.process.stdin).close()  # the runner closes the browser and exits
        self.process.wait(timeout=30)
        cast(IO[str], self.process.stdout).close()


class WebKit:
    """WebKitGTK's MiniBrowser, driven by Selenium through WebKitWebDriver, on a private Xvfb.

    WebKitWebDriver has no console log and no way to run a script before the page's own:
    from the moment a page is open, ``console.error`` and uncaught errors are kept by the
    page itself (``scenarios.watchErrors``), and a figure that fails says so in its
    ``data-state`` (checked by every wait for live figures). An error before the page is
    open is not seen. Requests are not observable either: the browser is given a proxy on a
    dead port for every host but 127.0.0.1, and the page's Resource Timing is checked.
    """

    def __init__(self) -> None:
        self.stack = ExitStack()
        try:
            self.driver = self.start()
        except BaseException:
            self.stack.close()
            raise
        self.driver.set_script_timeout(200)

    def start(self) -> webdriver.WebKitGTK:
        """Xvfb on a free display, then WebKitWebDriver and MiniBrowser on it."""
        read, write = os.pipe()
        xvfb = subprocess.Popen(
            [XVFB, "-displayfd", str(write), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
            pass_fds=(write,),
            stderr=subprocess.DEVNULL,
        )
        os.close(write)
        self.stack.callback(xvfb.wait, 10)
        self.stack.callback(xvfb.terminate)
        with os.fdopen(read) as display:
            number = display.readline().strip()
        assert number, "Xvfb did not start"
        options = Options()
        options.binary_location = MINIBROWSER
        options.add_argument("--automation")
        dead = "127.0.0.1:9"
        options.proxy = Proxy(
            {
                "proxyType": ProxyType.MANUAL,
                "httpProxy": dead,
                "sslProxy": dead,
                "noProxy": ["127.0.0.1"],
            }
        )
        environment = {**os.environ, "DISPLAY": f":{number}"}
        with warnings.catch_warnings():
            # Selenium's own WebKitGTK class still uses what Selenium deprecated (4.51).
            warnings.filterwarnings("ignore", "setting remote_server_addr", DeprecationWarning)
            service = Service(executable_path=WEBKIT_DRIVER, env=environment)
            driver = webdriver.WebKitGTK(service=service, options=options)
        self.stack.callback(driver.quit)
        return driver

    def open(self, url: str) -> None:
        # One window, one profile: the page replaces the last one.
        self.driver.get(url)
        self.call("watchErrors")

    def call(self, name: str, argument: object = None) -> Any:
        script = (
            "const done = arguments[arguments.length - 1];\n"
            f"{expression(name, argument)}.then((value) => done({{ value }}),"
            " (error) => done({ error: String((error && error.message) || error) }));"
        )
        answer: dict[str, Any] = self.driver.execute_async_script(script)
        if "error" in answer:
            raise ScenarioError(answer["error"])
        return answer.get("value")

    def errors(self) -> list[str]:
        return list(self.call("watchedErrors"))

    def external(self) -> list[str]:
        return []  # not observable here; see the class docstring and `elsewhere`

    def close(self) -> None:
        self.stack.close()


@dataclass
class Session:
    """One engine, with the essay served once and a page on it that scenarios share."""

    engine: str
    driver: Driver
    site: Path
    url: str
    reading: bool = False

    def read(self) -> None:
        """The essay open with every figure live (opened once, then shared by scenarios)."""
        if not self.reading:
            self.driver.open(self.url)
            self.driver.call("allLive", {"count": FIGURES})
            self.reading = True

    def visit(self, url: str) -> None:
        """Open another page: the shared one is gone."""
        self.reading = False
        self.driver.open(url)


def red(colour: str) -> bool:
    """Whether a computed CSS colour (rgb or rgba) is a clear red."""
    numbers = [float(part) for part in re.findall(r"[\d.]+", colour)[:3]]
    return len(numbers) == 3 and numbers[0] > 150 and numbers[1] < 100 and numbers[2] < 100


# The scenarios: each opens what it needs, lets scenarios.js act and observe, and checks.


def every_figure_goes_live(session: Session) -> None:
    session.read()


def each_control_changes_its_figure(session: Session) -> None:
    session.read()
    outcomes = session.driver.call("everyControl")
    assert {outcome["widget"] for outcome in outcomes} >= {"pixel_explosion", "density_surface"}
    assert len(outcomes) >= 30, outcomes
    assert [o for o in outcomes if not (o["framed"] and o["changed"])] == []


def pixel_label_turns_red_at_28(session: Session) -> None:
    session.read()
    at_27 = session.driver.call("pixelLabel", {"n": 27})
    at_28 = session.driver.call("pixelLabel", {"n": 28})
    assert at_27["n"] == "27" and not at_27["over"] and not red(at_27["colour"]), at_27
    assert at_28["n"] == "28" and at_28["over"] and red(at_28["colour"]), at_28


def it_prints_with_its_values(session: Session) -> None:
    session.read()
    session.driver.call("pixelLabel", {"n": 28})
    printed = session.driver.call("printed")
    assert printed["rules"] > 0
    assert not printed["status"] and not printed["code"] and not printed["slider"], printed
    assert printed["control"] and "28" in printed["controlText"], printed


def an_edited_figure_runs(session: Session) -> None:
    session.read()
    edit = {"widget": "pixel_explosion", "line": "BAR_BITS = 28", "from": "28", "to": "20"}
    outcome = session.driver.call("editAndRun", edit)
    assert outcome == {"run": "ok", "error": ""}
    assert session.driver.call("pixelLabel", {"n": 22})["over"]  # red from 20 now
    # Edits are kept per origin: later visits must run the shipped code.
    session.driver.call("forgetEdits")


def no_console_error_and_nothing_from_elsewhere(session: Session) -> None:
    session.read()
    assert session.driver.errors() == []
    assert session.driver.external() == []
    assert session.driver.call("elsewhere") == []


def a_shared_link_restores_state(session: Session) -> None:
    session.visit(session.url + "?pixel_explosion.n=28")
    session.driver.call("allLive", {"count": FIGURES})
    assert session.driver.call("values", {"widget": "pixel_explosion"}) == {"n": "28"}
    assert session.driver.call("pixelLabel", {"n": 28})["over"]
    assert session.driver.errors() == []


def from_disk_it_reads_whole_with_one_notice(session: Session) -> None:
    session.visit((session.site / "index.html").as_uri())
    seen = session.driver.call("fromDisk")
    assert seen["notices"] == 1 and "python3 -m http.server" in seen["text"], seen
    assert seen["states"] == ["static"] * FIGURES, seen
    assert all(seen["pictures"]), seen
    assert seen["offlineStatus"] == 0
    assert session.driver.errors() == []


def the_second_visit_reads_with_the_network_off(session: Session) -> None:
    # A server of its own, stopped after the first visit: 127.0.0.1 is the only host any
    # engine here may reach, so with it gone the network is off for the page.
    with serve(session.site) as server:
        session.visit(server.url)
        session.driver.call("allLive", {"count": FIGURES})
        session.driver.call("saved")
    session.visit(server.url)
    session.driver.call("allLive", {"count": FIGURES})
    assert session.driver.call("offlineStatus") == {"text": "Available offline", "saved": True}
    assert session.driver.errors() == []


#: Every scenario, in the order each engine runs them (the shared page first).
SCENARIOS: dict[str, Callable[[Session], None]] = {
    scenario.__name__: scenario
    for scenario in (
        every_figure_goes_live,
        each_control_changes_its_figure,
        pixel_label_turns_red_at_28,
        it_prints_with_its_values,
        an_edited_figure_runs,
        no_console_error_and_nothing_from_elsewhere,
        a_shared_link_restores_state,
        from_disk_it_reads_whole_with_one_notice,
        the_second_visit_reads_with_the_network_off,
    )
}

#: Why a scenario is skipped in an engine: it cannot run there, or another test asserts the
#: same more closely. The only place a scenario is skipped.
SKIPS: dict[tuple[str, str], str] = {
    ("chromium", "from_disk_it_reads_whole_with_one_notice"): (
        "in Chromium, test_offline_reading.py::test_from_disk_the_page_reads_whole_with_one_notice"
    ),
    ("chromium", "the_second_visit_reads_with_the_network_off"): (
        "in Chromium, test_offline_reading.py::"
        "test_second_visit_with_the_network_off_reads_everything"
    ),
}


def start(request: pytest.FixtureRequest, engine: Engine) -> Driver:
    """A driver for ``engine``'s build here (skipped, or failed under CI, if it has none)."""
    playwright: Playwright = request.getfixturevalue("playwright")
    build = engine_build(playwright, engine)
    if engine == "chromium":
        return PlaywrightDriver(request.getfixturevalue("browser"))
    if build == "playwright":
        return PlaywrightDriver(getattr(playwright, engine).launch(proxy=DEAD_PROXY), own=True)
    return Firefox() if engine == "firefox" else WebKit()


@pytest.fixture(scope="module", params=ENGINES)
def session(request: pytest.FixtureRequest) -> Iterator[Session]:
    engine: Engine = request.param
    driver = start(request, engine)
    essay_site: Path = request.getfixturevalue("essay_site")
    try:
        with serve(essay_site) as server:
            yield Session(engine, driver, essay_site, server.url)
    finally:
        driver.close()


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_engine(session: Session, scenario: str) -> None:
    reason = SKIPS.get((session.engine, scenario))
    if reason:
        pytest.skip(reason)
    SCENARIOS[scenario](session)


# Fallbacks: what a browser lacks, removed from Chromium before the page's scripts run.

REGISTRATIONS = "async () => (await navigator.serviceWorker.getRegistrations()).length"


@contextmanager
def lacking(browser: Browser, site: Path, feature: str) -> Iterator[tuple[Page, SiteServer]]:
    """The essay, every figure live, in a Chromium whose navigator lacks ``feature``."""
    context = browser.new_context()
    context.add_init_script(f"delete Navigator.prototype.{feature}")
    page = context.new_page()
    errors: list[str] = []
    record_errors(page, errors)
    with serve(site) as server:
        page.goto(server.url)
        assert page.evaluate(f"'{feature}' in navigator") is False
        page.evaluate(expression("allLive", {"count": FIGURES}))
        yield page, server
    context.close()
    assert errors == []


def test_without_service_workers_the_page_still_reads_online(
    essay_site: Path, browser: Browser
) -> None:
    # As in a browser without them (or with them turned off): no offline status, no error.
    with lacking(browser, essay_site, "serviceWorker") as (page, server):
        page.wait_for_timeout(1_000)  # were a registration to fail, it would have by now
        expect(page.locator(".offline-reading")).to_have_count(0)
        assert not any(served.file.name == "sw.js" for served in server.log)


def test_without_navigator_connection_it_saves_as_without_data_saver(
    essay_site: Path, browser: Browser
) -> None:
    # Firefox and Safari have no navigator.connection: no data saver to respect, so the site
    # is saved once the first figure is live, with no button to press.
    with lacking(browser, essay_site, "connection") as (page, _):
        expect(page.locator(".offline-reading")).to_contain_text(
            re.compile("Saving for offline reading|Available offline"), timeout=60_000
        )
        assert page.evaluate(REGISTRATIONS) == 1
        expect(page.get_by_role("button", name="Save for offline reading")).to_have_count(0)


def test_without_a_secure_context_figures_still_go_live(
    essay_site: Path, playwright: Playwright
) -> None:
    # Plain http from a name other than localhost (a LAN address, say): no service worker and
    # no Cache API, so no offline copy and no memory snapshot, but the figures work.
    rules = "--host-resolver-rules=MAP lan.test 127.0.0.1 , MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"
    args = [arg for arg in CHROMIUM_ARGS if not arg.startswith("--host-resolver-rules")]
    browser = launch_chromium(playwright, [*args, rules])
    page = browser.new_page()
    errors: list[str] = []
    record_errors(page, errors)
    with serve(essay_site) as server:
        page.goto(server.url.replace("127.0.0.1", "lan.test"))
        assert page.evaluate("[isSecureContext, typeof caches]") == [False, "undefined"]
        page.evaluate(expression("allLive", {"count": FIGURES}))
        expect(page.locator(".offline-reading")).to_have_count(0)
    browser.close()
    assert errors == []


# Where no build of an engine is installed (a contributor's machine, say).


def run_with_no_browsers(tmp_path: Path, ci: str) -> subprocess.CompletedProcess[str]:
    """One scenario in each engine, with Debian's builds and Playwright's pointed nowhere."""
    nowhere = tmp_path / "nowhere"
    env = {
        **os.environ,
        "CHROMIUM": str(nowhere / "chromium"),
        "FIREFOX": str(nowhere / "firefox-esr"),
        "WEBKIT_DRIVER": str(nowhere / "WebKitWebDriver"),
        "PLAYWRIGHT_BROWSERS_PATH": str(nowhere),
        "CI": ci,
    }
    command = ["pytest", "-p", "no:cacheprovider", "-rsE", "-k", "every_figure_goes_live"]
    return subprocess.run(
        [sys.executable, "-m", *command, str(Path(__file__))],
        env=env,
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent.parent,
        check=False,
    )


@pytest.mark.parametrize("ci", ["", "true"])
def test_an_engine_with_no_build_is_skipped_with_its_install_command(
    tmp_path: Path, ci: str
) -> None:
    result = run_with_no_browsers(tmp_path, ci)
    for engine in ENGINES:
        assert f"{engine} is not installed: run `python -m playwright install {engine}`" in (
            result.stdout
        ), result.stdout
    if ci:  # nothing may be skipped in CI: each is an error, and the run fails
        assert result.returncode == 1 and "3 errors" in result.stdout, result.stdout
        assert "under CI=true no engine may be skipped" in result.stdout
    else:
        assert result.returncode == 0 and "3 skipped" in result.stdout, result.stdout
