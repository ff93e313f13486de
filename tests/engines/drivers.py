"""The three engines' drivers: each opens pages and runs ``scenarios.js`` in them.

Playwright drives Chromium (either build) and Playwright's own Firefox and WebKit; Debian's
Firefox ESR is driven by npm ``puppeteer-core`` over WebDriver BiDi (``firefox.mjs``), and
WebKitGTK's MiniBrowser by Selenium and WebKitWebDriver under Xvfb. No host but 127.0.0.1 is
reachable from any of them, and each says what was asked of another host (``external``), by
the page, its workers or its service worker: Chromium's context sees them all, the others send
them to a ``RecordingProxy``.
"""

from __future__ import annotations

import json
import os
import re
import socketserver
import subprocess
import threading
import warnings
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import partial
from io import BufferedIOBase
from pathlib import Path
from typing import IO, Any, Protocol, TypeVar, cast

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Request
from selenium import webdriver
from selenium.webdriver.common.proxy import Proxy, ProxyType
from selenium.webdriver.webkitgtk.options import Options
from selenium.webdriver.webkitgtk.service import Service

from essay_site.assets import cache_dir, npm_project
from essay_site.dev.browser import FIREFOX, MINIBROWSER, WEBKIT_DRIVER, XVFB, Engine
from tests.conftest import engine_build, record_errors

ENGINES_DIR = Path(__file__).parent
#: The page side: shared helpers, then the scenarios that use them.
SCENARIO_SOURCE = "\n".join(
    (ENGINES_DIR / name).read_text() for name in ("page.js", "scenarios.js")
)
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
        """Requests to any host but 127.0.0.1 (all refused) since the last ``open``: the page's,
        its workers' and its service worker's, and whatever else the browser sent its proxy."""

    def close(self) -> None:
        """Close the browser."""


class ScenarioError(AssertionError):
    """The page side of a scenario failed (a wait timed out, a control was missing)."""


class RecordingProxy:
    """An HTTP proxy on 127.0.0.1 that reaches nothing: it notes each request it is asked to
    forward (``GET http://host/path``, or ``CONNECT host:443`` for https: no path) and answers
    502. A browser sends it every request to a host but 127.0.0.1: of a page, a worker, a
    service worker or of the browser itself."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requested: list[str] = []
        note = self.note

        class Refuse(socketserver.StreamRequestHandler):
            timeout = 10  # a client that never ends its headers is dropped

            def handle(self) -> None:
                note(self.rfile)
                self.wfile.write(REFUSED)

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Refuse)
        self.server.daemon_threads = True
        self.port: int = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def note(self, stream: BufferedIOBase) -> None:
        """Note the request on ``stream`` (its first line and Host), read to its headers' end."""
        words: list[str] = []
        host = ""
        try:
            words = stream.readline(65536).decode("latin-1").split()
            for line in iter(lambda: stream.readline(65536).strip(), b""):
                name, _, value = line.decode("latin-1").partition(":")
                if name.strip().lower() == "host":
                    host = value.strip()
        except OSError:  # the timeout: the request line alone still counts
            pass
        if len(words) < 2:
            return
        method, target = words[:2]
        if method == "CONNECT":  # https (or wss): only the host is seen
            url = f"https://{target.removesuffix(':443')}"
        else:
            url = target if "://" in target else f"http://{host}{target}"
        with self.lock:
            self.requested.append(url)

    def forget(self) -> None:
        with self.lock:
            self.requested.clear()

    def seen(self) -> list[str]:
        """What was requested since the last ``forget``, in order."""
        with self.lock:
            return list(self.requested)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


REFUSED = b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


def merged(*lists: list[str]) -> list[str]:
    """Each URL of ``lists`` once, in the order first seen."""
    return list(dict.fromkeys(url for found in lists for url in found))


@dataclass
class PlaywrightDriver:
    """A browser driven by Playwright: Chromium (either build), or Playwright's own Firefox
    or WebKit, which reach other hosts only through their ``RecordingProxy``; the shared
    Chromium has none (its resolver refuses them, and a proxy would also see the browser's own
    calls to Google). Requests are seen on the context (in Chromium, also its workers')."""

    browser: Browser
    #: Playwright's own Firefox or WebKit, launched for this driver alone with this proxy.
    proxy: RecordingProxy | None = None
    context: BrowserContext | None = None
    page: Page | None = None
    seen_errors: list[str] = field(default_factory=list)
    seen_external: list[str] = field(default_factory=list)

    def open(self, url: str) -> None:
        # One profile for the session, as in the other engines (no routing: it would hide
        # the service worker's traffic); the browser itself reaches no other host.
        if self.context is None:
            self.context = self.browser.new_context()
            self.context.on("request", self.request)
        if self.page is not None:
            self.page.close()
        self.seen_errors, self.seen_external = [], []
        if self.proxy is not None:
            self.proxy.forget()
        self.page = self.context.new_page()
        record_errors(self.page, self.seen_errors)
        self.page.goto(url)

    def request(self, sent: Request) -> None:
        """Note a request of the context's pages or workers to a host but 127.0.0.1."""
        if re.match(r"(https?|wss?)://(?!127\.0\.0\.1[:/])", sent.url):
            self.seen_external.append(sent.url)

    def call(self, name: str, argument: object = None) -> Any:
        assert self.page is not None
        try:
            return self.page.evaluate(expression(name, argument))
        except Exception as error:  # Playwright's Error: the page side failed
            raise ScenarioError(str(error)) from error

    def errors(self) -> list[str]:
        return list(self.seen_errors)

    def external(self) -> list[str]:
        # Playwright's sync API delivers events only during a call: one, to take them in.
        if self.page is not None:
            self.page.evaluate("0")
        return merged(self.seen_external, self.proxy.seen() if self.proxy else [])

    def close(self) -> None:
        if self.context is not None:
            self.context.close()
        if self.proxy is not None:
            self.browser.close()
            self.proxy.close()


def firefox_runner() -> Path:
    """The Firefox runner with its pinned packages, installed into the cache on first use."""
    project = npm_project(ENGINES_DIR, RUNNER_FILES, cache_dir(), "the Firefox runner's packages")
    return project / "firefox.mjs"


class Firefox:
    """Debian's Firefox ESR, driven by puppeteer-core over WebDriver BiDi (firefox.mjs)."""

    def __init__(self) -> None:
        self.proxy = RecordingProxy()
        self.process = subprocess.Popen(
            ["node", str(firefox_runner())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "FIREFOX": FIREFOX, "PROXY_PORT": str(self.proxy.port)},
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
        self.proxy.forget()
        self.ask({"op": "goto", "url": url})

    def call(self, name: str, argument: object = None) -> Any:
        return self.ask({"op": "evaluate", "expression": expression(name, argument)})

    def errors(self) -> list[str]:
        return list(self.ask({"op": "errors"})["errors"])

    def external(self) -> list[str]:
        return merged(self.ask({"op": "errors"})["external"], self.proxy.seen())

    def close(self) -> None:
        cast(IO[str], self.process.stdin).close()  # the runner closes the browser and exits
        self.process.wait(timeout=30)
        cast(IO[str], self.process.stdout).close()
        self.proxy.close()


class WebKit:
    """WebKitGTK's MiniBrowser, driven by Selenium through WebKitWebDriver, on a private Xvfb.

    WebKitWebDriver has no console log and no way to run a script before the page's own:
    from the moment a page is open, ``console.error`` and uncaught errors are kept by the
    page itself (``scenarios.watchErrors``), and a figure that fails says so in its
    ``data-state`` (checked by every wait for live figures). An error before the page is
    open is not seen. Nor does it tell of requests: what went to a host but 127.0.0.1 is what
    the browser's ``RecordingProxy`` was asked for (the page's Resource Timing is checked too).
    """

    def __init__(self) -> None:
        self.stack = ExitStack()
        self.proxy = RecordingProxy()
        self.stack.callback(self.proxy.close)
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
        proxy = f"127.0.0.1:{self.proxy.port}"
        options.proxy = Proxy(
            {
                "proxyType": ProxyType.MANUAL,
                "httpProxy": proxy,
                "sslProxy": proxy,
                "noProxy": ["127.0.0.1"],
            }
        )
        environment = {**os.environ, "DISPLAY": f":{number}"}
        # Now and then (about one start in ten under load) WebKitWebDriver never answers the
        # new session and waits for ever: after STARTUP it is stopped and started once more.
        for attempt in range(1, ATTEMPTS + 1):
            service = Service(executable_path=WEBKIT_DRIVER, env=environment)
            try:
                driver = within(STARTUP, partial(self.session, service, options), service.stop)
                break
            except TimeoutError:
                if attempt == ATTEMPTS:
                    raise
        self.stack.callback(driver.quit)
        return driver

    @staticmethod
    def session(service: Service, options: Options) -> webdriver.WebKitGTK:
        """WebKitWebDriver started, and a session of MiniBrowser opened through it."""
        with warnings.catch_warnings():
            # Selenium's own WebKitGTK class still uses what Selenium deprecated (4.51).
            warnings.filterwarnings("ignore", "setting remote_server_addr", DeprecationWarning)
            return webdriver.WebKitGTK(service=service, options=options)

    def open(self, url: str) -> None:
        # One window, one profile: the page replaces the last one.
        self.proxy.forget()
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
        return self.proxy.seen()

    def close(self) -> None:
        self.stack.close()


#: How long WebKitWebDriver may take to open MiniBrowser: 0.2 s idle, under 1 s with both
#: cores busy. One that hangs hangs for good, so waiting longer only delays the next attempt.
STARTUP = 5
ATTEMPTS = 4
T = TypeVar("T")


def within(seconds: float, make: Callable[[], T], stop: Callable[[], object]) -> T:
    """``make()``, or if it has not returned within ``seconds``, ``stop()`` and TimeoutError."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = make()
        except BaseException as error:  # handed to the caller below
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        stop()
        thread.join(30)
        raise TimeoutError(f"not done in {seconds} s")
    if "error" in outcome:
        raise outcome["error"]
    value: T = outcome["value"]
    return value


def start(request: pytest.FixtureRequest, engine: Engine) -> Driver:
    """A driver for ``engine``'s build here (skipped, or failed under CI, if it has none)."""
    playwright: Playwright = request.getfixturevalue("playwright")
    build = engine_build(playwright, engine)
    if engine == "chromium":
        return PlaywrightDriver(request.getfixturevalue("browser"))
    if build == "playwright":
        proxy = RecordingProxy()
        settings = {"server": f"http://127.0.0.1:{proxy.port}", "bypass": "127.0.0.1"}
        try:
            browser = getattr(playwright, engine).launch(proxy=settings)
        except BaseException:
            proxy.close()
            raise
        return PlaywrightDriver(browser, proxy)
    return Firefox() if engine == "firefox" else WebKit()
