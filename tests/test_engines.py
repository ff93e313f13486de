"""The essay in the three engines readers use: Chromium, Firefox and WebKit.

One list of scenarios (``SCENARIOS``), run in each engine by its own driver
(``tests/engines/drivers.py``): Playwright's own builds of the three where they are
installed; otherwise Debian's, Chromium by Playwright, Firefox ESR by npm ``puppeteer-core``
over WebDriver BiDi, WebKitGTK's MiniBrowser by Selenium and WebKitWebDriver under Xvfb. An
engine with neither build is skipped with the command that installs it (a failure under
``CI=true``). What the page does is written once, in ``tests/engines/scenarios.js``, and
every driver evaluates that same code; the Python side only opens pages and checks the
answers. A scenario an engine cannot run is listed in ``SKIPS``, with the reason, and
reported as skipped. The last tests are the documented fallbacks for what an engine lacks
(service workers, ``navigator.connection``), in Chromium with the feature removed.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect

from essay_site.dev.browser import CHROMIUM_ARGS, ENGINES, Engine, launch_chromium
from essay_site.dev.site_server import SiteServer, serve
from tests.conftest import FIGURES, module_version, packed, record_errors, shipped_source
from tests.engines.attacks import ATTACKED, ATTACKS, ATTEMPTS, CONTAINED, HELD, HOSTILE
from tests.engines.drivers import Driver, expression, start

pytestmark = pytest.mark.browser


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


def the_toggle_switches_light_and_dark(session: Session) -> None:
    session.read()
    assert session.driver.call("palette") == {"scheme": "default", "shown": 1, "of": 2}


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


#: Hosts no engine here reaches: asked for by a reader's edit (its sandbox lets nothing out),
#: and by a worker of the site's own told to load Python from there (the guard's control).
FROM_EDIT = "http://edit.invalid/from-the-sandbox"
ELSEWHERE = "http://guard.invalid/pyodide/"
#: How long the control's request may take to be seen.
SEEN_WITHIN = 30


def code_not_the_sites_reaches_no_host(session: Session) -> None:
    # A reader's edit asks another host with the browser's own fetch (not the sandbox's file
    # server: WorkerGlobalScope's), its rejection swallowed. Its sandbox's policy lets nothing
    # out. A worker of the site's own, told to load Python from elsewhere, is seen doing so in
    # every engine (the proxy sees what WebKitWebDriver cannot): the guard would have seen the
    # edit's request, had there been one, since the control's is asked for after it. The edit
    # is to the figure edited before, in the sandbox it has (a boot is 10-27 s in WebKit), and
    # is reset after, so that the next edit starts from the shipped code.
    session.read()
    attempt = (
        f'; (lambda js: js.WorkerGlobalScope.prototype.fetch.call(js.self, "{FROM_EDIT}")'
        '.catch(lambda error: None))(__import__("js"))'
    )
    line = "EXACT_DIGITS = 21"
    edit = {"widget": "pixel_explosion", "line": line, "from": "21", "to": "21" + attempt}
    try:
        assert session.driver.call("editAndRun", edit) == {"run": "ok", "error": ""}
        session.driver.call("workerElsewhere", {"url": ELSEWHERE})
        end = time.monotonic() + SEEN_WITHIN
        seen = session.driver.external()
        while not any(ELSEWHERE in url for url in seen) and time.monotonic() < end:
            time.sleep(0.1)
            seen = session.driver.external()
    finally:
        session.driver.call("reset", {"widget": "pixel_explosion"})
        session.driver.call("forgetEdits")  # the next visit runs the shipped code
        session.driver.call("stopWorkerElsewhere")
    assert any(ELSEWHERE in url for url in seen), f"the control's request was not seen: {seen}"
    assert not any("edit.invalid" in url for url in seen), f"an edit reached a host: {seen}"
    # Engines may report the refusal and the control's failure (Firefox does); nothing else.
    errors = session.driver.errors()
    assert [e for e in errors if "edit.invalid" not in e and "guard.invalid" not in e] == []


# A figure's edit shared by a link (share.js): it round-trips, runs only on the reader's
# click, a link that cannot be offered says why, what a link's code draws is sanitised and
# what it tries reaches nothing (one link: each boots a sandbox). The last three follow links
# on the page the first opened: only the fragment changes, so its Python keeps running.

SHARED = "pixel_explosion"
#: A refusal, as engines report it: a policy's, or Firefox's of an opaque origin's worker.
REFUSED = re.compile(r"Content.Security.Policy|Security Error: Content at moz-nullprincipal")
EDIT = {"line": "BAR_BITS = 28", "from": "28", "to": "20"}
FOLLOWED = "probability_budget"


def follow(session: Session, code: str, widget: str = FOLLOWED) -> None:
    """Follow a link to this page that carries ``code`` for ``widget``: its fragment alone."""
    fields = {"edit": widget, "version": module_version(session.site, widget), "code": code}
    session.driver.call("follow", {"hash": f"#{urlencode(fields)}"})


def a_shared_edit_runs_only_when_asked(session: Session) -> None:
    session.read()
    author = session.driver.call("editLink", {"widget": SHARED, **EDIT, "n": 24})
    assert author["link"].startswith(f"{session.url}?{SHARED}.n=24#edit={SHARED}&version=")
    session.driver.call("forgetEdits")  # the author's edit is kept here; a reader has none
    # The author's address may already carry n=24 (the page keeps its state there): a query
    # of the visit's own makes the reader's visit a new page load, not a jump to a fragment.
    session.visit(author["link"].replace("?", "?reader&", 1))
    session.driver.call("allLive", {"count": FIGURES})
    # The link's view: the state in its query is restored as the page goes live.
    assert session.driver.call("values", {"widget": SHARED}) == {"n": "24"}
    seen = session.driver.call("consentToLink", {"widget": SHARED})
    # Live, as shipped, in the link's state: nothing of the link's code has run.
    before = seen["before"]
    assert "This link carries a changed version of this figure's code" in before["notice"]
    assert before["edited"] is None and before["run"] is None, before
    assert before["alt"] != author["alt"], "the shipped picture differs from the edited one"
    typed = EDIT["line"].replace(EDIT["from"], EDIT["to"])
    assert f"- {EDIT['line']}" in seen["change"] and f"+ {typed}" in seen["change"]
    # Once asked: the author's picture, marked as from a link, and not kept for a next visit.
    assert (seen["run"], seen["edited"], seen["alt"]) == ("ok", "link", author["alt"]), seen
    assert seen["kept"] == []
    assert session.driver.errors() == []


def a_link_that_cannot_be_offered_says_why(session: Session) -> None:
    # Each reason a link is refused is share.js's rule, asserted one by one under Node
    # (tests/browser_layer/share.test.mjs). Here the engine's own decompression meets a
    # damaged link: the notice says why, offers nothing to run, and the figures stay live.
    follow(session, packed(shipped_source(session.site, FOLLOWED))[:40])
    said = session.driver.call("refusedLink", {"widget": FOLLOWED})
    assert "the link is damaged" in said["text"], said
    assert "The figure shows its own code." in said["text"] and said["buttons"] == 0, said
    session.driver.call("allLive", {"count": FIGURES})
    assert session.driver.errors() == []


def what_a_links_code_draws_is_sanitised(session: Session) -> None:
    code = shipped_source(session.site, ATTACKED) + HOSTILE + ATTACKS.replace("SITE", session.url)
    follow(session, packed(code), ATTACKED)
    drawn = session.driver.call("hostileFrame", {"widget": ATTACKED})
    assert drawn["run"] == "ok", drawn
    # The harmless part of the markup stays, without the style that would cover the page.
    assert drawn["kept"] == {"text": "cover", "style": None, "position": "static"}, drawn
    assert (drawn["forms"], drawn["handlers"], drawn["ids"]) == (0, 0, 0), drawn
    # Both links were followed on the page the shared edit opened: it was never loaded anew.
    assert session.driver.call("followed") == 2
    # Refusals are reported (Chromium's of the handler as soon as the sanitiser parses it, in a
    # <template> where it could never run; Firefox's of each attempt): those, and no other error.
    assert [error for error in session.driver.errors() if not REFUSED.search(error)] == []


def a_links_code_reaches_nothing_it_must_not(session: Session) -> None:
    # The link the last scenario ran also tried, once imported, each way out of its sandbox.
    # Each attempt fails; the figure it attacked with messages under its name and the numpy it
    # patched compute as before.
    surface = session.driver.call("values", {"widget": "density_surface"})
    attack = session.driver.call("attacked", {"widget": ATTACKED})
    outcomes = attack["outcomes"]
    failed = {n: how for n, how in outcomes.items() if how not in ("refused", CONTAINED.get(n))}
    assert failed == {}, attack
    if attack["stopped"] is None:
        assert attack["done"] and len(outcomes) == ATTEMPTS, attack
    else:
        # An attempt the engine never returned from held the sandbox's worker (HELD): the
        # figure's next request was never taken, so the sandbox was stopped, and the figure
        # draws its own code and says why. Every other attempt ended, refused.
        assert attack["held"] == HELD.get(session.engine), attack
        assert "did not answer within 5 s and was stopped" in attack["stopped"], attack
        assert attack["edited"] is None and len(outcomes) == ATTEMPTS - 1, attack
    other = session.driver.call("compute", {"widget": "density_surface"})
    assert other["state"] == "live" and "attacked" not in other["text"], other
    assert "attack" not in other["caches"], other  # the site's Cache Storage, as the page sees it
    assert session.driver.call("values", {"widget": "density_surface"}) != surface
    assert session.driver.external() == []


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
    # engine here may reach, so with it gone the network is off for the page. The first visit
    # is to the notebook, a page without figures: the whole site is saved all the same.
    with serve(session.site) as server:
        session.visit(server.url + "notebooks/models-up-close/")
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
        the_toggle_switches_light_and_dark,
        an_edited_figure_runs,
        no_console_error_and_nothing_from_elsewhere,
        # Its request is made after the check that none was, on the page shared until then.
        code_not_the_sites_reaches_no_host,
        a_shared_edit_runs_only_when_asked,
        a_link_that_cannot_be_offered_says_why,
        what_a_links_code_draws_is_sanitised,
        a_links_code_reaches_nothing_it_must_not,
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
